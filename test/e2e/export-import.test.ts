import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Sandbox } from '../helpers.js';
import { joinList, joinMap } from '../../src/core/export.js';
import { seedRichRecords } from '../core/import-fixture.js';
import { recordCounts } from '../support/matrix-rows.js';

let box: Sandbox;
beforeEach(async () => {
  box = new Sandbox();
  await seedRichRecords(box);
});
afterEach(() => box.cleanup());

interface Doc {
  clients: {
    client_id: string;
    sessions: Record<string, unknown>[];
    goals: (Record<string, unknown> & { history: Record<string, unknown>[] })[];
    milestones: Record<string, unknown>[];
  }[];
}

function exportDoc(): Doc {
  const result = box.spawn(['--json', 'export', '--all']);
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toBe('');
  return JSON.parse(result.stdout) as Doc;
}

/** A cell as a spreadsheet-safe CSV holds it: text that would run as a formula gets a leading '. */
const asCell = (value: unknown): string =>
  value === null ? '' : typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);

function csv(table: string): string[][] {
  const result = box.spawn(['export', '--all', '--format', 'csv', '--table', table]);
  expect(result.code, result.stderr).toBe(0);
  return parse(result.stdout, { relax_column_count: false }) as string[][];
}

describe('tpt export --out', () => {
  it('writes the file with mode 0600 and refuses to overwrite it without --force', () => {
    const out = join(box.home, 'c1.json');
    const first = box.spawn(['export', 'c1', '--out', out]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(`Exported 1 client, 2 sessions, as JSON to ${out}\n`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const written = readFileSync(out, 'utf8');
    expect(JSON.parse(written).clients[0].client_id).toBe('c1');

    writeFileSync(out, 'keep me');
    const again = box.spawn(['export', 'c1', '--out', out]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(`tpt: ${out} already exists: choose another --out file, or add --force to replace it\n`);
    expect(readFileSync(out, 'utf8')).toBe('keep me');

    const forced = box.spawn(['--json', 'export', 'c1', '--out', out, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toEqual({ out, format: 'json', clients: 1, sessions: 2, encrypted: null });
    expect(readFileSync(out, 'utf8').startsWith('{"format":"tpt-export"')).toBe(true);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readdirSync(box.home).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('leaves no file behind when the export is refused', () => {
    const out = join(box.home, 'nobody.json');
    const result = box.spawn(['export', 'nobody', '--out', out]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('tpt: no client "nobody": see `tpt clients` for the ids on record\n');
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(box.home).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });
});

describe('tpt export --format csv', () => {
  it('sessions parse with a real CSV parser to exactly the cells on record, lists joined', () => {
    const doc = exportDoc();
    const rows = csv('sessions');
    expect(rows[0]).toEqual(Object.keys(doc.clients[0]!.sessions[0]!));
    const expected = doc.clients.flatMap((client) => client.sessions).map((session) =>
      Object.entries(session).map(([key, value]) =>
        key === 'metadata' ? joinMap(value as Record<string, string>)
          : Array.isArray(value) ? joinList(value as string[])
          : asCell(value)));
    expect(rows.slice(1)).toEqual(expected);
    // Spot checks of what a spreadsheet will see.
    const s1 = rows[1]!;
    expect(s1[3]).toBe('\'=HYPERLINK("http://evil.example","click me")');
    expect(s1[5]).toBe('2');
    expect(rows[2]![5]).toBe('-2');
    expect(s1[7]).toBe('multi\nline, "quoted", comma');
    expect(s1[11]).toBe('CBT\\; part 2; back\\\\slash');
    expect(s1[13]).toBe('suicidal_ideation; @risk');
    expect(s1[14]).toBe('modality=in_person; room=a\\=b\\;c');
  });

  it('never hands a spreadsheet a cell that starts a formula', () => {
    const result = box.spawn(['export', 'c1', '--format', 'csv']);
    // Every text cell is quoted; none opens with = + - @ inside its quotes.
    expect(result.stdout).not.toMatch(/(^|,)"[=+\-@]/m);
    expect(result.stdout).toContain(',"\'=HYPERLINK(""http://evil.example"",""click me"")",');
    expect(result.stdout).toContain(',"\'-5 push-ups",');
  });

  it('goals, milestones and goal history parse to the rows on record', () => {
    const doc = exportDoc();
    const goals = csv('goals');
    expect(goals[0]).toEqual(['goal_id', 'client_id', 'description', 'target_date', 'completion_percentage', 'status',
      'milestones', 'notes', 'created_at', 'updated_at']);
    expect(goals.slice(1)).toEqual(doc.clients.flatMap((client) => client.goals).map((goal) => [
      goal.goal_id, goal.client_id, goal.description, goal.target_date ?? '', String(goal.completion_percentage),
      goal.status, joinList(goal.milestones as string[]), goal.notes, goal.created_at, goal.updated_at,
    ].map((cell) => asCell(cell))));
    expect(goals[1]![3]).toBe('2026-06-30');
    expect(goals[2]![3]).toBe('');

    const milestones = csv('milestones');
    expect(milestones.slice(1)).toEqual(doc.clients.flatMap((client) => client.milestones).map((m) => Object.values(m).map(asCell)));
    expect(milestones[2]![3]).toBe('\'=HYPERLINK("http://evil.example","x")');

    const history = csv('goal-history');
    expect(history[0]).toEqual(['goal_id', 'client_id', 'seq', 'at', 'completion_percentage', 'status', 'note', 'actor']);
    expect(history.slice(1)).toEqual(doc.clients.flatMap((client) => client.goals.flatMap((goal) =>
      goal.history.map((entry, index) => [goal.goal_id, goal.client_id, index + 1, entry.at, entry.completion_percentage,
        entry.status, entry.note, entry.actor].map(asCell)))));
    // g1: created at 10 %, then 62.5 %, then paused (3 entries); g2: created (1 entry).
    expect(history.length - 1).toBe(4);
    expect(history[2]![4]).toBe('62.5');
  });

  it('refuses CSV on stdout under --json (one JSON document or nothing)', () => {
    const result = box.spawn(['--json', 'export', 'c1', '--format', 'csv']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
  });
});

describe('tpt import, as a user runs it', () => {
  it('round-trips a database into an empty one', () => {
    const out = join(box.home, 'all.json');
    expect(box.spawn(['export', '--all', '--out', out]).code).toBe(0);
    const other = new Sandbox();
    try {
      expect(other.spawn(['init']).code).toBe(0);
      const imported = other.spawn(['import', out]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toBe([
        `Imported ${out}: 2 clients`,
        '  sessions   added 3, skipped 0, replaced 0',
        '  goals      added 2, skipped 0, replaced 0',
        '  milestones added 2, skipped 0, replaced 0',
        '  measures   added 0, skipped 0, replaced 0',
        '  risks      added 2, skipped 0, replaced 0',
        '  courses    added 0, skipped 0, replaced 0',
        '  schedules  added 0, skipped 0, replaced 0',
        '',
      ].join('\n'));
      expect(recordCounts(other)).toEqual(recordCounts(box));
      const mine = box.spawn(['--json', 'export', '--all']).stdout.split('\n').slice(1);
      const theirs = other.spawn(['--json', 'export', '--all']).stdout.split('\n').slice(1);
      expect(theirs).toEqual(mine);
    } finally {
      other.cleanup();
    }
  });

  it('refuses a truncated file with exit 2 and one line, and changes nothing', () => {
    const whole = box.spawn(['--json', 'export', '--all']).stdout;
    const cut = join(box.home, 'cut.json');
    writeFileSync(cut, whole.slice(0, whole.length - 40));
    const before = recordCounts(box);
    const result = box.spawn(['import', cut]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tpt: .*cut\.json ends too early \(truncated\?\) after (session "s3"|goal "g2") of client "c2": .*; export it again\n$/);
    expect(recordCounts(box)).toEqual(before);
  });

  it('refuses a file that does not exist with exit 2', () => {
    const result = box.spawn(['import', join(box.home, 'missing.json')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tpt: no file .*missing\.json: give the path of a file written by `tpt export`\n$/);
  });
});
