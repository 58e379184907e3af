import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { Sandbox } from '../helpers.js';

const BIN = new URL('../../bin/tpt.js', import.meta.url).pathname;
let box: Sandbox;
let server: ChildProcess;
let port = 0;
let token = '';

interface Answer {
  status: number;
  body: any;
}

/** One HTTP request to the service, with a Host header of our choosing. */
function call(method: string, path: string, options: { body?: unknown; auth?: string | null; host?: string; raw?: string } = {}): Promise<Answer> {
  const payload = options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
  const headers: Record<string, string> = { Host: options.host ?? `127.0.0.1:${port}` };
  const auth = options.auth === undefined ? token : options.auth;
  if (auth) headers.Authorization = `Bearer ${auth}`;
  if (payload !== undefined) headers['Content-Type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const outgoing = request({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }));
    });
    outgoing.on('error', reject);
    if (payload !== undefined) outgoing.write(payload);
    outgoing.end();
  });
}

beforeAll(async () => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
  const created = box.spawn(['--json', 'token', 'create', '--name', 'tests', '--scope', 'admin']);
  expect(created.code, created.stderr).toBe(0);
  token = JSON.parse(created.stdout).token;
  server = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env: box.env });
  port = await new Promise<number>((resolve, reject) => {
    let said = '';
    server.stderr!.on('data', (chunk) => {
      said += chunk;
      const found = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(said);
      if (found) resolve(Number(found[1]));
    });
    server.on('exit', (code) => reject(new Error(`tpt serve exited ${code}: ${said}`)));
  });
});

afterAll(async () => {
  const stopped = new Promise((resolve) => server.on('exit', resolve));
  server.kill('SIGTERM');
  await stopped;
  box.cleanup();
});

describe('tpt serve', () => {
  it('answers /health without a token', async () => {
    expect(await call('GET', '/health', { auth: null })).toEqual({ status: 200, body: { status: 'ok' } });
  });

  it('refuses a missing or unknown token with 401', async () => {
    const missing = await call('GET', '/api/v1/sessions/c1', { auth: null });
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('unauthorized');
    expect((await call('GET', '/api/v1/sessions/c1', { auth: 'tpt_not-a-real-token' })).status).toBe(401);
  });

  it('refuses a request addressed to a non-loopback name (DNS rebinding) with 403', async () => {
    const answer = await call('GET', '/health', { host: 'attacker.example:8001' });
    expect(answer.status).toBe(403);
    expect(answer.body.error.code).toBe('forbidden_host');
    expect((await call('GET', '/health', { host: `localhost:${port}` })).status).toBe(200);
  });

  it('records a session, a goal, progress and a milestone, and reads them back', async () => {
    const goal = await call('POST', '/api/v1/goals', { body: { client_id: 'c1', description: 'Sleep 7h', goal_id: 'g1' } });
    expect(goal.status).toBe(201);
    expect(goal.body).toMatchObject({ goal_id: 'g1', client_id: 'c1', completion_percentage: 0, status: 'active' });

    const session = await call('POST', '/api/v1/sessions', {
      body: { client_id: 'c1', conversation_summary: 'via the API', emotional_state: 'positive', therapeutic_goals: ['g1'], timestamp: '2026-03-02T10:00:00Z' },
    });
    expect(session.status).toBe(201);
    expect(session.body).toMatchObject({ client_id: 'c1', emotional_score: 1, therapeutic_goals: ['g1'] });

    const updated = await call('PUT', '/api/v1/goals/g1', { body: { completion_percentage: 40, note: 'better' } });
    expect(updated.status).toBe(200);
    expect(updated.body.history).toHaveLength(2);

    const milestone = await call('POST', '/api/v1/milestones', { body: { goal_id: 'g1', description: 'first week' } }); // today: never before its goal was set
    expect(milestone.status).toBe(201);

    const sessions = await call('GET', '/api/v1/sessions/c1?since=2026-03-01&until=2026-03-31');
    expect(sessions.body.map((s: { session_id: string }) => s.session_id)).toEqual([session.body.session_id]);
    const goals = await call('GET', '/api/v1/goals/c1?status=active');
    expect(goals.body).toMatchObject([{ goal_id: 'g1', completion_percentage: 40, milestones: [milestone.body.milestone_id] }]);
  });

  it('records measures over HTTP and lists them, as the command line does', async () => {
    const added = await call('POST', '/api/v1/measures', {
      body: { client_id: 'c1', measure: 'gad7', items: [2, 2, 1, 1, 1, 1, 1], timestamp: '2026-03-02T10:00:00Z', measure_id: 'm-api' },
    });
    expect(added.status).toBe(201);
    // 2+2+1+1+1+1+1 = 9: mild, at caseness (≥ 8)
    expect(added.body).toMatchObject({ measure_id: 'm-api', measure: 'gad7', total: 9, band: 'mild', at_caseness: true });
    const totalOnly = await call('POST', '/api/v1/measures', { body: { client_id: 'c1', measure: 'phq9', total: 12, timestamp: '2026-03-03T10:00:00Z' } });
    expect(totalOnly.status).toBe(201);
    expect(totalOnly.body).toMatchObject({ items: null, total: 12, band: 'moderate' });
    const refused = await call('POST', '/api/v1/measures', { body: { client_id: 'c1', measure: 'gad7', items: [1, 2] } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toContain('GAD-7 has 7 items, got 2 answers');
    const listed = await call('GET', '/api/v1/measures/c1?since=2026-03-01&until=2026-03-31');
    expect(listed.status).toBe(200);
    expect(listed.body.map((m: { total: number }) => m.total)).toEqual([12, 9]);
    expect((await call('GET', '/api/v1/measures/nobody')).status).toBe(404);
    const cli = box.spawn(['--json', 'measure', 'show', 'm-api']);
    expect(JSON.parse(cli.stdout)).toEqual(added.body);
    // …and in the report and the trends, as one added at the command line.
    const span = ['--since', '2026-03-01', '--until', '2026-03-31'];
    const report = JSON.parse(box.spawn(['--json', 'report', 'c1', ...span]).stdout);
    expect(report.measures.measures.map((m: { measure: string; latest: { measure_id: string } }) => [m.measure, m.latest.measure_id]))
      .toContainEqual(['gad7', 'm-api']);
    const trends = JSON.parse(box.spawn(['--json', 'trends', 'c1', ...span]).stdout);
    expect(trends.measures.measures.map((m: { measure: string }) => m.measure)).toContain('gad7');
  });

  it('serves the progress report and the trends in the shapes of --json', async () => {
    const report = await call('GET', '/api/v1/progress/c1?since=2026-03-01&until=2026-03-31');
    expect(report.status).toBe(200);
    expect(Object.keys(report.body)).toEqual([
      'client_id', 'report_date', 'timeframe_start', 'timeframe_end', 'sessions_count', 'total_minutes',
      'goal_progress', 'goals', 'emotional_trends', 'overall_emotional_trend', 'key_milestones',
      'crisis_events', 'overall_trajectory', 'recommendations', 'summary', 'open_risks', 'concerns', 'headline',
      'trajectory_rule', 'sessions_without_duration', 'session_summaries', 'sessions_not_listed', 'measures', 'risk_history', 'course', 'off_track',
      'mood_ratings',
    ]);
    expect(report.body.sessions_count).toBe(1);
    const trends = await call('GET', '/api/v1/trends/c1?since=2026-03-01&until=2026-03-31&by=week');
    expect(trends.status).toBe(200);
    expect(trends.body).toMatchObject({ client_id: 'c1', by: 'week' });
    expect(trends.body.overall.data_points).toBe(1);
    expect((await call('GET', '/api/v1/trends/c1?by=fortnight')).status).toBe(400);
  });

  it('lists a client\'s risks, carries the open ones in the progress report, and resolves one with a note (audited)', async () => {
    const flagged = await call('POST', '/api/v1/sessions', {
      body: { client_id: 'r1', conversation_summary: 'hard week', emotional_state: 'very_negative', timestamp: '2026-03-02T10:00:00Z', crisis_flags: ['Self-harm'] },
    });
    expect(flagged.status).toBe(201);
    expect(flagged.body.crisis_flags).toEqual(['self_harm']);
    const risks = await call('GET', '/api/v1/risks/r1');
    expect(risks.status).toBe(200);
    expect(risks.body).toMatchObject([{ client_id: 'r1', kind: 'self_harm', status: 'open', session_ids: [flagged.body.session_id] }]);
    // A report of a later month still carries the open risk.
    const report = await call('GET', '/api/v1/progress/r1?since=2026-05-01&until=2026-05-31');
    expect(report.body.open_risks).toMatchObject([{ kind: 'self_harm', session_ids: [flagged.body.session_id] }]);

    const noNote = await call('POST', '/api/v1/risks/r1/self_harm/resolve', { body: {} });
    expect(noNote.status).toBe(400);
    const resolved = await call('POST', '/api/v1/risks/r1/self_harm/resolve', { body: { note: 'reviewed with supervisor' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', resolved_by: 'api:tests', resolution_note: 'reviewed with supervisor' });
    expect((await call('GET', '/api/v1/risks/r1?open=true')).body).toEqual([]);
    expect(box.spawn(['audit', 'r1']).stdout).toMatch(/api:tests\s+risk\.resolve\s+r1\s+self_harm\s+ok/);
  });

  it('exports a client as the versioned JSON document', async () => {
    const exported = await call('GET', '/api/v1/export/c1');
    expect(exported.status).toBe(200);
    expect(exported.body).toMatchObject({ format: 'tpt-export', version: 3 });
    expect(exported.body.clients).toHaveLength(1);
    expect(exported.body.clients[0].client_id).toBe('c1');
    expect(exported.body.clients[0].sessions[0].conversation_summary).toBe('via the API');
    expect((await call('GET', '/api/v1/export/nobody')).status).toBe(404);
  });

  it('answers bad input 400, unknown records 404, duplicates 409, oversized bodies 413', async () => {
    const bad = await call('POST', '/api/v1/sessions', { body: { client_id: 'c1', conversation_summary: 'x', emotional_state: 7 } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_input' } } });
    expect((await call('POST', '/api/v1/sessions', { raw: '{"client_id":' })).status).toBe(400);
    expect((await call('PUT', '/api/v1/goals/nope', { body: { completion_percentage: 5 } })).status).toBe(404);
    expect((await call('GET', '/api/v1/sessions/nobody')).status).toBe(404);
    expect((await call('GET', '/api/v1/nothing-here')).status).toBe(404);
    expect((await call('GET', '/api/v1/sessions/%E0%A4%A')).status).toBe(400);
    const unknownField = await call('POST', '/api/v1/sessions', { body: { client_id: 'c1', conversation_summary: 'x', emotional_state: 0, extra: 1 } });
    expect(unknownField).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/unknown field extra/) } } });
    const mismatch = await call('POST', '/api/v1/sessions', { body: { client_id: 'c1', conversation_summary: 'x', emotional_state: 'positive', emotional_score: -2 } });
    expect(mismatch).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/does not match/) } } });
    const duplicate = await call('POST', '/api/v1/goals', { body: { client_id: 'c1', description: 'again', goal_id: 'g-dup' } });
    expect(duplicate.status).toBe(201);
    expect((await call('POST', '/api/v1/goals', { body: { client_id: 'c1', description: 'again', goal_id: 'g-dup' } })).status).toBe(409);
    const huge = await call('POST', '/api/v1/sessions', { body: { client_id: 'c1', conversation_summary: 'x'.repeat(1_100_000), emotional_state: 0 } });
    expect(huge.status).toBe(413);
  });

  it('records refused calls in the audit log, with the caller when known', async () => {
    await call('GET', '/api/v1/sessions/c1', { auth: 'tpt_wrong' });
    await call('PUT', '/api/v1/goals/g1', { body: { completion_percentage: 500 } });
    const audit = box.spawn(['--json', 'audit']);
    expect(audit.code, audit.stderr).toBe(0);
    const entries = JSON.parse(audit.stdout) as { actor: string; action: string; outcome: string }[];
    expect(entries).toEqual(expect.arrayContaining([
      expect.objectContaining({ actor: 'api:unauthenticated', action: 'api GET /api/v1/sessions/c1', outcome: 'refused' }),
      expect.objectContaining({ actor: 'api:tests', action: 'api PUT /api/v1/goals/g1', outcome: 'refused' }),
    ]));
    expect((await call('GET', '/api/v1/goals/c1')).status).toBe(200);
  });

  it('stops answering a revoked token', async () => {
    const second = JSON.parse(box.spawn(['--json', 'token', 'create', '--name', 'short-lived', '--scope', 'admin']).stdout);
    expect((await call('GET', '/api/v1/goals/c1', { auth: second.token })).status).toBe(200);
    expect(box.spawn(['token', 'revoke', second.token_id]).code).toBe(0);
    expect((await call('GET', '/api/v1/goals/c1', { auth: second.token })).status).toBe(401);
    const listed = JSON.parse(box.spawn(['--json', 'token', 'list']).stdout);
    expect(JSON.stringify(listed)).not.toContain(second.token);
    expect(listed.find((t: { token_id: string }) => t.token_id === second.token_id).revoked_at).not.toBeNull();
  });
});

describe('tpt serve refuses', () => {
  it('to bind a non-loopback address without TLS', () => {
    const result = box.spawn(['serve', '--host', '0.0.0.0', '--port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--tls-cert and --tls-key/);
  });
});
