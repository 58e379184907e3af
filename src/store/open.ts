import type { RecordStore } from './port.js';

/**
 * The key material a store is opened with: the 256-bit key of a key file (64 hex digits), or a
 * passphrase. The same for both engines: SQLite keys the whole file with it, PostgreSQL derives
 * its field cipher from it (src/pg/field-cipher.ts).
 */
export type StoreKey = { kind: 'raw'; hex: string } | { kind: 'passphrase'; passphrase: string };

export interface OpenRecordStoreOptions {
  /**
   * Make the database: on SQLite a new file (refused when one is there), on PostgreSQL tpt's
   * schema in the database the URL names (its migrations; an up-to-date schema is left as it is).
   */
  create?: boolean;
  /** Keys that values may still be under after a rekey; the first key given seals. */
  olderKeys?: readonly StoreKey[];
  /** Where PGPASSWORD, PGPASSFILE and the like are read (the run's environment). */
  env?: NodeJS.ProcessEnv;
}

/** Whether a database location names a PostgreSQL database (a URL) rather than an SQLite file. */
export function isDatabaseUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Opens the engine a location names, as a store of the port: `postgres://` or `postgresql://`
 * → PostgreSQL (src/pg/record-store.ts), anything else is the path of an encrypted SQLite file
 * (src/db/engine.ts). Each engine is loaded only here and only when named, so that a run that
 * never opens PostgreSQL never loads its driver (the command line's bundles hold neither: see
 * scripts/bundle.mjs, bundle/pg-engine.cjs). Errors are the store errors of ./errors.ts, each a
 * line that tells the fix: a wrong URL, a refused connection, a missing schema, a wrong key.
 */
export async function openRecordStore(location: string, key: StoreKey, options: OpenRecordStoreOptions = {}): Promise<RecordStore> {
  if (isDatabaseUrl(location)) {
    // The bundle of the engine (bundle/pg-engine.cjs) takes these classes, not copies of its own.
    (globalThis as Record<symbol, unknown>)[Symbol.for('tpt.store-errors')] ??= await import('./errors.js');
    const { openPostgres } = await import('./open-pg.js');
    return openPostgres(location, [key, ...(options.olderKeys ?? [])], options);
  }
  const { openSqliteRecords } = await import('../db/open-layers.js');
  return openSqliteRecords(location, key, { create: options.create ?? false });
}

/**
 * Before `tpt init` asks for anything: an SQLite file is never made over one that is there (nor
 * over an empty file an older tpt left); on PostgreSQL there is nothing to refuse, since the
 * schema of a database that has one is brought up to date under the key it was made with.
 */
export async function refuseExisting(location: string): Promise<void> {
  if (isDatabaseUrl(location)) return;
  const { refuseExistingDatabase } = await import('../db/connection.js');
  refuseExistingDatabase(location);
}

/**
 * tpt's key files (mode 0600, 64 hex digits): the same for both engines, whose store they key.
 * `forDatabase` names a new one after the database (`clinic-20260301T101500Z.key`): an SQLite
 * file's name, or a PostgreSQL database's.
 */
export const keyFiles = {
  async exists(path: string): Promise<boolean> {
    return (await import('../db/key-file.js')).keyFileExists(path);
  },
  async read(path: string): Promise<StoreKey> {
    return (await import('../db/key-file.js')).readKeyFile(path);
  },
  async create(path: string): Promise<StoreKey> {
    return (await import('../db/key-file.js')).writeNewKeyFile(path);
  },
  async forDatabase(dir: string, location: string, now: Date): Promise<{ path: string; key: StoreKey }> {
    const name = isDatabaseUrl(location) ? databaseNameOf(location) : location;
    return (await import('../db/key-file.js')).writeKeyFileFor(dir, name, now);
  },
};

/** The database a PostgreSQL URL names (its path), or `tpt` when it names none. */
function databaseNameOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || 'tpt';
  } catch {
    return 'tpt';
  }
}

/**
 * Reaches the PostgreSQL database a URL names and checks that it holds tpt's schema, without a
 * key: so that a run with no key at all hears first of a wrong URL or a missing schema.
 */
export async function checkReachable(url: string, options: { env?: NodeJS.ProcessEnv } = {}): Promise<void> {
  (globalThis as Record<symbol, unknown>)[Symbol.for('tpt.store-errors')] ??= await import('./errors.js');
  const { reachPostgres } = await import('./open-pg.js');
  await reachPostgres(url, options);
}
