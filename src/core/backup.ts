import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { StoreKey } from '../store/port-admin.js';
import type { RecordStore } from '../store/port.js';
import { readLogged } from './audit.js';
import { InputError, TptError } from './errors.js';
import type { Actor } from './model.js';

export interface BackupResult {
  backup: string;
  bytes: number;
  /** Rows per table, the same in the backup as in the database. */
  tables: Record<string, number>;
  /** The key file the backup opens with (the database's at this moment); null for its passphrase. */
  key_file: string | null;
}

const PLAIN_SQLITE_HEADER = 'SQLite format 3\0';

/**
 * A consistent, encrypted copy of the database (same key, same cipher settings), mode 0600,
 * never over an existing file. Proven before it is reported: it opens with the key, holds the
 * same rows per table, and does not start with SQLite's plaintext header. An engine that makes
 * no backup file (PostgreSQL) says why, and what does.
 */
export async function backupDatabase(
  records: RecordStore, file: string, key: StoreKey, keyFile: string | undefined, who: Actor,
): Promise<BackupResult> {
  const refusal = records.maintenance.backupRefusal();
  if (refusal !== undefined) throw new InputError(refusal);
  const target = resolve(file);
  if (!existsSync(dirname(target))) {
    throw new InputError(`no directory ${dirname(target)} for the backup: create it first, or give another path`);
  }
  const source = await records.maintenance.tableCounts();
  let copied: Record<string, number> = {};
  const bytes = await records.maintenance.backup(target, key, (copy, counts) => {
    try {
      copied = counts();
    } catch (error) {
      throw new TptError(`the backup does not open with the database's key (${(error as Error).message}); it was removed`);
    }
    if (JSON.stringify(copied) !== JSON.stringify(source)) {
      throw new TptError('the backup holds other row counts than the database (was it written to meanwhile?); it was removed: run `tpt backup` again');
    }
    if (readFileSync(copy).subarray(0, 16).toString('latin1') === PLAIN_SQLITE_HEADER) {
      throw new TptError('the backup came out unencrypted; it was removed (this is a bug)');
    }
  });
  await readLogged(records, { action: 'database.backup' }, who, async () => undefined);
  return { backup: target, bytes, tables: copied, key_file: keyFile ?? null };
}
