import type pg from 'pg';
import { toStoreError } from './error-map.js';
import type { PgPool } from './connect.js';

export type Isolation = 'read committed' | 'repeatable read' | 'serializable';

/**
 * Runs `work` in one transaction on one connection of the pool: COMMIT when it returns,
 * ROLLBACK when it throws, and every error raised on the way as a store error. The connection
 * goes back to the pool either way; one whose ROLLBACK failed is discarded, not reused.
 */
export async function inTransaction<T>(
  { pool, target }: PgPool,
  work: (client: pg.PoolClient) => Promise<T>,
  isolation: Isolation = 'read committed',
): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toStoreError(error, target);
  }
  let broken: Error | undefined;
  // A connection the server ends while it is checked out (a restart, pg_terminate_backend) is
  // reported as an 'error' event on the client, which would end the process if no one listened;
  // the statement in flight fails on its own, and the client is discarded below.
  const onLost = (error: Error): void => {
    broken ??= error;
  };
  client.on('error', onLost);
  try {
    await client.query(`BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`);
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollback) {
      broken = rollback as Error;
    }
    throw toStoreError(error, target);
  } finally {
    client.off('error', onLost);
    client.release(broken);
  }
}
