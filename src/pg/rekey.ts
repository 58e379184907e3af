import type pg from 'pg';
import type { MaintenanceEvent, RekeyChange } from '../store/port-admin.js';
import type { PgMaintenanceParts } from './admin-rows.js';
import type { PgPool } from './connect.js';
import { fieldKeysFor } from './field-keys.js';
import { FieldCipher, KEY_ID_BYTES, type FieldKey, type KeyMaterial } from './field-cipher.js';
import { fieldPlace } from './field-place.js';
import { inTransaction } from './transaction.js';

/** A table with sealed values: its sealed (bytea) columns and its primary key, in key order. */
export interface SealedTable {
  table: string;
  sealed: string[];
  primaryKey: string[];
}

/**
 * Every table with sealed columns, read from the database's own catalogue (so a column added by a
 * later migration is rekeyed without a list to keep): each bytea column of a table of the current
 * schema, partitions left out (their parent covers them).
 */
export async function sealedTables(db: PgPool): Promise<SealedTable[]> {
  const { rows } = await inTransaction(db, (client) => client.query<{ table: string; sealed: string[]; primary_key: string[] }>(`
    SELECT c.relname AS table,
           array(SELECT a.attname::text FROM pg_attribute a
                  WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid = 'bytea'::regtype
                  ORDER BY a.attnum) AS sealed,
           array(SELECT a.attname::text FROM pg_constraint k
                   CROSS JOIN LATERAL unnest(k.conkey) WITH ORDINALITY AS key(attnum, n)
                   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = key.attnum
                  WHERE k.conrelid = c.oid AND k.contype = 'p' ORDER BY key.n) AS primary_key
      FROM pg_class c
     WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
     ORDER BY c.relname`));
  return rows
    .filter((row) => row.sealed.length > 0)
    .map((row) => ({ table: row.table, sealed: row.sealed, primaryKey: row.primary_key }));
}

export interface RekeyOptions {
  /** Rows sealed again per transaction. */
  batchSize?: number;
  /** Called after each committed batch (progress; a test stops a run here). */
  onBatch?: (table: string, rows: number) => void | Promise<void>;
}

/**
 * Seals every value that is not under the cipher's current key again under it, in batches of
 * rows, each batch one transaction that locks its rows. A run that is killed leaves each value
 * under the old key or the new one, never under none, and a reader holding both keys (a
 * FieldCipher of [new, old]) reads them all; running it again takes up where it stopped. A value
 * that fails its seal stops the run with a DamagedError: the rekey never writes over it.
 * Returns the rows sealed again, by table.
 */
export async function rekeyValues(db: PgPool, cipher: FieldCipher, options: RekeyOptions = {}): Promise<Record<string, number>> {
  const batchSize = options.batchSize ?? 500;
  const current = Buffer.from(cipher.currentKeyId, 'hex');
  const done: Record<string, number> = {};
  for (const table of await sealedTables(db)) {
    let total = 0;
    for (;;) {
      const rows = await inTransaction(db, (client) => resealBatch(client, table, cipher, current, batchSize));
      done[table.table] = total += rows;
      if (rows === 0) break;
      await options.onBatch?.(table.table, rows);
    }
  }
  return done;
}

async function resealBatch(
  client: pg.PoolClient, { table, sealed, primaryKey }: SealedTable, cipher: FieldCipher, current: Buffer, batchSize: number,
): Promise<number> {
  // Names from the catalogue, quoted; the key id is a parameter.
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const stale = sealed.map((column) => `substring(${quote(column)} FROM 2 FOR ${KEY_ID_BYTES}) <> $1`).join(' OR ');
  const { rows } = await client.query<Record<string, unknown>>(
    `SELECT ${[...primaryKey, ...sealed].map(quote).join(', ')} FROM ${quote(table)}
      WHERE ${stale} ORDER BY ${primaryKey.map(quote).join(', ')} LIMIT ${batchSize} FOR UPDATE`,
    [current]);
  for (const row of rows) {
    const key = primaryKey.map((column) => row[column] as string | number);
    const values = sealed.map((column) => {
      const value = row[column] as Buffer | null;
      if (value === null || !cipher.isStale(value)) return value;
      const place = fieldPlace(table, column, key);
      return cipher.seal(cipher.open(value, place), place);
    });
    await client.query(
      `UPDATE ${quote(table)} SET ${sealed.map((column, i) => `${quote(column)} = $${i + 1}`).join(', ')}
        WHERE ${primaryKey.map((column, i) => `${quote(column)} = $${sealed.length + i + 1}`).join(' AND ')}`,
      [...values, ...key]);
  }
  return rows.length;
}

/**
 * `tpt rekey` on PostgreSQL: a new key (a new key file, written by the caller before, or a
 * new passphrase under the database's salt), then every sealed value sealed again
 * under it (rekeyValues), then the audit entry, written under the new key. The key files read:
 * the one the store was opened with (and any older ones given, which open older values); kept:
 * all of them, and the new one, which is written first and never removed: a run cut short leaves
 * values under either key, and a reader given both reads them all, so running it again finishes
 * it. The old key file is still needed afterwards for the audit entries made under it (each
 * entry names its key) and for any dump made before.
 */
export async function rekeyDatabase(
  parts: PgMaintenanceParts, change: RekeyChange, event: MaintenanceEvent,
): Promise<{ key_file: string | null }> {
  const keyFile = change.to === 'key_file' ? change.path : null;
  const material: KeyMaterial = change.to === 'key_file' ? change.key : { kind: 'passphrase', passphrase: change.passphrase };
  const [fresh] = await fieldKeysFor(parts.db, [material]);
  const keys: [FieldKey, ...FieldKey[]] = [fresh, ...parts.keys];
  await rekeyValues(parts.db, new FieldCipher(keys));
  await parts.underKeys(keys).write((tx) => tx.audit.append({ ...event, client_id: null, object_id: null, outcome: 'ok' }));
  return { key_file: keyFile };
}
