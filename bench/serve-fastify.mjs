// Latency and throughput of `tpt serve` (the built bin/tpt.js) on the demo database, with
// autocannon: POST /api/v1/sessions (write token), then GET /api/v1/progress/{client} (read
// token), each alone, CONNECTIONS connections for SECONDS seconds. Made to compare the service
// before and after its move onto Fastify under the same conditions:
//   node bench/serve-fastify.mjs [connections=10] [seconds=10]
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CONNECTIONS = Number(process.argv[2] ?? 10);
const SECONDS = Number(process.argv[3] ?? 10);
const BIN = process.env.TPT_BIN ?? new URL('../bin/tpt.js', import.meta.url).pathname;
const home = mkdtempSync(join(tmpdir(), 'tpt-bench-serve-'));
const db = join(home, 'demo.db');
const env = { HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config'), TZ: 'UTC', TPT_ACTOR: 'bench', NO_COLOR: '1', PATH: process.env.PATH, TPT_DB: db, TPT_KEY_FILE: `${db}.key` };
const tpt = (args) => {
  const run = spawnSync(process.execPath, [BIN, ...args], { env, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`tpt ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
};

tpt(['--db', db, 'demo', '--json']);
const writer = JSON.parse(tpt(['--json', 'token', 'create', '--name', 'bench-writer', '--scope', 'write'])).token;
const reader = JSON.parse(tpt(['--json', 'token', 'create', '--name', 'bench-reader'])).token;
const client = JSON.parse(tpt(['--json', 'clients']))[0].client_id;

const server = spawn(process.execPath, [BIN, 'serve', '--port', '0'], { env });
let said = '';
const port = await new Promise((resolve, reject) => {
  server.stderr.on('data', (chunk) => {
    said += chunk;
    const found = /listening on http:\/\/[^\s]+:(\d+)/.exec(said);
    if (found) resolve(Number(found[1]));
  });
  server.on('exit', (code) => reject(new Error(`tpt serve exited ${code}: ${said}`)));
});

const run = (options) => new Promise((resolve, reject) => autocannon(options, (error, result) => (error ? reject(error) : resolve(result))));
const url = `http://127.0.0.1:${port}`;
let serial = 0;
const results = {};
results['POST /api/v1/sessions'] = await run({
  url, connections: CONNECTIONS, duration: SECONDS,
  headers: { Authorization: `Bearer ${writer}`, 'Content-Type': 'application/json' },
  requests: [{
    method: 'POST', path: '/api/v1/sessions',
    setupRequest: (request) => ({
      ...request,
      body: JSON.stringify({ client_id: client, session_id: `bench-${++serial}`, conversation_summary: `bench session ${serial}`, emotional_state: 'neutral', session_duration_minutes: 50 }),
    }),
  }],
});
results['GET /api/v1/progress/{client_id}'] = await run({
  url, connections: CONNECTIONS, duration: SECONDS,
  headers: { Authorization: `Bearer ${reader}` },
  requests: [{ method: 'GET', path: `/api/v1/progress/${client}?last=12m` }],
});
server.kill('SIGTERM');
const code = await new Promise((resolve) => server.on('exit', resolve));
rmSync(home, { recursive: true, force: true });

console.log(`node ${process.version}, ${CONNECTIONS} connections, ${SECONDS} s each, load average ${(await import('node:os')).loadavg().map((n) => n.toFixed(1)).join(' ')}; serve exited ${code}`);
for (const [name, result] of Object.entries(results)) {
  const statuses = `2xx ${result['2xx']}, non-2xx ${result.non2xx}, errors ${result.errors}`;
  console.log(`${name}: ${result.requests.average.toFixed(0)} req/s, latency p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms (${statuses})`);
}
