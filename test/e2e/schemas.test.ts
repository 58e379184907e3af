// The JSON Schemas published in the package (schemas/, from src/core/document-schemas.ts) hold
// the documents tpt really writes: reports, trends and exports of the demo practice (measures,
// risks, milestones, crisis flags) and of a fresh journal, checked by Ajv (draft 2020-12).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox, testEngine } from '../helpers.js';
import { call, startServer, type RunningServer } from '../server.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const published = (name: string) => JSON.parse(readFileSync(join(ROOT, 'schemas', `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv2020({ allErrors: true, strict: false });
const validators = Object.fromEntries(['report', 'trends', 'export'].map((name) => [name, ajv.compile(published(name))]));
const problems = (name: string, document: unknown) => (validators[name]!(document) ? [] : validators[name]!.errors!.map((error) => `${error.instancePath} ${error.message}`));

const box = new Sandbox();
let demo: string[];
/**
 * The demo is an SQLite file of its own on both engines (src/commands/demo.ts), so its documents
 * are checked in the SQLite run; test/pg/same-output.test.ts shows they are the same bytes once
 * the demo is migrated into PostgreSQL.
 */
const DEMO = testEngine() === 'sqlite';

beforeAll(() => {
  if (!DEMO) return;
  const db = join(box.home, 'demo.db');
  box.spawnOk(['--db', db, 'demo']);
  demo = ['--db', db, '--key-file', `${db}.key`];
}, 60_000);

afterAll(() => {
  // Sandbox homes are temporary directories; the OS cleans them.
});

describe('the published JSON Schemas', () => {
  it.runIf(DEMO)('hold every demo client\'s report and trends, over a year and over a week', () => {
    const clients = (JSON.parse(box.spawnOk([...demo, '--json', 'clients'])) as { client_id: string }[]).map((client) => client.client_id);
    expect(clients.length).toBeGreaterThan(2);
    for (const client of clients) {
      for (const span of ['12m', '7d']) {
        expect(problems('report', JSON.parse(box.spawnOk([...demo, '--json', 'report', client, '--last', span]))), `${client} ${span}`).toEqual([]);
        expect(problems('trends', JSON.parse(box.spawnOk([...demo, '--json', 'trends', client, '--last', span]))), `${client} ${span}`).toEqual([]);
      }
    }
  }, 120_000);

  it('hold the export of the whole demo practice, and of a journal with one bare session', () => {
    if (DEMO) expect(problems('export', JSON.parse(box.spawnOk([...demo, 'export', '--all'])))).toEqual([]);
    const fresh = new Sandbox();
    fresh.spawnOk(['init', '--no-input']);
    fresh.spawnOk(['log-session', '--client', 'c1', '--mood', '-2', '--summary', 'Crisis', '--crisis-flag', 'self_harm_risk']);
    expect(problems('export', JSON.parse(fresh.spawnOk(['export', 'c1'])))).toEqual([]);
    expect(problems('report', JSON.parse(fresh.spawnOk(['--json', 'report', 'c1'])))).toEqual([]);
  }, 60_000);

  it.runIf(DEMO)('refuse a document that breaks a stable field', () => {
    const report = JSON.parse(box.spawnOk([...demo, '--json', 'report', 'demo-casey', '--last', '12m'])) as Record<string, unknown>;
    expect(problems('report', { ...report, overall_trajectory: 'great' })).toEqual(['/overall_trajectory must be equal to one of the allowed values']);
    const { sessions_count: _gone, ...without } = report;
    expect(problems('report', without)).toEqual([" must have required property 'sessions_count'"]);
  });
});

describe('GET /api/v1/schemas/{name}', () => {
  let server: RunningServer;
  let token = '';
  beforeAll(async () => {
    const served = new Sandbox();
    served.spawnOk(['init', '--no-input']);
    token = (JSON.parse(served.spawnOk(['--json', 'token', 'create', '--name', 'monitor'])) as { token: string }).token;
    server = await startServer(served);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it('serves what the package publishes, to a read token; an unknown name is a 404 with the names', async () => {
    for (const name of ['report', 'trends', 'export']) {
      const answer = await call(server.port, 'GET', `/api/v1/schemas/${name}`, { token });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(published(name));
    }
    const unknown = await call(server.port, 'GET', '/api/v1/schemas/toString', { token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/use one of report, trends, export/);
  });
});
