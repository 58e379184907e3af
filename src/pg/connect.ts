import { userInfo } from 'node:os';
import pg from 'pg';
import { parse } from 'pg-connection-string';
import pgpass from 'pgpass';
import { UnreachableError } from '../store/errors.js';
import { toStoreError, type PgTarget } from './error-map.js';

/**
 * A pool of connections to the PostgreSQL database a postgres:// URL names.
 *
 * - The password: the URL's own, else PGPASSWORD, else the matching line of ~/.pgpass (or the
 *   file PGPASSFILE names), as libpq takes them. pg's own ~/.pgpass look-up is deprecated and
 *   prints a warning, so tpt asks the same `pgpass` module itself.
 * - TLS through the URL's sslmode, as node-postgres 8 reads it: `sslmode=verify-full` (with
 *   `sslrootcert=FILE` for a private CA) checks the certificate and the host name;
 *   `sslmode=disable` sends everything in clear (a trusted local network only). pg 8 takes
 *   `require`, `prefer` and `verify-ca` as verify-full too and warns that this will change; add
 *   `uselibpqcompat=true` for libpq's meanings of them.
 * - Every error on the way (a malformed URL, an unknown host, a refused connection, a refused
 *   login, a missing database) is a store error with a one-line message that tells the fix.
 */
export interface PgPoolOptions {
  /** Most connections open at once. */
  max?: number;
  /** How long to wait for a connection before giving up, in milliseconds. */
  connectTimeoutMs?: number;
  /** Where PGPASSWORD and the like are read; the process's environment unless a test says. */
  env?: NodeJS.ProcessEnv;
}

export interface PgPool {
  readonly pool: pg.Pool;
  readonly target: PgTarget;
}

const SCHEMES = new Set(['postgres:', 'postgresql:']);

/** The pool's settings and its target (for messages) from a postgres:// URL; checks the URL only. */
export function poolConfig(url: string, options: PgPoolOptions = {}): { config: pg.PoolConfig; target: PgTarget } {
  const env = options.env ?? process.env;
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw new UnreachableError(`the database URL is not a URL: give one as postgres://USER@HOST:5432/DATABASE`, 'url');
  }
  if (!SCHEMES.has(scheme)) {
    throw new UnreachableError(
      `the database URL starts with ${scheme}// but PostgreSQL's start with postgres://: give one as postgres://USER@HOST:5432/DATABASE`,
      'url');
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(url);
  } catch (error) {
    throw new UnreachableError(
      `the database URL cannot be read (${oneLine(error)}): give one as postgres://USER@HOST:5432/DATABASE`, 'url', { cause: error });
  }
  const user = parsed.user || env.PGUSER || userInfo().username;
  const target: PgTarget = {
    host: parsed.host || env.PGHOST || 'localhost',
    port: Number(parsed.port || env.PGPORT || 5432),
    database: parsed.database || env.PGDATABASE || user,
    user,
  };
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    throw new UnreachableError(`the database URL's port "${parsed.port}" is not a port: give a number from 1 to 65535`, 'url');
  }
  const given = parsed.password;
  const config: pg.PoolConfig = {
    ...(parsed as pg.PoolConfig),
    host: target.host,
    port: target.port,
    database: target.database,
    user: target.user,
    // pg types the callback as giving a string, but takes undefined as "no password" (it then
    // fails the server's password request, which toStoreError words as a missing password).
    password: given !== undefined && given !== '' ? given : () => passwordFor(target, env) as Promise<string>,
    max: options.max ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: parsed.application_name ?? 'tpt',
    types: { getTypeParser },
    Client: ClosingClient,
  };
  return { config, target };
}

/**
 * Opens the pool and takes one connection, so that a wrong URL, a refused connection or a
 * refused login is reported here, once, and not at the first read.
 */
export async function openPool(url: string, options: PgPoolOptions = {}): Promise<PgPool> {
  const { config, target } = poolConfig(url, options);
  const pool = new pg.Pool(config);
  // A connection that dies while idle in the pool (a server restart) is dropped by the pool; the
  // next checkout opens another. Without a listener, that event would end the process.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw toStoreError(error, target);
  }
  return { pool, target };
}

/**
 * pg leaves the socket of a connection that failed while logging in open (seen when the server
 * asks for a password and none was given): the server then keeps that backend until its
 * authentication_timeout, and a DROP DATABASE waits for it. This client ends it at once.
 */
class ClosingClient extends pg.Client {
  override connect(): Promise<pg.Client>;
  override connect(callback: (error: Error) => void): void;
  override connect(callback?: (error: Error) => void): Promise<pg.Client> | void {
    if (callback === undefined) {
      return super.connect().catch(async (error: unknown) => {
        await this.end().catch(() => undefined);
        throw error;
      });
    }
    super.connect((error: Error) => {
      if (error) void this.end().catch(() => undefined);
      callback(error);
    });
  }
}

async function passwordFor(target: PgTarget, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (env.PGPASSWORD !== undefined && env.PGPASSWORD !== '') return env.PGPASSWORD;
  return new Promise((resolve) => {
    pgpass({ host: target.host, port: target.port, database: target.database, user: target.user }, (password) => resolve(password));
  });
}

/**
 * Values as tpt's records hold them: a calendar date stays the text it is (pg would make a Date
 * at local midnight, a day off west of UTC), and bigint (audit sequence numbers, counts) is a
 * number, exact below 2^53.
 */
const DATE_OID = 1082;
const INT8_OID = 20;
function getTypeParser(oid: number, format?: string): (value: string) => unknown {
  if (oid === DATE_OID) return (value) => value;
  if (oid === INT8_OID) return (value) => Number(value);
  return (pg.types.getTypeParser as (oid: number, format?: string) => (value: string) => unknown)(oid, format);
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, ' ').trim();
}
