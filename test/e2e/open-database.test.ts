import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';

/**
 * Opening the database, the same on both engines (this file is in E2E_ON_POSTGRES): `tpt init`
 * makes it and its key, and a run with a key that is not its key, or with none, is refused in
 * one line that says where tpt looked, with nothing changed.
 */
let box: Sandbox;
let other: Sandbox;
beforeEach(() => {
  box = new Sandbox();
  other = new Sandbox({ engine: 'sqlite' });
});
afterEach(() => {
  box.cleanup();
  other.cleanup();
});

/** Where the messages say the records are: the file, or the URL without its password. */
function where(sandbox: Sandbox): string {
  if (!sandbox.postgres) return sandbox.dbPath;
  const url = new URL(sandbox.postgres.url);
  url.password = '***';
  return url.toString();
}

describe('opening the database', () => {
  it('tpt init makes the database and a new key, and says where both are', () => {
    const made = box.spawn(['--json', 'init']);
    expect(made.code, made.stderr).toBe(0);
    expect(JSON.parse(made.stdout)).toEqual({ database: where(box), key_file: box.keyPath, key_created: true });
  });

  it('refuses a key file that is not the database\'s, in one line, exit 1, and changes nothing', () => {
    expect(box.spawn(['init']).code).toBe(0);
    expect(other.spawn(['init']).code).toBe(0);
    const refused = box.spawn(['sessions', 'c42'], { TPT_KEY_FILE: other.keyPath });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `tpt: cannot unlock the database at ${where(box)}: wrong key or passphrase (the key file ${other.keyPath} does not open it), ` +
      'or not a tpt database; give the right --key-file, TPT_KEY_FILE or TPT_PASSPHRASE; nothing was changed\n');
    expect(refused.stdout).toBe('');
  });

  it('refuses a passphrase on a database with a key file, and a run with no key at all', () => {
    expect(box.spawn(['init']).code).toBe(0);
    const passphrase = box.spawn(['sessions', 'c42'], { TPT_PASSPHRASE: 'a long passphrase that is not the key' });
    expect(passphrase.code).toBe(1);
    expect(passphrase.stderr).toBe(
      `tpt: cannot unlock the database at ${where(box)}: wrong key or passphrase (TPT_PASSPHRASE does not open it), ` +
      'or not a tpt database; give the right --key-file, TPT_KEY_FILE or TPT_PASSPHRASE; nothing was changed\n');
    const keyless = box.spawn(['sessions', 'c42'], { HOME: other.home, XDG_CONFIG_HOME: `${other.home}/nowhere` });
    expect(keyless.code).toBe(1);
    expect(keyless.stderr).toBe(
      `tpt: no key for ${where(box)}: there is no key file at ${other.home}/nowhere/tpt/key; give --key-file, TPT_KEY_FILE or TPT_PASSPHRASE\n`);
  });

  it('takes a PostgreSQL URL with --database and nothing else: a file there is a usage error', () => {
    const result = box.spawn(['--database', box.dbPath, 'sessions', 'c42']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'tpt: --database takes a PostgreSQL URL such as postgres://USER@HOST:5432/DATABASE; for an SQLite file give --db (or TPT_DB) instead\n');
  });
});
