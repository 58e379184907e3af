import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../src/cli.js';

const BIN = new URL('../bin/tpt.js', import.meta.url).pathname;

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A throw-away home: its own XDG dirs, so the default database and key live inside it. */
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

  /** Runs the program in this process with captured streams and an optional fixed clock. */
  async run(args: string[], options: { env?: Record<string, string>; now?: Date } = {}): Promise<RunResult> {
    const stdout = capture();
    const stderr = capture();
    const stdin = new PassThrough();
    const code = await main(['node', 'tpt', ...args], {
      stdin,
      stdout: stdout.stream,
      stderr: stderr.stream,
      env: { ...this.env, ...options.env },
      ...(options.now ? { now: () => options.now! } : {}),
    });
    return { code, stdout: stdout.text(), stderr: stderr.text() };
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
  }
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
