import { openPool, type PgPool } from '../pg/connect.js';
import type { FieldKey } from '../pg/field-cipher.js';
import { fieldKeysFor } from '../pg/field-keys.js';
import { migrate, requireSchema } from '../pg/migrate.js';
import { PgRecordStore } from '../pg/record-store.js';
import { inTransaction } from '../pg/transaction.js';
import { WrongKeyError } from './errors.js';
import type { StoreKey } from './open.js';

/** The settings row naming the field key the database's values are sealed under (its id, not the key). */
export const FIELD_KEY_SETTING = 'field_key_id';

/**
 * The PostgreSQL half of openRecordStore (./open.ts), loaded only when a location is a URL: the
 * bundles of the command line leave it, and the driver, to bundle/pg-engine.cjs.
 *
 * With `create`, the schema is made (or brought up to date) first. Then the key is checked before
 * any read: the database names the id of the field key it was made with, and a key that is not
 * that one (nor an older one given) is a WrongKeyError, never a first read that fails half-way.
 */
export async function openPostgres(
  url: string, keys: readonly [StoreKey, ...StoreKey[]], options: { create?: boolean; env?: NodeJS.ProcessEnv },
): Promise<PgRecordStore> {
  const db = await openPool(url, options.env ? { env: options.env } : {});
  try {
    if (options.create) await migrate(db);
    await requireSchema(db);
    const fieldKeys = await fieldKeysFor(db, keys);
    await requireKey(db, fieldKeys, keys[0].kind);
    return new PgRecordStore(db, fieldKeys);
  } catch (error) {
    await db.pool.end().catch(() => undefined);
    throw error;
  }
}

/** Connects, checks the schema, and lets go: see checkReachable (./open.ts). */
export async function reachPostgres(url: string, options: { env?: NodeJS.ProcessEnv }): Promise<void> {
  const db = await openPool(url, options.env ? { env: options.env, max: 1 } : { max: 1 });
  try {
    await requireSchema(db);
  } finally {
    await db.pool.end().catch(() => undefined);
  }
}

/**
 * The first opener names the key; later ones must give it, or a key that a rekey moved the
 * database to (given with the old one or alone).
 */
async function requireKey(db: PgPool, keys: readonly FieldKey[], kind: StoreKey['kind']): Promise<void> {
  const named = await inTransaction(db, async (client) => {
    await client.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [FIELD_KEY_SETTING, keys[0]!.id]);
    const { rows } = await client.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [FIELD_KEY_SETTING]);
    return rows[0]!.value;
  });
  if (keys.some((key) => key.id === named)) return;
  // A rekey (src/pg/rekey.ts) ends with an audit entry under its new key: the key of the newest
  // entry is the database's key now, and is named from here on (the key before it is not).
  const newest = await db.pool.query<{ key_id: string }>('SELECT key_id FROM audit_log ORDER BY at DESC LIMIT 1');
  const latest = newest.rows[0]?.key_id;
  if (latest !== undefined && latest !== named && keys.some((key) => key.id === latest)) {
    await db.pool.query('UPDATE settings SET value = $2 WHERE key = $1', [FIELD_KEY_SETTING, keys[0]!.id]);
    return;
  }
  const given = kind === 'passphrase' ? 'the passphrase given' : 'the key file given';
  throw new WrongKeyError(
    `${given} is not the key of database "${db.target.database}" (its values are under key ${named}): ` +
    'give the right --key-file, TPT_KEY_FILE or TPT_PASSPHRASE; nothing was changed',
    named);
}
