// `tpt serve --metrics-port`: /metrics parses as Prometheus' text format (with a parser of that
// format, not tpt's own reading of it), counts requests per route template, and after a load
// of writes, reads, refusals and an ingest holds no client id and no text of a record anywhere.
import { request } from 'node:http';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';
import { call, startServer, type RunningServer } from '../server.js';

interface Family {
  name: string;
  type: string;
  metrics: { labels?: Record<string, string>; value?: string; buckets?: Record<string, string>; count?: string }[];
}

const box = new Sandbox();
let server: RunningServer;
let metricsPort = 0;
let token = '';
const CLIENTS = Array.from({ length: 12 }, (_, i) => `zq-client-${i}-x7`);
const SECRETS = ['lighthouse keeper dream', 'cinnamon argument', 'violet staircase'];

function scrape(path = '/metrics'): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: metricsPort, path }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), text }));
    }).on('error', reject).end();
  });
}

beforeAll(async () => {
  expect((await box.run(['init'])).code).toBe(0);
  token = (await box.json<{ token: string }>(['token', 'create', '--name', 'load', '--scope', 'admin'])).token;
  server = await startServer(box, ['--metrics-port', '0']);
  for (let i = 0; i < 50 && metricsPort === 0; i++) {
    metricsPort = Number(/metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(server.stderr())?.[1] ?? 0);
    if (metricsPort === 0) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  expect(metricsPort).toBeGreaterThan(0);
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe('GET /metrics', () => {
  it('after a load run: parses as Prometheus text, counts per route, and names no client and no text', async () => {
    const today = new Date().toISOString();
    for (const [i, client] of CLIENTS.entries()) {
      const summary = `${SECRETS[i % SECRETS.length]} ${client}`;
      const logged = await call(server.port, 'POST', '/api/v1/sessions', {
        token, body: { client_id: client, conversation_summary: summary, emotional_state: 'neutral', timestamp: today, crisis_flags: i < 3 ? ['self_harm'] : [] },
      });
      expect(logged.status).toBe(201);
      expect((await call(server.port, 'GET', `/api/v1/sessions/${client}`, { token })).status).toBe(200);
      expect((await call(server.port, 'GET', `/api/v1/progress/${client}`, { token })).status).toBe(200);
    }
    // Refusals: an unknown client (its id in the path), a bad body, no token, a path no route has.
    expect((await call(server.port, 'GET', '/api/v1/sessions/zq-nobody-x7', { token })).status).toBe(404);
    expect((await call(server.port, 'POST', '/api/v1/sessions', { token, body: { client_id: 'zq-client-0-x7', conversation_summary: 'violet staircase', emotional_state: 'glad' } })).status).toBe(400);
    expect((await call(server.port, 'GET', '/api/v1/sessions/zq-client-1-x7')).status).toBe(401);
    expect((await call(server.port, 'GET', '/api/v1/zq-client-2-x7/cinnamon', { token })).status).toBe(404);
    const ingested = await call(server.port, 'POST', '/api/v1/ingest', {
      token, raw: `${JSON.stringify({ type: 'session', id: 'zq-ingest-1', client_id: 'zq-client-3-x7', conversation_summary: 'lighthouse keeper dream', emotional_state: 'positive', timestamp: today })}\n`,
    });
    expect(ingested.status).toBe(200);

    const answer = await scrape();
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(answer.text) as Family[];
    const family = (name: string) => families.find((entry) => entry.name === name)!;

    const requests = family('tpt_http_requests_total');
    expect(requests.type).toBe('COUNTER');
    const count = (route: string, method: string, status: string) =>
      Number(requests.metrics.find((metric) => metric.labels?.route === route && metric.labels?.method === method && metric.labels?.status === status)?.value ?? 0);
    expect(count('/api/v1/sessions', 'POST', '201')).toBe(CLIENTS.length);
    expect(count('/api/v1/sessions/{client_id}', 'GET', '200')).toBe(CLIENTS.length);
    expect(count('/api/v1/sessions/{client_id}', 'GET', '404')).toBe(1);
    expect(count('/api/v1/sessions/{client_id}', 'GET', '401')).toBe(1);
    expect(count('unmatched', 'GET', '404')).toBe(1);
    expect(count('/api/v1/ingest', 'POST', '200')).toBe(1);
    const routes = new Set(requests.metrics.map((metric) => metric.labels!.route));
    expect([...routes].every((route) => route === "unmatched" || route!.startsWith("/api/v1/"))).toBe(true);

    const latency = family('tpt_http_request_duration_seconds');
    expect(latency.type).toBe('HISTOGRAM');
    // This parser folds a labelled histogram's buckets into one set; the count per route is read from the text.
    expect(Object.keys(latency.metrics[0]!.buckets ?? {})).toContain('+Inf');
    expect(answer.text).toMatch(new RegExp(`^tpt_http_request_duration_seconds_count\\{route="/api/v1/progress/\\{client_id\\}",method="GET"\\} ${CLIENTS.length}$`, 'm'));
    const errors = family('tpt_http_errors_total');
    expect(errors.metrics.reduce((sum, metric) => sum + Number(metric.value), 0)).toBe(4);
    expect(Number(family('tpt_practice_open_risks').metrics[0]!.value)).toBe(3);
    expect(Number(family('tpt_practice_sessions_today').metrics[0]!.value)).toBe(CLIENTS.length + 1);
    expect(Number(family('tpt_practice_clients').metrics[0]!.value)).toBe(CLIENTS.length);
    expect(family('tpt_database_busy_total').type).toBe('COUNTER');

    // Nothing of a record: no client id (nor a piece of one), no word of a summary, anywhere.
    for (const needle of ['zq-', ...CLIENTS, ...SECRETS.flatMap((text) => text.split(' ')), 'nobody', 'cinnamon']) {
      expect(answer.text.includes(needle), needle).toBe(false);
    }
  }, 120_000);

  it('serves only GET /metrics there, and nothing of /metrics on the API port', async () => {
    expect((await scrape('/api/v1/sessions/zq-client-0-x7')).status).toBe(404);
    expect((await call(server.port, 'GET', '/metrics', { token })).status).toBe(404);
  });
});
