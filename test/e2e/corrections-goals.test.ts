import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { runsAt, Sandbox } from '../helpers.js';
import { call, startServer } from '../server.js';
import { httpNotOnPostgres } from './on-postgres.js';

// TZ=Europe/Berlin (UTC+1 in March). The goal is set on 1 March; the clock stands at 20 March.
const SET = new Date('2026-03-01T09:00:00Z');
const NOW = new Date('2026-03-20T12:00:00Z');
let box: Sandbox;

beforeEach(async () => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
  await ok(['goal', 'create', '--client', 'c1', '--id', 'g1', '--description', 'Sleep 7 hours', '--target', '2026-06-30', '--progress', '10'], SET);
});
afterEach(() => box.cleanup());

const { run, ok, json } = runsAt(() => box, NOW);
const snapshot = async () => (await ok(['export', 'c1'])).replace(/"exported_at":"[^"]+"/, '');

describe('tpt goal edit', () => {
  it('corrects the description and target, keeping the values before with who, when and why', async () => {
    await ok(['goal', 'edit', 'g1', '--target', '2026-09-30', '--description', 'Sleep 7 hours most nights', '--reason', 'review with client']);
    const goal = await json(['goal', 'show', 'g1']);
    expect(goal).toMatchObject({ description: 'Sleep 7 hours most nights', target_date: '2026-09-30', completion_percentage: 10 });
    expect(goal.edits).toEqual([{
      at: NOW.toISOString(), actor: 'tester', reason: 'review with client',
      changes: { description: ['Sleep 7 hours', 'Sleep 7 hours most nights'], target_date: ['2026-06-30', '2026-09-30'] },
    }]);
    expect(await ok(['goal', 'show', 'g1'])).toContain('target date: 2026-06-30 → 2026-09-30');
    // The export carries the edit log, and the round trip keeps it byte for byte.
    const first = join(box.home, 'a.json');
    const second = join(box.home, 'b.json');
    await ok(['export', 'c1', '--out', first]);
    // A second, empty database on the run's engine (a second SQLite file or PostgreSQL database).
    const other = new Sandbox();
    onTestFinished(() => other.cleanup());
    expect(other.spawn(['init']).code).toBe(0);
    expect(other.spawn(['import', first]).code).toBe(0);
    expect(other.spawn(['export', 'c1', '--out', second]).code).toBe(0);
    const body = (file: string) => readFileSync(file, 'utf8').replace(/"exported_at":"[^"]+"/, '');
    expect(body(second)).toBe(body(first));
    expect(body(first)).toContain('"edits":[{');
  });

  it('refuses an edit without a reason, with nothing to change, or that changes nothing, and writes nothing', async () => {
    const before = await snapshot();
    for (const [args, code] of [
      [['goal', 'edit', 'g1', '--target', '2026-09-30'], 2],
      [['goal', 'edit', 'g1', '--reason', 'r'], 2],
      [['goal', 'edit', 'g1', '--target', '2026-06-30', '--reason', 'r'], 2],
      [['goal', 'edit', 'g1', '--target', '30/09/2026', '--reason', 'r'], 2],
      [['goal', 'edit', 'nope', '--target', '2026-09-30', '--reason', 'r'], 2],
    ] as [string[], number][]) {
      const result = await run(args);
      expect(result.code, args.join(' ')).toBe(code);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(await snapshot()).toBe(before);
  });
});

describe('tpt goal update --at and a note alone', () => {
  it('records a backdated entry at its own time; the goal stands where its latest entry says', async () => {
    await ok(['goal', 'update', 'g1', '--progress', '60'], new Date('2026-03-15T09:00:00Z'));
    // Late entry of progress made on 8 March: it goes into the history at that time.
    await ok(['goal', 'update', 'g1', '--progress', '30', '--at', '2026-03-08', '--note', 'entered late']);
    const goal = await json(['goal', 'show', 'g1']);
    expect(goal.completion_percentage).toBe(60);
    expect(goal.history.map((h: { at: string; completion_percentage: number }) => [h.at, h.completion_percentage])).toEqual([
      ['2026-03-01T09:00:00.000Z', 10], ['2026-03-15T09:00:00.000Z', 60], ['2026-03-07T23:00:00.000Z', 30],
    ]);
    // The report reads the history by time: on 10 March the goal stood at 30.
    const report = await json(['report', 'c1', '--since', '2026-03-01', '--until', '2026-03-10']);
    expect(report.goal_progress).toEqual({ g1: 30 });
  });

  it('takes a note alone as an entry that keeps the percentage and status', async () => {
    const updated = await json(['goal', 'update', 'g1', '--note', 'setback after the move']);
    expect(updated).toEqual({ goal_id: 'g1', completion_percentage: 10, status: 'active' });
    const goal = await json(['goal', 'show', 'g1']);
    expect(goal.history.at(-1)).toMatchObject({ completion_percentage: 10, status: 'active', note: 'setback after the move' });
  });

  it('refuses a time before the goal was set or more than 24 hours ahead, and writes nothing', async () => {
    const before = await snapshot();
    const early = await run(['goal', 'update', 'g1', '--progress', '20', '--at', '2026-02-27']);
    expect(early.code).toBe(2);
    expect(early.stderr).toBe('tpt: progress time "2026-02-27" is before the goal was set (2026-03-01 10:00): give a later --at, ' +
      'or correct when the goal was set with `tpt goal edit g1 --set-at <date> --reason "…"`\n');
    const late = await run(['goal', 'update', 'g1', '--progress', '20', '--at', '2026-03-22']);
    expect(late.code).toBe(2);
    expect(late.stderr).toContain('is more than 24 hours in the future');
    expect(await snapshot()).toBe(before);
  });
});

describe('milestones: dates, edit and void', () => {
  it('refuses a milestone dated before its goal was set or in the future, and writes nothing', async () => {
    const before = await snapshot();
    const early = await run(['milestone', 'add', '--goal', 'g1', '--description', 'd', '--date', '2026-02-28']);
    expect(early.code).toBe(2);
    expect(early.stderr).toBe('tpt: milestone date 2026-02-28 is before its goal g1 was set (2026-03-01): give a later --date, ' +
      'or correct when the goal was set with `tpt goal edit g1 --set-at <date> --reason "…"`\n');
    const future = await run(['milestone', 'add', '--goal', 'g1', '--description', 'd', '--date', '2026-04-01']);
    expect(future.code).toBe(2);
    expect(future.stderr).toContain('milestone date "2026-04-01" is more than 24 hours in the future');
    expect(await snapshot()).toBe(before);
  });

  it('edits a milestone with its reason kept, voids it out of lists and reports, and restores it', async () => {
    await ok(['milestone', 'add', '--goal', 'g1', '--id', 'm1', '--description', 'First week', '--date', '2026-03-08']);
    const edited = await json(['milestone', 'edit', 'm1', '--date', '2026-03-09', '--significance', 'high', '--reason', 'a day later']);
    expect(edited).toMatchObject({ achieved_date: '2026-03-09', significance: 'high' });
    expect(edited.edits[0]).toMatchObject({ reason: 'a day later', changes: { achieved_date: ['2026-03-08', '2026-03-09'], significance: ['medium', 'high'] } });
    expect((await run(['milestone', 'edit', 'm1', '--date', '2026-02-01', '--reason', 'r'])).code).toBe(2);

    await ok(['milestone', 'void', 'm1', '--reason', 'recorded for the wrong goal']);
    expect(await json(['milestone', 'list', 'c1'])).toEqual([]);
    expect((await json(['goal', 'show', 'g1'])).milestones).toEqual([]);
    expect((await json(['report', 'c1', '--since', '2026-03-01', '--until', '2026-03-19'])).key_milestones).toEqual([]);
    const exported = JSON.parse(await ok(['export', 'c1']));
    expect(exported.clients[0].milestones[0]).toMatchObject({ milestone_id: 'm1', voided_by: 'tester', void_reason: 'recorded for the wrong goal' });
    expect((await run(['milestone', 'edit', 'm1', '--description', 'x', '--reason', 'r'])).code).toBe(1);

    // Still in the record: listed with --include-void, and shown whole with its corrections.
    expect(await json(['milestone', 'list', 'c1', '--include-void'])).toEqual([{
      milestone_id: 'm1', goal_id: 'g1', client_id: 'c1', description: 'First week', achieved_date: '2026-03-09', significance: 'high',
      voided_at: NOW.toISOString(), voided_by: 'tester', void_reason: 'recorded for the wrong goal',
    }]);
    const listed = await ok(['milestone', 'list', 'c1', '--include-void']);
    expect(listed).toContain('[voided] First week');
    expect(listed).toContain('1 of them voided');
    expect(await json(['milestone', 'show', 'm1'])).toMatchObject({
      milestone_id: 'm1', void_reason: 'recorded for the wrong goal', edits: [{ actor: 'tester', reason: 'a day later' }],
    });
    const shown = await ok(['milestone', 'show', 'm1']);
    expect(shown).toMatch(/Voided\s+2026-03-20 13:00 by tester: recorded for the wrong goal/);
    expect(shown).toContain('(a day later): achieved date: 2026-03-08 → 2026-03-09; significance: medium → high');
    expect((await json(['audit', 'c1']) as { action: string }[]).map((entry) => entry.action)).toContain('milestone.read');
    expect((await run(['milestone', 'show', 'nope'])).code).toBe(2);

    await ok(['milestone', 'restore', 'm1']);
    expect((await json(['milestone', 'list', 'c1'])).map((m: { milestone_id: string }) => m.milestone_id)).toEqual(['m1']);
  });
});

describe.skipIf(httpNotOnPostgres())('the HTTP service corrects goals and milestones the same way', () => {
  it('edits a goal, backdates progress, edits, voids and restores a milestone, each audited with the token\'s name', async () => {
    await ok(['milestone', 'add', '--goal', 'g1', '--id', 'm1', '--description', 'First week', '--date', '2026-03-08']);
    const token = JSON.parse(box.spawn(['--json', 'token', 'create', '--name', 'ehr-bridge', '--scope', 'write']).stdout).token as string;
    const server = await startServer(box);
    try {
      const send = (method: string, path: string, body?: unknown) => call(server.port, method, path, { token, body });
      const edited = await send('POST', '/api/v1/goals/g1/edit', { target_date: '2026-09-30', reason: 'review with client' });
      expect(edited.status).toBe(200);
      expect(edited.body.edits).toEqual([expect.objectContaining({
        actor: 'api:ehr-bridge', reason: 'review with client', changes: { target_date: ['2026-06-30', '2026-09-30'] },
      })]);
      const noReason = await send('POST', '/api/v1/goals/g1/edit', { notes: 'x' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toBe('an edit needs a reason: add "reason": "why" (it is kept with the goal)');
      expect((await send('POST', '/api/v1/goals/g1/edit', { priority: 1, reason: 'r' })).status).toBe(400);

      const backdated = await send('PUT', '/api/v1/goals/g1', { completion_percentage: 30, at: '2026-03-10T10:00:00Z' });
      expect(backdated.status).toBe(200);
      expect(backdated.body.history.map((entry: { at: string; completion_percentage: number }) => [entry.at, entry.completion_percentage]))
        .toContainEqual(['2026-03-10T10:00:00.000Z', 30]);
      const early = await send('PUT', '/api/v1/goals/g1', { completion_percentage: 40, at: '2026-02-01' });
      expect(early.status).toBe(400);
      expect(early.body.error.message).toMatch(/is before the goal was set .*: give a later "at", or correct when the goal was set with POST \/api\/v1\/goals\/g1\/edit with "set_at" and "reason"$/);

      const milestone = await send('POST', '/api/v1/milestones/m1/edit', { achieved_date: '2026-03-09', reason: 'a day later' });
      expect(milestone.body).toMatchObject({ achieved_date: '2026-03-09', edits: [{ actor: 'api:ehr-bridge', reason: 'a day later' }] });
      const nothing = await send('POST', '/api/v1/milestones/m1/edit', { reason: 'r' });
      expect(nothing.body.error.message).toBe('nothing to edit: give "description", "achieved_date" and/or "significance"');
      expect((await send('POST', '/api/v1/milestones/m1/void', { reason: 'wrong goal' })).body).toMatchObject({ voided_by: 'api:ehr-bridge' });
      expect((await send('POST', '/api/v1/milestones/m1/edit', { description: 'x', reason: 'r' })).status).toBe(409);
      expect((await send('POST', '/api/v1/milestones/m1/restore', {})).body).toMatchObject({ voided_at: null });
      expect((await send('POST', '/api/v1/milestones/nope/void', { reason: 'r' })).status).toBe(404);
    } finally {
      await server.stop();
    }
    const trail = await json(['audit', 'c1'], new Date()) as { action: string; actor: string; outcome: string }[]; // the server keeps real time
    const api = trail.filter((entry) => entry.actor === 'api:ehr-bridge' && entry.outcome === 'ok').map((entry) => entry.action);
    expect(api).toEqual(expect.arrayContaining(['goal.edit', 'goal.update', 'milestone.edit', 'milestone.void', 'milestone.restore']));
  });
});

describe.skipIf(httpNotOnPostgres())('the HTTP service corrects sessions the same way', () => {
  it('amends, voids, restores and signs, each audited with the token\'s name', async () => {
    await ok(['log-session', '--client', 'c1', '--id', 's1', '--at', '2026-03-02 10:00', '--mood', '1', '--summary', 'x']);
    await ok(['log-session', '--client', 'c1', '--id', 's2', '--at', '2026-03-03 10:00', '--mood', '1', '--summary', 'y']);
    const token = JSON.parse(box.spawn(['--json', 'token', 'create', '--name', 'ehr-bridge', '--scope', 'write']).stdout).token as string;
    const server = await startServer(box);
    try {
      const send = (method: string, path: string, body?: unknown) => call(server.port, method, path, { token, body });
      const amended = await send('POST', '/api/v1/sessions/s1/amend', { emotional_state: 'negative', reason: 'wrong mood' });
      expect(amended.status).toBe(200);
      expect(amended.body).toMatchObject({ session_id: 's1', emotional_state: 'negative', version: 2, amendments: 1, amend_reason: 'wrong mood', amended_by: 'api:ehr-bridge' });
      expect((await send('POST', '/api/v1/sessions/s1/amend', { progress_notes: 'more' })).status).toBe(400);
      expect((await send('POST', '/api/v1/sessions/s1/amend', { client_id: 'c2', reason: 'r' })).status).toBe(400);
      expect((await send('POST', '/api/v1/sessions/s2/void', { reason: 'duplicate' })).body).toMatchObject({ voided_by: 'api:ehr-bridge' });
      expect((await send('GET', '/api/v1/sessions/c1')).body.map((s: { session_id: string }) => s.session_id)).toEqual(['s1']);
      expect((await send('GET', '/api/v1/sessions/c1?include_void=true')).body).toHaveLength(2);
      expect((await send('POST', '/api/v1/sessions/s2/restore', {})).status).toBe(200);
      expect((await send('POST', '/api/v1/sessions/s1/sign', {})).body).toMatchObject({ signed_by: 'api:ehr-bridge' });
      const refused = await send('POST', '/api/v1/sessions/s1/void', { reason: 'r' });
      expect(refused.status).toBe(409);
      expect((await send('POST', '/api/v1/sessions/nope/sign', {})).status).toBe(404);
    } finally {
      await server.stop();
    }
    const trail = await json(['audit', 'c1'], new Date()) as { action: string; actor: string; outcome: string }[]; // the server keeps real time
    const api = trail.filter((entry) => entry.actor === 'api:ehr-bridge' && entry.outcome === 'ok').map((entry) => entry.action);
    expect(api).toEqual(expect.arrayContaining(['session.amend', 'session.void', 'session.restore', 'session.sign']));
  });
});
