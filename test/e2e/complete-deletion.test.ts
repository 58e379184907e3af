import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCipher } from '../../src/db/connection.js';
import { Database } from '../../src/db/driver.js';
import { Sandbox } from '../helpers.js';
import { filesHolding, keysUnder } from '../page-scan.js';

/**
 * Issue 28, findings 1 and 2: no copy of the records outlives a purge. Every file tpt wrote in
 * the data directory is decrypted page by page (free pages and the WAL included) with every key
 * tpt holds, and searched for the purged client's text.
 */

const BIN = new URL('../../bin/tpt.js', import.meta.url).pathname;
const GONE = 'GONECLIENTTEXT '.repeat(30);
const KEEP = 'KEPTCLIENTTEXT '.repeat(30);

function session(client: string, i: number, text: string) {
  return {
    session_id: `${client}-s${i}`, client_id: client, timestamp: new Date(Date.parse('2024-01-01T00:00:00Z') + i * 3_600_000).toISOString(),
    conversation_summary: text, emotional_state: 'neutral', emotional_score: 0,
    therapeutic_goals: [], progress_notes: '', therapist_observations: '', next_session_focus: '',
    session_duration_minutes: 50, techniques_used: [], homework_assigned: '', crisis_flags: [], metadata: {},
  };
}

function importFile(box: Sandbox, name: string, client: string, count: number, text: string): string {
  const doc = { format: 'tpt-export', version: 1, exported_at: '2026-01-01T00:00:00.000Z',
    clients: [{ client_id: client, created_at: '2024-01-01T00:00:00.000Z',
      sessions: Array.from({ length: count }, (_, i) => session(client, i, text)), goals: [], milestones: [] }] };
  const path = join(box.home, name);
  writeFileSync(path, JSON.stringify(doc));
  return path;
}

function ok(box: Sandbox, args: string[]): string {
  const result = box.spawn(args);
  if (result.code !== 0) throw new Error(`tpt ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

const dataDir = (box: Sandbox) => join(box.home, 'data');
const keys = (box: Sandbox) => keysUnder(join(box.home, 'config'));
const word = (text: string) => text.trim().split(' ')[0]!;

describe('finding 1: a purged client survives in a leftover rekey copy', () => {
  const box = new Sandbox();
  afterAll(() => box.cleanup());

  it('is removed by the next command, so the purge leaves no page of the client anywhere', () => {
    ok(box, ['init']);
    ok(box, ['log-session', '--client', 'keep', '--summary', KEEP, '--mood', 'neutral']);
    ok(box, ['log-session', '--client', 'gone', '--summary', GONE, '--mood', 'neutral']);
    // What a rekey killed after its VACUUM INTO leaves: a whole copy on the current key, and its journal.
    copyFileSync(box.dbPath, `${box.dbPath}.rekeying`);
    writeFileSync(`${box.dbPath}.rekeying-journal`, '');
    // The scan sees the client where it is (the control that it can see at all).
    expect(filesHolding(dataDir(box), keys(box), word(GONE))).toEqual([box.dbPath, `${box.dbPath}.rekeying`]);

    ok(box, ['client', 'delete', 'gone', '--purge', '--yes']);
    expect(existsSync(`${box.dbPath}.rekeying`)).toBe(false);
    expect(existsSync(`${box.dbPath}.rekeying-journal`)).toBe(false);
    expect(filesHolding(dataDir(box), keys(box), word(GONE))).toEqual([]);
    expect(filesHolding(dataDir(box), keys(box), word(KEEP))).toEqual([box.dbPath]);
    // `tpt check` names what it found and removed.
    copyFileSync(box.dbPath, `${box.dbPath}.rekeying`);
    const check = box.spawn(['--json', 'check']);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout).leftovers_removed).toEqual([`${box.dbPath}.rekeying`]);
    expect(check.stderr).toBe(`tpt: removed what a killed run left: ${box.dbPath}.rekeying\n`);
  });

  it('a rekey killed at any moment leaves no copy past the next command', async () => {
    const own = new Sandbox();
    ok(own, ['init']);
    ok(own, ['log-session', '--client', 'keep', '--summary', KEEP, '--mood', 'neutral']);
    await rekeysKilled(own);
    own.cleanup();
  });
});

/** Rekeys killed at moments from 40 ms to 340 ms: after each, one command, and nothing of the rekey is left. */
async function rekeysKilled(box: Sandbox): Promise<void> {
  for (let round = 0; round < 6; round++) {
    await killedAfter(box, ['rekey'], 40 + round * 60);
    ok(box, ['clients']);
    expect(existsSync(`${box.dbPath}.rekeying`), `round ${round}`).toBe(false);
    expect(existsSync(`${box.dbPath}.work`), `round ${round}`).toBe(false);
  }
}

/** Runs tpt and kills it with SIGKILL after `ms`; resolves with whether it was killed and its exit code. */
function killedAfter(box: Sandbox, args: string[], ms: number): Promise<{ killed: boolean; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: box.env, stdio: 'ignore' });
    let killed = false;
    const timer = setTimeout(() => {
      if (child.exitCode === null) killed = child.kill('SIGKILL');
    }, ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ killed, code });
    });
  });
}

function freePages(box: Sandbox): number {
  const db = new Database(box.dbPath, { readonly: true, fileMustExist: true });
  try {
    applyCipher(db, { kind: 'raw', hex: keys(box)[0]!.toString('hex') });
    return db.pragma('freelist_count', { simple: true }) as number;
  } finally {
    db.close();
  }
}

describe('finding 2: a purge interrupted after its commit leaves text in free space', () => {
  const box = new Sandbox();
  beforeAll(() => {
    ok(box, ['init']);
    ok(box, ['import', importFile(box, 'keep.json', 'keep', 15_000, KEEP)]);
  });
  afterAll(() => box.cleanup());

  it('the next command finishes the compaction: no free page, no byte of the client', async () => {
    const gone = importFile(box, 'gone.json', 'gone', 2000, GONE);
    // Kill times searched by halves between 0 and the length of a whole purge, until kills land
    // after the commit (the client is gone, the purge did not finish).
    ok(box, ['import', gone]);
    let started = Date.now();
    ok(box, ['client', 'delete', 'gone', '--purge', '--yes']);
    let low = 0;
    let high = Date.now() - started;
    let afterCommit = 0;
    for (let round = 0; round < 16 && afterCommit < 3; round++) {
      ok(box, ['import', gone]);
      const at = Math.round((low + high) / 2);
      started = Date.now();
      const run = await killedAfter(box, ['client', 'delete', 'gone', '--purge', '--yes'], at);
      if (!run.killed) {
        expect(run.code).toBe(0);
        high = Math.min(at, Date.now() - started);
        continue;
      }
      const clients = (JSON.parse(ok(box, ['--json', 'clients'])) as { client_id: string }[]).map((c) => c.client_id);
      if (clients.includes('gone')) {
        low = at;
        ok(box, ['client', 'delete', 'gone', '--purge', '--yes']);
        continue;
      }
      afterCommit++;
      expect(freePages(box), `killed at ${at} ms`).toBe(0);
      expect(filesHolding(dataDir(box), keys(box), word(GONE)), `killed at ${at} ms`).toEqual([]);
      expect(existsSync(`${box.dbPath}.purge-pending`)).toBe(false);
      low = Math.max(0, at - 30);
    }
    expect(afterCommit, 'kills that landed after the commit').toBeGreaterThan(0);
    expect(filesHolding(dataDir(box), keys(box), word(KEEP))).toEqual([box.dbPath]);
  }, 120_000);
});
