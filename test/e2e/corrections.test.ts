import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runsAt, Sandbox } from '../helpers.js';

// TZ=Europe/Berlin (UTC+1 in March). The clock is fixed at NOW for every in-process run.
const NOW = new Date('2026-03-20T12:00:00Z');
let box: Sandbox;

beforeEach(() => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
});
afterEach(() => box.cleanup());

/** A second, empty database on the run's engine (a second SQLite file or PostgreSQL database). */
function otherDatabase(): Sandbox {
  const other = new Sandbox();
  onTestFinished(() => other.cleanup());
  expect(other.spawn(['init']).code).toBe(0);
  return other;
}

const { run, ok, json } = runsAt(() => box, NOW);

async function logSession(id: string, at: string, mood: string, extra: string[] = []): Promise<void> {
  await ok(['log-session', '--client', 'c1', '--id', id, '--at', at, '--mood', mood, '--summary', `summary of ${id}`,
    '--duration', '50', ...extra]);
}

/** Everything the database holds about the client, through the export (exported_at aside). */
async function snapshot(client = 'c1'): Promise<string> {
  const text = await ok(['export', client]);
  return text.replace(/"exported_at":"[^"]+"/, '');
}

async function auditActions(client = 'c1'): Promise<string[]> {
  const entries = await json(['audit', client]) as { action: string }[];
  return entries.map((entry) => entry.action);
}

describe('what a person may try first: session edit and delete, goal and milestone delete', () => {
  it('answers with the way it is done, exit 2, and changes nothing', async () => {
    await logSession('s1', '2026-03-02 10:00', 'positive');
    const before = await snapshot();
    const tried: [string[], RegExp][] = [
      [['session', 'edit', 's1', '--mood', 'negative'], /^tpt: a session is corrected by amendment, never edited in place: `tpt session amend <id>/],
      [['session', 'delete', 's1'], /^tpt: a session is never deleted: `tpt session void <id> --reason "why"`/],
      [['goal', 'delete', 'g1'], /^tpt: a goal is never deleted: end it with `tpt goal update <id> --status discontinued`/],
      [['milestone', 'delete', 'm1'], /^tpt: a milestone is never deleted: `tpt milestone void <id>/],
    ];
    for (const [args, answer] of tried) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(answer);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await snapshot()).toBe(before);
    // Not offered: neither in help nor in completions.
    expect(await ok(['session', '--help'])).not.toMatch(/^\s+(edit|delete)\b/m);
    expect(readFileSync(join(process.cwd(), 'completions', 'tpt.bash'), 'utf8')).toContain("'session') echo 'show amend void restore sign' ;;");
  });
});

describe('tpt session amend', () => {
  it('makes a new version, keeps the original whole, and shows both', async () => {
    await logSession('s1', '2026-03-02 10:00', 'positive', ['--notes', 'as typed']);
    const amended = await json(['session', 'amend', 's1', '--mood', 'negative', '--reason', 'mood entered wrongly'], new Date('2026-03-03T08:00:00Z'));
    expect(amended).toEqual({ session_id: 's1', version: 2, addendum: false });

    const shown = await json(['session', 'show', 's1']);
    expect(shown).toMatchObject({
      emotional_state: 'negative', emotional_score: -1, progress_notes: 'as typed', version: 2, amendments: 1,
      amended_at: '2026-03-03T08:00:00.000Z', amended_by: 'tester', amend_reason: 'mood entered wrongly', addendum: false,
    });
    expect(shown.history).toBeUndefined();

    const history = (await json(['session', 'show', 's1', '--history'])).history;
    expect(history.map((v: Record<string, unknown>) => [v.version, v.emotional_state, v.amended_by, v.amend_reason])).toEqual([
      [1, 'positive', null, null],
      [2, 'negative', 'tester', 'mood entered wrongly'],
    ]);
    const table = await ok(['session', 'show', 's1', '--history']);
    expect(table).toContain('── version 1, as logged');
    expect(table).toContain('── version 2, amended 2026-03-03 09:00 by tester: mood entered wrongly');
    expect(table).toContain('positive (+1)');

    // The export carries the original; the listing shows the current version.
    const exported = JSON.parse(await ok(['export', 'c1']));
    const session = exported.clients[0].sessions[0];
    expect(session).toMatchObject({ emotional_state: 'negative', version: 2 });
    expect(session.versions).toEqual([expect.objectContaining({ version: 1, emotional_state: 'positive', progress_notes: 'as typed' })]);
    expect((await json(['sessions', 'c1']))[0]).toMatchObject({ session_id: 's1', emotional_state: 'negative', version: 2 });
    expect(await auditActions()).toContain('session.amend');
  });

  it('replaces lists, empties fields with --clear, and keeps counting versions', async () => {
    await logSession('s1', '2026-03-02 10:00', '1', ['--technique', 'CBT', '--homework', 'diary']);
    await ok(['session', 'amend', 's1', '--technique', 'ACT', '--technique', 'breathing', '--reason', 'r1']);
    await ok(['session', 'amend', 's1', '--clear', 'homework', '--clear', 'duration', '--reason', 'r2']);
    const shown = await json(['session', 'show', 's1', '--history']);
    expect(shown).toMatchObject({ version: 3, amendments: 2, techniques_used: ['ACT', 'breathing'], homework_assigned: '', session_duration_minutes: null });
    expect(shown.history.map((v: Record<string, unknown>) => v.techniques_used)).toEqual([['CBT'], ['ACT', 'breathing'], ['ACT', 'breathing']]);
  });

  it('refuses an amendment without a reason, with nothing to change, or that changes nothing, and writes nothing', async () => {
    await logSession('s1', '2026-03-02 10:00', 'positive');
    const before = await snapshot();
    const cases: [string[], string][] = [
      [['session', 'amend', 's1', '--mood', '-1'], "required option '--reason <text>' not specified"],
      [['session', 'amend', 's1', '--mood', '-1', '--reason', '  '], 'an amendment needs a reason: add --reason "why"'],
      [['session', 'amend', 's1', '--reason', 'r'], 'nothing to amend'],
      [['session', 'amend', 's1', '--mood', 'positive', '--reason', 'r'], 'the amendment changes nothing'],
      [['session', 'amend', 's1', '--mood', 'happy', '--reason', 'r'], 'unknown mood "happy"'],
      [['session', 'amend', 's1', '--client', 'c2', '--reason', 'r'], "a session's client is not amended: void it"],
      [['session', 'amend', 'nope', '--mood', '1', '--reason', 'r'], 'no session "nope"'],
      [['session', 'amend', 's1', '--clear', 'mood', '--reason', 'r'], '--clear mood: use one of'],
    ];
    for (const [args, message] of cases) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await snapshot()).toBe(before);
  });
});

describe('tpt session void and restore', () => {
  it('takes a session out of listings and analytics, keeps it in the record, and restore brings it back', async () => {
    await logSession('s1', '2026-03-02 10:00', '2');
    await logSession('s2', '2026-03-09 10:00', '-2');
    const voided = await json(['session', 'void', 's2', '--reason', 'logged for the wrong client']);
    expect(voided).toEqual({ session_id: 's2', voided_at: NOW.toISOString() });

    expect((await json(['sessions', 'c1'])).map((s: { session_id: string }) => s.session_id)).toEqual(['s1']);
    const all = await json(['sessions', 'c1', '--include-void']);
    expect(all.map((s: { session_id: string; voided_at: string | null }) => [s.session_id, s.voided_at])).toEqual([
      ['s2', NOW.toISOString()], ['s1', null],
    ]);
    expect(await ok(['sessions', 'c1', '--include-void'])).toContain('[voided]');
    expect((await json(['clients']))[0]).toMatchObject({ client_id: 'c1', sessions: 1 });
    const trends = await json(['trends', 'c1', '--since', '2026-03-01', '--until', '2026-03-15']);
    expect(trends.overall).toMatchObject({ data_points: 1, avg_emotional_score: 2 });

    // Still in the record: show, the export and the audit log.
    expect(await json(['session', 'show', 's2'])).toMatchObject({ voided_by: 'tester', void_reason: 'logged for the wrong client' });
    const exported = JSON.parse(await ok(['export', 'c1']));
    expect(exported.clients[0].sessions.find((s: { session_id: string }) => s.session_id === 's2'))
      .toMatchObject({ emotional_score: -2, voided_at: NOW.toISOString() });
    expect(await auditActions()).toContain('session.void');

    const again = await run(['session', 'void', 's2', '--reason', 'twice']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('tpt: session s2 is voided already\n');
    expect((await run(['session', 'void', 's1'])).code).toBe(2);

    expect(await json(['session', 'restore', 's2'])).toEqual({ session_id: 's2', voided_at: null });
    expect((await json(['sessions', 'c1'])).map((s: { session_id: string }) => s.session_id)).toEqual(['s2', 's1']);
    expect((await run(['session', 'restore', 's2'])).code).toBe(1);
    expect(await auditActions()).toContain('session.restore');
  });

  it('refuses to amend a voided session until it is restored', async () => {
    await logSession('s1', '2026-03-02 10:00', '2');
    await ok(['session', 'void', 's1', '--reason', 'r']);
    const before = await snapshot();
    const refused = await run(['session', 'amend', 's1', '--mood', '1', '--reason', 'r']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('session s1 is voided: restore it first');
    expect(await snapshot()).toBe(before);
  });
});

describe('tpt session sign', () => {
  it('locks a session: void is refused, amendments become addenda', async () => {
    await logSession('s1', '2026-03-02 10:00', '1');
    expect(await json(['session', 'sign', 's1'])).toEqual({ session_id: 's1', signed_at: NOW.toISOString(), signed_by: 'tester' });
    const before = await snapshot();

    const voided = await run(['session', 'void', 's1', '--reason', 'r']);
    expect(voided.code).toBe(1);
    expect(voided.stderr).toBe('tpt: session s1 is signed and cannot be voided: correct it with `tpt session amend s1 … --reason` (an addendum)\n');
    const twice = await run(['session', 'sign', 's1']);
    expect(twice.code).toBe(1);
    expect(await snapshot()).toBe(before);

    const addendum = await json(['session', 'amend', 's1', '--notes', 'called back the next day', '--reason', 'late entry']);
    expect(addendum).toEqual({ session_id: 's1', version: 2, addendum: true });
    const shown = await json(['session', 'show', 's1', '--history']);
    expect(shown).toMatchObject({ signed_by: 'tester', version: 2, addendum: true, progress_notes: 'called back the next day' });
    expect(shown.history[0]).toMatchObject({ version: 1, progress_notes: '' });
    expect(await ok(['session', 'show', 's1', '--history'])).toContain('── version 2, addendum');
    expect(await auditActions()).toEqual(expect.arrayContaining(['session.sign', 'session.amend']));
  });

  it('signs at logging time with log-session --sign, in the same transaction', async () => {
    await logSession('s1', '2026-03-02 10:00', '1', ['--sign']);
    expect(await json(['session', 'show', 's1'])).toMatchObject({ signed_at: NOW.toISOString(), signed_by: 'tester' });
    expect(await ok(['sessions', 'c1'])).toContain('[signed]');
  });

  it('refuses to sign a voided session', async () => {
    await logSession('s1', '2026-03-02 10:00', '1');
    await ok(['session', 'void', 's1', '--reason', 'r']);
    const refused = await run(['session', 'sign', 's1']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('restore it before signing');
  });

  it('refuses a plain overwrite of a signed session by import --on-conflict replace', async () => {
    await logSession('s1', '2026-03-02 10:00', '1');
    const file = join(box.home, 'before.json');
    await ok(['export', 'c1', '--out', file]);
    await ok(['session', 'sign', 's1']);
    const before = await snapshot();
    const refused = await run(['import', file, '--on-conflict', 'replace']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is signed in the database and is corrected only by amendment');
    expect(await snapshot()).toBe(before);
  });
});

describe('dates that make sense', () => {
  it('refuses a session more than 24 hours in the future, and writes nothing', async () => {
    await logSession('s1', '2026-03-02 10:00', '1');
    const before = await snapshot();
    const far = await run(['log-session', '--client', 'c1', '--mood', '1', '--summary', 's', '--at', '2062-03-02']);
    expect(far.code).toBe(2);
    expect(far.stderr).toBe('tpt: session time "2062-03-02" is more than 24 hours in the future: give the time it happened (check the year)\n');
    const amend = await run(['session', 'amend', 's1', '--at', '2026-03-21T13:00:01Z', '--reason', 'r']);
    expect(amend.code).toBe(2);
    expect(await snapshot()).toBe(before);
    // Up to 24 hours ahead is taken (a clock off, a time zone crossed).
    await ok(['log-session', '--client', 'c1', '--mood', '1', '--summary', 's', '--at', '2026-03-21T12:00:00Z']);
  });
});

describe('export and import of corrected sessions', () => {
  it('re-imports an amended, a voided and a signed session byte-identically', async () => {
    await logSession('s1', '2026-03-02 10:00', '2');
    await logSession('s2', '2026-03-03 10:00', '1');
    await logSession('s3', '2026-03-04 10:00', '0');
    await logSession('s4', '2026-03-05 10:00', '-1');
    await ok(['session', 'amend', 's1', '--mood', '-1', '--reason', 'wrong mood']);
    await ok(['session', 'void', 's2', '--reason', 'duplicate']);
    await ok(['session', 'sign', 's3']);
    await ok(['session', 'amend', 's3', '--homework', 'walk', '--reason', 'forgot the homework']);
    const first = join(box.home, 'first.json');
    const second = join(box.home, 'second.json');
    await ok(['export', 'c1', '--out', first]);

    const other = otherDatabase();
    const imported = other.spawn(['import', first]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(other.spawn(['export', 'c1', '--out', second]).code).toBe(0);
    const body = (path: string) => readFileSync(path, 'utf8').replace(/"exported_at":"[^"]+"/, '');
    expect(body(second)).toBe(body(first));

    // The imported database holds the same state, and importing again changes nothing.
    const shown = JSON.parse(other.spawn(['--json', 'session', 'show', 's3', '--history']).stdout);
    expect(shown).toMatchObject({ signed_by: 'tester', version: 2, addendum: true });
    expect(shown.history).toHaveLength(2);
    const again = JSON.parse(other.spawn(['--json', 'import', first]).stdout);
    expect(again.sessions).toEqual({ added: 0, skipped: 4, replaced: 0 });
  });

  it('refuses a corrected session whose versions do not add up', async () => {
    await logSession('s1', '2026-03-02 10:00', '2');
    await ok(['session', 'amend', 's1', '--mood', '-1', '--reason', 'wrong mood']);
    const doc = JSON.parse(await ok(['export', 'c1']));
    doc.clients[0].sessions[0].versions = [];
    const file = join(box.home, 'bad.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, JSON.stringify(doc));
    const other = otherDatabase();
    const refused = other.spawn(['import', file]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('version 2 needs the 1 earlier version(s)');
  });
});

describe('report and trends of a client with corrected sessions', () => {
  it('count the current versions of the sessions that are not voided', async () => {
    // s1 logged +2, amended to −1; s2 +2, voided; s3 0, signed; s4 +1. Durations 50, 50, 50, 30.
    await logSession('s1', '2026-03-02 10:00', '2');
    await logSession('s2', '2026-03-05 10:00', '2');
    await logSession('s3', '2026-03-09 10:00', '0', ['--sign']);
    await ok(['log-session', '--client', 'c1', '--id', 's4', '--at', '2026-03-16 10:00', '--mood', '1', '--summary', 'x', '--duration', '30']);
    await ok(['session', 'amend', 's1', '--mood', '-1', '--reason', 'wrong mood']);
    await ok(['session', 'void', 's2', '--reason', 'never took place']);

    // Counted: −1 (Mar 2), 0 (Mar 9), +1 (Mar 16). Mean 0; sample sd 1; slope 1/7 per day → 4.2857 per 30 days.
    const trends = await json(['trends', 'c1', '--since', '2026-03-01', '--until', '2026-03-19']);
    expect(trends.overall).toMatchObject({
      data_points: 3, avg_emotional_score: 0, volatility: 1, slope_per_30_days: 4.2857, trend_direction: 'improving',
    });
    const report = await json(['report', 'c1', '--since', '2026-03-01', '--until', '2026-03-19']);
    expect(report).toMatchObject({ sessions_count: 3, total_minutes: 130 });
    expect(report.overall_emotional_trend).toMatchObject({ data_points: 3, avg_emotional_score: 0 });
  });

  it('say whether each listed session is signed', async () => {
    await logSession('s1', '2026-03-02 10:00', '-1', ['--crisis-flag', 'self_harm_risk', '--sign']);
    await logSession('s2', '2026-03-09 10:00', '-1', ['--crisis-flag', 'self_harm_risk']);
    const report = await json(['report', 'c1', '--since', '2026-03-01', '--until', '2026-03-19']);
    expect(report.crisis_events.map((e: { session_id: string; signed: boolean }) => [e.session_id, e.signed])).toEqual([['s1', true], ['s2', false]]);
    expect(report.session_summaries.map((e: { session_id: string; signed: boolean }) => [e.session_id, e.signed])).toEqual([['s2', false], ['s1', true]]);
    const table = await ok(['report', 'c1', '--since', '2026-03-01', '--until', '2026-03-19']);
    expect(table.match(/s1 \(signed\)/g)).toHaveLength(2); // under crisis events and under sessions
    expect(table).not.toMatch(/s2 \(signed\)/);
    const markdown = await ok(['report', 'c1', '--since', '2026-03-01', '--until', '2026-03-19', '--format', 'markdown']);
    expect(markdown.match(/\| s1 \(signed\) \|/g)).toHaveLength(2);
  });
});

describe('the CSV export of corrected records', () => {
  it('lists each session as it now stands and leaves voided sessions and milestones out', async () => {
    await logSession('plain', '2026-03-02 10:00', '1');
    await logSession('amended', '2026-03-03 10:00', '1');
    await logSession('voided', '2026-03-04 10:00', '1');
    await ok(['session', 'amend', 'amended', '--mood', '-1', '--reason', 'mood entered wrongly']);
    await ok(['session', 'void', 'voided', '--reason', 'wrong client']);
    await ok(['goal', 'create', '--client', 'c1', '--id', 'g1', '--description', 'Sleep'], new Date('2026-03-01T09:00:00Z'));
    await ok(['milestone', 'add', '--goal', 'g1', '--id', 'kept', '--description', 'a', '--date', '2026-03-05']);
    await ok(['milestone', 'add', '--goal', 'g1', '--id', 'gone', '--description', 'b', '--date', '2026-03-06']);
    await ok(['milestone', 'void', 'gone', '--reason', 'wrong goal']);

    const sessions = (await ok(['export', 'c1', '--format', 'csv'])).trim().split('\r\n').slice(1);
    expect(sessions.map((line) => line.split(',').slice(0, 1).concat(line.split(',').slice(4, 6)))).toEqual([
      ['"plain"', '"positive"', '1'], ['"amended"', '"negative"', '-1'],
    ]);
    const milestones = (await ok(['export', 'c1', '--format', 'csv', '--table', 'milestones'])).trim().split('\r\n').slice(1);
    expect(milestones.map((line) => line.split(',')[0])).toEqual(['"kept"']);
    // The JSON export keeps both, with their state.
    const document = JSON.parse(await ok(['export', 'c1']));
    expect(document.clients[0].sessions.map((s: { session_id: string }) => s.session_id)).toEqual(['plain', 'amended', 'voided']);
    expect(document.clients[0].milestones.map((m: { milestone_id: string }) => m.milestone_id)).toEqual(['kept', 'gone']);
  });
});

describe('the FHIR export of corrected sessions', () => {
  it('marks a voided session entered-in-error and an amended one amended, and a plain one as before', async () => {
    await logSession('plain', '2026-03-02 10:00', '1');
    await logSession('amended', '2026-03-03 10:00', '1');
    await logSession('voided', '2026-03-04 10:00', '1');
    await ok(['session', 'amend', 'amended', '--mood', '-1', '--reason', 'mood entered wrongly']);
    await ok(['session', 'void', 'voided', '--reason', 'wrong client']);
    const bundle = JSON.parse(await ok(['export', 'c1', '--format', 'fhir'])) as
      { entry: { resource: { resourceType: string; status: string; docStatus?: string; valueInteger?: number } }[] };
    // After the Patient, each session's Encounter, mood Observation and note, oldest session first.
    const statuses = bundle.entry.slice(1).map(({ resource }) => [resource.resourceType, resource.status, resource.docStatus ?? null]);
    expect(statuses).toEqual([
      ['Encounter', 'finished', null], ['Observation', 'final', null], ['DocumentReference', 'current', null],
      ['Encounter', 'finished', null], ['Observation', 'amended', null], ['DocumentReference', 'current', 'amended'],
      ['Encounter', 'entered-in-error', null], ['Observation', 'entered-in-error', null], ['DocumentReference', 'entered-in-error', null],
    ]);
    const mood = bundle.entry.find((e) => e.resource.resourceType === 'Observation' && e.resource.status === 'amended')!;
    expect(mood.resource.valueInteger).toBe(-1);
  });
});

describe('tpt client delete --purge of a client with corrected sessions', () => {
  it('deletes the earlier versions too', async () => {
    await logSession('s1', '2026-03-02 10:00', '2');
    await ok(['session', 'amend', 's1', '--summary', 'the corrected summary', '--reason', 'typo']);
    const purged = await json(['client', 'delete', 'c1', '--purge', '--yes']);
    expect(purged.deleted).toMatchObject({ sessions: 1, session_versions: 1, clients: 1 });
  });
});

describe('an amendment and the risk register', () => {
  it('opens a risk for a crisis flag it adds, and leaves it open when a later amendment takes the flag away', async () => {
    await logSession('s1', '2026-03-02 10:00', 'negative');
    expect(await json(['risk', 'list', 'c1'])).toEqual([]);
    await ok(['session', 'amend', 's1', '--crisis-flag', 'self-harm', '--reason', 'flag left out when logging']);
    const [opened] = await json(['risk', 'list', 'c1']);
    expect(opened).toMatchObject({
      kind: 'self_harm', status: 'open', opened_at: '2026-03-02T09:00:00.000Z', session_ids: ['s1'], flags: ['self_harm'],
    });
    expect(await auditActions()).toContain('risk.open');

    await ok(['session', 'amend', 's1', '--clear', 'crisis-flags', '--reason', 'flag was for another client']);
    const [kept] = await json(['risk', 'list', 'c1', '--open']);
    expect(kept).toMatchObject({ kind: 'self_harm', status: 'open', session_ids: ['s1'] });
    expect(kept.history.map((event: { event: string }) => event.event)).toEqual(['opened']);
  });
});

describe('tpt client rename and merge', () => {
  async function seedClient(client: string, session: string): Promise<void> {
    await ok(['log-session', '--client', client, '--id', session, '--at', '2026-03-02 10:00', '--mood', '1', '--summary', 'x']);
    await ok(['goal', 'create', '--client', client, '--id', `${client}-goal`, '--description', 'Sleep 7 hours']);
    await ok(['milestone', 'add', '--goal', `${client}-goal`, '--id', `${client}-ms`, '--description', 'first week', '--date', '2026-03-20']);
    await ok(['session', 'amend', session, '--mood', '2', '--reason', 'r']);
  }

  it('rename moves every record in one go, leaves nothing under the old id, and the audit trail follows', async () => {
    await seedClient('F1', 's1');
    const renamed = await json(['client', 'rename', 'F1', 'f1']);
    expect(renamed).toEqual({
      from: 'F1', to: 'f1',
      moved: expect.objectContaining({ sessions: 1, session_versions: 1, goals: 1, milestones: 1 }),
    });
    expect((await json(['clients'])).map((c: { client_id: string }) => c.client_id)).toEqual(['f1']);
    expect((await run(['sessions', 'F1'])).code).toBe(2);
    expect(await json(['session', 'show', 's1', '--history'])).toMatchObject({ client_id: 'f1', history: [{ client_id: 'f1' }, { client_id: 'f1' }] });
    expect((await json(['goal', 'show', 'F1-goal'])).client_id).toBe('f1');
    expect((await json(['milestone', 'list', 'f1']))[0]).toMatchObject({ milestone_id: 'F1-ms', client_id: 'f1' });
    const exported = JSON.parse(await ok(['export', '--all']));
    expect(JSON.stringify(exported)).not.toContain('"client_id":"F1"');

    // The audit log keeps its entries as written (it is hash-chained); a query by client follows the rename.
    const trail = await json(['audit', 'f1']) as { action: string; client_id: string; object_id: string }[];
    expect(trail.filter((e) => e.client_id === 'F1').map((e) => e.action)).toEqual(
      expect.arrayContaining(['session.create', 'goal.create', 'milestone.create', 'session.amend']),
    );
    expect(trail).toContainEqual(expect.objectContaining({ action: 'client.rename', client_id: 'f1', object_id: 'F1' }));
    expect(box.spawn(['audit', 'verify']).code).toBe(0);
  });

  it('merge moves every record of one client into another, with the earlier creation time', async () => {
    await seedClient('f-1', 's1');
    await seedClient('f1', 's2');
    const merged = await json(['client', 'merge', 'f-1', '--into', 'f1']);
    expect(merged.moved).toMatchObject({ sessions: 1, session_versions: 1, goals: 1, milestones: 1 });
    expect((await json(['sessions', 'f1'])).map((s: { session_id: string }) => s.session_id).sort()).toEqual(['s1', 's2']);
    expect((await json(['goal', 'list', 'f1'])).map((g: { goal_id: string }) => g.goal_id).sort()).toEqual(['f-1-goal', 'f1-goal']);
    expect((await json(['clients'])).map((c: { client_id: string }) => c.client_id)).toEqual(['f1']);
    const trail = await json(['audit', 'f1']) as { client_id: string }[];
    expect(new Set(trail.map((e) => e.client_id))).toEqual(new Set(['f-1', 'f1']));
    expect(JSON.stringify(JSON.parse(await ok(['export', '--all'])))).not.toContain('"client_id":"f-1"');
  });

  const flagged = (client: string, session: string, at: string, flag: string) =>
    ok(['log-session', '--client', client, '--id', session, '--at', at, '--mood', '-2', '--summary', 'x', '--crisis-flag', flag]);
  const risks = async (client: string) => (await json(['risk', 'list', client])) as
    { client_id: string; kind: string; status: string; opened_at: string; session_ids: string[]; resolution_note: string | null;
      history: { event: string; source_id: string | null; note: string }[] }[];

  it('rename moves the risk register: the open risk and its history go with the client', async () => {
    await flagged('F1', 's1', '2026-03-02 10:00', 'suicidal_ideation');
    await ok(['client', 'rename', 'F1', 'f1']);
    const [risk] = await risks('f1');
    expect(risk).toMatchObject({ client_id: 'f1', kind: 'suicidal_ideation', status: 'open', session_ids: ['s1'] });
    expect(risk!.history.map((event) => event.event)).toEqual(['opened']);
    expect(await json(['risk', 'list', '--open'])).toHaveLength(1);
    expect(box.spawn(['audit', 'verify']).code).toBe(0);
  });

  it('merge makes two risks of one kind one: open if either is open, every event kept', async () => {
    // f-1: flagged on 2 March, resolved on 5 March. f1: flagged on 10 March, still open. f-1 also has a kind of its own.
    await flagged('f-1', 's1', '2026-03-02 10:00', 'suicidal_ideation');
    await ok(['log-session', '--client', 'f-1', '--id', 's2', '--at', '2026-03-03 10:00', '--mood', '-1', '--summary', 'x', '--crisis-flag', 'self_harm']);
    await ok(['risk', 'resolve', 'f-1', 'suicidal_ideation', '--note', 'safety plan reviewed'], new Date('2026-03-05T12:00:00Z'));
    await flagged('f1', 's3', '2026-03-10 10:00', 'SI');

    const merged = await json(['client', 'merge', 'f-1', '--into', 'f1']);
    expect(merged.moved).toMatchObject({ sessions: 2, risks: 2, risk_events: 3 });
    const byKind = Object.fromEntries((await risks('f1')).map((risk) => [risk.kind, risk]));
    expect(Object.keys(byKind).sort()).toEqual(['self_harm', 'suicidal_ideation']);
    expect(byKind.suicidal_ideation).toMatchObject({
      client_id: 'f1', status: 'open', opened_at: '2026-03-10T09:00:00.000Z', session_ids: ['s3'], resolution_note: null,
    });
    // f-1's episode up to its resolution, then f1's open one.
    expect(byKind.suicidal_ideation!.history.map((event) => [event.event, event.source_id])).toEqual([
      ['opened', 's1'], ['resolved', null], ['opened', 's3'],
    ]);
    expect(byKind.self_harm).toMatchObject({ status: 'open', session_ids: ['s2'] });
    expect((await json(['risk', 'list', '--open'])).map((risk: { client_id: string }) => risk.client_id)).toEqual(['f1', 'f1']);
    expect((await run(['risk', 'list', 'f-1'])).code).toBe(2);
    expect(box.spawn(['audit', 'verify']).code).toBe(0);
  });

  it('merge keeps an open risk open though the other client\'s was resolved later, and two resolved risks resolved', async () => {
    await flagged('a1', 's1', '2026-03-02 10:00', 'suicidal_ideation');
    await flagged('b1', 's2', '2026-03-03 10:00', 'suicidal_ideation');
    await ok(['risk', 'resolve', 'b1', 'suicidal_ideation', '--note', 'no ideation for a week'], new Date('2026-03-10T12:00:00Z'));
    await ok(['client', 'merge', 'a1', '--into', 'b1']);
    const [open] = await risks('b1');
    expect(open).toMatchObject({ status: 'open', opened_at: '2026-03-02T09:00:00.000Z', session_ids: ['s1'], resolution_note: null });
    expect(open!.history.map((event) => [event.event, event.source_id])).toEqual([['opened', 's2'], ['resolved', null], ['opened', 's1']]);

    await flagged('c1', 's3', '2026-03-04 10:00', 'suicidal_ideation');
    await ok(['risk', 'resolve', 'b1', 'suicidal_ideation', '--note', 'reviewed both'], new Date('2026-03-12T12:00:00Z'));
    await ok(['risk', 'resolve', 'c1', 'suicidal_ideation', '--note', 'reviewed c1'], new Date('2026-03-11T12:00:00Z'));
    await ok(['client', 'merge', 'c1', '--into', 'b1']);
    const [resolved] = await risks('b1');
    expect(resolved).toMatchObject({ status: 'resolved', resolution_note: 'reviewed both', session_ids: ['s1'] });
    expect(resolved!.history.map((event) => [event.event, event.source_id])).toEqual([
      ['opened', 's3'], ['resolved', null], ['opened', 's2'], ['resolved', null], ['opened', 's1'], ['resolved', null],
    ]);
  });

  it('refuses a rename onto an existing client, a merge into an unknown one, and changes nothing', async () => {
    await seedClient('a1', 's1');
    await seedClient('b1', 's2');
    const before = await snapshot('a1');
    const onto = await run(['client', 'rename', 'a1', 'b1']);
    expect(onto.code).toBe(1);
    expect(onto.stderr).toBe('tpt: client "b1" exists already: to put the records of both together, use `tpt client merge a1 --into b1`\n');
    expect((await run(['client', 'merge', 'a1', '--into', 'nobody'])).code).toBe(2);
    expect((await run(['client', 'merge', 'a1', '--into', 'a1'])).code).toBe(2);
    expect((await run(['client', 'rename', 'a1', 'bad id'])).code).toBe(2);
    expect(await snapshot('a1')).toBe(before);
  });
});

describe('a session for a client that does not exist yet', () => {
  it('says so on stderr, naming look-alike clients, after the session is written', async () => {
    await ok(['log-session', '--client', 'f1', '--mood', '1', '--summary', 'x']);
    const typo = await run(['log-session', '--client', 'F1', '--mood', '1', '--summary', 'x']);
    expect(typo.code).toBe(0);
    expect(typo.stderr).toBe('note: "F1" is a new client; existing clients with a similar id: f1 (if they are the same person: `tpt client merge F1 --into f1`)\n');
    const other = await run(['log-session', '--client', 'zz9', '--mood', '1', '--summary', 'x']);
    expect(other.stderr).toBe('note: "zz9" is a new client\n');
    const known = await run(['log-session', '--client', 'f1', '--mood', '1', '--summary', 'x']);
    expect(known.stderr).toBe('');
  });
});
