import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeExportFile } from '../../bench/generate.js';
import { Sandbox } from '../helpers.js';
import { auditOf, rowCounts } from '../core/import-fixture.js';

// `tpt import` loads with a rollback journal inside its one transaction (issue 16): the journal
// must keep the import all-or-nothing through a crash, and hold nothing in clear.

const BIN = new URL('../../bin/tpt.js', import.meta.url).pathname;

let box: Sandbox;
beforeEach(() => {
  box = new Sandbox();
});
afterEach(() => box.cleanup());

describe('a bulk import', () => {
  it('killed outright while its rollback journal is on disk leaves the database as it was', async () => {
    expect(box.spawn(['init']).code).toBe(0);
    const marker = 'Talked about the lighthouse keeper Oswaldine';
    for (let i = 0; i < 30; i++) {
      expect(box.spawn(['log-session', '--client', 'c-before', '--mood', '1', '--summary', `${marker} ${i}`]).code).toBe(0);
    }
    const file = join(box.home, 'practice.json');
    writeExportFile(file, { clients: 40, sessions: 20_000, goals: 80, milestones: 200, years: 2 }, 7);

    const journal = `${box.dbPath}-journal`;
    const child = spawn(process.execPath, [BIN, '--no-input', 'import', file], { env: box.env, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
    let seen: { mode: number; bytes: string } | undefined;
    while (child.exitCode === null && !seen) {
      if (existsSync(journal)) {
        try {
          seen = { mode: statSync(journal).mode & 0o777, bytes: readFileSync(journal).toString('latin1') };
          child.kill('SIGKILL');
        } catch {
          // gone between the two calls: look again
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(await exited).toBe('SIGKILL');
    expect(seen).toBeDefined();
    expect(seen!.mode).toBe(0o600);
    expect(seen!.bytes).not.toContain('Oswaldine');
    expect(seen!.bytes).not.toContain('client-001');

    // The next run rolls the hot journal back: the sessions before the import, none of the file's.
    const after = box.spawn(['--json', 'clients']);
    expect(after.code).toBe(0);
    expect((JSON.parse(after.stdout) as { client_id: string }[]).map((client) => client.client_id)).toEqual(['c-before']);
    expect(box.spawn(['check']).code).toBe(0);
    expect(box.spawn(['log-session', '--client', 'c-before', '--mood', '0', '--summary', 'after the crash']).code).toBe(0);
    // A journal killed before its first sync keeps a zeroed header, which SQLite never plays back.
    if (existsSync(journal)) {
      expect(statSync(journal).mode & 0o777).toBe(0o600);
      expect(readFileSync(journal).toString('latin1')).not.toContain('Oswaldine');
    }

    // And the import, run again to the end, writes it all, and its journal goes with its commit.
    expect(box.spawn(['--no-input', 'import', file]).code).toBe(0);
    expect(JSON.parse(box.spawn(['--json', 'clients']).stdout)).toHaveLength(41);
    expect(existsSync(journal)).toBe(false);
    expect(box.spawn(['check']).code).toBe(0);
  }, 120_000);

  it('refuses the whole file for one bad record deep inside it: exit 2, one line naming it, nothing written', () => {
    expect(box.spawn(['init']).code).toBe(0);
    expect(box.spawn(['log-session', '--client', 'c-before', '--mood', '1', '--summary', 'Before the import']).code).toBe(0);
    const file = join(box.home, 'practice.json');
    writeExportFile(file, { clients: 40, sessions: 20_000, goals: 80, milestones: 200, years: 2 }, 7);
    const lines = readFileSync(file, 'utf8').split('\n');
    const before = rowCounts(box);
    const cases: [string, (line: string) => boolean, (line: string) => string, RegExp][] = [
      // the file's very last record, a milestone (fast path → schema for the message)
      ['last milestone', (line) => line.startsWith('{"milestone_id"'), (line) => line.replace(/"significance":"\w+"/, '"significance":"huge"'),
        /^.*milestone "ms-\d+" of client "client-40": unknown significance "huge": use one of low, medium, high$/],
      // a session in the middle of the file
      ['session', (line) => line.includes('"session_id":"ses-12000"'), (line) => line.replace(/"emotional_state":"\w+"/, '"emotional_state":"ecstatic"'),
        /session "ses-12000" of client "client-\d+": .*mood/i],
      // a goal's history entry
      ['goal history', (line) => line.startsWith('{"goal_id"'), (line) => line.replace('"actor":"bench"', '"actor":""'),
        /goal "goal-\d+" of client "client-\d+": history\.0\.actor: history actor cannot be empty$/],
    ];
    for (const [index, [what, find, spoil, message]] of cases.entries()) {
      const at = what === 'last milestone' ? lines.findLastIndex(find) : lines.findIndex(find);
      expect(at, what).toBeGreaterThan(0);
      const spoiled = [...lines];
      spoiled[at] = spoil(lines[at]!);
      expect(spoiled[at], what).not.toBe(lines[at]);
      writeFileSync(file, spoiled.join('\n'));
      const result = box.spawn(['--no-input', 'import', file]);
      expect(result.code, what).toBe(2);
      expect(result.stderr.trim().split('\n'), what).toHaveLength(1);
      expect(result.stderr.trim(), what).toMatch(message);
      expect(rowCounts(box), what).toEqual(before);
      // Only the refused attempts are on record (tpt audits those with no client), no client's import.
      expect(auditOf(box, 'import'), what).toEqual(Array.from({ length: index + 1 }, () => [null, null]));
      expect(existsSync(`${box.dbPath}-journal`), what).toBe(false);
    }
    expect(box.spawn(['check']).code).toBe(0);
  }, 120_000);
});
