import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { TptError } from '../core/errors.js';
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

/** Writes a new random 256-bit key, mode 0600 in a 0700 directory; never replaces a file. */
export function writeNewKeyFile(path: string): DatabaseKey {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const hex = randomBytes(32).toString('hex');
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
  return { kind: 'raw', hex };
}

export function keyFileExists(path: string): boolean {
  return existsSync(path);
}

/**
 * Puts a proven new key file in place of the old one in one step (rename is atomic on one file
 * system), then syncs the directory so the change survives a crash.
 */
export function replaceKeyFile(newKeyPath: string, keyPath: string): void {
  renameSync(newKeyPath, keyPath);
  let dir: number | undefined;
  try {
    dir = openSync(dirname(keyPath), 'r');
    fsyncSync(dir);
  } catch {
    // Not every file system syncs a directory; the rename itself is done.
  } finally {
    if (dir !== undefined) closeSync(dir);
  }
}
