import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';

let box: Sandbox;
beforeEach(() => {
  box = new Sandbox();
});
afterEach(() => box.cleanup());

function ok(args: string[], env: Record<string, string> = {}): string {
  return box.spawnOk(args, env);
}

function json<T>(args: string[], env: Record<string, string> = {}): T {
  return JSON.parse(ok(['--json', ...args], env)) as T;
}

const STRONG = 'copper kettle whistles under violet moonlight';

/** Two databases on the default key file, each with a session of its own. */
function twoDatabasesOnTheDefaultKey(): string {
  const second = join(box.home, 'clinic2.db');
  ok(['init']);
  ok(['--db', second, 'init']);
  ok(['log-session', '--client', 'first', '--summary', 'in the first', '--mood', 'neutral']);
  ok(['--db', second, 'log-session', '--client', 'second', '--summary', 'in the second', '--mood', 'neutral']);
  return second;
}

describe('key rotation never orphans a database', () => {
  it('rekeying one database to a new key file leaves the other on the default key, and both open', () => {
    const second = twoDatabasesOnTheDefaultKey();
    const defaultKey = readFileSync(box.keyPath, 'utf8');
    const rekeyed = json<{ key_file: string; previous_key_file: string }>(['rekey']);
    expect(rekeyed.previous_key_file).toBe(box.keyPath);
    expect(readFileSync(box.keyPath, 'utf8')).toBe(defaultKey);
    expect(ok(['sessions', 'first'])).toContain('1 session');
    expect(ok(['--db', second, 'sessions', 'second'])).toContain('1 session');
    expect(ok(['check'])).toContain(`key: the key file ${rekeyed.key_file}`);
    expect(ok(['--db', second, 'check'])).toContain(`key: the key file ${box.keyPath}`);
    // Rotating the second as well: each database keeps opening with a key of its own.
    const again = json<{ key_file: string }>(['--db', second, 'rekey']);
    expect(again.key_file).not.toBe(rekeyed.key_file);
    expect(ok(['sessions', 'first'])).toContain('1 session');
    expect(ok(['--db', second, 'sessions', 'second'])).toContain('1 session');
  });

  it('rekeying one database to a passphrase leaves the other on the default key, and both open', () => {
    const second = twoDatabasesOnTheDefaultKey();
    const rekeyed = json<{ key: string; key_file: null; previous_key_file: string }>(
      ['--db', second, 'rekey', '--passphrase'], { TPT_NEW_PASSPHRASE: STRONG });
    expect(rekeyed).toMatchObject({ key: 'passphrase', key_file: null, previous_key_file: box.keyPath });
    expect(ok(['sessions', 'first'])).toContain('1 session');
    expect(ok(['--db', second, 'sessions', 'second'], { TPT_PASSPHRASE: STRONG })).toContain('1 session');
    expect(ok(['--db', second, 'check'], { TPT_PASSPHRASE: STRONG })).toContain('key: a passphrase');
    const keyOnly = box.spawn(['--db', second, 'sessions', 'second']);
    expect(keyOnly.code).toBe(1);
    expect(keyOnly.stderr.trim().split('\n')).toHaveLength(1);
    expect(keyOnly.stderr).toMatch(/wrong key or passphrase \(none of tpt's key files .* opens it\)/);
  });

  it('a database on a passphrase can move to a key file of its own', () => {
    ok(['init'], { TPT_PASSPHRASE: STRONG });
    ok(['log-session', '--client', 'c1', '--summary', 'x', '--mood', 'neutral'], { TPT_PASSPHRASE: STRONG });
    const rekeyed = json<{ key_file: string; previous_key_file: null }>(['rekey'], { TPT_PASSPHRASE: STRONG });
    expect(rekeyed.previous_key_file).toBeNull();
    expect(rekeyed.key_file).toMatch(/\/config\/tpt\/keys\/tpt-.*\.key$/);
    expect(ok(['sessions', 'c1'])).toContain('1 session');
    expect(box.spawn(['sessions', 'c1'], { TPT_PASSPHRASE: STRONG }).code).toBe(1);
  });

  it('a key file given with --key-file gets its successor beside it, and says to give that from now on', () => {
    const dir = join(box.home, 'usb');
    const keyFile = join(dir, 'clinic.key');
    ok(['--key-file', keyFile, 'init']);
    const result = box.spawn(['--key-file', keyFile, 'rekey']);
    expect(result.code).toBe(0);
    const newKey = /new key in (\S+):/.exec(result.stdout)?.[1];
    expect(newKey).toMatch(new RegExp(`^${dir}/tpt-\\d{8}T\\d{6}Z\\.key$`));
    expect(result.stdout).toContain(`give it as --key-file (or TPT_KEY_FILE) from now on`);
    expect(ok(['--key-file', newKey!, 'clients'])).toContain('No clients');
    expect(box.spawn(['--key-file', keyFile, 'clients']).code).toBe(1);
  });

  it('every backup made before each of two rotations still opens with the key file its backup named, found by tpt itself', () => {
    ok(['init']);
    const backups: { file: string; key_file: string; sessions: number }[] = [];
    for (let round = 1; round <= 3; round++) {
      ok(['log-session', '--client', 'c1', '--summary', `round ${round}`, '--mood', 'neutral']);
      const file = join(box.home, `backup-${round}.db`);
      const made = json<{ key_file: string }>(['backup', file]);
      backups.push({ file, key_file: made.key_file, sessions: round });
      if (round < 3) ok(['rekey']);
    }
    expect(new Set(backups.map((backup) => backup.key_file)).size).toBe(3);
    expect(backups[0]!.key_file).toBe(box.keyPath);
    for (const backup of backups) {
      // With the key file the backup named, as the README says...
      const named = ok(['--key-file', backup.key_file, '--db', backup.file, 'sessions', 'c1']);
      expect(named).toContain(`${backup.sessions} session`);
      // ...and without naming it: tpt tries its own key files.
      expect(ok(['--db', backup.file, 'check'])).toContain(`key: the key file ${backup.key_file}`);
    }
  });
});
