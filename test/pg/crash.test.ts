import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool, type PgPool } from '../../src/pg/connect.js';
import { migrate } from '../../src/pg/migrate.js';
import { inTransaction } from '../../src/pg/transaction.js';
import { StoreError } from '../../src/store/errors.js';
import { asSuperuser, postgresUrl } from '../support/postgres.js';
import { startPostgres, type RunningPostgres } from '../support/postgres-server.js';

// A server of its own, with fsync and synchronous commit on (the shared one runs without), killed
// whole mid-write and started again on the same data.
let server: RunningPostgres;
let url: string;
const CLIENT = '66666666-6666-4666-8666-666666666666';

beforeAll(async () => {
  server = await startPostgres({ durable: true });
  await asSuperuser(server.info, (client) => client.query('CREATE DATABASE crash'));
  url = postgresUrl(server.info, 'crash');
  const db = await openPool(url);
  await migrate(db);
  await db.pool.query(`INSERT INTO clients (client_key, client_id, created_at) VALUES ($1, 'olga', now())`, [CLIENT]);
  await db.pool.end();
}, 60_000);
afterAll(async () => {
  await server?.stop();
});

/** One session written as the engine will: its id's row and its record, in one transaction. */
function writeSession(db: PgPool, id: string): Promise<void> {
  return inTransaction(db, async (client) => {
    await client.query(`INSERT INTO record_ids (kind, record_id, client_key) VALUES ('session', $1, $2)`, [id, CLIENT]);
    await client.query(
      `INSERT INTO sessions (client_key, session_id, "timestamp", conversation_summary, emotional_score, therapeutic_goals,
                             progress_notes, therapist_observations, next_session_focus, techniques_used,
                             homework_assigned, crisis_flags, has_crisis_flags, metadata)
       VALUES ($1, $2, now(), '\\x01', 0, '\\x01', '\\x01', '\\x01', '\\x01', '\\x01', '\\x01', '\\x01', false, '\\x01')`,
      [CLIENT, id]);
  });
}

describe('PostgreSQL killed mid-write', () => {
  it('keeps every acknowledged write and no part of any other', async () => {
    const db = await openPool(url, { max: 8 });
    const acknowledged: string[] = [];
    const failed: StoreError[] = [];
    let writing = true;
    const writers = Array.from({ length: 8 }, async (_, writer) => {
      for (let n = 0; writing; n++) {
        const id = `W${writer}-${n}`;
        try {
          await writeSession(db, id);
          acknowledged.push(id);
        } catch (error) {
          failed.push(error as StoreError);
          return;
        }
      }
    });
    // Let the writers get going, then kill the server under them.
    while (acknowledged.length < 50) await new Promise((resolve) => setTimeout(resolve, 5));
    await server.crashAndRestart();
    writing = false;
    await Promise.all(writers);
    await db.pool.end().catch(() => undefined);

    // Every writer was told, as a store error: its connection was lost, or a new one was refused
    // while the server was down, or the server was still recovering.
    expect(failed.length).toBeGreaterThan(0);
    for (const error of failed) {
      expect(error).toBeInstanceOf(StoreError);
      expect(['unreachable/lost', 'unreachable/refused', 'busy/undefined']).toContain(`${error.kind}/${(error as { reason?: string }).reason}`);
    }

    const after = await openPool(url);
    try {
      expect((await after.pool.query(`SELECT current_setting('fsync') AS fsync`)).rows[0]).toEqual({ fsync: 'on' });
      const sessions = new Set((await after.pool.query('SELECT session_id FROM sessions')).rows.map((row) => row.session_id as string));
      const ids = new Set((await after.pool.query(`SELECT record_id FROM record_ids WHERE kind = 'session'`)).rows.map((row) => row.record_id as string));
      for (const id of acknowledged) expect(sessions.has(id), id).toBe(true);
      // Nothing partial: a session and its id's row are there together or not at all.
      expect([...sessions].sort()).toEqual([...ids].sort());
      // At most the writes in flight when it died got in without their acknowledgement.
      expect(sessions.size - acknowledged.length).toBeLessThanOrEqual(failed.length);
      // And the server takes writes again.
      await writeSession(after, 'after-the-crash');
    } finally {
      await after.pool.end();
    }
  });
});
