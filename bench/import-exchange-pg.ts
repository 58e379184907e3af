import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startPostgres } from '../test/support/postgres-server.js';
import { writeExportFile, type Scale } from './generate.js';

/**
 * `tpt import` of a 100,000-session export file into a fresh PostgreSQL database (issue 22's
 * batched import): wall and CPU time of the tpt process, and the CPU time the server spent
 * meanwhile (its postmaster and backends, from /proc), the server started as the tests start it
 * (test/support/postgres-server.ts: fsync and synchronous commit off). Each given build of tpt (`bin/tpt.js` of a checkout)
 * imports the same file into its own new database, alternating, `ROUNDS` times each.
 *
 *   npx esbuild bench/import-exchange-pg.ts --bundle --platform=node --format=esm --packages=external \
 *     --outfile=bench/dist/import-exchange-pg.mjs && node bench/dist/import-exchange-pg.mjs NAME=DIR ...
 */

/** 100,000 sessions over 500 clients (SESSIONS= scales it down for a quick look, the rest in proportion). */
const SESSIONS = Number(process.env.SESSIONS ?? 100_000);
const SCALE: Scale = { clients: SESSIONS / 200, sessions: SESSIONS, goals: SESSIONS / 50, milestones: SESSIONS / 20, years: 5 };
const ROUNDS = Number(process.env.ROUNDS ?? 2);

const builds = process.argv.slice(2).map((arg) => {
  const [name, dir] = arg.split('=') as [string, string];
  return { name, bin: join(resolve(dir), 'bin', 'tpt.js') };
});
if (builds.length === 0) throw new Error('give NAME=CHECKOUT for each build to measure');

const work = mkdtempSync(join(tmpdir(), 'tpt-exchange-bench-'));
const file = join(work, 'practice.json');
const stats = writeExportFile(file, SCALE);
console.log(`export file: ${stats.sessions} sessions, ${stats.goals} goals (${stats.goal_history} history entries), ` +
  `${stats.milestones} milestones, ${stats.clients} clients; ${(statSync(file).size / 1e6).toFixed(1)} MB`);

const server = await startPostgres();
const postmaster = findPostmaster(server.info.port);
const admin = new pg.Client({ ...server.info, database: 'postgres' });
await admin.connect();
try {
  const results: Record<string, { wall: number; user: number; sys: number; server: number }[]> = {};
  for (let round = 0; round < ROUNDS; round++) {
    for (const build of builds) {
      const name = `bench_${build.name.replace(/\W/g, '_')}_${round}`;
      await admin.query(`CREATE DATABASE ${name}`);
      const auth = `${encodeURIComponent(server.info.user)}:${encodeURIComponent(server.info.password)}`;
      const url = `postgres://${auth}@${server.info.host}:${server.info.port}/${name}`;
      const home = mkdtempSync(join(work, 'home-'));
      const env = {
        HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_CONFIG_HOME: join(home, 'config'), PATH: process.env.PATH ?? '',
        TPT_ACTOR: 'bench', TPT_DATABASE_URL: url,
      };
      execFileSync(process.execPath, [build.bin, '--no-input', 'init'], { env, stdio: 'pipe' });
      const serverBefore = serverCpuSeconds(postmaster);
      // TPT_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=DIR", for a profile of the import.
      const nodeArgs = (process.env.TPT_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
      const timed = spawnSync('/usr/bin/time', ['-f', '%e %U %S', process.execPath, ...nodeArgs, build.bin, '--no-input', 'import', file],
        { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      if (timed.status !== 0) throw new Error(`${build.name}: tpt import exited ${timed.status}: ${timed.stderr.slice(-2000)}`);
      const [wall, user, sys] = timed.stderr.trim().split('\n').at(-1)!.split(' ').map(Number) as [number, number, number];
      // The import's backend is gone once its process is: give the postmaster a moment to reap it.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const serverCpu = serverCpuSeconds(postmaster) - serverBefore;
      const client = new pg.Client({ ...server.info, database: name });
      // The DROP … WITH (FORCE) below may still find this backend on its way out and end it: an
      // 'error' event on a client already ended, which would otherwise stop the bench.
      client.on('error', () => undefined);
      await client.connect();
      const count = Number((await client.query<{ n: string }>('SELECT count(*) AS n FROM sessions')).rows[0]!.n);
      await client.end();
      if (count !== stats.sessions) throw new Error(`${build.name}: ${count} sessions in the database, not ${stats.sessions}`);
      (results[build.name] ??= []).push({ wall, user, sys, server: serverCpu });
      console.log(`round ${round + 1}, ${build.name}: wall ${wall.toFixed(1)} s, tpt CPU ${(user + sys).toFixed(1)} s ` +
        `(user ${user.toFixed(1)}, sys ${sys.toFixed(1)}), server CPU ${serverCpu.toFixed(1)} s`);
      await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
      rmSync(home, { recursive: true, force: true });
    }
  }
  for (const [name, runs] of Object.entries(results)) {
    const median = (values: number[]) => values.sort((a, b) => a - b)[values.length >> 1]!;
    console.log(`${name}: median wall ${median(runs.map((run) => run.wall)).toFixed(1)} s, ` +
      `median tpt CPU ${median(runs.map((run) => run.user + run.sys)).toFixed(1)} s, ` +
      `median server CPU ${median(runs.map((run) => run.server)).toFixed(1)} s over ${runs.length} run(s)`);
  }
} finally {
  await admin.end();
  await server.stop();
  rmSync(work, { recursive: true, force: true });
}

/** The server's postmaster: the process of `postgres … -p PORT`. */
function findPostmaster(port: number): number {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith('/postgres') && args[args.indexOf('-p') + 1] === String(port)) return Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  throw new Error(`no postgres process listening on port ${port}`);
}

/** CPU seconds of the postmaster, its reaped children and its live ones (/proc/PID/stat, in clock ticks of 1/100 s). */
function serverCpuSeconds(pid: number): number {
  const fields = (of: number) => readFileSync(`/proc/${of}/stat`, 'utf8').split(') ')[1]!.split(' ').map(Number);
  const own = fields(pid);
  // After "pid (comm) ": state is field 3, so utime..cstime (fields 14-17) sit at 11-14.
  let ticks = own[11]! + own[12]! + own[13]! + own[14]!;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const child = fields(Number(entry));
      if (child[1] === pid) ticks += child[11]! + child[12]!;
    } catch {
      // gone meanwhile
    }
  }
  return ticks / 100;
}
