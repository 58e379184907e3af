import type { StoreKey } from '../store/port-admin.js';
import type { RecordStore } from '../store/port.js';
import { InputError } from './errors.js';
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
  key: StoreKey;
  keyFile: string | undefined;
}

/** A new key file, written and synced (`writeKeyFileFor` of src/db/key-file.ts), with its key. */
export interface NewKeyFile {
  path: string;
  key: StoreKey;
}

/**
 * A new random key in a new key file (`newKeyFile`, written before anything else). The old key
 * file is never replaced or deleted: other databases may share it, and backups made before now
 * need it. The store proves the new key before it reports (the port's maintenance member,
 * src/store/port-admin.ts): whatever happens, the database opens with one of the two files.
 */
export async function rekeyToNewKeyFile(
  records: RecordStore, database: string, newKeyFile: () => NewKeyFile, current: CurrentKey, who: Actor,
): Promise<RekeyResult> {
  const made = newKeyFile();
  const { key_file } = await records.maintenance.rekey(current.key, { to: 'key_file', ...made }, rekeyEvent(who));
  return { database, key: 'key_file', key_file, previous_key_file: current.keyFile ?? null };
}

/** A new passphrase (for a database on a passphrase or a key file), with the same proof. */
export async function rekeyToPassphrase(
  records: RecordStore, database: string, current: CurrentKey, passphrase: string, who: Actor,
): Promise<RekeyResult> {
  if (passphrase === '') throw new InputError('the new passphrase is empty: give one (TPT_NEW_PASSPHRASE or the prompt)');
  if (current.key.kind === 'passphrase' && current.key.passphrase === passphrase) {
    throw new InputError('the new passphrase is the same as the old one: choose another; nothing changed');
  }
  await records.maintenance.rekey(current.key, { to: 'passphrase', passphrase }, rekeyEvent(who));
  return { database, key: 'passphrase', key_file: null, previous_key_file: current.keyFile ?? null };
}

function rekeyEvent(who: Actor): { at: string; actor: string; action: string } {
  return { at: who.now.toISOString(), actor: who.actor, action: 'database.rekey' };
}
