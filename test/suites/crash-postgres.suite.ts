import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';
import { asSuperuser, postgresUrl } from '../support/postgres.js';
import { startPostgres, type RunningPostgres } from '../support/postgres-server.js';

/**
 * The crash suite on PostgreSQL (issue 22), beside crash.suite.ts (SQLite's):
 *
 * 1. tpt killed: SIGKILL at random moments of `tpt import` and `tpt log-session --database …`
 *    (CRASH_KILLS kills, 200 by default). After each kill `tpt audit verify` and `tpt check` pass.
 * 2. The server killed: a PostgreSQL with fsync and synchronous commit on, killed whole
 *    (crashAndRestart: every process at once, mid-transaction) while tpt writers are running,
 *    and started again on its write-ahead log (CRASH_SERVER_KILLS times, 20 by default). Every
 *    writer it cut off says so in one line, no stack trace.
 *
 * At the end: every write that exited 0 is there; every import is all or nothing; a session is
 * there whole (its text as written) with its audit entry, or not at all, and no audit entry names
 * a write that is not there; `tpt audit verify` and `tpt check` pass.
 */

const KILLS = Number(process.env.CRASH_KILLS ?? 200);
const SERVER_KILLS = Number(process.env.CRASH_SERVER_KILLS ?? 20);
// PostgreSQL takes an import a row at a time (about 3 ms a session here): 300 sessions take long
// enough for many kills to land inside the import's transaction.
const IMPORT_SESSIONS = Number(process.env.CRASH_IMPORT_SESSIONS ?? 300);
const BIN = new URL('../../bin/tpt.js', import.meta.url).pathname;
const MARK = 'CRASHMARK';

type Op = 'import' | 'log-session';
/** How long after the start a kill may come (ms) before a run of the kind has been timed. */
const WINDOW: Record<Op, number> = { import: 4000, 'log-session': 1500 };
/** How long the last runs that were not killed took (ms), per kind. */
const took: Record<Op, number[]> = { import: [], 'log-session': [] };
/**
 * The window a kill falls in: a quarter past the usual length of a run of the kind (the median
 * of the last five), so that most kills land inside the run and a few after its end, however
 * fast the machine.
 */
function windowOf(op: Op): number {
  const last = took[op].slice(-5).sort((a, b) => a - b);
  return last.length === 0 ? WINDOW[op] : Math.round(1.25 * last[Math.floor(last.length / 2)]!);
}

let server: RunningPostgres;
let url: string;
const box = new Sandbox({ engine: 'sqlite' }); // its home and keys; the records are at --database
const inDir = join(box.home, 'in'); // the import files: plaintext by design, the user's own
mkdirSync(inDir);

beforeAll(async () => {
  server = await startPostgres({ durable: true });
  await asSuperuser(server.info, (client) => client.query('CREATE DATABASE crash'));
  url = postgresUrl(server.info, 'crash');
}, 120_000);
// CRASH_KEEP=1 keeps the sandbox (keys, import files) to look into after a failure.
afterAll(async () => {
  await server?.stop();
  if (process.env.CRASH_KEEP === '1') console.log(`crash suite (PostgreSQL): sandbox kept at ${box.home}`);
  else box.cleanup();
});

interface Run { op: Op; subject: string; code: number | null; killed: boolean; stderr: string }

/** Runs tpt on the database, killing it with SIGKILL after `killAfter` ms if it is still running. */
function runTpt(op: Op, subject: string, args: string[], killAfter = Infinity): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, '--database', url, ...args], { env: box.env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const started = Date.now();
    const timer = Number.isFinite(killAfter) ? setTimeout(() => {
      if (child.exitCode === null) killed = child.kill('SIGKILL');
    }, killAfter) : undefined;
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (!killed && code === 0) took[op].push(Date.now() - started);
      resolve({ op, subject, code, killed, stderr });
    });
  });
}

function ok(args: string[]): string {
  const result = box.spawn(['--database', url, ...args]);
  if (result.code !== 0) throw new Error(`tpt ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** Runs tpt to its end, however long and whatever it prints (the final export is megabytes). */
function readAll(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, '--database', url, ...args], { env: box.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(Buffer.concat(out).toString('utf8')) : reject(new Error(`tpt ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

function importRun(subject: string, killAfter?: number): Promise<Run> {
  const start = Date.parse('2024-01-01T00:00:00Z');
  const sessions = Array.from({ length: IMPORT_SESSIONS }, (_, i) => ({
    session_id: `${subject}-s${i}`, client_id: subject, timestamp: new Date(start + i * 3_600_000).toISOString(),
    conversation_summary: `${MARK} ${subject} session ${i}`, emotional_state: 'neutral', emotional_score: 0,
    therapeutic_goals: [], progress_notes: '', therapist_observations: '', next_session_focus: '',
    session_duration_minutes: 50, techniques_used: [], homework_assigned: '', crisis_flags: [], metadata: {},
  }));
  const doc = { format: 'tpt-export', version: 1, exported_at: '2026-01-01T00:00:00.000Z',
    clients: [{ client_id: subject, created_at: '2024-01-01T00:00:00.000Z', sessions, goals: [], milestones: [] }] };
  const path = join(inDir, `${subject}.json`);
  writeFileSync(path, JSON.stringify(doc));
  return runTpt('import', subject, ['import', path], killAfter);
}

/** One session of the client `logged`, its id the round's subject. */
function logRun(subject: string, killAfter?: number): Promise<Run> {
  return runTpt('log-session', subject, ['log-session', '--client', 'logged', '--id', subject, '--summary', `${MARK} ${subject}`, '--mood', 'neutral'], killAfter);
}

/** `tpt audit verify` and `tpt check` on the database pass. */
function expectIntact(after: string): void {
  const verify = box.spawn(['--database', url, '--json', 'audit', 'verify']);
  expect(verify.code, `audit verify ${after}: ${verify.stdout}${verify.stderr}`).toBe(0);
  expect(JSON.parse(verify.stdout).intact, after).toBe(true);
  const check = box.spawn(['--database', url, '--json', 'check']);
  expect(check.code, `check ${after}: ${check.stderr}`).toBe(0);
  expect(JSON.parse(check.stdout).ok, after).toBe(true);
}

const runs: Run[] = [];

it(`keeps every acknowledged write through ${KILLS} SIGKILLs of tpt`, async () => {
  const started = Date.now();
  ok(['init']);
  let kills = 0;
  for (let n = 1; kills < KILLS; n++) {
    const op: Op = Math.random() < 0.4 ? 'import' : 'log-session';
    const killAfter = Math.floor(Math.random() * windowOf(op));
    const subject = op === 'import' ? `imp${n}` : `log${n}`;
    const run = op === 'import' ? await importRun(subject, killAfter) : await logRun(subject, killAfter);
    runs.push(run);
    if (!run.killed) {
      expect(run.code, `${op} ${subject}: ${run.stderr}`).toBe(0);
      continue;
    }
    kills++;
    expectIntact(`after killing ${op} ${subject} at ${killAfter} ms`);
  }
  const byOp = (op: Op) => runs.filter((run) => run.op === op && run.killed).length;
  console.log(`crash suite (PostgreSQL): ${kills} kills of tpt in ${runs.length} runs, ${Math.round((Date.now() - started) / 1000)} s ` +
    `(import ${byOp('import')}, log-session ${byOp('log-session')})`);
});

it(`keeps every acknowledged write through ${SERVER_KILLS} kills of the PostgreSQL server mid-transaction`, async () => {
  const started = Date.now();
  let cutOff = 0;
  for (let round = 1; round <= SERVER_KILLS; round++) {
    // Writers that keep writing until the server is gone and back: two logging sessions one after
    // another, and one importing, so that the kill finds transactions of both kinds open.
    let crashed = false;
    const writer = async (op: Op, name: string): Promise<void> => {
      for (let n = 1; ; n++) {
        const subject = `${name}r${round}n${n}`;
        const run = op === 'import' ? await importRun(subject) : await logRun(subject);
        runs.push(run);
        if (run.code !== 0) {
          cutOff++;
          // Told in one line, as any failure: the server went away, or was not back yet.
          expect(run.stderr, `${op} ${subject} exited ${run.code}`).toMatch(/^tpt: [^\n]+\n$/);
          expect(run.code, `${op} ${subject}: ${run.stderr}`).toBe(1);
        }
        if (crashed) return;
      }
    };
    const writers = [writer('log-session', 'srvA'), writer('log-session', 'srvB'), writer('import', 'srvI')];
    await new Promise((resolve) => setTimeout(resolve, 500 + Math.random() * 2500));
    await server.crashAndRestart();
    crashed = true;
    await Promise.all(writers);
    expectIntact(`after the server's crash ${round}`);
  }
  // What the runs cut off were told, the database's address and ids masked, with how many heard each.
  const told = new Map<string, number>();
  for (const run of runs.filter((r) => r.code !== 0 && !r.killed)) {
    const said = run.stderr.trim().replace(/postgres:\/\/\S+/g, 'URL').replace(/srv[A-Z]r\d+n\d+/g, 'ID');
    told.set(said, (told.get(said) ?? 0) + 1);
  }
  // The kills found writers connected, not only writers starting while the server was away.
  expect([...told.keys()].some((said) => / was lost /.test(said)), [...told.keys()].join('\n')).toBe(true);
  console.log(`crash suite (PostgreSQL): ${SERVER_KILLS} kills of the server, ${cutOff} tpt runs cut off, ` +
    `${Math.round((Date.now() - started) / 1000)} s; they were told:\n${[...told].map(([said, n]) => `  ${n} × ${said}`).join('\n')}`);
});

it('has lost no acknowledged write and kept no part of any other', async () => {
  const all = JSON.parse(await readAll(['export', '--all'])) as {
    clients: { client_id: string; sessions: { session_id: string; conversation_summary: string }[] }[];
  };
  const sessionsOf = new Map(all.clients.map((client) => [client.client_id, client.sessions]));
  const audit = JSON.parse(await readAll(['--json', 'audit'])) as { action: string; client_id: string | null; object_id: string | null; outcome: string }[];
  const sessionEntries = new Set(audit.filter((entry) => entry.action === 'session.create' && entry.outcome === 'ok').map((entry) => entry.object_id));
  const importEntries = new Set(audit.filter((entry) => entry.action === 'import' && entry.outcome === 'ok').map((entry) => entry.client_id));

  // Imports: all or nothing, whole when acknowledged, with their audit entry exactly when there.
  for (const run of runs.filter((r) => r.op === 'import')) {
    const sessions = sessionsOf.get(run.subject) ?? [];
    if (run.code === 0) expect(sessions.length, `${run.subject} exited 0`).toBe(IMPORT_SESSIONS);
    else expect([0, IMPORT_SESSIONS], `${run.subject} was cut off`).toContain(sessions.length);
    expect(importEntries.has(run.subject), `${run.subject}: ${sessions.length} sessions, audited ${importEntries.has(run.subject)}`)
      .toBe(sessions.length > 0);
    for (const [i, session] of sessions.entries()) {
      expect(session.conversation_summary, session.session_id).toBe(`${MARK} ${run.subject} session ${Number(session.session_id.split('-s')[1])}`);
      if (i > 3) break; // the text of a few is enough: an import is one transaction
    }
  }
  // Sessions logged one by one: there when acknowledged, whole, with their audit entry; none
  // there without its run, no audit entry without its session.
  const logged = new Map((sessionsOf.get('logged') ?? []).map((session) => [session.session_id, session]));
  const logRuns = runs.filter((r) => r.op === 'log-session');
  for (const run of logRuns) {
    const session = logged.get(run.subject);
    if (run.code === 0) expect(session, `${run.subject} exited 0`).toBeDefined();
    if (session) expect(session.conversation_summary).toBe(`${MARK} ${run.subject}`);
    expect(sessionEntries.has(run.subject), `${run.subject}: there ${session !== undefined}, audited ${sessionEntries.has(run.subject)}`)
      .toBe(session !== undefined);
  }
  expect([...logged.keys()].filter((id) => !logRuns.some((run) => run.subject === id))).toEqual([]);
  expectIntact('at the end');

  const kept = (op: Op) => runs.filter((run) => run.op === op && run.code !== 0 && (op === 'import' ? sessionsOf.has(run.subject) : logged.has(run.subject))).length;
  console.log(`crash suite (PostgreSQL): ${runs.length} runs, ${runs.filter((run) => run.code === 0).length} acknowledged and kept; ` +
    `of the runs killed or cut off, ${kept('import')} imports and ${kept('log-session')} sessions had committed, the rest left nothing`);
});
