import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedSandbox, Sandbox, testEngine } from '../helpers.js';
import { filesHolding, keysUnder } from '../page-scan.js';
import { call, type RunningServer } from '../server.js';

/**
 * `tpt search` end to end: what it finds and prints, what it refuses, what it logs (one entry
 * per client shown, never the words), the same JSON over HTTP, and that a purge leaves no word
 * of the purged client in the index inside the file.
 */

let box: Sandbox;
let server: RunningServer;
let token: string;

const ON_POSTGRES = testEngine() === 'postgres';
const auditEntries = (sandbox: Sandbox) => JSON.parse(sandbox.spawnOk(['--json', 'audit'])) as { action: string; client_id: string | null; object_id: string | null; outcome: string }[];

beforeAll(async () => {
  ({ box, server, token } = await servedSandbox('search-reader', 'read'));
  box.spawnOk(['log-session', '--client', 'c1', '--at', '2026-03-02 10:00', '--summary', 'Slept badly, the Café was loud', '--notes', 'Panic attack on the tram', '--mood', 'negative']);
  box.spawnOk(['log-session', '--client', 'c2', '--at', '2026-03-05 10:00', '--summary', 'Insomnia after the move', '--observations', 'Tired, a panic attack\u001b[2J at night', '--mood', 'neutral']);
  box.spawnOk(['log-session', '--client', 'c3', '--at', '2026-03-06 10:00', '--summary', 'Nothing of note', '--mood', 'neutral']);
});
afterAll(async () => {
  await server.stop();
  box.cleanup();
});

describe('tpt search', () => {
  it('prints the matches newest first with their snippets, control characters made visible', () => {
    const out = box.spawnOk(['search', '"PANIC attack"']);
    expect(out).toContain('c2  session');
    expect(out).toContain('(therapist_observations)');
    expect(out).toContain('Tired, a [panic] [attack]\\x1B[2J at night');
    expect(out).not.toContain('\u001b');
    expect(out.indexOf('c2  session')).toBeLessThan(out.indexOf('c1  session'));
    expect(out).toMatch(/2 matches in 2 clients\./);
  });

  it('gives --json, narrowed by client and timeframe', () => {
    const hits = JSON.parse(box.spawnOk(['--json', 'search', 'cafe', 'slept', '--client', 'c1', '--since', '2026-03-01', '--until', '2026-03-02']));
    expect(hits).toEqual([{
      client_id: 'c1', kind: 'session', id: expect.any(String), time: '2026-03-02T09:00:00.000Z', field: 'conversation_summary',
      snippet: '[Slept] badly, the [Café] was loud', voided: false,
    }]);
    expect(JSON.parse(box.spawnOk(['--json', 'search', 'cafe', '--until', '2026-03-01']))).toEqual([]);
  });

  it('logs one search entry per client shown, and never the words', () => {
    const before = auditEntries(box).length;
    box.spawnOk(['search', 'attack']);
    const added = auditEntries(box).slice(before).filter((entry) => entry.action === 'search');
    // Sorted: entries of one instant keep no order across clients on PostgreSQL (a chain per client).
    expect(added.map((entry) => [entry.client_id, entry.object_id]).sort()).toEqual([['c1', null], ['c2', null]]);
    if (!ON_POSTGRES) expect(readFileSync(box.dbPath).includes('attack')).toBe(false);
  });

  it('refuses a text with no word, a bad timeframe or an unknown client: one line, exit 2, no search logged', () => {
    const before = auditEntries(box).length;
    for (const args of [['search', '!?'], ['search', 'sleep', '--last', 'soon'], ['search', 'sleep', '--client', 'nobody']]) {
      const result = box.spawn(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
    }
    // The unknown client is a refused attempt on an open database, logged as such; no search was shown.
    const added = auditEntries(box).slice(before);
    expect(added.filter((entry) => entry.outcome === 'ok' && entry.action === 'search')).toEqual([]);
    expect(added.filter((entry) => entry.outcome === 'refused')).toHaveLength(1);
  });

  it('answers GET /api/v1/search with what --json prints', async () => {
    const answer = await call(server.port, 'GET', `/api/v1/search?q=${encodeURIComponent('"panic attack"')}&since=2026-03-01`, { token });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(JSON.parse(box.spawnOk(['--json', 'search', '"panic attack"', '--since', '2026-03-01'])));
    expect(answer.body).toHaveLength(2);
    expect((await call(server.port, 'GET', '/api/v1/search?q=%21', { token })).status).toBe(400);
    expect((await call(server.port, 'GET', '/api/v1/search?q=sleep&client=nobody', { token })).status).toBe(404);
    expect((await call(server.port, 'GET', '/api/v1/search?q=sleep')).status).toBe(401);
  });
});

describe('a purge and the search index', () => {
  // The pages of the SQLite file; on PostgreSQL the server holds sealed values only (test/pg/sealed-rows.test.ts).
  it.skipIf(ON_POSTGRES)('leaves no word of the purged client in the file, the index included', () => {
    const own = new Sandbox();
    try {
      own.spawnOk(['init']);
      // Capitalised in the notes: the index keeps the words folded, so the lower-case form is
      // found in the file only if the index holds it.
      own.spawnOk(['log-session', '--client', 'keep', '--summary', 'Keptclientwordzz stays', '--mood', 'neutral']);
      own.spawnOk(['log-session', '--client', 'gone', '--summary', 'Goneclientwordzz leaves', '--notes', 'Purgedphrasewordqq too', '--mood', 'neutral']);
      own.spawnOk(['goal', 'create', '--client', 'gone', '--description', 'Purgedgoalwordqq']);
      const dir = join(own.home, 'data');
      const keys = keysUnder(join(own.home, 'config'));
      // The control: the scan sees the index's words.
      expect(filesHolding(dir, keys, 'goneclientwordzz')).toEqual([own.dbPath]);
      expect(JSON.parse(own.spawnOk(['--json', 'search', 'goneclientwordzz'])).map((hit: { client_id: string }) => hit.client_id)).toEqual(['gone']);

      own.spawnOk(['client', 'delete', 'gone', '--purge', '--yes']);
      for (const word of ['goneclientwordzz', 'purgedphrasewordqq', 'purgedgoalwordqq', 'Goneclientwordzz']) {
        expect(filesHolding(dir, keys, word), word).toEqual([]);
      }
      expect(filesHolding(dir, keys, 'keptclientwordzz')).toEqual([own.dbPath]);
      expect(JSON.parse(own.spawnOk(['--json', 'search', 'goneclientwordzz']))).toEqual([]);
      expect(JSON.parse(own.spawnOk(['--json', 'search', 'keptclientwordzz'])).map((hit: { client_id: string }) => hit.client_id)).toEqual(['keep']);
      expect(own.spawn(['check']).code).toBe(0);
    } finally {
      own.cleanup();
    }
  });
});

describe('tpt search after tpt import', () => {
  const sandbox = new Sandbox();
  afterAll(() => sandbox.cleanup());
  const session = (id: string, summary: string) => ({
    session_id: id, client_id: 'imp', timestamp: '2026-02-01T10:00:00.000Z', conversation_summary: summary, emotional_state: 'neutral',
    emotional_score: 0, therapeutic_goals: [], progress_notes: '', therapist_observations: '', next_session_focus: '',
    session_duration_minutes: 50, techniques_used: [], homework_assigned: '', crisis_flags: [], metadata: {},
  });
  const file = (name: string, sessions: unknown[]) => {
    const path = join(sandbox.home, name);
    writeFileSync(path, JSON.stringify({
      format: 'tpt-export', version: 1, exported_at: '2026-03-01T00:00:00.000Z',
      clients: [{ client_id: 'imp', created_at: '2026-01-01T00:00:00.000Z', sessions, goals: [], milestones: [] }],
    }));
    return path;
  };

  it('finds what an import wrote; a failed import leaves no words, and the index goes on taking new records', () => {
    sandbox.spawnOk(['init']);
    sandbox.spawnOk(['import', file('good.json', [session('i1', 'Gardening calmed her'), session('i2', 'Quarrel with the landlord')])]);
    const failed = sandbox.spawn(['import', file('bad.json', [session('i3', 'Xylophone lessons'), { ...session('i4', 'broken'), emotional_state: 'nope' }])]);
    expect(failed.code).not.toBe(0);
    sandbox.spawnOk(['log-session', '--client', 'imp', '--summary', 'Zeppelin dream again', '--mood', 'neutral']);
    const found = (word: string) => (JSON.parse(sandbox.spawnOk(['--json', 'search', word])) as { id: string }[]).map((hit) => hit.id);
    expect(found('gardening')).toEqual(['i1']);
    expect(found('landlord')).toEqual(['i2']);
    expect(found('xylophone')).toEqual([]);
    expect(found('zeppelin')).toHaveLength(1);
  });
});
