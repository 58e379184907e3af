import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Sandbox, testEngine } from '../helpers.js';
import { call, startServer } from '../server.js';

// Measures are corrected as sessions are (README, "Correcting a measure"): amend makes a new
// version and keeps the old; void takes a measure out of listings and analytics and keeps it in
// the record and the exports; restore undoes a void.

let box: Sandbox;
const now = new Date('2026-04-01T10:00:00Z');

async function ok(args: string[]): Promise<string> {
  const result = await box.run(args, { now });
  expect(result.code, `tpt ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = async (args: string[]): Promise<any> => JSON.parse(await ok(['--json', ...args]));
/** The client's JSON export, without the time it was made (so two can be compared). */
const exported = () => box.spawn(['export', 'c1']).stdout.replace(/"exported_at":"[^"]+"/, '');

beforeEach(async () => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
  // Mood rising −1, 0, 1, 2 a week apart; PHQ-9 at the first and the last session.
  for (const [id, mood, day] of [['s1', '-1', '02'], ['s2', '0', '09'], ['s3', '1', '16'], ['s4', '2', '23']] as const) {
    await ok(['log-session', '--client', 'c1', '--mood', mood, '--summary', 'Week', '--id', id, '--at', `2026-03-${day} 10:00`]);
  }
  await ok(['measure', 'add', 'c1', '--measure', 'phq9', '--items', '2,2,2,1,1,1,0,0,0', '--session', 's1', '--id', 'p1']); // 9
  await ok(['measure', 'add', 'c1', '--measure', 'phq9', '--items', '1,1,1,0,0,0,0,0,0', '--session', 's4', '--id', 'p2']); // 3
});
afterEach(() => box.cleanup());

const MARCH = ['--since', '2026-03-01', '--until', '2026-03-31'];

describe('tpt measure amend', () => {
  it('makes a new version, keeps the earlier one whole, and the report follows the current one', async () => {
    // p2 was 3 (reliable improvement from 9); the paper form says 15: a reliable deterioration.
    const out = await ok(['measure', 'amend', 'p2', '--items', '2,2,2,2,2,2,2,1,0', '--reason', 'typed from the wrong form']);
    expect(out).toBe('Amended PHQ-9 p2: now version 2, 15/27 moderately severe\n');
    const shown = await json(['measure', 'show', 'p2', '--history']);
    expect(shown).toMatchObject({
      measure_id: 'p2', total: 15, version: 2, amendments: 1, amend_reason: 'typed from the wrong form', amended_by: 'tester',
      voided_at: null,
    });
    expect(shown.history.map((v: { version: number; total: number; items: number[] }) => [v.version, v.total, v.items])).toEqual([
      [1, 3, [1, 1, 1, 0, 0, 0, 0, 0, 0]], [2, 15, [2, 2, 2, 2, 2, 2, 2, 1, 0]],
    ]);
    const text = await ok(['measure', 'show', 'p2', '--history']);
    expect(text).toContain('── version 1, as recorded');
    expect(text).toMatch(/── version 2, amended 2026-04-01 \d\d:00 by tester: typed from the wrong form/);
    // The report takes the amended total: rising mood, but the PHQ-9 reliably worse (9 → 15).
    const report = await json(['report', 'c1', ...MARCH]);
    expect(report).toMatchObject({ overall_trajectory: 'declining', trajectory_rule: 1 });
    expect(report.measures.measures[0]).toMatchObject({ change: 6, reliable_change: 'reliable_deterioration' });
    // The earlier version is in the export, with who amended it, when and why.
    const record = JSON.parse(box.spawn(['export', 'c1']).stdout).clients[0].measures.find((m: { measure_id: string }) => m.measure_id === 'p2');
    expect(record).toMatchObject({ total: 15, version: 2, amend_reason: 'typed from the wrong form' });
    expect(record.versions).toEqual([{
      version: 1, timestamp: '2026-03-23T09:00:00.000Z', session_id: 's4', items: [1, 1, 1, 0, 0, 0, 0, 0, 0], total: 3,
      amended_at: null, amended_by: null, amend_reason: null,
    }]);
    const trail = await json(['audit', 'c1']);
    expect(trail.map((entry: { action: string }) => entry.action)).toContain('measure.amend');
  });

  it('opens a risk when an amendment answers PHQ-9 item 9 above 0, whatever the total', async () => {
    expect(await json(['risk', 'list', 'c1'])).toEqual([]);
    await ok(['measure', 'amend', 'p2', '--items', '1,1,1,0,0,0,0,0,1', '--reason', 'item 9 was ticked on the paper form']);
    const risks = await json(['risk', 'list', 'c1', '--open']);
    expect(risks).toHaveLength(1);
    expect(risks[0]).toMatchObject({ kind: 'suicidal_ideation', status: 'open', opened_at: '2026-03-23T09:00:00.000Z' });
    const clients = await json(['clients']);
    expect(clients[0].open_risks).toEqual(['suicidal_ideation']);
    const report = await json(['report', 'c1', ...MARCH]);
    expect(report.open_risks).toHaveLength(1);
    expect(report.concerns).toContain('PHQ-9 item 9 answered 1 on 2026-03-23');
    // Rising mood (9 → 4 on the PHQ-9 is no reliable change), but a risk item above 0: never improving.
    expect(report).toMatchObject({ overall_trajectory: 'mixed', trajectory_rule: 5 });
  });

  const refusals: [string, string[], RegExp][] = [
    ['without a reason', ['measure', 'amend', 'p2', '--items', '1,1,1,1,1,1,1,1,1'], /--reason/],
    ['with an empty reason', ['measure', 'amend', 'p2', '--items', '1,1,1,1,1,1,1,1,1', '--reason', ' '], /needs a reason/],
    ['with nothing to change', ['measure', 'amend', 'p2', '--reason', 'r'], /nothing to amend/],
    ['that changes nothing', ['measure', 'amend', 'p2', '--items', '1,1,1,0,0,0,0,0,0', '--reason', 'r'], /changes nothing/],
    ['with too few answers', ['measure', 'amend', 'p2', '--items', '1,1', '--reason', 'r'], /PHQ-9 has 9 items, got 2/],
    ['with items and a total', ['measure', 'amend', 'p2', '--items', '1,1,1,1,1,1,1,1,1', '--total', '9', '--reason', 'r'], /not both/],
    ['with a time far in the future', ['measure', 'amend', 'p2', '--at', '2030-01-01', '--reason', 'r'], /more than 24 hours in the future/],
    ['naming another client\'s session', ['measure', 'amend', 'p2', '--session', 'x1', '--reason', 'r'], /belongs to client "c2"/],
    ['of a measure that does not exist', ['measure', 'amend', 'nope', '--items', '1,1,1,1,1,1,1,1,1', '--reason', 'r'], /no measure "nope"/],
  ];
  for (const [what, args, message] of refusals) {
    it(`refuses an amendment ${what} with exit 2 and one line, and writes nothing`, async () => {
      await ok(['log-session', '--client', 'c2', '--mood', '0', '--summary', 'Other', '--id', 'x1', '--at', '2026-03-05 10:00']);
      const before = exported();
      const result = box.spawn(args);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(exported()).toBe(before);
    });
  }
});

describe('tpt measure void and restore', () => {
  it('takes a measure out of listings, trends, the report and its trajectory; it stays in the record and the exports', async () => {
    const before = await json(['report', 'c1', ...MARCH]);
    expect(before).toMatchObject({ overall_trajectory: 'improving', trajectory_rule: 6 }); // mood up, PHQ-9 9 → 3
    expect(await ok(['measure', 'void', 'p2', '--reason', 'entered for the wrong client'])).toBe(
      'Voided measure p2; `tpt measures c1 --include-void` still lists it, `tpt measure restore p2` undoes it\n',
    );
    expect((await json(['measures', 'c1'])).map((m: { measure_id: string }) => m.measure_id)).toEqual(['p1']);
    const all = await json(['measures', 'c1', '--include-void']);
    expect(all.map((m: { measure_id: string; voided_at: string | null }) => [m.measure_id, m.voided_at !== null])).toEqual([['p2', true], ['p1', false]]);
    expect(await ok(['measures', 'c1', '--include-void'])).toContain('[voided]');
    // One PHQ-9 left: no measure vote, and mood alone says improving; the section has only p1.
    const report = await json(['report', 'c1', ...MARCH]);
    expect(report.measures.measures[0]).toMatchObject({ count: 1, latest: { measure_id: 'p1' } });
    const trends = await json(['trends', 'c1', ...MARCH]);
    expect(trends.measures.measures[0].count).toBe(1);
    // Still in the record: show, JSON export (with its void), FHIR (entered in error); the CSV, a listing, leaves it out.
    expect(await json(['measure', 'show', 'p2'])).toMatchObject({ voided_by: 'tester', void_reason: 'entered for the wrong client' });
    const record = JSON.parse(box.spawn(['export', 'c1']).stdout).clients[0].measures.find((m: { measure_id: string }) => m.measure_id === 'p2');
    expect(record).toMatchObject({ version: 1, voided_by: 'tester', void_reason: 'entered for the wrong client', versions: [] });
    const csv = parse(box.spawn(['export', 'c1', '--format', 'csv', '--table', 'measures']).stdout) as string[][];
    expect(csv.slice(1).map((row) => row[0])).toEqual(['p1']);
    const fhir = JSON.parse(box.spawn(['export', 'c1', '--format', 'fhir']).stdout);
    const statuses = fhir.entry
      .filter((entry: { resource: { identifier?: unknown } }) => JSON.stringify(entry.resource.identifier ?? '').includes('"p2"'))
      .map((entry: { resource: { resourceType: string; status: string } }) => [entry.resource.resourceType, entry.resource.status]);
    // Voided: its status and the fact of the correction only, never its answers (issue 21).
    expect(statuses).toEqual([['Observation', 'entered-in-error']]);

    // A voided measure is not amended; restore brings it back everywhere.
    const refused = box.spawn(['measure', 'amend', 'p2', '--items', '1,1,1,1,1,1,1,1,1', '--reason', 'r']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/voided: restore it first/);
    expect(box.spawn(['measure', 'void', 'p2', '--reason', 'again']).code).toBe(1);
    await ok(['measure', 'restore', 'p2']);
    expect(box.spawn(['measure', 'restore', 'p2']).code).toBe(1);
    expect(await json(['report', 'c1', ...MARCH])).toMatchObject({ overall_trajectory: 'improving', trajectory_rule: 6 });
    const actions = (await json(['audit', 'c1'])).map((entry: { action: string }) => entry.action);
    expect(actions).toEqual(expect.arrayContaining(['measure.void', 'measure.restore']));
  });

  it('refuses a void without a reason with exit 2', () => {
    const result = box.spawn(['measure', 'void', 'p2']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--reason/);
  });
});

describe('corrected measures in export and import', () => {
  it('come back unchanged, versions and voids included, byte for byte but for the export time', async () => {
    await ok(['measure', 'amend', 'p1', '--items', '2,2,2,1,1,1,0,0,1', '--reason', 'item 9 misread']);
    await ok(['measure', 'amend', 'p1', '--total', '12', '--at', '2026-03-03 10:00', '--reason', 'only the total survives']);
    await ok(['measure', 'void', 'p2', '--reason', 'duplicate']);
    const file = join(box.home, 'c1.json');
    const first = box.spawn(['export', 'c1']).stdout;
    writeFileSync(file, first);
    const other = new Sandbox();
    try {
      expect(other.spawn(['init']).code).toBe(0);
      const imported = other.spawn(['import', file]);
      expect(imported.code, imported.stderr).toBe(0);
      const again = other.spawn(['export', 'c1']).stdout;
      const withoutTime = (text: string) => text.replace(/"exported_at":"[^"]+"/, '');
      expect(withoutTime(again)).toBe(withoutTime(first));
      // The import takes the corrections as they are: the voided measure stays out of listings.
      expect(JSON.parse(other.spawn(['--json', 'measures', 'c1']).stdout).map((m: { measure_id: string }) => m.measure_id)).toEqual(['p1']);
      // Importing the same file again changes nothing (no conflict).
      const twice = other.spawn(['--json', 'import', file]);
      expect(twice.code, twice.stderr).toBe(0);
      expect(withoutTime(other.spawn(['export', 'c1']).stdout)).toBe(withoutTime(first));
    } finally {
      other.cleanup();
    }
  });

  it('refuses a corrected measure whose versions do not add up, and writes nothing', async () => {
    await ok(['measure', 'amend', 'p1', '--items', '2,2,2,1,1,1,0,0,1', '--reason', 'item 9 misread']);
    const doc = JSON.parse(box.spawn(['export', 'c1']).stdout);
    const measure = doc.clients[0].measures.find((m: { measure_id: string }) => m.measure_id === 'p1');
    const other = new Sandbox();
    try {
      expect(other.spawn(['init']).code).toBe(0);
      for (const [broken, message] of [
        [{ ...measure, versions: [] }, /version 2 needs the 1 earlier version/],
        [{ ...measure, versions: [{ ...measure.versions[0], total: 4 }] }, /total 4 does not match the items \(9\)/],
        [(({ void_reason: _gone, ...rest }) => rest)(measure), /carries all of its state; void_reason missing/],
      ] as const) {
        doc.clients[0].measures = doc.clients[0].measures.map((m: { measure_id: string }) => (m.measure_id === 'p1' ? broken : m));
        const file = join(other.home, 'broken.json');
        writeFileSync(file, JSON.stringify(doc));
        const result = other.spawn(['import', file]);
        expect(result.code).toBe(2);
        expect(result.stderr).toMatch(message);
        expect(JSON.parse(other.spawn(['--json', 'clients']).stdout)).toEqual([]);
      }
    } finally {
      other.cleanup();
    }
  });
});

describe('the HTTP service corrects measures the same way', () => {
  it('amends, voids and restores, each audited with the token\'s name', async () => {
    const token = JSON.parse(box.spawn(['--json', 'token', 'create', '--name', 'ehr-bridge', '--scope', 'write']).stdout).token as string;
    const server = await startServer(box);
    try {
      const send = (method: string, path: string, body?: unknown) => call(server.port, method, path, { token, body });
      const amended = await send('POST', '/api/v1/measures/p2/amend', { items: [1, 1, 1, 1, 0, 0, 0, 0, 0], reason: 'one more item' });
      expect(amended.status).toBe(200);
      expect(amended.body).toMatchObject({ measure_id: 'p2', total: 4, version: 2, amendments: 1, amended_by: 'api:ehr-bridge' });
      expect((await send('POST', '/api/v1/measures/p2/amend', { total: 5 })).status).toBe(400);
      expect((await send('POST', '/api/v1/measures/p2/amend', { measure: 'gad7', reason: 'r' })).status).toBe(400);
      expect((await send('POST', '/api/v1/measures/p2/void', { reason: 'duplicate' })).body).toMatchObject({ voided_by: 'api:ehr-bridge' });
      expect((await send('GET', '/api/v1/measures/c1')).body.map((m: { measure_id: string }) => m.measure_id)).toEqual(['p1']);
      expect((await send('GET', '/api/v1/measures/c1?include_void=true')).body).toHaveLength(2);
      expect((await send('POST', '/api/v1/measures/p2/void', { reason: 'again' })).status).toBe(409);
      expect((await send('POST', '/api/v1/measures/p2/restore', {})).status).toBe(200);
      expect((await send('POST', '/api/v1/measures/nope/restore', {})).status).toBe(404);
    } finally {
      await server.stop();
    }
    const trail = JSON.parse((await box.run(['--json', 'audit', 'c1'])).stdout) as { action: string; actor: string; outcome: string }[];
    const api = trail.filter((entry) => entry.actor === 'api:ehr-bridge' && entry.outcome === 'ok').map((entry) => entry.action);
    expect(api).toEqual(expect.arrayContaining(['measure.amend', 'measure.void', 'measure.restore']));
  });
});

// The SQLite file's own migrations: PostgreSQL's schema was born with corrections (src/pg/migrations.ts).
describe.skipIf(testEngine() === 'postgres')('the migration', () => {
  it('keeps the measures of a database made before corrections, each at version 1', async () => {
    // A database of the schema before measure corrections (every migration but the last).
    const { Database } = await import('../../src/db/driver.js');
    const { applyCipher } = await import('../../src/db/connection.js');
    const { MIGRATIONS } = await import('../../src/db/migrations.js');
    const other = new Sandbox();
    try {
      const hex = 'cd'.repeat(32);
      mkdirSync(dirname(other.keyPath), { recursive: true, mode: 0o700 });
      writeFileSync(other.keyPath, `${hex}\n`, { mode: 0o600 });
      const path = `${other.home}/old.db`;
      const db = new Database(path);
      applyCipher(db, { kind: 'raw', hex });
      for (const step of MIGRATIONS.slice(0, -1)) db.exec(step);
      db.pragma(`user_version = ${MIGRATIONS.length - 1}`);
      db.prepare("INSERT INTO clients VALUES ('c1', '2026-01-01T00:00:00.000Z')").run();
      db.prepare(`INSERT INTO measures (measure_id, client_id, measure, timestamp, session_id, items, total, created_at)
        VALUES ('old1', 'c1', 'gad7', '2026-02-01T10:00:00.000Z', NULL, '[1,1,1,1,1,1,1]', 7, '2026-02-01T10:00:00.000Z')`).run();
      db.close();
      const listed = JSON.parse(other.spawn(['--db', path, '--json', 'measures', 'c1']).stdout);
      expect(listed).toEqual([expect.objectContaining({ measure_id: 'old1', total: 7, items: [1, 1, 1, 1, 1, 1, 1], version: 1, voided_at: null })]);
      const amended = other.spawn(['--db', path, 'measure', 'amend', 'old1', '--items', '2,1,1,1,1,1,1', '--reason', 'r']);
      expect(amended.code, amended.stderr).toBe(0);
      expect(other.spawn(['--db', path, 'check']).code).toBe(0);
    } finally {
      other.cleanup();
    }
  });
});
