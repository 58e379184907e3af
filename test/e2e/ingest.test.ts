// The done-when test of `tpt ingest` (issue 25): 100,000 lines with lines sent twice, ids sent
// again with other content and broken lines, from a file, from a pipe and over HTTP; the database
// holds exactly the good entries, once each, with one result line per input line; a kill -9
// mid-stream followed by a resend of the whole stream leaves the same database as one clean run.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { readKeyFile } from '../../src/db/key-file.js';
import { createGoal } from '../../src/core/goals.js';
import { openRecordStore } from '../../src/store/open.js';
import { Sandbox, testEngine } from '../helpers.js';
import { startServer } from '../server.js';
import { GOALS, ingestStreamPlan, type StreamPlan } from './ingest-stream.js';

const BIN = new URL('../../bin/tpt.js', import.meta.url).pathname;
/** On PostgreSQL (the e2e-pg project) `tpt serve` is not there yet, and a stream of 20,000 lines is as telling. */
const ON_POSTGRES = testEngine() === 'postgres';
const LINES = ON_POSTGRES ? 20_000 : 100_000;
/** Lines a request over HTTP: the service gives a request 30 s to arrive whole, on a loaded machine too. */
const PART = LINES / 10;
const plan: StreamPlan = ingestStreamPlan(LINES);
const boxes: Sandbox[] = [];
let streamFile = '';
let reference = '';

/** A database with the goals the stream's goal updates and milestones name. */
async function freshBox(): Promise<Sandbox> {
  const box = new Sandbox();
  boxes.push(box);
  expect((await box.run(['init'])).code).toBe(0);
  if (box.postgres) {
    // Made through the store port, as `tpt goal create` makes them, until that command runs on PostgreSQL.
    const records = await openRecordStore(box.postgres.url, readKeyFile(box.keyPath));
    try {
      for (const [index, goal] of GOALS.entries()) {
        await createGoal(records, { goal_id: goal, client_id: `c${index}`, description: `Goal ${index}` }, { actor: 'tester', now: new Date() });
      }
    } finally {
      await records.close();
    }
    return box;
  }
  for (const [index, goal] of GOALS.entries()) {
    expect((await box.run(['goal', 'create', '--client', `c${index}`, '--description', `Goal ${index}`, '--id', goal])).code).toBe(0);
  }
  return box;
}

interface Results {
  code: number | null;
  lines: { line: number; id: string | null; outcome: string; record_id?: string; error?: string }[];
}

function ingestFile(box: Sandbox, file: string): Results {
  const result = spawnSync(process.execPath, [BIN, 'ingest', file], { env: box.env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 170_000 });
  return { code: result.status, lines: parseResults(result.stdout) };
}

const parseResults = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Results['lines'][number]);

/** What the database holds, as one digest (the times tpt stamps itself left out), and its ids. */
async function stateOf(box: Sandbox) {
  const tables = box.postgres ? await postgresTables(box.postgres.url) : sqliteTables(box);
  return {
    digest: createHash('sha256').update(JSON.stringify(tables)).digest('hex'),
    ids: {
      session: tables.sessions.map((row) => row.session_id as string),
      measure: tables.measures.map((row) => row.measure_id as string),
      milestone: tables.milestones.map((row) => row.milestone_id as string),
      goal_update: tables.ingested.filter((row) => row.kind === 'goal_update').map((row) => row.line_id as string),
    },
  };
}

type Tables = Record<'sessions' | 'measures' | 'goal_history' | 'goals' | 'milestones' | 'ingested', Record<string, unknown>[]>;

function sqliteTables(box: Sandbox): Tables {
  const db = openDatabase(box.dbPath, readKeyFile(box.keyPath));
  try {
    const rows = (sql: string) => db.prepare(sql).all() as Record<string, unknown>[];
    return {
      sessions: rows('SELECT session_id, client_id, timestamp, conversation_summary, emotional_score, session_duration_minutes, techniques_used, metadata FROM sessions ORDER BY session_id'),
      measures: rows('SELECT measure_id, client_id, measure, timestamp, items, total FROM measures ORDER BY measure_id'),
      goal_history: rows('SELECT goal_id, completion_percentage, status, note FROM goal_history ORDER BY goal_id, note'),
      goals: rows('SELECT goal_id, completion_percentage, status FROM goals ORDER BY goal_id'),
      milestones: rows('SELECT milestone_id, goal_id, description, significance FROM milestones ORDER BY milestone_id'),
      ingested: rows('SELECT line_id, kind, digest, record_id, client_id FROM ingested ORDER BY line_id'),
    };
  } finally {
    db.close();
  }
}

/**
 * The same on PostgreSQL, as its superuser (who reads past the row policies): the plain columns,
 * free text being sealed; the digest of each line in `ingested` stands for the content it made.
 */
async function postgresTables(url: string): Promise<Tables> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const rows = async (sql: string) => (await client.query(sql)).rows as Record<string, unknown>[];
    const byId = (table: string) => `JOIN clients c ON c.client_key = ${table}.client_key`;
    return {
      sessions: await rows(`SELECT session_id, c.client_id, to_json("timestamp")::text AS timestamp, emotional_score, session_duration_minutes
        FROM sessions s ${byId('s')} ORDER BY session_id COLLATE "C"`),
      measures: await rows(`SELECT measure_id, c.client_id, measure, to_json("timestamp")::text AS timestamp, items, total
        FROM measures m ${byId('m')} ORDER BY measure_id COLLATE "C"`),
      goal_history: await rows('SELECT goal_id, completion_percentage, status FROM goal_history ORDER BY goal_id COLLATE "C", completion_percentage, status'),
      goals: await rows('SELECT goal_id, completion_percentage, status FROM goals ORDER BY goal_id COLLATE "C"'),
      milestones: await rows('SELECT milestone_id, goal_id, significance FROM milestones ORDER BY milestone_id COLLATE "C"'),
      ingested: await rows(`SELECT line_id, kind, digest, record_id, c.client_id FROM ingested i ${byId('i')} ORDER BY line_id COLLATE "C"`),
    };
  } finally {
    await client.end();
  }
}

/** POSTs lines to /api/v1/ingest as a chunked stream, reading the answer as it comes. */
function postStream(port: number, token: string, lines: string[]): Promise<{ status: number; type: string; text: string }> {
  return new Promise((resolve, reject) => {
    const outgoing = request({
      host: '127.0.0.1', port, method: 'POST', path: '/api/v1/ingest',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/x-ndjson', 'Transfer-Encoding': 'chunked' },
    }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, type: String(response.headers['content-type']), text }));
    });
    outgoing.on('error', reject);
    (async () => {
      for (let at = 0; at < lines.length; at += 2000) {
        if (!outgoing.write(`${lines.slice(at, at + 2000).join('\n')}\n`)) await new Promise((done) => outgoing.once('drain', done));
      }
      outgoing.end();
    })().catch(reject);
  });
}

/** Every input line has its result, in order, with the outcome the plan says. */
function expectResults(results: Results['lines']): void {
  expect(results.length).toBe(LINES);
  const wrong = results.filter((result, index) => result.line !== index + 1 || result.outcome !== plan.outcomes[index]);
  expect(wrong.slice(0, 5)).toEqual([]);
  expect(results.filter((result) => result.outcome === 'refused').every((result) => typeof result.error === 'string' && result.error.length > 0)).toBe(true);
}

beforeAll(() => {
  const box = new Sandbox();
  boxes.push(box);
  streamFile = join(box.home, 'stream.ndjson');
  writeFileSync(streamFile, `${plan.lines.join('\n')}\n`);
});

afterAll(() => {
  for (const box of boxes) rmSync(box.home, { recursive: true, force: true });
});

describe(`tpt ingest of ${LINES.toLocaleString('en')} lines`, () => {
  it('from a file: exactly the good entries, once each, one result line per input line', async () => {
    const box = await freshBox();
    const run = ingestFile(box, streamFile);
    expect(run.code).toBe(1); // some lines refused, the others written
    expectResults(run.lines);
    const state = await stateOf(box);
    const sorted = (ids: string[]) => [...ids].sort();
    expect(state.ids.session).toEqual(sorted(plan.good.session));
    expect(state.ids.measure).toEqual(sorted(plan.good.measure));
    expect(state.ids.milestone).toEqual(sorted(plan.good.milestone));
    expect(sorted(state.ids.goal_update)).toEqual(sorted(plan.good.goal_update));
    reference = state.digest;

    // Sent again whole: nothing changes, every good line is unchanged.
    const again = ingestFile(box, streamFile);
    expect(again.lines.filter((result) => result.outcome === 'created')).toEqual([]);
    expect(again.lines.filter((result) => result.outcome === 'unchanged').length).toBe(plan.outcomes.filter((outcome) => outcome !== 'refused').length);
    expect((await stateOf(box)).digest).toBe(reference);
  }, 360_000);

  it('from a pipe: the same database', async () => {
    const box = await freshBox();
    const child = spawn(process.execPath, [BIN, 'ingest', '-'], { env: box.env });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // Written in pieces that split lines, as a producer's writes do.
    const text = `${plan.lines.join('\n')}\n`;
    for (let at = 0; at < text.length; at += 65_521) {
      if (!child.stdin.write(text.slice(at, at + 65_521))) await new Promise((resolve) => child.stdin.once('drain', resolve));
    }
    child.stdin.end();
    expect(await exited).toBe(1);
    expectResults(parseResults(stdout));
    expect((await stateOf(box)).digest).toBe(reference);
  }, 240_000);

  // `tpt serve` runs on SQLite only for now (issue 22): the route itself is on the port.
  it.skipIf(ON_POSTGRES)('over HTTP with a write token: the same database, the results as NDJSON', async () => {
    const box = await freshBox();
    const token = (await box.json<{ token: string }>(['token', 'create', '--name', 'scribe', '--scope', 'write'])).token;
    const server = await startServer(box);
    try {
      // In ten requests: the service gives a request 30 s to arrive whole (src/server/http.ts),
      // so a sender splits a long stream, which a resend makes safe.
      const results: Results['lines'] = [];
      for (let part = 0; part < 10; part++) {
        const lines = plan.lines.slice(part * PART, (part + 1) * PART);
        const answer = await postStream(server.port, token, lines);
        expect(answer.status).toBe(200);
        expect(answer.type).toMatch(/^application\/x-ndjson/);
        results.push(...parseResults(answer.text).map((result) => ({ ...result, line: result.line + part * PART })));
      }
      expectResults(results);
    } finally {
      await server.stop();
    }
    expect((await stateOf(box)).digest).toBe(reference);
  }, 240_000);

  it('killed with SIGKILL mid-stream, then sent again whole: the same database as one clean run', async () => {
    const box = await freshBox();
    const child = spawn(process.execPath, [BIN, 'ingest', streamFile], { env: box.env });
    let seen = 0;
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.stdout.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8').split('\n').length - 1;
      if (seen >= LINES / 5 && child.exitCode === null) child.kill('SIGKILL');
    });
    expect(await exited).toBe('SIGKILL');
    expect(seen).toBeLessThan(LINES);
    const partial = await stateOf(box);
    expect(partial.ids.session.length).toBeGreaterThan(0);
    expect(partial.ids.session.length).toBeLessThan(plan.good.session.length);
    const resend = ingestFile(box, streamFile);
    expect(resend.lines.length).toBe(LINES);
    expect((await stateOf(box)).digest).toBe(reference);
    expect(spawnSync(process.execPath, [BIN, 'check'], { env: box.env, encoding: 'utf8' }).status).toBe(0);
  }, 360_000);
});

describe('tpt ingest, line by line', () => {
  it('--all-or-nothing writes nothing when a line is refused, and everything when none is', async () => {
    const box = await freshBox();
    const good = plan.lines.slice(0, 300).filter((_, index) => plan.outcomes[index] !== 'refused');
    const bad = [...good.slice(0, 100), '{"type":"session","id":"x1","client_id":"c1","conversation_summary":"s","emotional_state":"glad"}', ...good.slice(100)];
    const refused = spawnSync(process.execPath, [BIN, 'ingest', '-', '--all-or-nothing'], { env: box.env, input: `${bad.join('\n')}\n`, encoding: 'utf8' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/nothing was written \(--all-or-nothing\)/);
    const results = parseResults(refused.stdout);
    expect(results.length).toBe(bad.length);
    expect(results[100]).toMatchObject({ line: 101, outcome: 'refused', error: expect.stringMatching(/unknown mood "glad"/) });
    expect((await stateOf(box)).ids.session).toEqual([]);
    const taken = spawnSync(process.execPath, [BIN, 'ingest', '-', '--all-or-nothing'], { env: box.env, input: `${good.join('\n')}\n`, encoding: 'utf8' });
    expect(taken.status).toBe(0);
    expect(parseResults(taken.stdout).every((result) => result.outcome === 'valid' || result.outcome === 'unchanged')).toBe(true);
    expect((await stateOf(box)).ids.session.length).toBeGreaterThan(200);
  });

  it('refuses a file that is not there before opening the database, with the fix (exit 2)', async () => {
    const box = await freshBox();
    const result = box.spawn(['ingest', join(box.home, 'nope.ndjson')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read .*nope\.ndjson: no such file; give an NDJSON file, or - for standard input/);
  });
});
