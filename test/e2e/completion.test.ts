import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PEER, writeExportFile } from '../../bench/generate.js';
import { buildProgram } from '../../src/cli.js';
import { completionModel } from '../../src/completion/model.js';
import { completionScripts, SCRIPT_FILES, type Shell } from '../../src/completion/generate.js';
import { Sandbox, testEngine } from '../helpers.js';

const BIN = new URL('../../bin/tpt.js', import.meta.url).pathname;
const COMPLETIONS = new URL('../../completions/', import.meta.url).pathname;
/** A TAB offers no ids from a PostgreSQL database: completion never waits on a network (src/completion/ids.ts). */
const IDS_FROM_DATABASE = testEngine() === 'sqlite';

describe('completion scripts', () => {
  it('are what the program generates: run `npm run completions` and commit completions/ when this fails', () => {
    const silent = { write: () => true };
    const { program } = buildProgram({ stdin: process.stdin, stdout: silent, stderr: silent, env: {} });
    const scripts = completionScripts(completionModel(program));
    for (const [shell, file] of Object.entries(SCRIPT_FILES) as [Shell, string][]) {
      const committed = readFileSync(join(COMPLETIONS, file), 'utf8');
      expect(committed === scripts[shell], `completions/${file} is out of date: run \`npm run completions\` and commit completions/`).toBe(true);
    }
  });

  it('`tpt completion <shell>` prints the committed script', () => {
    const sandbox = new Sandbox();
    try {
      for (const [shell, file] of Object.entries(SCRIPT_FILES)) {
        const result = sandbox.spawn(['completion', shell]);
        expect(result.code).toBe(0);
        expect(result.stdout).toBe(readFileSync(join(COMPLETIONS, file), 'utf8'));
      }
      const wrong = sandbox.spawn(['completion', 'tcsh']);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/unknown shell "tcsh": use bash, zsh or fish/);
    } finally {
      sandbox.cleanup();
    }
  });
});

describe('bash completion, driven through COMP_WORDS and COMP_CWORD', () => {
  const sandbox = new Sandbox();
  let goalId = '';
  let sessionId = '';

  beforeAll(async () => {
    // `tpt` on the PATH, as after `npm install -g`: the script runs the command being completed.
    const bin = join(sandbox.home, 'bin');
    mkdirSync(bin);
    symlinkSync(BIN, join(bin, 'tpt'));
    sandbox.env.PATH = `${bin}:${sandbox.env.PATH}`;
    expect((await sandbox.run(['init'])).code).toBe(0);
    goalId = (await sandbox.json<{ goal_id: string }>(['goal', 'create', '--client', 'c42', '--description', 'Sleep', '--id', 'goal-sleep'])).goal_id;
    sessionId = (await sandbox.json<{ session_id: string }>(['log-session', '--client', 'c42', '--mood', 'neutral', '--summary', 'x', '--id', 'ses-one'])).session_id;
    await sandbox.json(['log-session', '--client', 'b7', '--mood', '1', '--summary', 'y']);
  });
  afterAll(() => sandbox.cleanup());

  /** What bash offers for the words typed (the last one is being completed). */
  function complete(words: string[], env: Record<string, string> = {}): string[] {
    const script = [
      `source ${JSON.stringify(join(COMPLETIONS, 'tpt.bash'))}`,
      'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
      '_tpt',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const result = spawnSync('bash', ['-c', script, 'bash', 'tpt', ...words], {
      env: { ...sandbox.env, ...env },
      encoding: 'utf8',
      cwd: sandbox.home,
    });
    expect(result.stderr).toBe('');
    return result.stdout.split('\n').filter(Boolean).sort();
  }

  it('completes commands, subcommands and options from the program', () => {
    expect(complete(['go'])).toEqual(['goal']);
    expect(complete(['goal', ''])).toEqual(['create', 'edit', 'list', 'show', 'update']);
    expect(complete(['import', '--d'])).toEqual(['--database', '--db', '--dry-run']);
    expect(complete(['token', 'create', '--'])).not.toContain('--client');
  });

  it('completes option values with a fixed list', () => {
    expect(complete(['log-session', '--mood', ''])).toEqual(['negative', 'neutral', 'positive', 'very_negative', 'very_positive']);
    expect(complete(['goal', 'update', goalId, '--status', 'a'])).toEqual(['achieved', 'active']);
    expect(complete(['completion', ''])).toEqual(['bash', 'fish', 'zsh']);
  });

  it.runIf(IDS_FROM_DATABASE)('completes client, goal and session ids from the database in use', () => {
    expect(complete(['report', ''])).toEqual(['b7', 'c42']);
    expect(complete(['goal', 'show', ''])).toEqual([goalId]);
    expect(complete(['session', 'show', 'ses-'])).toEqual([sessionId]);
    expect(complete(['log-session', '--client', 'c'])).toEqual(['c42']);
    // Another database, named on the command line: its clients, not the default one's.
    expect(complete(['--db', join(sandbox.home, 'none.db'), 'report', ''])).toEqual([]);
  });

  it('offers nothing, quietly, when the key is not at hand (and never prompts)', () => {
    expect(complete(['report', ''], { XDG_CONFIG_HOME: join(sandbox.home, 'elsewhere') })).toEqual([]);
    const result = sandbox.spawn(['__complete', 'clients'], { TPT_KEY_FILE: join(sandbox.home, 'missing.key') });
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
  });
});

describe('`tpt __complete` on a practice of 10,000 sessions', () => {
  const sandbox = new Sandbox();
  afterAll(() => sandbox.cleanup());

  it.runIf(IDS_FROM_DATABASE)('lists ids within 150 ms', async () => {
    const file = join(sandbox.home, 'practice.json');
    const stats = writeExportFile(file, PEER);
    expect(stats.sessions).toBe(10_000);
    expect((await sandbox.run(['init'])).code).toBe(0);
    expect((await sandbox.run(['import', file])).code).toBe(0);
    const clients = sandbox.spawn(['__complete', 'clients']);
    expect(clients.stdout.split('\n').filter(Boolean)).toHaveLength(PEER.clients);
    // The best of five runs: the cost of the path itself, not of the other tests sharing the CPU.
    // 150 ms is the budget where Node itself starts in 75 ms (`node -e 0` on an idle machine); on
    // a loaded machine the budget grows with Node's own start, measured the same way.
    const best = (run: () => void) => {
      let fastest = Infinity;
      for (let i = 0; i < 5; i++) {
        const started = process.hrtime.bigint();
        run();
        fastest = Math.min(fastest, Number(process.hrtime.bigint() - started) / 1e6);
      }
      return fastest;
    };
    const nodeStart = best(() => spawnSync(process.execPath, ['-e', '0']));
    const completion = best(() => {
      const result = sandbox.spawn(['__complete', 'sessions']);
      expect(result.stdout.split('\n').filter(Boolean)).toHaveLength(500);
    });
    expect(completion).toBeLessThan(150 * Math.max(1, nodeStart / 75));
  }, 120_000);
});
