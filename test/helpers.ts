import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { expect, inject } from 'vitest';
import { main } from '../src/cli.js';
import { startServer, type RunningServer } from './server.js';
import { createDatabaseSync, dropDatabaseSync } from './support/postgres-sync.js';
import type {} from './support/postgres-global.js';

const BIN = new URL('../bin/tpt.js', import.meta.url).pathname;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** An answer typed on the terminal once its question (`when`) is on the screen. */
export interface Answer {
  when: RegExp;
  type: string;
}

export interface TerminalResult {
  code: number;
  stdout: string;
  /** What a person read on the terminal (the prompts' escape sequences removed). */
  screen: string;
  /** The lines of the screen that are tpt's errors and warnings ("tpt: …"). */
  errors: string[];
}

/** The engines a sandbox keeps its records in. */
export type TestEngine = 'sqlite' | 'postgres';

/**
 * The engine of this run's sandboxes: TPT_TEST_ENGINE, which the vitest project `e2e-pg` sets to
 * `postgres` for the end-to-end files of E2E_ON_POSTGRES (test/e2e/engines.ts); SQLite otherwise.
 */
export function testEngine(): TestEngine {
  return process.env.TPT_TEST_ENGINE === 'postgres' ? 'postgres' : 'sqlite';
}

/**
 * A throw-away home: its own XDG dirs, so the default database and key live inside it. On
 * PostgreSQL (`engine`, else testEngine()) it also gets a new, empty database of the run's test
 * server, named in TPT_DATABASE_URL for every command it runs (`tpt init` makes the schema), and
 * dropped by cleanup().
 */
export class Sandbox {
  readonly home = mkdtempSync(join(tmpdir(), 'tpt-test-'));
  readonly env: Record<string, string> = {
    HOME: this.home,
    XDG_DATA_HOME: join(this.home, 'data'),
    XDG_CONFIG_HOME: join(this.home, 'config'),
    TZ: 'Europe/Berlin',
    TPT_ACTOR: 'tester',
    NO_COLOR: '1',
    PATH: process.env.PATH ?? '',
  };
  readonly engine: TestEngine;
  /** The PostgreSQL database's name and URL (engine `postgres`). */
  readonly postgres: { name: string; url: string } | undefined;

  constructor(options: { engine?: TestEngine } = {}) {
    this.engine = options.engine ?? testEngine();
    if (this.engine === 'postgres') {
      const server = inject('postgres');
      if (!server) throw new Error('a PostgreSQL sandbox needs the test server: run this file in the `pg` or `e2e-pg` project');
      this.postgres = createDatabaseSync(server);
      this.env.TPT_DATABASE_URL = this.postgres.url;
    }
  }

  get dbPath(): string {
    return join(this.home, 'data', 'tpt', 'tpt.db');
  }

  get keyPath(): string {
    return join(this.home, 'config', 'tpt', 'key');
  }

  /** Runs the built `bin/tpt.js` as a child process, as a user would (no terminal). */
  spawn(args: string[], env: Record<string, string> = {}, input = ''): RunResult {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      env: { ...this.env, ...env },
      input,
      encoding: 'utf8',
      timeout: 20_000,
    });
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Spawns, and returns stdout; a command that fails throws with its exit code and stderr. */
  spawnOk(args: string[], env: Record<string, string> = {}): string {
    const result = this.spawn(args, env);
    if (result.code !== 0) throw new Error(`tpt ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return result.stdout;
  }

  /** Runs the program in this process with captured streams and an optional fixed clock. */
  async run(args: string[], options: { env?: Record<string, string>; now?: Date } = {}): Promise<RunResult> {
    const stdout = capture();
    const stderr = capture();
    // Ended, as a process's stdin is when nothing is piped in: a command that reads it (`ingest -`)
    // sees the end of its input instead of waiting for ever.
    const stdin = new PassThrough();
    stdin.end();
    const code = await main(['node', 'tpt', ...args], {
      stdin,
      stdout: stdout.stream,
      stderr: stderr.stream,
      env: { ...this.env, ...options.env },
      ...(options.now ? { now: () => options.now! } : {}),
    });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }

  /**
   * Runs the program in this process on a terminal: stdin, stdout and stderr say they are TTYs and
   * the prompts write to stderr. Each answer is typed once its question is on the screen since the
   * previous answer, as a person would, after clearing what the line still holds (a prompt that
   * refused an answer keeps it for editing): Ctrl-U, then the text. Fails when a question was never asked.
   */
  async runOnTerminal(args: string[], answers: Answer[], options: { env?: Record<string, string>; now?: Date } = {}): Promise<TerminalResult> {
    const stdin = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => stdin });
    let stdout = '';
    let screen = '';
    let sinceAnswer = '';
    const pending = [...answers];
    const stderr = Object.assign(new Writable({
      write(chunk, _encoding, done) {
        const text = chunk.toString().replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
        screen += text;
        sinceAnswer += text;
        const next = pending[0];
        if (next && next.when.test(sinceAnswer)) {
          pending.shift();
          sinceAnswer = '';
          screen += '\n'; // the Enter typed: what tpt says next starts a line of its own
          setImmediate(() => stdin.write(`\u0015${next.type}\r`));
        }
        done();
      },
    }), { isTTY: true, columns: 1000 });
    // The prompt library ends its output when a prompt closes; a real stderr stays open.
    stderr.end = () => stderr;
    const code = await main(['node', 'tpt', ...args], {
      stdin,
      stdout: { write: (chunk: string) => ((stdout += chunk), true), isTTY: true, columns: 100 },
      stderr: stderr as unknown as Writable & { isTTY: boolean },
      env: { ...this.env, ...options.env },
      ...(options.now ? { now: () => options.now! } : {}),
    });
    expect(pending, `every question was asked; the screen:\n${screen}`).toEqual([]);
    return { code, stdout, screen, errors: screen.split('\n').filter((line) => line.startsWith('tpt:')) };
  }

  /** Runs and parses stdout as JSON, failing loudly when the command failed. */
  async json<T = unknown>(args: string[], options: { env?: Record<string, string>; now?: Date } = {}): Promise<T> {
    const result = await this.run(['--json', ...args], options);
    if (result.code !== 0) throw new Error(`tpt ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }

  /** The raw bytes of a file, as text, for searching plaintext. */
  raw(path: string): string {
    try {
      return readFileSync(path).toString('latin1');
    } catch {
      return '';
    }
  }

  cleanup(): void {
    rmSync(this.home, { recursive: true, force: true });
    if (this.postgres) dropDatabaseSync(inject('postgres'), this.postgres.name);
  }
}

/**
 * In-process runs of a sandbox with the clock at `now` (unless a call gives its own time).
 * `sandbox` is asked at each call, so that it can be a new one for each test.
 */
export function runsAt(sandbox: () => Sandbox, now: Date) {
  const run = (args: string[], at = now): Promise<RunResult> => sandbox().run(args, { now: at });
  async function ok(args: string[], at = now): Promise<string> {
    const result = await run(args, at);
    expect(result.code, `tpt ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout;
  }
  const json = async (args: string[], at = now) => JSON.parse(await ok(['--json', ...args], at));
  return { run, ok, json };
}

/** A new sandbox after `tpt init`, with a token (`tpt token create`) and `tpt serve` running on it. */
export async function servedSandbox(tokenName: string, scope: 'read' | 'write' | 'admin'): Promise<{ box: Sandbox; server: RunningServer; token: string }> {
  const box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
  const token: string = JSON.parse(box.spawn(['--json', 'token', 'create', '--name', tokenName, '--scope', scope]).stdout).token;
  return { box, server: await startServer(box), token };
}

function capture() {
  let text = '';
  const stream = {
    write(chunk: string) {
      text += chunk;
      return true;
    },
    isTTY: false,
  };
  return { stream, text: () => text };
}
