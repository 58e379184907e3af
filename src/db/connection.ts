import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Database } from './driver.js';
import { TptError } from '../core/errors.js';
import { migrate } from './migrations.js';
import { pageAuthenticates } from './page-check.js';

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
  db.pragma(`cipher = 'sqlcipher'`);
  db.pragma('legacy = 4');
  // Through the API, not PRAGMA text, so no passphrase is ever spliced into SQL.
  db.key(keyBuffer(key));
}

export function rekeyDatabase(db: Database, key: DatabaseKey): void {
  db.rekey(keyBuffer(key));
}

/** `tpt init` never overwrites a database (it checks before asking for a passphrase, too). */
export function refuseExistingDatabase(path: string): void {
  if (existsSync(path)) {
    throw new TptError(`a database already exists at ${path}: tpt init never overwrites one; use it, or give another --db`);
  }
}

/** Opens (or creates) the encrypted database, checks the key, applies pragmas and migrations. */
export function openDatabase(path: string, key: DatabaseKey, options: OpenOptions = {}): Database {
  const exists = existsSync(path);
  if (options.create && exists) refuseExistingDatabase(path);
  if (!options.create && !exists) {
    throw new TptError(`no database at ${path}: run \`tpt init\` first (or give --db / TPT_DB)`);
  }
  if (!options.create && statSync(path).size === 0) {
    throw new TptError(`${path} is an empty file, not a tpt database: run \`tpt init\` with another --db, or remove it first`);
  }
  if (options.create) mkdirSync(dirname(path), { recursive: true, mode: 0o700 });

  // A file without its owner's write bit was made read-only on purpose (an archive, a legal
  // hold): it is opened read-only, so not even root's open writes to it, and never chmodded.
  const readonly = options.readonly === true || (!options.create && (statSync(path).mode & 0o200) === 0);
  let db: Database;
  try {
    db = new Database(path, { fileMustExist: !options.create, readonly });
  } catch (error) {
    throw new TptError(`cannot open the database at ${path}: ${(error as Error).message}`);
  }
  try {
    applyCipher(db, key);
    // The first read decrypts page 1: a wrong key fails here, before anything is written.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
  } catch (error) {
    db.close();
    const code = (error as { code?: string }).code ?? '';
    if (code !== 'SQLITE_NOTADB') {
      // Not the key: SQLite could not open or create what it needs beside the file.
      throw new TptError(
        `cannot open the database at ${path}: ${(error as Error).message} (${code}); SQLite keeps ${path}-wal and ${path}-shm beside it, ` +
        'so its directory must be writable by you (and those files, when they exist); nothing was changed',
      );
    }
    if (pageAuthenticates(path, key, 1) === false && pageAuthenticates(path, key, 2) === true) {
      throw new TptError(
        `the database at ${path} is damaged: its first page does not authenticate, though the key opens the others; ` +
        'nothing was changed: restore it from a backup (`tpt backup` makes them), and keep this file apart',
      );
    }
    throw new WrongKeyError(
      `cannot unlock the database at ${path}: wrong key or passphrase, or not a tpt database; check --key-file, TPT_KEY_FILE or TPT_PASSPHRASE`,
    );
  }
  db.pragma('journal_mode = WAL');
  // A commit is on the disk before tpt says it is done. The driver is built with NORMAL for WAL
  // mode, which syncs the log only at checkpoints: a power cut could take the last sessions back.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('secure_delete = ON');
  db.pragma('temp_store = MEMORY');
  migrate(db);
  restrictMode(path, readonly);
  return db;
}

/**
 * The database and its -wal and -shm hold records: owner-only, whatever the umask was. Only
 * permissions are taken away, never given: a file its owner made read-only stays read-only.
 */
export function restrictMode(path: string, sideFilesOnly = false): void {
  for (const file of [...(sideFilesOnly ? [] : [path]), `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (!existsSync(file)) continue;
    const mode = statSync(file).mode & 0o777;
    if ((mode & 0o077) !== 0) chmodSync(file, mode & 0o700);
  }
}
