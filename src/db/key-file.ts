import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { TptError } from '../domain/errors.js';
import { nodeCrypto } from '../node-crypto.js';
import type { DatabaseKey } from './connection.js';

const HEX_KEY = /^[0-9a-f]{64}$/;

/** Reads a key file: 64 hex digits (256 bits). Refuses one that group or others can read, as ssh does. */
export function readKeyFile(path: string): DatabaseKey {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch {
    throw new TptError(`no key file at ${path}: give the right --key-file or TPT_KEY_FILE, or TPT_PASSPHRASE`);
  }
  if ((mode & 0o077) !== 0) {
    throw new TptError(
      `key file ${path} is readable by others (mode ${(mode & 0o777).toString(8)}): run \`chmod 600 ${path}\``,
    );
  }
  let hex: string;
  try {
    hex = readFileSync(path, 'utf8').trim().toLowerCase();
  } catch (error) {
    throw new TptError(`cannot read the key file ${path}: ${(error as Error).message}; give the right --key-file`);
  }
  if (!HEX_KEY.test(hex)) {
    throw new TptError(`key file ${path} does not hold a tpt key (64 hex digits): give the right --key-file`);
  }
  return { kind: 'raw', hex };
}

/**
 * Writes a new random 256-bit key, mode 0600 in a 0700 directory; never replaces a file. The
 * file and its directory entry are synced before it returns, so a key that is about to lock a
 * database survives a crash.
 */
export function writeNewKeyFile(path: string): DatabaseKey {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const hex = nodeCrypto().randomBytes(32).toString('hex');
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch {
    throw new TptError(`a key file already exists at ${path}: tpt never overwrites a key; move it away first`);
  }
  try {
    writeSync(fd, `${hex}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  syncDirectory(dirname(path));
  return { kind: 'raw', hex };
}

/**
 * A new key file in `dir` for the database at `database`, named after the database and the
 * time (`clinic-20260301T101500Z.key`), so a person can tell the keys apart. Never an existing name.
 */
export function writeKeyFileFor(dir: string, database: string, now: Date): { path: string; key: DatabaseKey } {
  const name = basename(database).replace(/\.db$/, '') || 'tpt';
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  for (let n = 1; ; n++) {
    const path = join(dir, `${name}-${stamp}${n === 1 ? '' : `-${n}`}.key`);
    if (existsSync(path)) continue;
    return { path, key: writeNewKeyFile(path) };
  }
}

export function keyFileExists(path: string): boolean {
  return existsSync(path);
}

/**
 * The key files tpt made, in the order they are tried: those `tpt rekey` wrote into `keysDir`,
 * newest first (the likeliest for a database just rotated), then the default key file.
 */
export function tptKeyFiles(keysDir: string, defaultKey: string): string[] {
  let rotated: { path: string; mtime: number }[] = [];
  try {
    rotated = readdirSync(keysDir)
      .filter((name) => name.endsWith('.key'))
      .map((name) => join(keysDir, name))
      .map((path) => ({ path, mtime: statSync(path).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime || b.path.localeCompare(a.path));
  } catch {
    rotated = [];
  }
  return [...rotated.map((file) => file.path), ...(existsSync(defaultKey) ? [defaultKey] : [])];
}

/** Syncs a directory's entries (a new or renamed file) to disk, where the file system can. */
export function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Not every file system syncs a directory; the file itself is synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
