import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import type { PostgresServerInfo } from './postgres-server.js';

export interface TestDatabase {
  /** The server, as its superuser. */
  readonly server: PostgresServerInfo;
  /** The database's name, made for this test file. */
  readonly name: string;
  /** A postgres:// URL of the database for the superuser, with any extra query text. */
  url(query?: string): string;
}

/**
 * A new, empty database on the run's test server for the test file that calls this (at its top
 * level), dropped after the file's tests whether they passed or not.
 */
export function useTestDatabase(): TestDatabase {
  const server = inject('postgres');
  const name = `tpt_test_${randomBytes(6).toString('hex')}`;
  beforeAll(async () => {
    await asSuperuser(server, (client) => client.query(`CREATE DATABASE ${name}`));
  });
  afterAll(async () => {
    // FORCE ends any connection a failed test left open, so the drop never waits on it.
    await asSuperuser(server, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  });
  return {
    server,
    name,
    url: (query = '') => postgresUrl(server, name, query),
  };
}

export function postgresUrl(server: PostgresServerInfo, database: string, query = ''): string {
  const auth = `${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}`;
  return `postgres://${auth}@${server.host}:${server.port}/${database}${query === '' ? '' : `?${query}`}`;
}

/** Runs `work` on a connection to the server's `postgres` database as its superuser. */
export async function asSuperuser<T>(server: PostgresServerInfo, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ ...server, database: 'postgres' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
