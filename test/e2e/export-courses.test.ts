import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from '../helpers.js';

// Courses of treatment and measure schedules travel in the JSON export (version 3), so an export
// imported into a new database gives the same export and the same report: the report's baseline
// is the first score of the current course, and without the courses it would be the first ever.

let box: Sandbox;
const DAY = 86_400_000;
const TODAY = new Date(new Date().toISOString().slice(0, 10) + 'T10:00:00Z');
const ago = (days: number) => new Date(TODAY.getTime() - days * DAY).toISOString();

async function ok(args: string[], now: string): Promise<string> {
  const result = await box.run(args, { now: new Date(now) });
  if (result.code !== 0) throw new Error(`tpt ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function phq9Items(total: number): string {
  const items = Array.from({ length: 9 }, () => 0);
  let rest = total;
  for (let i = 0; i < 8 && rest > 0; i++) rest -= (items[i] = Math.min(3, rest));
  return items.join(',');
}

const body = (text: string) => text.split('\n').slice(1);

beforeAll(async () => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
  await ok(['log-session', '--client', 'k1', '--summary', 'intake', '--mood', '-1', '--at', ago(121)], ago(121));
  // Course A: PHQ-9 20, a GAD-7 schedule every 2 weeks; ended (referred on), which stops the schedule.
  await ok(['course', 'start', 'k1', '--id', 'crs_a', '--at', ago(120)], ago(120));
  await ok(['measure', 'add', 'k1', '--measure', 'phq9', '--items', phq9Items(20), '--at', ago(110)], ago(110));
  await ok(['measure', 'schedule', 'k1', 'gad7', '--every', '2w'], ago(100));
  await ok(['course', 'end', 'k1', '--reason', 'referred_on', '--note', 'to step 3', '--at', ago(60)], ago(60));
  // Course B, open: PHQ-9 12 then 6, a live every-session schedule.
  await ok(['course', 'start', 'k1', '--id', 'crs_b', '--at', ago(50)], ago(50));
  await ok(['measure', 'schedule', 'k1', 'phq9', '--every', 'session'], ago(50));
  await ok(['log-session', '--client', 'k1', '--summary', 'first of B', '--mood', '0', '--at', ago(45)], ago(45));
  await ok(['measure', 'add', 'k1', '--measure', 'phq9', '--items', phq9Items(12), '--at', ago(45)], ago(45));
  await ok(['log-session', '--client', 'k1', '--summary', 'later in B', '--mood', '1', '--at', ago(10)], ago(10));
  await ok(['measure', 'add', 'k1', '--measure', 'phq9', '--items', phq9Items(6), '--at', ago(10)], ago(10));
});
afterAll(() => box.cleanup());

describe('courses and schedules in the JSON export', () => {
  it('round-trips an ended and an open course, a stopped and a live schedule, and the report baseline', () => {
    const out = join(box.home, 'k1.json');
    expect(box.spawn(['export', 'k1', '--out', out]).code).toBe(0);
    const file = JSON.parse(readFileSync(out, 'utf8'));
    const [client] = file.clients;
    expect(client.courses).toEqual([
      {
        course_id: 'crs_a', client_id: 'k1', started_at: ago(120), started_by: expect.any(String), ended_at: ago(60),
        ended_by: expect.any(String), end_reason: 'referred_on', end_note: 'to step 3',
      },
      {
        course_id: 'crs_b', client_id: 'k1', started_at: ago(50), started_by: expect.any(String), ended_at: null,
        ended_by: null, end_reason: null, end_note: null,
      },
    ]);
    expect(client.schedules).toEqual([
      { client_id: 'k1', measure: 'gad7', every: '2w', started_at: ago(100), started_by: expect.any(String), stopped_at: ago(60), stopped_by: expect.any(String) },
      { client_id: 'k1', measure: 'phq9', every: 'session', started_at: ago(50), started_by: expect.any(String), stopped_at: null, stopped_by: null },
    ]);
    const report = JSON.parse(box.spawn(['--json', 'report', 'k1']).stdout);
    expect(report.course).toMatchObject({ course_id: 'crs_b', ended_at: null });
    expect(report.measures.measures[0]).toMatchObject({ baseline: { total: 12 } });

    const other = new Sandbox();
    try {
      expect(other.spawn(['init']).code).toBe(0);
      const imported = other.spawn(['import', out]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toContain('courses    added 2, skipped 0, replaced 0');
      expect(imported.stdout).toContain('schedules  added 2, skipped 0, replaced 0');
      expect(body(other.spawn(['export', 'k1']).stdout)).toEqual(body(box.spawn(['export', 'k1']).stdout));
      const theirs = JSON.parse(other.spawn(['--json', 'report', 'k1']).stdout);
      expect(theirs.course).toEqual(report.course);
      expect(theirs.measures).toEqual(report.measures);
      expect(theirs.measures.measures[0].baseline.total).toBe(12);
      expect(JSON.parse(other.spawn(['--json', 'measure', 'due', 'k1']).stdout).map((s: { measure: string; status: string }) => [s.measure, s.status]))
        .toEqual(JSON.parse(box.spawn(['--json', 'measure', 'due', 'k1']).stdout).map((s: { measure: string; status: string }) => [s.measure, s.status]));

      // The same file again changes nothing.
      const again = other.spawn(['import', out]);
      expect(again.stdout).toContain('courses    added 0, skipped 2, replaced 0');
      expect(again.stdout).toContain('schedules  added 0, skipped 2, replaced 0');

      // A course ended since is a conflict like any record's: refused whole, skipped or replaced as asked.
      expect(other.spawn(['course', 'end', 'k1', '--reason', 'completed']).code).toBe(0);
      const conflict = other.spawn(['import', out]);
      expect(conflict.code).toBe(1);
      expect(conflict.stderr).toMatch(/conflict: course crs_b \(client k1\) differs in ended_at, ended_by, end_reason/);
      expect(conflict.stderr).toMatch(/conflict: schedule phq9 \S+ \(client k1\) differs in stopped_at, stopped_by/);
      expect(other.spawn(['import', out, '--on-conflict', 'skip']).stdout).toContain('courses    added 0, skipped 2, replaced 0');
      const replaced = other.spawn(['import', out, '--on-conflict', 'replace']);
      expect(replaced.code, replaced.stderr).toBe(0);
      expect(replaced.stdout).toContain('courses    added 0, skipped 1, replaced 1');
      expect(replaced.stdout).toContain('schedules  added 0, skipped 1, replaced 1');
      expect(body(other.spawn(['export', 'k1']).stdout)).toEqual(body(box.spawn(['export', 'k1']).stdout));
    } finally {
      other.cleanup();
    }
  });

  it('refuses a second open course for a client in one line, naming the client, and writes nothing', () => {
    const file = JSON.parse(box.spawn(['export', 'k1']).stdout);
    const [client] = file.clients;
    client.courses[0] = { ...client.courses[0], ended_at: null, ended_by: null, end_reason: null, end_note: null };
    const path = join(box.home, 'two-open.json');
    writeFileSync(path, JSON.stringify(file));
    const other = new Sandbox();
    try {
      expect(other.spawn(['init']).code).toBe(0);
      const result = other.spawn(['import', path]);
      expect(result.code).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/client "k1" has course "crs_a" open already/);
      expect(JSON.parse(other.spawn(['--json', 'clients']).stdout)).toEqual([]);
    } finally {
      other.cleanup();
    }
  });

  it('imports an export without courses and schedules (as of versions 1 to 3) as before', () => {
    const file = JSON.parse(box.spawn(['export', 'k1']).stdout);
    for (const client of file.clients) {
      delete client.courses;
      delete client.schedules;
    }
    const other = new Sandbox();
    try {
      expect(other.spawn(['init']).code).toBe(0);
      for (const version of [3, 2]) {
        const path = join(box.home, `bare-v${version}.json`);
        const bare = version === 3 ? file : { ...file, version, clients: file.clients.map(({ risks: _r, ...rest }: Record<string, unknown>) => rest) };
        writeFileSync(path, JSON.stringify(bare));
        const result = other.spawn(['import', path]);
        expect(result.code, result.stderr).toBe(0);
        expect(result.stdout).toContain('courses    added 0, skipped 0, replaced 0');
      }
      expect(JSON.parse(other.spawn(['--json', 'course', 'list', 'k1']).stdout)).toEqual([]);
      // With no course on record the baseline is the first score ever: what the courses change.
      expect(JSON.parse(other.spawn(['--json', 'report', 'k1']).stdout).measures.measures[0].baseline.total).toBe(20);
    } finally {
      other.cleanup();
    }
  });
});
