import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { postgresUrl } from './postgres.js';
import type { PostgresServerInfo } from './postgres-server.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * Runs one statement on the server's `postgres` database as its superuser, and waits for it: a
 * child process, so that a synchronous caller (the Sandbox of test/helpers.ts, made in a
 * constructor) gets a database without an await. About a tenth of a second.
 */
function superuserSync(server: PostgresServerInfo, sql: string): void {
  const script = `
    const pg = require('pg');
    const client = new pg.Client(JSON.parse(process.argv[1]));
    client.connect().then(() => client.query(process.argv[2])).then(
      () => client.end(),
      (error) => { console.error(error.message); process.exitCode = 1; return client.end(); });`;
  const result = spawnSync(process.execPath, ['-e', script, JSON.stringify({ ...server, database: 'postgres' }), sql], {
    cwd: ROOT, encoding: 'utf8', timeout: 30_000,
  });
  if (result.status !== 0) throw new Error(`PostgreSQL refused "${sql}": ${result.stderr || result.error?.message}`);
}

/** A new, empty database on the test server: its name and a URL for its superuser. */
export function createDatabaseSync(server: PostgresServerInfo): { name: string; url: string } {
  const name = `tpt_e2e_${randomBytes(6).toString('hex')}`;
  superuserSync(server, `CREATE DATABASE ${name}`);
  return { name, url: postgresUrl(server, name) };
}

/** Drops a database made by createDatabaseSync, ending any connection a test left open. */
export function dropDatabaseSync(server: PostgresServerInfo, name: string): void {
  if (!/^tpt_e2e_[0-9a-f]{12}$/.test(name)) throw new Error(`not a database of createDatabaseSync: ${name}`);
  superuserSync(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
