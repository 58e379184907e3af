import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI } from '../../src/server/openapi.js';
import { ROUTES } from '../../src/server/routes.js';
import { Sandbox } from '../helpers.js';
import { call, startServer, type RunningServer } from '../server.js';

/** `/api/v1/goals/{goal_id}` and `/api/v1/goals/{id}` are the same path to OpenAPI. */
const shape = (template: string) => template.replace(/\{\w+\}/g, '{}');

type Operation = { parameters?: { name: string; in: string }[] };
const documented = OPENAPI.paths as unknown as Record<string, Record<string, Operation>>;

function operationOf(method: string, template: string): Operation | undefined {
  const path = Object.keys(documented).find((candidate) => shape(candidate) === shape(template));
  return path ? documented[path]![method.toLowerCase()] : undefined;
}

describe('openapi.json', () => {
  it('is a valid OpenAPI document (checked by @readme/openapi-parser)', async () => {
    const result = await validate(structuredClone(OPENAPI) as never);
    expect(result.valid ? [] : result.errors.map((error) => error.message)).toEqual([]);
  });

  it('describes every route the service answers, with the query parameters it takes', () => {
    const problems: string[] = [];
    for (const route of ROUTES) {
      const operation = operationOf(route.method, route.template);
      if (!operation) {
        problems.push(`route ${route.method} ${route.template} is not in src/server/openapi.ts: add it under paths`);
        continue;
      }
      const names = (operation.parameters ?? []).filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name);
      for (const name of route.query) {
        if (!names.includes(name)) problems.push(`query parameter "${name}" of ${route.method} ${route.template} is not in src/server/openapi.ts`);
      }
      for (const name of names) {
        if (!route.query.includes(name)) problems.push(`src/server/openapi.ts documents query parameter "${name}" that ${route.method} ${route.template} does not take`);
      }
    }
    for (const [path, operations] of Object.entries(documented)) {
      for (const method of Object.keys(operations)) {
        const served = path === '/health' || ROUTES.some((route) => route.method === method.toUpperCase() && shape(route.template) === shape(path));
        if (!served) problems.push(`src/server/openapi.ts documents ${method.toUpperCase()} ${path}, which no route serves`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('the HTTP service', () => {
  const box = new Sandbox();
  let server: RunningServer;
  let token = '';

  beforeAll(async () => {
    expect((await box.run(['init'])).code).toBe(0);
    token = (await box.json<{ token: string }>(['token', 'create', '--name', 'dashboard', '--scope', 'admin'])).token;
    await box.json(['log-session', '--client', 'c42', '--mood', 'neutral', '--summary', 'two weeks ago', '--at', new Date(Date.now() - 14 * 86_400_000).toISOString()]);
    await box.json(['log-session', '--client', 'c42', '--mood', 'positive', '--summary', 'today', '--id', 'ses-today']);
    await box.json(['goal', 'create', '--client', 'c42', '--description', 'Sleep', '--id', 'goal-sleep']);
    server = await startServer(box);
  }, 60_000);
  afterAll(async () => {
    await server.stop();
    box.cleanup();
  });

  it('serves its OpenAPI description at GET /api/v1/openapi.json', async () => {
    const answer = await call(server.port, 'GET', '/api/v1/openapi.json', { token });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(JSON.parse(JSON.stringify(OPENAPI)));
  });

  it('refuses unknown query parameters, naming them (400)', async () => {
    const answer = await call(server.port, 'GET', '/api/v1/sessions/c42?lst=3m&x=1', { token });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe('unknown query parameters "lst", "x": GET /api/v1/sessions/{client_id} takes last, days, since, until, limit, include_void');
    const none = await call(server.port, 'GET', '/api/v1/export/c42?format=csv', { token });
    expect(none.status).toBe(400);
    expect(none.body.error.message).toMatch(/unknown query parameter "format": .* takes no query parameters/);
  });

  it('accepts the seed\'s timeframe_days as days', async () => {
    const week = await call(server.port, 'GET', '/api/v1/progress/c42?timeframe_days=7', { token });
    expect(week.status).toBe(200);
    expect(week.body.sessions_count).toBe(1);
    const month = await call(server.port, 'GET', '/api/v1/progress/c42', { token });
    expect(month.body.sessions_count).toBe(2);
    const both = await call(server.port, 'GET', '/api/v1/progress/c42?days=7&timeframe_days=7', { token });
    expect(both.status).toBe(400);
    expect(both.body.error.message).toMatch(/"days" is given twice \(as "timeframe_days"\)/);
  });

  it('speaks of JSON fields and query parameters, not command-line flags', async () => {
    const nothing = await call(server.port, 'PUT', '/api/v1/goals/goal-sleep', { token, body: {} });
    expect(nothing.status).toBe(400);
    expect(nothing.body.error.message).toBe('nothing to update: give "completion_percentage" (0-100), "status" and/or "note"');
    const twice = await call(server.port, 'POST', '/api/v1/sessions', { token, body: { session_id: 'ses-today', client_id: 'c42', conversation_summary: 'x', emotional_state: 'neutral' } });
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toMatch(/choose another id$/);
    const both = await call(server.port, 'GET', '/api/v1/trends/c42?last=6m&days=3', { token });
    expect(both.status).toBe(400);
    for (const answer of [nothing, twice, both]) expect(answer.body.error.message).not.toMatch(/--/);
  });

  it('records a valid token\'s refused call to an unknown route under its holder, not as unauthenticated', async () => {
    const answer = await call(server.port, 'GET', '/api/v1/nothing-here', { token });
    expect(answer.status).toBe(404);
    const entries = await box.json<{ actor: string; action: string; outcome: string }[]>(['audit']);
    expect(entries.find((entry) => entry.action === 'api GET /api/v1/nothing-here')).toMatchObject({ actor: 'api:dashboard', outcome: 'refused' });
  });
});
