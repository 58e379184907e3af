import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox, testEngine } from '../helpers.js';

// The risk life cycle, end to end: a crisis flag opens a risk that stays in sight, whatever the
// timeframe, until a person resolves it; a later flag reopens it; every step is audited.

let box: Sandbox;
const at = (iso: string) => ({ now: new Date(iso) });

async function ok(args: string[], now = '2026-11-27T12:00:00Z'): Promise<string> {
  const result = await box.run(args, at(now));
  if (result.code !== 0) throw new Error(`tpt ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const session = (client: string, when: string, mood: string, ...flags: string[]) =>
  ok(['log-session', '--client', client, '--summary', 'weekly session', '--mood', mood, '--at', when,
    ...flags.flatMap((flag) => ['--crisis-flag', flag])]);

beforeEach(() => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
});
afterEach(() => box.cleanup());

describe('crisis flags', () => {
  it('are stored in the words of the vocabulary, whatever the common spelling', async () => {
    const out = await box.json<{ crisis_flags: string[] }>(
      ['log-session', '--client', 'c1', '--summary', 's', '--mood', '-2', '--crisis-flag', 'Suicidal Ideation',
        '--crisis-flag', 'self-harm', '--crisis-flag', 'SI', '--crisis-flag', 'other: brother made threats'],
    );
    const shown = await box.json<{ crisis_flags: string[] }>(['session', 'show', (out as unknown as { session_id: string }).session_id]);
    expect(shown.crisis_flags).toEqual(['suicidal_ideation', 'self_harm', 'other: brother made threats']);
  });

  it('keeps a flag outside the vocabulary as typed, as a risk of kind other, and says so', () => {
    const result = box.spawn(['log-session', '--client', 'c1', '--summary', 's', '--mood', '-1', '--crisis-flag', 'lost housing']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('note: "c1" is a new client\ntpt: crisis flag "lost housing" is not in the vocabulary: it opened a risk of kind "other" (see `tpt risk list c1`)\n');
    const [risk] = JSON.parse(box.spawn(['--json', 'risk', 'list', 'c1']).stdout);
    expect(risk).toMatchObject({ kind: 'other', status: 'open', flags: ['lost housing'] });
    const bare = box.spawn(['log-session', '--client', 'c1', '--summary', 's', '--mood', '-1', '--crisis-flag', 'other']);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toBe('tpt: crisis flag "other" needs its words: write it as "other: <what happened>"\n');
  });
});

describe('a risk', () => {
  it('opens with the flag and is listed with the session that raised it', async () => {
    await session('c1', '2026-09-01T10:00', 'very_negative', 'suicidal_ideation');
    const risks = JSON.parse(box.spawn(['--json', 'risk', 'list', 'c1']).stdout);
    expect(risks).toHaveLength(1);
    expect(risks[0]).toMatchObject({
      client_id: 'c1', kind: 'suicidal_ideation', status: 'open',
      opened_at: '2026-09-01T08:00:00.000Z', last_flagged_at: '2026-09-01T08:00:00.000Z',
      flags: ['suicidal_ideation'], resolved_at: null,
    });
    expect(risks[0].session_ids).toHaveLength(1);
    expect(risks[0].history.map((event: { event: string }) => event.event)).toEqual(['opened']);
  });

  it('is shown outside the timeframe: at the top of report (every format), trends, sessions, session show and clients', async () => {
    const first = JSON.parse(await ok(['--json', 'log-session', '--client', 'c1', '--summary', 'crisis', '--mood', '-2',
      '--at', '2026-09-15T10:00', '--crisis-flag', 'suicidal_ideation']));
    await session('c1', '2026-11-20T10:00', 'positive');
    const range = ['--since', '2026-11-01', '--until', '2026-11-27'];

    const report = box.spawn(['report', 'c1', ...range]);
    expect(report.stdout.split('\n')[0]).toBe('⚠ OPEN RISK: suicidal_ideation');
    expect(report.stdout).toContain('suicidal_ideation: open since 2026-09-15, last flagged 2026-09-15 (1 session)');
    const json = JSON.parse(box.spawn(['report', 'c1', ...range, '--json']).stdout);
    expect(json.crisis_events).toEqual([]);
    expect(json.open_risks).toEqual([{
      kind: 'suicidal_ideation', opened_at: '2026-09-15T08:00:00.000Z', last_flagged_at: '2026-09-15T08:00:00.000Z',
      session_ids: [first.session_id], measure_ids: [], flags: ['suicidal_ideation'],
    }]);
    const markdown = box.spawn(['report', 'c1', ...range, '--format', 'markdown']).stdout;
    expect(markdown).toContain('## ⚠ Open risks (1)');
    expect(markdown.indexOf('Open risks')).toBeLessThan(markdown.indexOf('## Crisis events'));

    expect(box.spawn(['trends', 'c1', ...range]).stdout.split('\n')[0]).toBe('⚠ OPEN RISK: suicidal_ideation');
    expect(JSON.parse(box.spawn(['trends', 'c1', ...range, '--json']).stdout).open_risks[0].kind).toBe('suicidal_ideation');
    expect(box.spawn(['sessions', 'c1', ...range]).stdout.split('\n')[0]).toBe('⚠ OPEN RISK: suicidal_ideation');
    const later = JSON.parse(box.spawn(['sessions', 'c1', ...range, '--json']).stdout);
    expect(Array.isArray(later)).toBe(true);
    expect(box.spawn(['session', 'show', later[0].session_id]).stdout.split('\n')[0]).toBe('⚠ OPEN RISK: suicidal_ideation');
    expect(box.spawn(['clients']).stdout).toContain('⚠ suicidal_ideation');
    expect(JSON.parse(box.spawn(['clients', '--json']).stdout)[0].open_risks).toEqual(['suicidal_ideation']);
  });

  it('is shown in red on a colour terminal', async () => {
    await session('c1', '2026-09-15T10:00', 'very_negative', 'self_harm');
    const result = box.spawn(['report', 'c1'], { FORCE_COLOR: '1', NO_COLOR: '' });
    expect(result.stdout.split('\n')[0]).toBe('\u001b[31m\u001b[1m⚠ OPEN RISK: self_harm\u001b[22m\u001b[39m');
  });

  it('is resolved by a person with a note, audited, and leaves the displays', async () => {
    await session('c1', '2026-09-15T10:00', 'very_negative', 'suicidal_ideation', 'self_harm');
    const missing = box.spawn(['risk', 'resolve', 'c1', 'suicidal_ideation']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^tpt: a resolution needs --note/);
    const unknown = box.spawn(['risk', 'resolve', 'c1', 'harm_to_others', '--note', 'x']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('client "c1" has no harm_to_others risk');

    const resolved = box.spawn(['risk', 'resolve', 'c1', 'SI', '--note', 'safety plan reviewed; no ideation for 6 weeks']);
    expect(resolved.code).toBe(0);
    expect(resolved.stdout).toContain('Resolved the suicidal_ideation risk of c1');
    const again = box.spawn(['risk', 'resolve', 'c1', 'suicidal_ideation', '--note', 'x']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already resolved');

    const open = JSON.parse(box.spawn(['--json', 'risk', 'list', '--open']).stdout);
    expect(open.map((risk: { kind: string }) => risk.kind)).toEqual(['self_harm']);
    const all = JSON.parse(box.spawn(['--json', 'risk', 'list', 'c1']).stdout);
    const si = all.find((risk: { kind: string }) => risk.kind === 'suicidal_ideation');
    expect(si).toMatchObject({ status: 'resolved', resolved_by: 'tester', resolution_note: 'safety plan reviewed; no ideation for 6 weeks' });
    expect(si.history.map((event: { event: string }) => event.event)).toEqual(['opened', 'resolved']);
    expect(JSON.parse(box.spawn(['report', 'c1', '--json']).stdout).open_risks.map((risk: { kind: string }) => risk.kind))
      .toEqual(['self_harm']);

    const audit = box.spawn(['audit', 'c1']).stdout;
    expect(audit).toMatch(/tester\s+risk\.open\s+c1\s+suicidal_ideation\s+ok/);
    expect(audit).toMatch(/tester\s+risk\.resolve\s+c1\s+suicidal_ideation\s+ok/);
    expect(box.spawn(['audit']).stdout).toMatch(/tester\s+risk resolve\s+refused/);
    expect(box.spawn(['audit', 'verify']).code).toBe(0);
  });

  it('is reopened by a later flag of the same kind, with its history kept', async () => {
    await session('c1', '2026-09-15T10:00', 'very_negative', 'suicidal_ideation');
    await ok(['risk', 'resolve', 'c1', 'suicidal_ideation', '--note', 'safety plan in place'], '2026-10-01T12:00:00Z');
    await session('c1', '2026-11-02T10:00', 'negative', 'passive SI');
    const [risk] = JSON.parse(box.spawn(['--json', 'risk', 'list', 'c1', '--open']).stdout);
    expect(risk).toMatchObject({
      kind: 'suicidal_ideation', status: 'open', opened_at: '2026-11-02T09:00:00.000Z', resolved_at: null,
    });
    expect(risk.session_ids).toHaveLength(1);
    expect(risk.history.map((event: { event: string; note: string }) => [event.event, event.note])).toEqual([
      ['opened', ''], ['resolved', 'safety plan in place'], ['reopened', ''],
    ]);
    expect(box.spawn(['audit', 'c1']).stdout).toMatch(/risk\.reopen\s+c1\s+suicidal_ideation/);
  });

  it('is listed for every client, and served over HTTP by GET /api/v1/risks/{client_id}', async () => {
    await session('c1', '2026-09-15T10:00', 'very_negative', 'self_harm');
    await session('c2', '2026-09-16T10:00', 'negative', 'safeguarding concern');
    const table = box.spawn(['risk', 'list']).stdout;
    expect(table).toMatch(/c1\s+self_harm\s+OPEN/);
    expect(table).toMatch(/c2\s+safeguarding\s+OPEN/);
    const { listRisks } = await import('../../src/core/risks.js');
    const { ROUTES } = await import('../../src/server/routes.js');
    expect(typeof listRisks).toBe('function');
    expect(ROUTES.some((route) => route.method === 'GET' && route.pattern.test('/api/v1/risks/c1'))).toBe(true);
  });
});

// The SQLite file's own migrations: PostgreSQL's schema was born with risks (src/pg/migrations.ts).
describe.skipIf(testEngine() === 'postgres')('the migration', () => {
  it('turns the crisis flags of existing sessions into open risks, losing no flag\'s text', async () => {
    // A database of the schema before risks (version 1), with free-text flags of the old days.
    const { Database } = await import('../../src/db/driver.js');
    const { applyCipher } = await import('../../src/db/connection.js');
    const { MIGRATIONS } = await import('../../src/db/migrations.js');
    const hex = 'ab'.repeat(32);
    mkdirSync(dirname(box.keyPath), { recursive: true, mode: 0o700 });
    writeFileSync(box.keyPath, `${hex}\n`, { mode: 0o600 });
    const path = `${box.home}/old.db`;
    const db = new Database(path);
    applyCipher(db, { kind: 'raw', hex });
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    db.prepare("INSERT INTO clients VALUES ('c1', '2026-01-01T00:00:00.000Z')").run();
    const insert = db.prepare(`INSERT INTO sessions (session_id, client_id, timestamp, conversation_summary, emotional_score, crisis_flags)
      VALUES (?, 'c1', ?, 'old session', -2, ?)`);
    insert.run('s1', '2026-03-01T10:00:00.000Z', JSON.stringify(['self_harm_urge', 'Passive suicidal ideation']));
    insert.run('s2', '2026-03-08T10:00:00.000Z', JSON.stringify(['self-harm', 'client lost housing']));
    insert.run('s3', '2026-03-15T10:00:00.000Z', '[]');
    db.close();

    const risks = JSON.parse(box.spawn(['--db', path, '--json', 'risk', 'list', 'c1']).stdout) as
      { kind: string; status: string; opened_at: string; last_flagged_at: string; session_ids: string[]; flags: string[]; history: { event: string; flag: string }[] }[];
    const byKind = Object.fromEntries(risks.map((risk) => [risk.kind, risk]));
    expect(Object.keys(byKind).sort()).toEqual(['other', 'self_harm', 'suicidal_ideation']);
    expect(byKind.self_harm).toMatchObject({
      status: 'open', opened_at: '2026-03-01T10:00:00.000Z', last_flagged_at: '2026-03-08T10:00:00.000Z',
      session_ids: ['s1', 's2'], flags: ['self_harm_urge', 'self-harm'],
    });
    expect(byKind.self_harm!.history.map((event) => event.event)).toEqual(['opened', 'flagged']);
    expect(byKind.suicidal_ideation!.flags).toEqual(['Passive suicidal ideation']);
    expect(byKind.other!.flags).toEqual(['client lost housing']);
    // The sessions themselves are untouched.
    const s2 = JSON.parse(box.spawn(['--db', path, '--json', 'session', 'show', 's2']).stdout);
    expect(s2.crisis_flags).toEqual(['self-harm', 'client lost housing']);
    expect(box.spawn(['--db', path, 'check']).code).toBe(0);
  });
});
