import { chmodSync, closeSync, existsSync, linkSync, mkdirSync, openSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Database } from './driver.js';
import { TptError } from '../domain/errors.js';
import { migrate } from './migrations.js';
import { markDamaged } from './damage-mark.js';
import { syncDirectory } from './key-file.js';
import { fileDamage, PAGE_SIZE } from './page-check.js';
import { finishPendingPurge, purgePending } from './purge-pending.js';
import { registerWork, sweepWork } from './work-files.js';

/** A raw 256-bit key (64 hex digits, no key derivation) or a passphrase (PBKDF2 by the cipher). */
export type DatabaseKey = { kind: 'raw'; hex: string } | { kind: 'passphrase'; passphrase: string };

/** The key does not open the file (or it is no tpt database): the caller may try another key. */
export class WrongKeyError extends TptError {
  override name = 'WrongKeyError';
}

export interface OpenOptions {
  /** Create the file (refusing one that exists) instead of opening an existing one. */
  create?: boolean;
  /** Open for reading only (a second connection that reads from its own snapshot). */
  readonly?: boolean;
}

/** The key material as SQLite3MultipleCiphers reads it: `x'…'` marks a raw key. */
function keyBuffer(key: DatabaseKey): Buffer {
  return key.kind === 'raw' ? Buffer.from(`x'${key.hex}'`) : Buffer.from(key.passphrase, 'utf8');
}

/**
 * SQLCipher 4 compatible settings (AES-256, HMAC-SHA512, 4096-byte pages, PBKDF2-HMAC-SHA512 with
 * 256,000 iterations for a passphrase). They must come before the key.
 */
export function applyCipher(db: Database, key: DatabaseKey): void {
  // One exec for both: every db.pragma() is a statement prepared, run and finalised of its own.
  db.exec(`PRAGMA cipher = 'sqlcipher'; PRAGMA legacy = 4`);
  // Through the API, not PRAGMA text, so no passphrase is ever spliced into SQL.
  db.key(keyBuffer(key));
}

export function rekeyDatabase(db: Database, key: DatabaseKey): void {
  db.rekey(keyBuffer(key));
}

/** `tpt init` never overwrites a database (it checks before asking for a passphrase, too). */
export function refuseExistingDatabase(path: string): void {
  if (!existsSync(path)) return;
  if (statSync(path).isFile() && statSync(path).size === 0) {
    throw new TptError(`${path} is an empty file, not a database (left by a failed run of an older tpt?): remove it, then run \`tpt init\` again`);
  }
  throw new TptError(`a database already exists at ${path}: tpt init never overwrites one; use it, or give another --db`);
}

/**
 * How long a write waits for another that holds the database's write lock (README: 5 seconds),
 * and a read for a writer that holds it whole (an import in rollback-journal mode, at its commit
 * or once its changes outgrow the cache): a read never fails because a write runs (finding 5).
 */
export const WRITE_WAIT_MS = 5000;
const READ_WAIT_MS = 10 * 60_000;
const BUSY_TIMEOUT_MS = READ_WAIT_MS;

/** Opens (or creates) the encrypted database, checks the key, applies pragmas and migrations. */
export function openDatabase(path: string, key: DatabaseKey, options: OpenOptions = {}): Database {
  if (options.create) {
    refuseExistingDatabase(path);
    createDatabase(path, key);
  } else if (!existsSync(path)) {
    throw new TptError(`no database at ${path}: run \`tpt init\` first (or give --db / TPT_DB)`);
  }
  if (statSync(path).size === 0) {
    throw new TptError(`${path} is an empty file, not a tpt database: run \`tpt init\` with another --db, or remove it first`);
  }

  // A file without its owner's write bit was made read-only on purpose (an archive, a legal
  // hold): it is opened read-only, so not even root's open writes to it, and never chmodded.
  const readonly = options.readonly === true || (statSync(path).mode & 0o200) === 0;
  refuseCutFile(path);
  const db = unlock(path, key, readonly);
  if (!readonly) toWal(db);
  // A commit is on the disk before tpt says it is done. The driver is built with NORMAL for WAL
  // mode, which syncs the log only at checkpoints: a power cut could take the last sessions back.
  db.exec('PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; PRAGMA temp_store = MEMORY');
  migrate(db);
  restrictMode(path, readonly);
  if (!readonly) {
    // What killed runs left behind: their work files, and a purge's compaction.
    const removed = sweepWork(path);
    const pending = purgePending(path) !== undefined;
    finishPendingPurge(db, path);
    if (pending && purgePending(path) === undefined) removed.push(`${path}.purge-pending (its compaction finished)`);
    if (removed.length > 0) cleanedAtOpen.set(db, removed);
  }
  return db;
}

const cleanedAtOpen = new WeakMap<Database, string[]>();

/** What opening `db` removed or finished of killed runs (`tpt check` names it). */
export function leftoversCleaned(db: Database): string[] {
  return cleanedAtOpen.get(db) ?? [];
}

/**
 * WAL mode, where it is not yet. An import runs in rollback-journal mode (import-writes.ts), and
 * while it writes, the switch back needs the lock the import holds, which SQLite refuses at once
 * without waiting (finding 5: every other command failed within a second). Then this connection
 * stays in the file's mode: it reads beside the import and waits for it to write, as the README
 * says; the import itself, or a later open, switches back. A read-only open never switches.
 */
function toWal(db: Database): void {
  if (db.pragma('journal_mode', { simple: true }) === 'wal') return;
  try {
    db.pragma('journal_mode = WAL');
  } catch (error) {
    if (!(error as { code?: string }).code?.startsWith('SQLITE_BUSY')) throw error;
  }
}

/**
 * Opens the file and proves the key by a first read. The busy timeout comes before any statement:
 * the journal-mode pragma and the first read wait for a writer like every other statement.
 */
function unlock(path: string, key: DatabaseKey, readonly: boolean): Database {
  let db: Database;
  try {
    // The driver sets the busy timeout as it opens (sqlite3_busy_timeout), before any statement.
    db = new Database(path, { fileMustExist: true, readonly, timeout: BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new TptError(`cannot open the database at ${path}: ${(error as Error).message}`);
  }
  try {
    applyCipher(db, key);
    // The first read decrypts page 1: a wrong key fails here, before anything is written.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db;
  } catch (error) {
    db.close();
    const code = (error as { code?: string }).code ?? '';
    const damage = damageOf(path, key, code);
    if (damage) {
      markDamaged(path, damage, new Date());
      throw new TptError(
        `the database at ${path} is damaged: ${damage}; nothing was changed, and tpt writes nothing more to it until \`tpt check\` passes: ` +
        'restore it from a backup (`tpt backup` makes them), and keep this file apart',
      );
    }
    if (code.startsWith('SQLITE_BUSY')) {
      throw new TptError(`the database at ${path} is held by another process (a rekey, or a command that holds it alone) for more than ${BUSY_TIMEOUT_MS / 60_000} minutes: try again when it is done; nothing was changed`);
    }
    if (code !== 'SQLITE_NOTADB') {
      // Not the key: SQLite could not open or create what it needs beside the file.
      throw new TptError(
        `cannot open the database at ${path}: ${(error as Error).message} (${code}); SQLite keeps ${path}-wal and ${path}-shm beside it, ` +
        'so its directory must be writable by you (and those files, when they exist); nothing was changed',
      );
    }
    throw new WrongKeyError(
      `cannot unlock the database at ${path}: wrong key or passphrase, or not a tpt database; check --key-file, TPT_KEY_FILE or TPT_PASSPHRASE`,
    );
  }
}

/**
 * A database of whole pages that lost the end of its last one reads fine until that page is
 * needed: told at once, and marked, rather than when a command happens to reach it.
 */
function refuseCutFile(path: string): void {
  const size = statSync(path).size;
  if (size < PAGE_SIZE || size % PAGE_SIZE === 0) return;
  const damage = `it is ${size} bytes long, not a whole number of ${PAGE_SIZE}-byte pages: it was cut short or written over`;
  markDamaged(path, damage, new Date());
  throw new TptError(
    `the database at ${path} is damaged: ${damage}; nothing was changed, and tpt writes nothing more to it until \`tpt check\` passes: ` +
    'restore it from a backup (`tpt backup` makes them), and keep this file apart',
  );
}

/** What the file itself says about damage when the first read failed with `code`; undefined when it cannot tell. */
function damageOf(path: string, key: DatabaseKey, code: string): string | undefined {
  if (code.startsWith('SQLITE_CORRUPT')) return `SQLite finds it malformed (${code})`;
  return fileDamage(path, key);
}

/**
 * A new database is made under a temporary name, registered as a work file, and linked into place
 * only when it is complete: an init that fails (a full disk) or is killed leaves nothing at the
 * database's name to block the retry, and the next command removes the rest.
 */
function createDatabase(path: string, key: DatabaseKey): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.creating-${process.pid}`;
  const work = registerWork(path, [temporary]);
  const removeTemporary = () => {
    for (const suffix of ['', '-journal', '-wal', '-shm']) rmSync(`${temporary}${suffix}`, { force: true });
  };
  try {
    closeSync(openSync(temporary, 'wx', 0o600));
    const db = new Database(temporary, { fileMustExist: true, timeout: BUSY_TIMEOUT_MS });
    try {
      applyCipher(db, key);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('secure_delete = ON');
      migrate(db);
    } finally {
      // The last connection's close empties the WAL into the file.
      db.close();
    }
    try {
      // link refuses a database that appeared meanwhile, where rename would replace it.
      linkSync(temporary, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') refuseExistingDatabase(path);
      throw error;
    }
    syncDirectory(dirname(path));
  } catch (error) {
    if (error instanceof TptError) throw error;
    const code = (error as { code?: string }).code ?? '';
    throw new TptError(`cannot create the database at ${path}: ${(error as Error).message}${code ? ` (${code})` : ''}; nothing was created: ` +
      (/^(SQLITE_FULL|SQLITE_IOERR|ENOSPC|EFBIG)/.test(code) ? 'is the disk full? free some space, then run `tpt init` again' : 'fix that, then run `tpt init` again'));
  } finally {
    removeTemporary();
    work.done();
  }
}

/**
 * The database and its -wal and -shm hold records: owner-only, whatever the umask was. Only
 * permissions are taken away, never given: a file its owner made read-only stays read-only.
 */
export function restrictMode(path: string, sideFilesOnly = false): void {
  for (const file of [...(sideFilesOnly ? [] : [path]), `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat) continue;
    const mode = stat.mode & 0o777;
    if ((mode & 0o077) !== 0) chmodSync(file, mode & 0o700);
  }
}
