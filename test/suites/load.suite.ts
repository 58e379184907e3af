import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';
import { startServer, type RunningServer } from '../server.js';

/**
 * `npm run test:load`: LOAD_CONNECTIONS connections (20) for LOAD_SECONDS seconds (20) against
 * `tpt serve`, half writing sessions, half reading the progress report of the same client. Every
 * write answered 201 is stored, and nothing is answered 5xx or fails.
 */
const CONNECTIONS = Number(process.env.LOAD_CONNECTIONS ?? 20);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 20);

let box: Sandbox;
let server: RunningServer;
let writer = '';
let reader = '';

beforeAll(async () => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
  writer = JSON.parse(box.spawn(['--json', 'token', 'create', '--name', 'load-writer', '--scope', 'write']).stdout).token;
  reader = JSON.parse(box.spawn(['--json', 'token', 'create', '--name', 'load-reader']).stdout).token;
  expect(box.spawn(['log-session', '--client', 'load', '--id', 'first', '--summary', 'first', '--mood', '0']).code).toBe(0);
  server = await startServer(box);
});
afterAll(async () => {
  await server.stop();
  box.cleanup();
});

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

it(`${CONNECTIONS} connections × ${SECONDS} s of writes and progress reads: every 201 stored, no 5xx`, async () => {
  const url = `http://127.0.0.1:${server.port}`;
  let serial = 0;
  const answered = new Set<string>();
  const moods = ['very_negative', 'negative', 'neutral', 'positive', 'very_positive'];
  const writes = run({
    url, connections: Math.ceil(CONNECTIONS / 2), duration: SECONDS,
    headers: { Authorization: `Bearer ${writer}`, 'Content-Type': 'application/json' },
    requests: [{
      method: 'POST', path: '/api/v1/sessions',
      onResponse: (status, body) => {
        if (status === 201) answered.add((JSON.parse(body) as { session_id: string }).session_id);
      },
      setupRequest: (request) => {
        serial++;
        return {
          ...request,
          body: JSON.stringify({
            client_id: 'load', session_id: `load-${serial}`, conversation_summary: `load test session ${serial}`,
            emotional_state: moods[serial % moods.length], session_duration_minutes: 50, techniques_used: ['CBT'],
          }),
        };
      },
    }],
  });
  const reads = run({
    url, connections: Math.floor(CONNECTIONS / 2), duration: SECONDS,
    headers: { Authorization: `Bearer ${reader}` },
    requests: [{ method: 'GET', path: '/api/v1/progress/load' }],
  });
  const [w, r] = await Promise.all([writes, reads]);

  const out = join(box.home, 'load.json');
  expect(box.spawn(['export', 'load', '--out', out]).code).toBe(0);
  const ids = (JSON.parse(readFileSync(out, 'utf8')).clients[0].sessions as { session_id: string }[])
    .map((session) => session.session_id).filter((id) => id !== 'first');
  const stored = ids.length;
  const created = answered.size;
  const summary = {
    connections: CONNECTIONS, seconds: SECONDS,
    writes: { requests_per_s: Math.round(w.requests.average), p50_ms: w.latency.p50, p99_ms: w.latency.p99, answered_201: created, sent: w.requests.sent, non_2xx: w.non2xx, errors: w.errors, timeouts: w.timeouts },
    reads: { requests_per_s: Math.round(r.requests.average), p50_ms: r.latency.p50, p99_ms: r.latency.p99, non_2xx: r.non2xx, errors: r.errors, timeouts: r.timeouts },
    stored,
  };
  console.log(`load test: ${JSON.stringify(summary)}`);
  // Every write answered 201 is stored, once; a write sent as the run stopped may be stored
  // without its answer having been read (at most one per writing connection).
  expect(new Set(ids).size).toBe(stored);
  for (const id of answered) expect(ids.includes(id), id).toBe(true);
  expect(stored - created).toBeLessThanOrEqual(Math.ceil(CONNECTIONS / 2));
  expect(created).toBeGreaterThan(0);
  expect(w['5xx']).toBe(0);
  expect(r['5xx']).toBe(0);
  expect(w.non2xx + w.errors + w.timeouts).toBe(0);
  expect(r.non2xx + r.errors + r.timeouts).toBe(0);
  expect(server.stderr()).not.toMatch(/SQLITE_BUSY|Warning/);
});
