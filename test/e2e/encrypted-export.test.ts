import { spawnSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Decrypter, generateX25519Identity, identityToRecipient } from 'age-encryption';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox, type Answer } from '../helpers.js';

const BIN = new URL('../../bin/tpt.js', import.meta.url).pathname;
const NOW = new Date('2026-06-15T10:00:00Z');
const PASSPHRASE = 'copper kettle whistles under violet moonlight';
/**
 * The second database the exports are read back into is an SQLite file (--db) on both engines:
 * on PostgreSQL, TPT_DATABASE_URL is emptied for its runs, so the export crosses engines.
 */
const COPY = { TPT_DATABASE_URL: '' };
const HAS_AGE = spawnSync('age', ['--version']).status === 0;
if (!HAS_AGE) console.warn('SKIPPED: the `age` command is not installed (apt-get install age); .ci/run installs it');

let box: Sandbox;
beforeEach(() => {
  box = new Sandbox();
});
afterEach(() => box.cleanup());

async function ok(args: string[], env: Record<string, string> = {}): Promise<string> {
  const result = await box.run(args, { now: NOW, env });
  if (result.code !== 0) throw new Error(`tpt ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** A practice with text beyond ASCII, in every kind of record. */
async function practice(): Promise<void> {
  await ok(['init']);
  await ok(['log-session', '--client', 'c1', '--id', 's1', '--summary', 'Schlaf besser — “Grübeln” ✓', '--mood', 'positive', '--notes', 'line one\nline two', '--at', '2026-05-01T10:00']);
  await ok(['goal', 'create', '--client', 'c1', '--id', 'g1', '--description', 'Sleep 7 hours']);
  await ok(['goal', 'update', 'g1', '--progress', '40', '--note', 'half way']);
  await ok(['milestone', 'add', '--goal', 'g1', '--description', 'first full week', '--date', '2026-06-15']);
  await ok(['log-session', '--client', 'c2', '--id', 's2', '--summary', 'intake', '--mood', 'neutral', '--at', '2026-05-02T09:00']);
}

async function identity(): Promise<{ file: string; recipient: string }> {
  const secret = await generateX25519Identity();
  const file = join(box.home, `identity-${Math.random().toString(36).slice(2)}.txt`);
  writeFileSync(file, `# created: test\n${secret}\n`, { mode: 0o600 });
  return { file, recipient: await identityToRecipient(secret) };
}

/** Runs tpt in-process on a terminal: the exit code and the error lines on the screen. */
async function onTerminal(args: string[], answers: Answer[], env: Record<string, string> = {}) {
  const { code, errors } = await box.runOnTerminal(args, answers, { env, now: NOW });
  return { code, errors };
}

describe('tpt export --encrypt', () => {
  it.skipIf(!HAS_AGE)("decrypts with Debian's age command to the same bytes as the plain export, and tpt import reads it back losslessly", async () => {
    await practice();
    const receiver = await identity();
    const plain = join(box.home, 'plain.json');
    const encrypted = join(box.home, 'everything.json.age');
    await ok(['export', '--all', '--out', plain]);
    await ok(['export', '--all', '--recipient', receiver.recipient, '--out', encrypted]);
    expect(statSync(encrypted).mode & 0o777).toBe(0o600);
    expect(readFileSync(encrypted, 'latin1').startsWith('age-encryption.org/v1\n')).toBe(true);
    expect(readFileSync(encrypted, 'latin1')).not.toContain('Grübeln');
    const decrypted = spawnSync('age', ['--decrypt', '--identity', receiver.file, encrypted]);
    expect(decrypted.status, decrypted.stderr.toString()).toBe(0);
    expect(decrypted.stdout.equals(readFileSync(plain))).toBe(true);

    // Read back into a new database: exported again, it is the same document.
    const copy = join(box.home, 'copy.db');
    await ok(['--db', copy, 'init'], COPY);
    await ok(['--db', copy, 'import', encrypted, '--identity', receiver.file], COPY);
    const again = join(box.home, 'again.json');
    await ok(['--db', copy, 'export', '--all', '--out', again], COPY);
    expect(readFileSync(again, 'utf8')).toBe(readFileSync(plain, 'utf8'));
  });

  it('CSV too, to several recipients: each one decrypts it', async () => {
    await practice();
    const [first, second] = [await identity(), await identity()];
    const file = join(box.home, 'goals.csv.age');
    await ok(['export', 'c1', '--format', 'csv', '--table', 'goals', '--encrypt', '--recipient', first.recipient, '--recipient', second.recipient, '--out', file]);
    for (const who of [first, second]) {
      const decrypter = new Decrypter();
      decrypter.addIdentity(readFileSync(who.file, 'utf8').split('\n')[1]!);
      expect(await decrypter.decrypt(readFileSync(file), 'text')).toContain('Sleep 7 hours');
    }
  });

  it('a wrong identity is refused in one line, exit 1, and nothing is written', async () => {
    await practice();
    const receiver = await identity();
    const stranger = await identity();
    const file = join(box.home, 'c1.json.age');
    await ok(['export', 'c1', '--recipient', receiver.recipient, '--out', file]);
    const copy = join(box.home, 'copy.db');
    await ok(['--db', copy, 'init'], COPY);
    const before = readFileSync(copy);
    const result = box.spawn(['--db', copy, 'import', file, '--identity', stranger.file], COPY);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`tpt: cannot decrypt ${file}: wrong identity or passphrase; nothing was imported\n`);
    expect(readFileSync(copy).equals(before)).toBe(true);
    const noKey = box.spawn(['--db', copy, 'import', file], COPY);
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/is an encrypted export: give --identity FILE/);
  });

  it('to a passphrase asked twice on the terminal; import asks for it; a wrong one is one line, exit 1, nothing written', async () => {
    await practice();
    const file = join(box.home, 'c1.json.age');
    const exported = await onTerminal(['export', 'c1', '--encrypt', '--out', file], [
      { when: /New passphrase/, type: PASSPHRASE },
      { when: /The same passphrase again/, type: PASSPHRASE },
    ]);
    expect(exported).toEqual({ code: 0, errors: [] });
    expect(readFileSync(file, 'latin1')).toMatch(/^age-encryption\.org\/v1\n-> scrypt /);
    const decrypter = new Decrypter();
    decrypter.addPassphrase(PASSPHRASE);
    const plain = join(box.home, 'plain.json');
    await ok(['export', 'c1', '--out', plain]);
    expect(await decrypter.decrypt(readFileSync(file), 'text')).toBe(readFileSync(plain, 'utf8'));

    const copy = join(box.home, 'copy.db');
    await ok(['--db', copy, 'init'], COPY);
    const before = readFileSync(copy);
    const wrong = await onTerminal(['--db', copy, 'import', file], [{ when: /Passphrase of the encrypted export/, type: 'not the passphrase at all' }], COPY);
    expect(wrong).toEqual({ code: 1, errors: [`tpt: cannot decrypt ${file}: wrong identity or passphrase; nothing was imported`] });
    expect(readFileSync(copy).equals(before)).toBe(true);
    const right = await onTerminal(['--db', copy, 'import', file], [{ when: /Passphrase of the encrypted export/, type: PASSPHRASE }], COPY);
    expect(right).toEqual({ code: 0, errors: [] });
    expect(await ok(['--db', copy, 'sessions', 'c1'], COPY)).toContain('1 session');
  }, 180_000); // four scrypt derivations (age's work factor 2^18), seconds each on a busy machine

  it('refuses what cannot work: no recipient and no terminal, a bad recipient, binary to a terminal', async () => {
    await ok(['init']);
    await ok(['log-session', '--client', 'c1', '--summary', 'x', '--mood', 'neutral']);
    const none = await box.run(['export', 'c1', '--encrypt', '--out', join(box.home, 'x.age')]);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--encrypt needs --recipient age1/);
    const bad = await box.run(['export', 'c1', '--recipient', 'age1nope', '--out', join(box.home, 'x.age')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/is not an age public key/);
    const receiver = await identity();
    const tty = await onTerminal(['export', 'c1', '--recipient', receiver.recipient], []);
    expect(tty.code).toBe(2);
    expect(tty.errors[0]).toMatch(/an encrypted export is binary: add --out FILE/);
  });
});

describe('a plain export to stdout', () => {
  it('that is a regular file gets mode 0600 and a one-line warning; a pipe gets neither', async () => {
    await ok(['init']);
    await ok(['log-session', '--client', 'c1', '--summary', 'x', '--mood', 'neutral']);
    const file = join(box.home, 'everything.json');
    const shell = spawnSync('sh', ['-c', `umask 022; "${process.execPath}" "${BIN}" export --all > "${file}"`], { env: box.env, encoding: 'utf8' });
    expect(shell.status).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(shell.stderr).toBe('tpt: warning: this export goes in clear to a file (made mode 0600); use --out FILE, or --encrypt to hand records to someone\n');
    expect(JSON.parse(readFileSync(file, 'utf8')).clients).toHaveLength(1);
    const piped = box.spawn(['export', '--all']);
    expect(piped.code).toBe(0);
    expect(piped.stderr).toBe('');
  });
});
