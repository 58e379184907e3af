import type pg from 'pg';
import { SchemaMissingError } from '../store/errors.js';
import type { PgPool } from './connect.js';
import { toStoreError } from './error-map.js';
import { PG_MIGRATIONS, type PgLayout, type PgMigration } from './migrations.js';
import { inTransaction } from './transaction.js';

export const MIGRATIONS_TABLE = 'tpt_schema_migrations';
/**
 * The advisory lock that serialises tpt's migrators on one database (any constant works, as
 * long as it is always the same one): a second `tpt init` waits for the first, then finds the
 * schema made. Taken inside the transaction, so it is released by its COMMIT or ROLLBACK.
 */
const MIGRATION_LOCK = 0x7470_7400;

export interface MigrationResult {
  /** The schema version before and after. */
  from: number;
  to: number;
  layout: PgLayout;
}

/**
 * Brings the database's schema to the newest step, all steps in one transaction: on any error
 * nothing of them stays. The layout is chosen when the schema is made and kept in the tracking
 * table; later steps follow it. Running it on a schema that is up to date changes nothing.
 */
export async function migrate(
  db: PgPool,
  layout: PgLayout = { partitions: 0 },
  steps: readonly PgMigration[] = PG_MIGRATIONS,
): Promise<MigrationResult> {
  if (!Number.isInteger(layout.partitions) || layout.partitions < 0 || layout.partitions > 1024) {
    throw new RangeError('partitions is a whole number from 0 (none) to 1024');
  }
  return inTransaction(db, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
      version    integer PRIMARY KEY CHECK (version >= 1),
      partitions integer NOT NULL CHECK (partitions >= 0),
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const applied = await appliedSteps(client);
    const from = applied.version;
    if (from > steps.length) {
      throw new SchemaMissingError(
        `database "${db.target.database}" has tpt schema version ${from}, newer than this tpt knows (${steps.length}): upgrade tpt`);
    }
    const kept: PgLayout = from === 0 ? layout : { partitions: applied.partitions };
    for (let version = from + 1; version <= steps.length; version++) {
      await client.query(steps[version - 1]!(kept));
      await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (version, partitions) VALUES ($1, $2)`, [version, kept.partitions]);
    }
    return { from, to: steps.length, layout: kept };
  });
}

/**
 * Checks, before any read or write, that the database holds tpt's schema at the version this
 * tpt knows; a missing or older one is a one-line error that says to run the migrations.
 */
export async function requireSchema(db: PgPool, steps: readonly PgMigration[] = PG_MIGRATIONS): Promise<void> {
  let version: number;
  try {
    const exists = await db.pool.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [MIGRATIONS_TABLE]);
    if (!exists.rows[0]!.present) version = 0;
    else version = (await appliedSteps(db.pool)).version;
  } catch (error) {
    throw toStoreError(error, db.target);
  }
  if (version === steps.length) return;
  if (version > steps.length) {
    throw new SchemaMissingError(
      `database "${db.target.database}" has tpt schema version ${version}, newer than this tpt knows (${steps.length}): upgrade tpt`);
  }
  throw new SchemaMissingError(version === 0
    ? `database "${db.target.database}" holds no tpt schema: create it with tpt init --database URL`
    : `database "${db.target.database}" has tpt schema version ${version}, older than this tpt's ${steps.length}: run tpt init --database URL to bring it up to date`);
}

async function appliedSteps(client: pg.PoolClient | pg.Pool): Promise<{ version: number; partitions: number }> {
  const result = await client.query<{ version: number | null; partitions: number | null }>(
    `SELECT max(version) AS version, min(partitions) AS partitions FROM ${MIGRATIONS_TABLE}`);
  const row = result.rows[0]!;
  return { version: row.version ?? 0, partitions: row.partitions ?? 0 };
}
