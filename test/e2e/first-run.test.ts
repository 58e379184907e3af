import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { Sandbox } from '../helpers.js';

/** The small defects of issue 14 that a new user meets on the command line, each as it was found. */

let box: Sandbox;
beforeEach(() => {
  box = new Sandbox();
});
afterEach(() => box.cleanup());

const oneLine = (text: string) => expect(text.trimEnd().split('\n')).toHaveLength(1);

describe('suggestions after a typo', () => {
  it('are on the same line as the error', () => {
    const result = box.spawn(['sesions', 'c42']);
    expect(result.code).toBe(2);
    oneLine(result.stderr);
    expect(result.stderr).toBe("tpt: unknown command 'sesions'; did you mean sessions? (see `tpt --help`)\n");
  });

  it('are left out when the nearest name is not near (`query` is not `course`, `--limit` is not `--client`)', () => {
    const query = box.spawn(['query', 'sleep']);
    expect(query.stderr).toBe("tpt: unknown command 'query' (see `tpt --help`)\n");
    const limit = box.spawn(['audit', '--limit', '5']);
    expect(limit.stderr).toBe("tpt: unknown option '--limit' (see `tpt audit --help`)\n");
  });
});

describe('--no-input on a terminal', () => {
  it('says that --no-input is why nothing is asked', async () => {
    await box.run(['init']);
    let stderr = '';
    const tty = { write: (chunk: string) => ((stderr += chunk), true), isTTY: true, columns: 80 };
    const stdin = Object.assign(new PassThrough(), { isTTY: true });
    const code = await main(['node', 'tpt', '--no-input', 'log-session', '--client', 'c42'], { stdin, stdout: { write: () => true, isTTY: true }, stderr: tty, env: box.env });
    expect(code).toBe(2);
    expect(stderr).toBe('tpt: missing --summary, --mood: give them as options (--no-input is given)\n');
  });

  it('and without a terminal, that there is none', async () => {
    await box.run(['init']);
    const result = box.spawn(['log-session', '--client', 'c42']);
    expect(result.stderr).toBe('tpt: missing --summary, --mood: give them as options (there is no terminal to ask on)\n');
  });
});

it('a purge without --yes is refused in a sentence', async () => {
  await box.run(['init']);
  await box.json(['log-session', '--client', 'tmp1', '--mood', '0', '--summary', 'x']);
  const result = box.spawn(['client', 'delete', 'tmp1', '--purge']);
  expect(result.code).toBe(2);
  expect(result.stderr).toBe('tpt: refusing to purge every record of client tmp1 without confirmation: add --yes to confirm it (it cannot be undone, and there is no terminal to ask on); nothing was deleted\n');
});

it('`--json --version` prints JSON, in either order', () => {
  for (const args of [['--json', '--version'], ['--version', '--json'], ['-V', '--json']]) {
    const result = box.spawn(args);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
  }
  expect(box.spawn(['--version']).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
});

it('`--db` in a directory that does not exist is refused, and nothing is created', () => {
  const missing = join(box.home, 'nonexistent', 'dir');
  const result = box.spawn(['--db', join(missing, 'x.db'), 'init']);
  expect(result.code).toBe(2);
  oneLine(result.stderr);
  expect(result.stderr).toContain(`no directory ${missing} for the database`);
  expect(existsSync(join(box.home, 'nonexistent'))).toBe(false);
  expect(existsSync(box.keyPath)).toBe(false);
  // tpt's own default directory is still made on first use.
  expect(box.spawn(['init']).code).toBe(0);
});

it('`audit verify --head <wrong>` writes nothing and names no entry past the end', async () => {
  await box.run(['init']);
  await box.json(['log-session', '--client', 'c1', '--mood', '0', '--summary', 'x']);
  const before = JSON.parse(box.spawn(['--json', 'audit', 'verify']).stdout) as { entries: number; head: string };
  const result = box.spawn(['audit', 'verify', '--head', 'a'.repeat(64)]);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(new RegExp(`^tpt: audit log not intact: no entry has the head hash you gave: .*now ends at entry ${before.entries};`));
  expect(result.stderr).not.toMatch(/broken at entry/);
  const after = JSON.parse(box.spawn(['--json', 'audit', 'verify']).stdout) as { entries: number; head: string };
  expect(after).toMatchObject({ entries: before.entries, head: before.head });
});
