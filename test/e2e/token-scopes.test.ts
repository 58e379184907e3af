import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCipher } from '../../src/db/connection.js';
import { Database } from '../../src/db/driver.js';
import { writeNewKeyFile } from '../../src/db/key-file.js';
import { MIGRATIONS } from '../../src/db/migrations.js';
import { Sandbox } from '../helpers.js';
import { queryRowsSync } from '../support/matrix-rows.js';
import { call, startServer, type RunningServer } from '../server.js';

/** Defect 12: token scopes read < write < admin, checked by every route; old tokens keep admin. */

let box: Sandbox;
let server: RunningServer;
const tokens: Record<string, string> = {};
const OLD_SECRET = 'tpt_made-before-scopes-existed';

beforeAll(async () => {
  box = new Sandbox();
  const oldHash = createHash('sha256').update(OLD_SECRET).digest('hex');
  if (box.postgres) {
    // PostgreSQL's schema was born with scopes: a token row written without one, as a tool
    // outside tpt (or an SQLite database of the first schema, migrated) leaves it.
    expect(box.spawn(['init']).code).toBe(0);
    queryRowsSync(box.postgres.url, `INSERT INTO api_tokens (token_id, name, hash, created_at) VALUES ('tok_old', 'old', $1, '2026-01-01T00:00:00.000Z')`, [oldHash]);
  } else {
    // A database of the first schema, with a token made before scopes existed.
    mkdirSync(dirname(box.dbPath), { recursive: true });
    const db = new Database(box.dbPath);
    applyCipher(db, writeNewKeyFile(box.keyPath));
    db.exec(MIGRATIONS[0]!);
    db.pragma('user_version = 1');
    db.prepare(`INSERT INTO api_tokens (token_id, name, hash, created_at) VALUES ('tok_old', 'old', ?, '2026-01-01T00:00:00.000Z')`).run(oldHash);
    db.close();
  }
  for (const scope of ['read', 'write', 'admin']) {
    const created = box.spawn(['--json', 'token', 'create', '--name', scope, '--scope', scope]);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout).scope).toBe(scope);
    tokens[scope] = JSON.parse(created.stdout).token;
  }
  const plain = box.spawn(['--json', 'token', 'create', '--name', 'plain']);
  tokens.plain = JSON.parse(plain.stdout).token;
  expect(JSON.parse(plain.stdout).scope).toBe('read');
  server = await startServer(box);
});

afterAll(async () => {
  await server.stop();
  box.cleanup();
});

const session = (id: string) => ({ client_id: 'c1', session_id: id, conversation_summary: 'x', emotional_state: 'neutral' });

describe('token scopes', () => {
  it('token create refuses an unknown scope; token list shows each scope, the old token as admin', () => {
    const bad = box.spawn(['token', 'create', '--name', 'x', '--scope', 'root']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('tpt: invalid --scope "root": use read, write or admin\n');
    const listed = JSON.parse(box.spawn(['--json', 'token', 'list']).stdout) as { name: string; scope: string }[];
    expect(Object.fromEntries(listed.map((token) => [token.name, token.scope])))
      .toEqual({ old: 'admin', read: 'read', write: 'write', admin: 'admin', plain: 'read' });
  });

  it('each route checks the scope: read reads, write writes, admin exports', async () => {
    const { port } = server;
    expect((await call(port, 'POST', '/api/v1/sessions', { token: tokens.write, body: session('s1') })).status).toBe(201);
    expect((await call(port, 'POST', '/api/v1/sessions', { token: OLD_SECRET, body: session('s2') })).status).toBe(201);
    for (const token of [tokens.read, tokens.plain]) {
      const refused = await call(port, 'POST', '/api/v1/sessions', { token, body: session('s3') });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toEqual({
        code: 'forbidden_scope',
        message: "this token's scope is read; POST /api/v1/sessions needs write: use a token made with `tpt token create --scope write`",
      });
      expect((await call(port, 'PUT', '/api/v1/goals/g1', { token, body: { completion_percentage: 5 } })).status).toBe(403);
      expect((await call(port, 'POST', '/api/v1/goals', { token, body: { client_id: 'c1', description: 'd' } })).status).toBe(403);
      expect((await call(port, 'POST', '/api/v1/milestones', { token, body: { goal_id: 'g1', description: 'd' } })).status).toBe(403);
      expect((await call(port, 'GET', '/api/v1/sessions/c1', { token })).status).toBe(200);
      expect((await call(port, 'GET', '/api/v1/progress/c1', { token })).status).toBe(200);
      expect((await call(port, 'GET', '/api/v1/export/c1', { token })).status).toBe(403);
    }
    expect((await call(port, 'GET', '/api/v1/export/c1', { token: tokens.write })).status).toBe(403);
    expect((await call(port, 'GET', '/api/v1/export/c1', { token: tokens.admin })).status).toBe(200);
    expect((await call(port, 'GET', '/api/v1/export/c1', { token: OLD_SECRET })).status).toBe(200);
    const stored = await call(port, 'GET', '/api/v1/sessions/c1', { token: tokens.read });
    expect(stored.body.map((s: { session_id: string }) => s.session_id).sort()).toEqual(['s1', 's2']);
  });

  it('a refusal for scope is in the audit log, with the token name', async () => {
    await call(server.port, 'GET', '/api/v1/export/c1', { token: tokens.read });
    const entries = JSON.parse(box.spawn(['--json', 'audit']).stdout) as { actor: string; action: string; outcome: string }[];
    expect(entries).toContainEqual(expect.objectContaining({ actor: 'api:read', action: 'api GET /api/v1/export/c1', outcome: 'refused' }));
  });
});
