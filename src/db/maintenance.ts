import {
  chmodSync, closeSync, existsSync, fstatSync, fsyncSync, linkSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TptError } from '../domain/errors.js';
import { applyCipher, rekeyDatabase, type DatabaseKey } from './connection.js';
import { Database } from './driver.js';
import { syncDirectory } from './key-file.js';
import { Store } from './store.js';
import { registerWork } from './work-files.js';

/**
 * SQLite mechanics of the protection commands: compaction after a purge, rekeying, the encrypted
 * backup and the integrity check. No domain decisions here.
 */

export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** Whether freed pages are zeroed on this connection (connection.ts turns it on). */
export function secureDeleteIsOn(db: Database): boolean {
  return db.pragma('secure_delete', { simple: true }) === 1;
}

/** Copies the WAL into the file and truncates the WAL to zero bytes. */
export function checkpointTruncate(db: Database): CheckpointResult {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as CheckpointResult[];
  return result ?? { busy: 0, log: 0, checkpointed: 0 };
}

/**
 * After a secure delete: empties the WAL (it still holds the old pages), rebuilds the file
 * without free pages (VACUUM), and empties the WAL that VACUUM wrote. Returns false when another
 * connection kept the WAL from being emptied (SQLite empties it when the last one closes).
 */
export function compact(db: Database): boolean {
  const first = checkpointTruncate(db);
  db.exec('VACUUM');
  const last = checkpointTruncate(db);
  return first.busy === 0 && last.busy === 0;
}

/**
 * Rekeys by copy, so that a crash at any moment leaves the database whole on one key or the other
 * (SQLite3MultipleCiphers rekeys by a VACUUM in place, and a process killed in the middle of it
 * on a large file was seen to leave a file no key opens):
 *  1. hold the database alone: checkpoint, leave WAL (refused while another connection has it
 *     open), and keep an exclusive lock, so nobody writes to it until the swap;
 *  2. `VACUUM INTO` a private copy beside it (through SQLite, which keeps this process's locks;
 *     a plain file copy would drop them), rekey the copy, back to WAL;
 *  3. prove the copy opens with the new key and not the old, let `beforeSwap` write into it (the
 *     audit entry), sync it, rename it over the original, sync the directory;
 *  4. spoil the first page of the old file, now unlinked, so that a process that opened it while
 *     it was locked fails instead of writing to a file nobody will read again; close it.
 * A failure before the rename leaves the original untouched (back in WAL mode) and removes the
 * copy; a copy left by a killed run is removed by the next command (work-files.ts). `db` is closed on success.
 */
export function rekeyByCopy(
  db: Database, path: string, oldKey: DatabaseKey, newKey: DatabaseKey, beforeSwap: (copy: Store) => void,
): void {
  holdAlone(db);
  // The file itself, not a symbolic link to it: the copy goes beside it and replaces it there.
  const file = realpathSync(path);
  const copy = `${file}.rekeying`;
  let swapped = false;
  // A kill leaves the copy (on either key): the next command on the database removes it.
  const work = registerWork(path, [copy]);
  try {
    removeDatabaseFiles(copy);
    closeSync(openSync(copy, 'wx', 0o600));
    db.prepare('VACUUM INTO ?').run(copy);
    rekeyFile(copy, oldKey, newKey);
    if (!opensWith(copy, newKey) || opensWith(copy, oldKey)) {
      throw new TptError('the rekeyed copy did not prove out (new key refused, or old key still accepted); nothing changed');
    }
    const copyDb = new Database(copy, { fileMustExist: true });
    try {
      applyCipher(copyDb, newKey);
      beforeSwap(new Store(copyDb));
    } finally {
      copyDb.close();
    }
    syncFile(copy);
    const old = openSync(file, 'r+');
    try {
      renameSync(copy, file);
      swapped = true;
      syncDirectory(dirname(file));
      // Only a file no name reaches any more (a hard link elsewhere keeps its content).
      if (fstatSync(old).nlink === 0) writeSync(old, Buffer.alloc(4096), 0, 4096, 0);
    } finally {
      closeSync(old);
    }
  } catch (error) {
    if (!swapped) {
      removeDatabaseFiles(copy);
      release(db);
    }
    throw error;
  } finally {
    if (swapped) db.close();
    work.done();
  }
}

/** Checkpoints, leaves WAL mode and keeps an exclusive lock (refused while others have it open). */
function holdAlone(db: Database): void {
  const busy = new TptError('another process (tpt serve?) has the database open: stop it, then run `tpt rekey` again; nothing changed');
  try {
    if (checkpointTruncate(db).busy !== 0) throw busy;
    if (db.pragma('journal_mode = DELETE', { simple: true }) !== 'delete') throw busy;
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    release(db);
    if ((error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw busy;
    throw error;
  }
}

/** Gives the lock back and returns the database to WAL mode. */
function release(db: Database): void {
  db.pragma('locking_mode = NORMAL');
  db.pragma('journal_mode = WAL');
}

/** Rekeys a file nobody else knows about (SQLite3MultipleCiphers rekeys only outside WAL mode). */
function rekeyFile(path: string, oldKey: DatabaseKey, newKey: DatabaseKey): void {
  const db = new Database(path, { fileMustExist: true });
  try {
    applyCipher(db, oldKey);
    db.pragma('journal_mode = DELETE');
    rekeyDatabase(db, newKey);
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}

function removeDatabaseFiles(path: string): void {
  for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

function syncFile(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Whether `key` opens the database at `path`, through a fresh read-only connection. */
export function opensWith(path: string, key: DatabaseKey): boolean {
  let db: Database | undefined;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
    applyCipher(db, key);
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return true;
  } catch {
    return false;
  } finally {
    db?.close();
  }
}

/** Row counts of every table, by name. */
export function tableCounts(db: Database): Record<string, number> {
  const tables = db.prepare(`
    SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
    .all() as { name: string }[];
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const row = db.prepare(`SELECT count(*) AS n FROM "${name.replaceAll('"', '""')}"`).get() as { n: number };
    counts[name] = row.n;
  }
  return counts;
}

/** Opens a database read-only with `key` and returns its table counts (the check of a backup). */
export function countsWithKey(path: string, key: DatabaseKey): Record<string, number> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    applyCipher(db, key);
    return tableCounts(db);
  } finally {
    db.close();
  }
}

/**
 * A consistent copy of the live database, encrypted with the same key and cipher settings.
 * The driver's online backup (`db.backup()`) opens its target without a key, and
 * SQLite3MultipleCiphers refuses to copy encrypted pages into it ("incompatible source and
 * target"); `VACUUM INTO` reads one snapshot of the database while others keep working and
 * writes it through the source's cipher, compacted (no free pages). The copy is written under a
 * temporary name beside the target (registered as a work file, mode 0600), `prove`d, and linked
 * to the target's name only then, never over an existing file: a failed or killed backup leaves
 * nothing at that name, and the next tpt command removes what a killed one left.
 */
export function backupInto(db: Database, target: string, prove: (copy: string) => void): number {
  const refuseExisting = () => new TptError(`${target} already exists: tpt never overwrites a file; give a new backup file name`);
  if (existsSync(target)) throw refuseExisting();
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.partial`);
  const work = registerWork(db.name, [temporary]);
  try {
    try {
      closeSync(openSync(temporary, 'wx', 0o600));
    } catch (error) {
      throw new TptError(`cannot create ${target}: ${(error as Error).message}`);
    }
    db.prepare('VACUUM INTO ?').run(temporary);
    chmodSync(temporary, 0o600);
    prove(temporary);
    syncFile(temporary);
    try {
      linkSync(temporary, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw refuseExisting();
      throw new TptError(`cannot create ${target}: ${(error as Error).message}`);
    }
    syncDirectory(dirname(target));
    return statSync(target).size;
  } finally {
    removeDatabaseFiles(temporary);
    work.done();
  }
}

/**
 * `PRAGMA integrity_check` and `foreign_key_check`: an empty list when the file is sound. A page
 * whose HMAC does not match (changed on disk) fails the read itself: that is a problem found,
 * not a failure of the check.
 */
export function integrityProblems(db: Database): string[] {
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((row) => row.integrity_check)
      .filter((line) => line !== 'ok');
    const foreignKeys = (db.pragma('foreign_key_check') as { table: string; rowid: number; parent: string }[])
      .map((row) => `row ${row.rowid} of ${row.table} points to a missing ${row.parent} row`);
    return [...integrity, ...foreignKeys];
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (!code.startsWith('SQLITE_CORRUPT') && !code.startsWith('SQLITE_NOTADB')) throw error;
    return [`a page does not decrypt or authenticate (${(error as Error).message}): the file was changed or damaged`];
  }
}
