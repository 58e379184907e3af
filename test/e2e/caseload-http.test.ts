import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedSandbox, type Sandbox } from '../helpers.js';
import { call, type RunningServer } from '../server.js';

// GET /api/v1/caseload answers what `tpt caseload --json` prints; the report over HTTP carries the
// off-track alerts and the course (README, "The caseload", "Off-track alerts").
let box: Sandbox;
let server: RunningServer;
let token: string;

beforeAll(async () => {
  ({ box, server, token } = await servedSandbox('caseload-reader', 'read'));
  box.spawnOk(['log-session', '--client', 'calm', '--summary', 'fine', '--mood', 'neutral']);
  box.spawnOk(['log-session', '--client', 'flagged', '--summary', 'hard week', '--mood', 'negative', '--crisis-flag', 'self_harm']);
  box.spawnOk(['measure', 'add', 'flagged', '--measure', 'phq9', '--items', '2,2,2,2,1,1,1,1,1']);
});
afterAll(async () => {
  await server.stop();
  box.cleanup();
});

describe('GET /api/v1/caseload', () => {
  it('lists the clients most pressing first, with the reasons the command line gives', async () => {
    const answer = await call(server.port, 'GET', '/api/v1/caseload', { token });
    expect(answer.status).toBe(200);
    const cli = JSON.parse(box.spawnOk(['--json', 'caseload']));
    const kinds = (entries: { client_id: string; reasons: { reason: string }[] }[]) =>
      entries.map((entry) => [entry.client_id, ...entry.reasons.map((reason) => reason.reason)]);
    expect(kinds(answer.body)).toEqual([['flagged', 'open_risk', 'risk_item_endorsed'], ['calm']]);
    expect(kinds(cli)).toEqual(kinds(answer.body));
    expect(answer.body[0].reasons[1].source).toMatch(/Kroenke, Spitzer & Williams 2001/);
  });

  it('refuses a bad unsigned_days (400) and a call without a token (401)', async () => {
    const bad = await call(server.port, 'GET', '/api/v1/caseload?unsigned_days=soon', { token });
    expect([bad.status, bad.body.error.message]).toEqual([400, 'invalid unsigned_days "soon": give a whole number of days, 0 or more (default 3)']);
    expect((await call(server.port, 'GET', '/api/v1/caseload')).status).toBe(401);
  });

  it('gives the off-track alerts in the report', async () => {
    const report = await call(server.port, 'GET', '/api/v1/progress/flagged', { token });
    expect(report.body.off_track.map((alert: { rule: string }) => alert.rule)).toEqual(['risk_item_endorsed']);
    expect(report.body.course).toBeNull();
  });
});
