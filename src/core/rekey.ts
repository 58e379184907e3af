import { rmSync } from 'node:fs';
import { restrictMode, type DatabaseKey } from '../db/connection.js';
import { keyFileExists, replaceKeyFile, writeNewKeyFile } from '../db/key-file.js';
import { opensWith, rekeyInPlace } from '../db/maintenance.js';
import type { Store } from '../db/store.js';
import { recordAudit } from './audit.js';
import { InputError, TptError } from './errors.js';
import type { Actor } from './model.js';

export interface RekeyResult {
  database: string;
  /** The key file that now holds the new key; null for a passphrase. */
  key_file: string | null;
  key: 'key_file' | 'passphrase';
}

/** Where a new key waits until the database is proven to open with it. */
export const pendingKeyPath = (keyFile: string) => `${keyFile}.new`;

/**
 * A new random key for a database locked by a key file. The new key is written beside the old
 * one (0600) first; the database is rekeyed (one transaction); a fresh connection must open it
 * with the new key and be refused with the old; only then does the new file replace the old by
 * an atomic rename. Until that rename the old key file is untouched, and any failure before it
 * leaves a database that opens with the old key.
 */
export function rekeyWithNewKeyFile(store: Store, database: string, keyFile: string, oldKey: DatabaseKey, who: Actor): RekeyResult {
  const pending = pendingKeyPath(keyFile);
  if (keyFileExists(pending)) {
    throw new TptError(
      `${pending} is left from an interrupted rekey: if \`tpt --key-file ${pending} check\` succeeds, move it over ${keyFile}; else delete it, then run \`tpt rekey\` again`,
    );
  }
  const newKey = writeNewKeyFile(pending);
  try {
    rekeyProven(store, database, oldKey, newKey);
  } catch (error) {
    rmSync(pending, { force: true });
    throw error;
  }
  try {
    replaceKeyFile(pending, keyFile);
  } catch (error) {
    throw new TptError(
      `the database now opens with the new key in ${pending}, but it could not replace ${keyFile} (${(error as Error).message}): move ${pending} over ${keyFile} yourself`,
    );
  }
  recordRekey(store, who);
  return { database, key_file: keyFile, key: 'key_file' };
}

/** A new passphrase for a database locked by a passphrase, with the same proof. */
export function rekeyWithPassphrase(store: Store, database: string, oldKey: DatabaseKey, passphrase: string, who: Actor): RekeyResult {
  if (passphrase === '') throw new InputError('the new passphrase is empty: give one (TPT_NEW_PASSPHRASE or the prompt)');
  if (oldKey.kind === 'passphrase' && oldKey.passphrase === passphrase) {
    throw new InputError('the new passphrase is the same as the old one: choose another; nothing changed');
  }
  rekeyProven(store, database, oldKey, { kind: 'passphrase', passphrase });
  recordRekey(store, who);
  return { database, key_file: null, key: 'passphrase' };
}

function rekeyProven(store: Store, database: string, oldKey: DatabaseKey, newKey: DatabaseKey): void {
  try {
    rekeyInPlace(store.db, newKey);
  } catch (error) {
    if (error instanceof TptError) throw error;
    throw new TptError(`rekeying failed (${(error as Error).message}): the database still opens with the old key; nothing changed`);
  }
  if (!opensWith(database, newKey) || opensWith(database, oldKey)) {
    rekeyInPlace(store.db, oldKey);
    throw new TptError('the rekeyed database did not prove out (new key refused, or old key still accepted): it was set back to the old key; nothing changed');
  }
  // The WAL and shared-memory files were recreated by the switch back to WAL.
  restrictMode(database);
}

function recordRekey(store: Store, who: Actor): void {
  store.transaction(() => recordAudit(store, { action: 'database.rekey' }, who));
}
