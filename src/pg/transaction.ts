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
    client.release(broken);
  }
}
