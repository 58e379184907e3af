import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool } from '../../src/pg/connect.js';
import { migrate } from '../../src/pg/migrate.js';
import type { RecordStore } from '../../src/store/port.js';
import { ROUTES } from '../../src/server/routes.js';
import { Sandbox } from '../helpers.js';
import { call, startServer } from '../server.js';
import { useTestDatabase } from '../support/postgres.js';

// Issue 22's proof, "one record, two engines": the demo practice, migrated into PostgreSQL under
// the same key, reads back through every read command and every GET of the service as the same
// bytes as on SQLite. Masked, and only these: `exported_at` (the export says when it was made:
// two runs, two times; both runs here share one clock, so it is masked only in case a document
// gains its own clock) and the audit log's chain (each engine keeps its own log, with the reads
// of this test in it: `audit verify` is compared by its verdict).

const database = useTestDatabase();
let box: Sandbox;
/** One clock for every run on both engines: every default timeframe ends at the same instant. */
const NOW = new Date('2026-03-10T12:00:00Z');

/** The demo's own file and key (`tpt demo` never writes to the user's database). */
const demoDb = () => `${box.home}/demo.db`;

/** A run on the sandbox's database (SQLite) or on the PostgreSQL one it was migrated into. */
async function on(engine: 'sqlite' | 'postgres', args: string[]): Promise<string> {
  const where = engine === 'postgres' ? ['--database', database.url()] : [];
  const result = await box.run([...where, ...args], { now: NOW });
  if (result.code !== 0) throw new Error(`tpt ${args.join(' ')} on ${engine} (exit ${result.code}): ${result.stderr}`);
  return result.stdout;
}

/** What must differ between two runs, whatever the engine: the time an export was made. */
const masked = (text: string) => text.replace(/"exported_at": ?"[^"]*"/g, '"exported_at":"(masked)"');

async function same(args: string[]): Promise<string> {
  const [sqlite, postgres] = [await on('sqlite', args), await on('postgres', args)];
  expect(masked(postgres), `tpt ${args.join(' ')}`).toBe(masked(sqlite));
  return sqlite;
}

interface Ids { clients: string[]; sessions: string[]; goals: string[]; measures: string[] }
let ids: Ids;
/** The demo as `tpt export` wrote it from its own database: its text, and parsed. */
let demoText: string;
let demo: { clients: { courses: unknown[]; schedules: unknown[] }[] };

beforeAll(async () => {
  const pool = await openPool(database.url());
  await migrate(pool);
  await pool.pool.end();
  box = new Sandbox();
  const made = await box.run(['--db', demoDb(), 'demo'], { now: NOW });
  if (made.code !== 0) throw new Error(`tpt demo: ${made.stderr}`);
  // The whole demo (courses of treatment and measure schedules too), through export and import,
  // into the sandbox's database, and from there migrated.
  const exported = await box.run(['--db', demoDb(), '--key-file', `${demoDb()}.key`, 'export', '--all'], { now: NOW });
  if (exported.code !== 0) throw new Error(`tpt export: ${exported.stderr}`);
  demoText = exported.stdout;
  demo = JSON.parse(demoText) as typeof demo;
  writeFileSync(`${box.home}/demo.json`, exported.stdout, { mode: 0o600 });
  await on('sqlite', ['init']);
  await on('sqlite', ['import', `${box.home}/demo.json`]);
  await on('sqlite', ['migrate', '--to', database.url()]);
  const clients = (JSON.parse(await on('sqlite', ['--json', 'clients'])) as { client_id: string }[]).map((client) => client.client_id);
  ids = { clients, sessions: [], goals: [], measures: [] };
  for (const client of clients) {
    const sessions = JSON.parse(await on('sqlite', ['--json', 'sessions', client, '--include-void'])) as { session_id: string }[];
    ids.sessions.push(...sessions.map((session) => session.session_id));
    const goals = JSON.parse(await on('sqlite', ['--json', 'goal', 'list', client])) as { goal_id: string }[];
    ids.goals.push(...goals.map((goal) => goal.goal_id));
    const measures = JSON.parse(await on('sqlite', ['--json', 'measures', client, '--include-void'])) as { measure_id: string }[];
    ids.measures.push(...measures.map((measure) => measure.measure_id));
  }
}, 180_000);
afterAll(() => box?.cleanup());

describe('the demo practice on SQLite and, migrated, on PostgreSQL', () => {
  it('has records to compare (the demo is not empty)', () => {
    expect(ids.clients.length).toBeGreaterThan(2);
    expect(ids.sessions.length).toBeGreaterThan(ids.clients.length);
    expect(ids.goals.length).toBeGreaterThan(0);
    expect(ids.measures.length).toBeGreaterThan(0);
    expect(demo.clients.some((client) => client.courses.length > 0)).toBe(true);
    expect(demo.clients.some((client) => client.schedules.length > 0)).toBe(true);
  });

  it('lists the practice the same: clients, caseload, outcomes, risks', async () => {
    for (const json of [[], ['--json']]) {
      await same([...json, 'clients']);
      await same([...json, 'caseload']);
      await same([...json, 'outcomes']);
      await same([...json, 'risk', 'list']);
    }
  }, 120_000);

  it('shows every client the same: sessions, goals, milestones, measures, risks, trends, reports', async () => {
    for (const client of ids.clients) {
      for (const json of [[], ['--json']]) {
        await same([...json, 'sessions', client, '--include-void']);
        await same([...json, 'goal', 'list', client]);
        await same([...json, 'milestone', 'list', client]);
        await same([...json, 'measures', client, '--include-void']);
        await same([...json, 'risk', 'list', client]);
        await same([...json, 'course', 'list', client]);
        await same([...json, 'measure', 'due', client]);
        await same([...json, 'trends', client, '--last', '12m']);
      }
      // Every text format of the report (pdf is not text, and embeds when it was made).
      for (const format of ['table', 'json', 'markdown', 'html']) await same(['report', client, '--last', '12m', '--format', format]);
    }
  }, 300_000);

  it('shows every session, goal and measure the same', async () => {
    for (const id of ids.sessions) await same(['--json', 'session', 'show', id]);
    for (const id of ids.sessions.slice(0, 5)) await same(['session', 'show', id]);
    for (const id of ids.goals) {
      await same(['--json', 'goal', 'show', id]);
      await same(['goal', 'show', id]);
    }
    for (const id of ids.measures) await same(['--json', 'measure', 'show', id]);
    for (const id of ids.measures.slice(0, 5)) await same(['measure', 'show', id]);
  }, 300_000);

  it('exports the same: JSON, every CSV table, FHIR', async () => {
    const whole = await same(['export', '--all']);
    expect(whole).toContain('"exported_at"');
    // The demo's own export, courses and schedules included, is what both engines hold.
    expect(masked(whole)).toBe(masked(demoText));
    for (const table of ['sessions', 'goals', 'milestones', 'goal-history', 'measures']) {
      await same(['export', '--all', '--format', 'csv', '--table', table]);
    }
    for (const client of ids.clients) await same(['export', client, '--format', 'fhir']);
  }, 120_000);

  it('verifies each engine\'s own audit log as intact', async () => {
    // Each engine has its own log (the reads above are in it, at their own times): the verdict is compared.
    const verdict = (text: string) => (JSON.parse(text) as { intact: boolean }).intact;
    expect(verdict(await on('sqlite', ['--json', 'audit', 'verify']))).toBe(true);
    expect(verdict(await on('postgres', ['--json', 'audit', 'verify']))).toBe(true);
  }, 60_000);

  describe('through the service', () => {
    const servers: Server[] = [];
    const stores: RecordStore[] = [];
    let sqlitePort = 0;
    let postgresPort = 0;
    let token = '';

    beforeAll(async () => {
      token = (JSON.parse(await on('sqlite', ['--json', 'token', 'create', '--name', 'compare', '--scope', 'admin'])) as { token: string }).token;
      // The token is made on each engine: tokens are records of their own database.
      const pgToken = (JSON.parse(await on('postgres', ['--json', 'token', 'create', '--name', 'compare-pg', '--scope', 'admin'])) as { token: string }).token;
      const { readKeyFile } = await import('../../src/db/key-file.js');
      const { openSqliteStore } = await import('../../src/db/engine.js');
      const { openPgStore } = await import('../../src/pg/record-store.js');
      const { createApiServer } = await import('../../src/server/http.js');
      const key = readKeyFile(box.keyPath);
      const sqlite = openSqliteStore(box.dbPath, key);
      const postgres = await openPgStore(database.url(), [key]);
      stores.push(sqlite, postgres);
      const listen = async (records: RecordStore) => {
        const server = createApiServer(records, { host: '127.0.0.1', port: 0, now: () => NOW });
        servers.push(server);
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        return (server.address() as AddressInfo).port;
      };
      sqlitePort = await listen(sqlite);
      postgresPort = await listen(postgres);
      tokens.set(sqlitePort, token);
      tokens.set(postgresPort, pgToken);
    }, 60_000);
    afterAll(async () => {
      for (const server of servers) await new Promise((resolve) => server.close(resolve));
      for (const store of stores) await store.close();
    });
    const tokens = new Map<number, string>();

    async function sameGet(path: string): Promise<unknown> {
      const get = async (port: number) => {
        const answer = await call(port, 'GET', path, { token: tokens.get(port)! });
        return { status: answer.status, body: masked(JSON.stringify(answer.body)) };
      };
      const [sqlite, postgres] = [await get(sqlitePort), await get(postgresPort)];
      expect(postgres, `GET ${path}`).toEqual(sqlite);
      expect(sqlite.status, `GET ${path}`).toBe(200);
      return JSON.parse(sqlite.body);
    }

    it('answers every GET the same', async () => {
      const gets = ROUTES.filter((route) => route.method === 'GET').map((route) => route.template);
      const asked = new Set<string>();
      const ask = async (template: string, path: string) => {
        asked.add(template);
        await sameGet(path);
      };
      await ask('/api/v1/clients', '/api/v1/clients');
      await ask('/api/v1/caseload', '/api/v1/caseload');
      await ask('/api/v1/openapi.json', '/api/v1/openapi.json');
      await ask('/api/v1/schemas/{name}', '/api/v1/schemas/export');
      // The search's hits and snippets, over every client and over one (the PostgreSQL engine opens
      // and matches the sealed texts in the process; SQLite's index narrows the same matching).
      await ask('/api/v1/search', '/api/v1/search?q=sleep');
      await ask('/api/v1/search', `/api/v1/search?q=${encodeURIComponent('"sleep"')}&client=${ids.clients[0]}&include_void=true`);
      for (const client of ids.clients) {
        await ask('/api/v1/sessions/{client_id}', `/api/v1/sessions/${client}?include_void=true`);
        await ask('/api/v1/goals/{client_id}', `/api/v1/goals/${client}`);
        await ask('/api/v1/measures/{client_id}', `/api/v1/measures/${client}?last=12m&include_void=true`);
        await ask('/api/v1/progress/{client_id}', `/api/v1/progress/${client}?last=12m`);
        await ask('/api/v1/risks/{client_id}', `/api/v1/risks/${client}`);
        await ask('/api/v1/trends/{client_id}', `/api/v1/trends/${client}?last=12m`);
        await ask('/api/v1/export/{client_id}', `/api/v1/export/${client}`);
      }
      // Every GET route of the service is in this comparison: a new one must join it.
      expect([...asked].sort()).toEqual([...gets].sort());
    }, 300_000);

    it('is served by `tpt serve --database postgres://…` from the bundle, which stops on SIGTERM', async () => {
      const server = await startServer(box, [], { TPT_DATABASE_URL: database.url() });
      try {
        const answer = await call(server.port, 'GET', '/api/v1/clients', { token: tokens.get(postgresPort)! });
        expect(answer.status).toBe(200);
        expect((answer.body as { client_id: string }[]).map((client) => client.client_id)).toEqual(ids.clients);
        // The SQLite token is not a token of this database.
        expect((await call(server.port, 'GET', '/api/v1/clients', { token })).status).toBe(401);
        // Ingestion runs on PostgreSQL too: an empty object is answered with its own refusal line.
        const ingest = await call(server.port, 'POST', '/api/v1/ingest', { token: tokens.get(postgresPort)!, raw: '{}\n', headers: { 'Content-Type': 'application/x-ndjson' } });
        expect(ingest.status).toBe(200);
      } finally {
        // Drained and the pool ended: the process exits by itself, 0.
        expect(await server.stop()).toBe(0);
      }
      expect(server.stderr()).not.toMatch(/not available/);
    }, 60_000);
  });
});
