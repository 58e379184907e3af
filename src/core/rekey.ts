import { rmSync } from 'node:fs';
import { restrictMode, type DatabaseKey } from '../db/connection.js';
import { writeKeyFileFor } from '../db/key-file.js';
import { opensWith, rekeyByCopy } from '../db/maintenance.js';
import type { Store } from '../db/store.js';
import { recordAudit } from './audit.js';
import { InputError, TptError } from './errors.js';
import type { Actor } from './model.js';

export interface RekeyResult {
  database: string;
  key: 'key_file' | 'passphrase';
  /** The key file that now opens the database; null for a passphrase. */
  key_file: string | null;
  /** The key file that opened it before (kept: other databases and older backups may need it); null for a passphrase. */
  previous_key_file: string | null;
}

/** The key that opened the database and the key file it came from (undefined for a passphrase). */
export interface CurrentKey {
  key: DatabaseKey;
  keyFile: string | undefined;
}

/**
 * A new random key in a new key file in `dir`. The old key file is never replaced or deleted:
 * other databases may share it, and backups made before now need it. The new file is written
 * and synced first; the database is rekeyed (one transaction); a fresh connection must open it
 * with the new key and be refused with the old. Whatever happens, the database opens with one
 * of the two files; the new one is removed only when the database is proven still on the old key.
 */
export function rekeyToNewKeyFile(store: Store, database: string, dir: string, current: CurrentKey, who: Actor): RekeyResult {
  const { path, key } = writeKeyFileFor(dir, database, who.now);
  try {
    rekeyProven(store, database, current.key, key, who);
  } catch (error) {
    if (opensWith(database, current.key)) rmSync(path, { force: true });
    throw error;
  }
  return { database, key: 'key_file', key_file: path, previous_key_file: current.keyFile ?? null };
}

/** A new passphrase (for a database on a passphrase or a key file), with the same proof. */
export function rekeyToPassphrase(store: Store, database: string, current: CurrentKey, passphrase: string, who: Actor): RekeyResult {
  if (passphrase === '') throw new InputError('the new passphrase is empty: give one (TPT_NEW_PASSPHRASE or the prompt)');
  if (current.key.kind === 'passphrase' && current.key.passphrase === passphrase) {
    throw new InputError('the new passphrase is the same as the old one: choose another; nothing changed');
  }
  rekeyProven(store, database, current.key, { kind: 'passphrase', passphrase }, who);
  return { database, key: 'passphrase', key_file: null, previous_key_file: current.keyFile ?? null };
}

/** The database is rekeyed through a proven copy that carries the audit entry (src/db/maintenance.ts). */
function rekeyProven(store: Store, database: string, oldKey: DatabaseKey, newKey: DatabaseKey, who: Actor): void {
  try {
    rekeyByCopy(store.db, database, oldKey, newKey, (rekeyed) => {
      rekeyed.transaction(() => recordAudit(rekeyed, { action: 'database.rekey' }, who));
    });
  } catch (error) {
    if (error instanceof TptError) throw error;
    throw new TptError(`rekeying failed (${(error as Error).message}): the database still opens with the old key; nothing changed`);
  }
  restrictMode(database);
}
