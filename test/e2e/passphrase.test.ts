import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox, type Answer, type RunResult } from '../helpers.js';

const STRONG = 'copper kettle whistles under violet moonlight';
const OTHER = 'seven quiet otters paddle past the lighthouse';

let box: Sandbox;
beforeEach(() => {
  box = new Sandbox();
});
afterEach(() => box.cleanup());

/** Runs tpt in-process on a terminal; `stderr` is tpt's lines on the screen, `screen` all of it. */
async function onTerminal(args: string[], answers: Answer[], env: Record<string, string> = {}): Promise<RunResult & { screen: string }> {
  const { code, stdout, screen, errors } = await box.runOnTerminal(args, answers, { env });
  return { code, stdout, stderr: errors.join('\n'), screen };
}

function ok(args: string[], env: Record<string, string> = {}): string {
  return box.spawnOk(args, env);
}

describe('a new passphrase is asked twice on a terminal', () => {
  it('tpt init --passphrase: the same passphrase twice locks the database with it', async () => {
    const result = await onTerminal(['init', '--passphrase'], [
      { when: /New passphrase/, type: STRONG },
      { when: /The same passphrase again/, type: STRONG },
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('locked with your passphrase');
    expect(result.screen).not.toContain(STRONG);
    expect(existsSync(box.keyPath)).toBe(false);
    expect(ok(['check'], { TPT_PASSPHRASE: STRONG })).toContain('key: a passphrase');
  });

  it('tpt init --passphrase: two different answers create nothing', async () => {
    const result = await onTerminal(['init', '--passphrase'], [
      { when: /New passphrase/, type: STRONG },
      { when: /The same passphrase again/, type: OTHER },
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('tpt: the two passphrases differ: run `tpt init --passphrase` again; nothing changed');
    expect(existsSync(box.dbPath)).toBe(false);
  });

  it('tpt rekey --passphrase: asks for the new passphrase twice, and the old one no longer opens', async () => {
    ok(['init'], { TPT_PASSPHRASE: STRONG });
    const result = await onTerminal(['rekey', '--passphrase'], [
      { when: /New passphrase/, type: OTHER },
      { when: /The same passphrase again/, type: OTHER },
    ], { TPT_PASSPHRASE: STRONG });
    expect(result.code).toBe(0);
    expect(ok(['clients'], { TPT_PASSPHRASE: OTHER })).toContain('No clients');
    expect(box.spawn(['clients'], { TPT_PASSPHRASE: STRONG }).code).toBe(1);
  });

  it('without a terminal, init --passphrase and rekey --passphrase want the variable, exit 2', () => {
    const init = box.spawn(['init', '--passphrase']);
    expect(init.code).toBe(2);
    expect(init.stderr).toBe('tpt: no passphrase: set TPT_PASSPHRASE (there is no terminal to ask on); nothing changed\n');
    ok(['init']);
    const rekey = box.spawn(['rekey', '--passphrase']);
    expect(rekey.code).toBe(2);
    expect(rekey.stderr).toBe('tpt: no passphrase: set TPT_NEW_PASSPHRASE (there is no terminal to ask on); nothing changed\n');
  });

  it('refuses --passphrase together with a key file', () => {
    const result = box.spawn(['--key-file', join(box.home, 'k'), 'init', '--passphrase'], { TPT_PASSPHRASE: STRONG });
    expect(result.code).toBe(2);
    expect(existsSync(box.dbPath)).toBe(false);
  });
});

describe('a passphrase too weak for health records is refused, with the reason', () => {
  for (const weak of ['a', 'sunflower', 'Sunflower2026!', 'tpt clinic']) {
    it(`init refuses ${JSON.stringify(weak)}, exit 2, and creates nothing`, () => {
      const result = box.spawn(['init', '--passphrase'], { TPT_PASSPHRASE: weak });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^tpt: the passphrase is too weak to protect health records \(an attacker with a stolen copy could guess it in .+ at 10,000 guesses a second; strength [0-3] of 4, 4 needed.*\): choose a longer one/);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(box.dbPath)).toBe(false);
      expect(existsSync(box.keyPath)).toBe(false);
    });
  }

  it('says what the estimator found: a common password', () => {
    expect(box.spawn(['init'], { TPT_PASSPHRASE: 'sunflower' }).stderr).toMatch(/this is a commonly used password/);
  });

  it('rekey --passphrase refuses a weak new one and leaves the database on its key', () => {
    ok(['init']);
    const result = box.spawn(['rekey', '--passphrase'], { TPT_NEW_PASSPHRASE: 'hunter2' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/too weak/);
    expect(ok(['check'])).toContain(`key: the key file ${box.keyPath}`);
  });
});

describe('when the key file found does not open the database, a terminal is asked for the passphrase', () => {
  it('a passphrase database beside a default key file opens with the passphrase typed', async () => {
    ok(['--db', join(box.home, 'keyed.db'), 'init']); // makes the default key file
    ok(['init'], { TPT_PASSPHRASE: STRONG });
    ok(['log-session', '--client', 'c1', '--summary', 'x', '--mood', 'neutral'], { TPT_PASSPHRASE: STRONG });
    const result = await onTerminal(['sessions', 'c1'], [{ when: /Passphrase for/, type: STRONG }]);
    expect(result.code).toBe(0);
    expect(result.screen).toMatch(/None of tpt's key files \(1 in .*\) opens it\. Passphrase for /);
    expect(result.stdout).toContain('1 session');
  });

  it('the key file given does not fit: asked too; a wrong answer is one line, exit 1, nothing written', async () => {
    ok(['init'], { TPT_PASSPHRASE: STRONG });
    const other = join(box.home, 'other.key');
    ok(['--key-file', other, '--db', join(box.home, 'other.db'), 'init']);
    const before = box.raw(box.dbPath);
    const result = await onTerminal(['--key-file', other, 'log-session', '--client', 'c1', '--summary', 'x', '--mood', 'neutral'],
      [{ when: /Passphrase for/, type: OTHER }]);
    expect(result.code).toBe(1);
    expect(result.screen).toContain(`The key file ${other} does not open it. Passphrase for ${box.dbPath}`);
    expect(result.stderr).toMatch(/^tpt: cannot unlock the database at .*: wrong key or passphrase \(the passphrase typed does not open it\)/);
    expect(result.stderr.split('\n')).toHaveLength(1);
    expect(box.raw(box.dbPath)).toBe(before);
  });

  it('without a terminal it fails in one line, naming what was tried', () => {
    ok(['--db', join(box.home, 'keyed.db'), 'init']);
    ok(['init'], { TPT_PASSPHRASE: STRONG });
    const result = box.spawn(['clients']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tpt: cannot unlock the database at .*: wrong key or passphrase \(none of tpt's key files \(1 in .*\) opens it\), or not a tpt database; give the right --key-file, TPT_KEY_FILE or TPT_PASSPHRASE; nothing was changed\n$/);
  });
});
