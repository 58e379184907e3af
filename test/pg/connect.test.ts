import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool, poolConfig, type PgPool } from '../../src/pg/connect.js';
import { migrate } from '../../src/pg/migrate.js';
import { inTransaction } from '../../src/pg/transaction.js';
import {
  BusyError,
  ConflictError,
  DeniedError,
  NotFoundError,
  ReadOnlyError,
  SchemaMissingError,
  StoreError,
  UnreachableError,
} from '../../src/store/errors.js';
import { asSuperuser, postgresUrl, useTestDatabase } from '../support/postgres.js';

const database = useTestDatabase();
const bare = useTestDatabase();

let db: PgPool;
let where: string;
let withoutPassword: string;
beforeAll(async () => {
  db = await openPool(database.url());
  await migrate(db);
  where = `${database.server.host}:${database.server.port}`;
  withoutPassword = `postgres://${database.server.user}@${where}/${database.name}`;
});
afterAll(async () => {
  await db?.pool.end();
});

/** What a promise rejects with; the test fails if it resolves. */
async function failure(promise: Promise<unknown>): Promise<StoreError> {
  try {
    await promise;
  } catch (error) {
    return error as StoreError;
  }
  throw new Error('it succeeded');
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Waits until some other backend of this database waits for a lock. */
async function untilSomeoneWaitsForALock(pool: pg.Pool): Promise<void> {
  for (let tries = 0; tries < 500; tries++) {
    const { rows } = await pool.query(
      `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no backend ever waited for a lock');
}

const CLIENT_A = '11111111-1111-4111-8111-111111111111';
const CLIENT_B = '22222222-2222-4222-8222-222222222222';
const SEALED = Buffer.from([1, 2, 3]);

async function insertSession(client: pg.PoolClient, clientKey: string, sessionId: string): Promise<void> {
  // As the engine will: the id's directory row first (an id is unique in the whole database),
  // then the record; no read decides whether the id is free.
  await client.query(`INSERT INTO record_ids (kind, record_id, client_key) VALUES ('session', $1, $2)`, [sessionId, clientKey]);
  await client.query(
    `INSERT INTO sessions (client_key, session_id, "timestamp", conversation_summary, emotional_score, therapeutic_goals,
                           progress_notes, therapist_observations, next_session_focus, techniques_used,
                           homework_assigned, crisis_flags, has_crisis_flags, metadata)
     VALUES ($1, $2, '2026-03-01T09:30:00.000Z', $3, 1, $3, $3, $3, $3, $3, $3, $3, false, $3)`,
    [clientKey, sessionId, SEALED]);
}

describe('opening a PostgreSQL database', () => {
  it('a URL that is no URL, or not postgres://, says the form to give', async () => {
    expect(() => poolConfig('localhost:5432/tpt')).toThrow(new UnreachableError(
      'the database URL starts with localhost:// but PostgreSQL\'s start with postgres://: give one as postgres://USER@HOST:5432/DATABASE', 'url'));
    expect(() => poolConfig('not a url')).toThrow('the database URL is not a URL: give one as postgres://USER@HOST:5432/DATABASE');
    expect(() => poolConfig('mysql://me@db/tpt')).toThrow('the database URL starts with mysql:// but PostgreSQL\'s start with postgres://');
    expect(() => poolConfig('postgres://me@db:99999/tpt')).toThrow(UnreachableError);
  });

  it('a refused connection names the host and port to fix', async () => {
    const port = await freePort();
    const error = await failure(openPool(`postgres://me:secret@127.0.0.1:${port}/tpt`));
    expect(error).toBeInstanceOf(UnreachableError);
    expect(error).toMatchObject({ reason: 'refused', retryable: false });
    expect(error.message).toBe(
      `nothing answers at 127.0.0.1:${port} (connection refused): start PostgreSQL there, or fix the host and port of the database URL`);
  });

  it('an unknown host is named', async () => {
    const error = await failure(openPool('postgres://me:secret@no-such-host.invalid:5432/tpt', { connectTimeoutMs: 5000 }));
    expect(error).toMatchObject({ kind: 'unreachable', reason: 'host' });
    expect(error.message).toMatch(/^the host "no-such-host\.invalid" of the database URL is not known \((ENOTFOUND|EAI_AGAIN)\): fix the host name/);
  });

  it('a wrong password is a refused login that says where passwords come from, and never shows the password', async () => {
    const url = postgresUrl({ ...database.server, password: 'not-the-password' }, database.name);
    const error = await failure(openPool(url));
    expect(error).toBeInstanceOf(DeniedError);
    expect(error.message).toBe(
      `PostgreSQL at ${where} refused the password of user "tpt_test": set PGPASSWORD or a ~/.pgpass line, or fix the user in the database URL`);
    expect(error.message).not.toContain('not-the-password');
  });

  it('no password anywhere is said so', async () => {
    const saved = process.env.PGPASSFILE;
    process.env.PGPASSFILE = join(tmpdir(), 'tpt-no-such-pgpass');
    try {
      const error = await failure(openPool(withoutPassword, { env: {} }));
      expect(error).toBeInstanceOf(DeniedError);
      expect(error.message).toBe(
        `PostgreSQL at ${where} asks a password of user "tpt_test" and none was given: set PGPASSWORD or a ~/.pgpass line, or put it in the database URL`);
    } finally {
      if (saved === undefined) delete process.env.PGPASSFILE;
      else process.env.PGPASSFILE = saved;
    }
  });

  it('takes the password from PGPASSWORD', async () => {
    const opened = await openPool(withoutPassword, { env: { PGPASSWORD: database.server.password } });
    expect((await opened.pool.query('SELECT current_user AS who')).rows[0]).toEqual({ who: 'tpt_test' });
    await opened.pool.end();
  });

  it('takes the password from a ~/.pgpass file (PGPASSFILE) when the URL and PGPASSWORD give none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpt-pgpass-'));
    const file = join(dir, '.pgpass');
    writeFileSync(file, `# host:port:database:user:password\n127.0.0.1:${database.server.port}:${database.name}:tpt_test:${database.server.password.replaceAll(':', '\\:')}\n`);
    // libpq and pgpass ignore a password file that others can read.
    chmodSync(file, 0o600);
    const saved = process.env.PGPASSFILE;
    process.env.PGPASSFILE = file;
    try {
      const opened = await openPool(withoutPassword, { env: {} });
      expect((await opened.pool.query('SELECT 1 AS one')).rows[0]).toEqual({ one: 1 });
      await opened.pool.end();
    } finally {
      if (saved === undefined) delete process.env.PGPASSFILE;
      else process.env.PGPASSFILE = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a server that asks no TLS while the URL requires it says both ways out', async () => {
    const error = await failure(openPool(database.url('sslmode=verify-full')));
    expect(error).toMatchObject({ kind: 'unreachable', reason: 'tls' });
    expect(error.message).toBe(
      `PostgreSQL at ${where} offers no TLS but the database URL asks for it: enable ssl on the server, or use sslmode=disable on a trusted network only`);
  });

  it('a server that accepts the connection but never answers times out, in the time given', async () => {
    const silent = createServer(() => undefined).listen(0, '127.0.0.1');
    await new Promise((resolve) => silent.once('listening', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const started = Date.now();
      const error = await failure(openPool(`postgres://me:pw@127.0.0.1:${port}/tpt`, { connectTimeoutMs: 300 }));
      expect(Date.now() - started).toBeLessThan(3000);
      expect(error).toMatchObject({ kind: 'unreachable', reason: 'timeout', retryable: true });
      expect(error.message).toBe(
        `PostgreSQL at 127.0.0.1:${port} did not answer in time: check that the server is up and that the network lets its port through`);
    } finally {
      silent.close();
    }
  });

  it('no free connection is busy, and says which limit to move', async () => {
    const role = `tpt_one_${database.name}`;
    await asSuperuser(database.server, (client) => client.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw' CONNECTION LIMIT 1`));
    const url = postgresUrl({ ...database.server, user: role, password: 'pw' }, database.name);
    const first = await openPool(url);
    try {
      const held = await first.pool.connect();
      const error = await failure(openPool(url));
      held.release();
      expect(error).toBeInstanceOf(BusyError);
      expect(error.message).toBe(
        `PostgreSQL at ${where} has no free connection for user "${role}" (max_connections or the role's limit): retry, or lower tpt's pool size or raise the limit`);
    } finally {
      await first.pool.end();
      await asSuperuser(database.server, (client) => client.query(`DROP ROLE ${role}`));
    }
  });

  it('a pool whose connections all stay in use is busy, not an unreachable server', async () => {
    const small = await openPool(database.url(), { max: 1, connectTimeoutMs: 100 });
    const held = await small.pool.connect();
    try {
      const error = await failure(inTransaction(small, (client) => client.query('SELECT 1')));
      expect(error).toBeInstanceOf(BusyError);
      expect(error.message).toBe(
        `every connection of tpt's pool to ${where} stayed in use while this waited: retry, or give the pool more connections`);
    } finally {
      held.release();
      await small.pool.end();
    }
  });

  it('a database that does not exist says how to make it', async () => {
    const error = await failure(openPool(postgresUrl(database.server, 'tpt_nowhere')));
    expect(error).toMatchObject({ kind: 'unreachable', reason: 'database' });
    expect(error.message).toBe(
      `PostgreSQL at ${where} has no database "tpt_nowhere": create it (createdb tpt_nowhere) or fix the database name in the URL`);
  });

  it('a database without tpt\'s tables is a missing schema, at the first statement that needs one', async () => {
    const empty = await openPool(bare.url());
    try {
      const error = await failure(inTransaction(empty, (client) => client.query('SELECT count(*) FROM sessions')));
      expect(error).toBeInstanceOf(SchemaMissingError);
      expect(error.message).toBe(
        `database "${bare.name}" does not hold tpt's schema as this tpt knows it (relation "sessions" does not exist): run tpt's migrations on it (tpt init --database URL)`);
    } finally {
      await empty.pool.end();
    }
  });

  it('a role without rights on the tables is denied, in one line', async () => {
    await asSuperuser(database.server, async (client) => {
      await client.query(`CREATE ROLE tpt_reader_${database.name} LOGIN PASSWORD 'reader-pw'`);
    });
    const reader = await openPool(postgresUrl({ ...database.server, user: `tpt_reader_${database.name}`, password: 'reader-pw' }, database.name));
    try {
      const error = await failure(inTransaction(reader, (client) => client.query('SELECT * FROM sessions')));
      expect(error).toBeInstanceOf(DeniedError);
      expect(error.message).toBe(
        `user "tpt_reader_${database.name}" may not do this in database "${database.name}" (permission denied for table sessions): grant that role the rights on tpt's tables`);
    } finally {
      await reader.pool.end();
      await asSuperuser(database.server, (client) => client.query(`DROP OWNED BY tpt_reader_${database.name}; DROP ROLE tpt_reader_${database.name}`));
    }
  });
});

describe('writes that the engine refuses', () => {
  beforeAll(async () => {
    await db.pool.query(
      `INSERT INTO clients (client_key, client_id, created_at) VALUES ($1, 'anna', now()), ($2, 'ben', now())`, [CLIENT_A, CLIENT_B]);
  });

  it('two writers creating one session id at once: the engine lets one win, the other gets a conflict', async () => {
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstInserted!: () => void;
    const firstHoldsTheRow = new Promise<void>((resolve) => (firstInserted = resolve));
    const first = inTransaction(db, async (client) => {
      await insertSession(client, CLIENT_A, 'S-race');
      firstInserted();
      await firstMayCommit;
    });
    // Started once the first holds its uncommitted row: its insert then waits on that row's lock.
    await firstHoldsTheRow;
    const second = failure(inTransaction(db, (client) => insertSession(client, CLIENT_A, 'S-race')));
    await untilSomeoneWaitsForALock(db.pool);
    releaseFirst();
    await first;
    const error = await second;
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ constraint: 'record_ids_pkey' });
    expect(error.message).toBe('that record exists already (record_ids_pkey): use another id, or read the record again and retry');
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM sessions WHERE session_id = 'S-race'`);
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('many writers, one id, two clients: exactly one row, every other writer a conflict', async () => {
    const attempts = await Promise.allSettled(Array.from({ length: 8 }, (_, i) =>
      inTransaction(db, (client) => insertSession(client, i % 2 === 0 ? CLIENT_A : CLIENT_B, 'S-many'))));
    expect(attempts.filter((attempt) => attempt.status === 'fulfilled')).toHaveLength(1);
    for (const attempt of attempts) {
      if (attempt.status === 'rejected') expect(attempt.reason).toBeInstanceOf(ConflictError);
    }
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM sessions WHERE session_id = 'S-many'`);
    expect(rows[0]).toEqual({ n: 1 });
  });

  it('a record for a client that does not exist is not found, and nothing of it stays', async () => {
    const error = await failure(inTransaction(db, (client) => insertSession(client, '33333333-3333-4333-8333-333333333333', 'S-orphan')));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('a record this write refers to does not exist (record_ids_client_key_fkey): create it first, or fix the id');
  });

  it('a lock held past lock_timeout is busy, and may be retried', async () => {
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let locked!: () => void;
    const holderHasTheLock = new Promise<void>((resolve) => (locked = resolve));
    const holder = inTransaction(db, async (client) => {
      await client.query('SELECT 1 FROM clients WHERE client_key = $1 FOR UPDATE', [CLIENT_A]);
      locked();
      await firstMayCommit;
    });
    await holderHasTheLock;
    const error = await failure(inTransaction(db, async (client) => {
      await client.query(`SET LOCAL lock_timeout = '50ms'`);
      await client.query('SELECT 1 FROM clients WHERE client_key = $1 FOR UPDATE', [CLIENT_A]);
    }));
    releaseFirst();
    await holder;
    expect(error).toBeInstanceOf(BusyError);
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`PostgreSQL at ${where} asked to retry (a lock was not granted in time): try again`);
  });

  it('two serializable writers that read what the other writes: one is told to retry', async () => {
    let reads = 0;
    let open!: () => void;
    const bothRead = new Promise<void>((resolve) => (open = resolve));
    // Each reads the key the other writes, and writes only once both have read: a write skew.
    const write = (from: string, to: string) => inTransaction(db, async (client) => {
      await client.query(`SELECT count(*) FROM settings WHERE key = $1`, [from]);
      if (++reads === 2) open();
      await bothRead;
      await client.query(`INSERT INTO settings (key, value) VALUES ($1, 'x')`, [to]);
    }, 'serializable');
    const results = Promise.allSettled([write('ser-a', 'ser-b'), write('ser-b', 'ser-a')]);
    const [one, two] = await results;
    const rejected = [one, two].filter((result) => result.status === 'rejected') as PromiseRejectedResult[];
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(BusyError);
    expect((rejected[0]!.reason as Error).message).toContain('a concurrent write made this one unserializable');
  });

  it('a read-only server (a standby) refuses the write as read-only', async () => {
    const readOnly = await openPool(database.url('options=-c%20default_transaction_read_only%3Don'));
    try {
      const error = await failure(inTransaction(readOnly, (client) => insertSession(client, CLIENT_A, 'S-ro')));
      expect(error).toBeInstanceOf(ReadOnlyError);
      expect(error.message).toBe(
        `PostgreSQL at ${where} takes no writes (a read-only standby or transaction): point the database URL at the primary server`);
    } finally {
      await readOnly.pool.end();
    }
  });

  it('a connection ended by the server mid-transaction is lost, retryable, and the write did not happen', async () => {
    const error = await failure(inTransaction(db, async (client) => {
      await insertSession(client, CLIENT_B, 'S-lost');
      await asSuperuser(database.server, (admin) =>
        admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND state = $2',
          [database.name, 'idle in transaction']));
      await client.query('SELECT 1');
    }));
    expect(error).toMatchObject({ kind: 'unreachable', reason: 'lost', retryable: true });
    expect(error.message).toMatch(new RegExp(`^the connection to PostgreSQL at ${where} was lost \\(.+\\): try again once the server is back$`));
    const { rows } = await db.pool.query(`SELECT count(*)::int AS n FROM record_ids WHERE record_id = 'S-lost'`);
    expect(rows[0]).toEqual({ n: 0 });
  });
});
