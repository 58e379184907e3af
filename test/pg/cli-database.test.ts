import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { Sandbox } from '../helpers.js';
import { asSuperuser, postgresUrl } from '../support/postgres.js';

/**
 * Choosing PostgreSQL on the command line (`--database`, TPT_DATABASE_URL): `tpt init` makes the
 * schema and the key; every way the database can be wrong is one line with the fix, and nothing
 * is changed. Runs the built bin/tpt.js, as a user would.
 */
const server = inject('postgres');
const boxes: Sandbox[] = [];
afterAll(() => {
  for (const box of boxes) box.cleanup();
});
const sandbox = () => {
  const box = new Sandbox({ engine: 'postgres' });
  boxes.push(box);
  return box;
};

/** One line on stderr, `tpt: ` and the message: what every error of tpt is. */
function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tpt: /);
  return lines[0]!;
}

/** The tables of a database, as its superuser sees them. */
async function tables(database: string): Promise<string[]> {
  const client = new pg.Client({ ...server, database });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1");
    return rows.map((row) => row.name);
  } finally {
    await client.end();
  }
}

describe('tpt --database postgres://…', () => {
  it('init makes the schema and the key, says where both are, and may run again on it', async () => {
    const box = sandbox();
    expect(await tables(box.postgres!.name)).toEqual([]);
    const made = box.spawn(['--json', 'init', '--database', box.postgres!.url], { TPT_DATABASE_URL: '' });
    expect(made.code, made.stderr).toBe(0);
    const result = JSON.parse(made.stdout);
    expect(result).toEqual({ database: expect.stringContaining(`/${box.postgres!.name}`), key_file: box.keyPath, key_created: true });
    // The password is never printed.
    expect(result.database).not.toContain(server.password);
    expect(await tables(box.postgres!.name)).toEqual(expect.arrayContaining(['sessions', 'goals', 'audit_log', 'settings', 'tpt_schema_migrations']));
    // Again: the schema is up to date and under the same key; nothing new is made.
    const again = box.spawn(['--json', 'init']);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).key_created).toBe(false);
  });

  it('init with a passphrase opens with that passphrase only', () => {
    const box = sandbox();
    const passphrase = 'correct horse battery staple of the clinic';
    expect(box.spawn(['init', '--passphrase'], { TPT_PASSPHRASE: passphrase }).code).toBe(0);
    const wrong = box.spawn(['sessions', 'c42'], { TPT_PASSPHRASE: 'not the passphrase at all, no' });
    expect(wrong.code).toBe(1);
    expect(oneLine(wrong.stderr)).toMatch(/cannot unlock the database at postgres:\/\/.*: wrong key or passphrase \(TPT_PASSPHRASE does not open it\), or not a tpt database; give the right --key-file, TPT_KEY_FILE or TPT_PASSPHRASE/);
  });

  it('refuses another key file before any read: one line, exit 1', () => {
    const box = sandbox();
    expect(box.spawn(['init']).code).toBe(0);
    const other = new Sandbox({ engine: 'sqlite' });
    try {
      expect(other.spawn(['init']).code).toBe(0);
      const refused = box.spawn(['sessions', 'c42'], { TPT_KEY_FILE: other.keyPath });
      expect(refused.code).toBe(1);
      expect(oneLine(refused.stderr)).toContain(`wrong key or passphrase (the key file ${other.keyPath} does not open it)`);
    } finally {
      other.cleanup();
    }
  });

  it('a wrong URL, a refused connection, a missing database or schema: one line with the fix', () => {
    const box = sandbox();
    const cases: [string, number, RegExp][] = [
      ['mysql://db.example/practice', 2, /^tpt: TPT_DATABASE_URL takes a PostgreSQL URL such as postgres:\/\/USER@HOST:5432\/DATABASE; for an SQLite file give --db/],
      ['postgres://a:b@host:99999/x', 2, /the database URL is not a URL: give one as postgres:\/\/USER@HOST:5432\/DATABASE/],
      [postgresUrl(server, `${box.postgres!.name}_none`), 2, /has no database "tpt_e2e_[0-9a-f]+_none": create it \(createdb/],
      [postgresUrl({ ...server, port: 1 }, 'x'), 1, /nothing answers at 127\.0\.0\.1:1 \(connection refused\): start PostgreSQL there/],
      [box.postgres!.url, 1, /database "tpt_e2e_[0-9a-f]+" holds no tpt schema: create it with tpt init --database URL/],
      [postgresUrl({ ...server, password: 'wrong' }, box.postgres!.name), 1, /refused the password of user "tpt_test": set PGPASSWORD or a ~\/\.pgpass line/],
    ];
    for (const [url, code, message] of cases) {
      const result = box.spawn(['sessions', 'c42'], { TPT_DATABASE_URL: url });
      expect(result.code, `${url}: ${result.stderr}`).toBe(code);
      expect(oneLine(result.stderr), url).toMatch(message);
      // The password of the URL is never printed.
      expect(result.stderr).not.toContain(server.password);
    }
    const flag = box.spawn(['sessions', 'c42', '--database', '/home/me/tpt.db'], { TPT_DATABASE_URL: '' });
    expect(flag.code).toBe(2);
    expect(oneLine(flag.stderr)).toMatch(/^tpt: --database takes a PostgreSQL URL such as postgres:\/\/USER@HOST:5432\/DATABASE; for an SQLite file give --db \(or TPT_DB\) instead$/);
    const both = box.spawn(['--db', join(box.home, 'x.db'), 'sessions', 'c42']);
    expect(both.code).toBe(2);
    expect(oneLine(both.stderr)).toBe('tpt: give either --db (an SQLite file) or TPT_DATABASE_URL (a PostgreSQL database), not both');
  });

  it('after tpt rekey opens with the new key, and no longer with the old one alone', () => {
    const box = sandbox();
    expect(box.spawn(['init']).code).toBe(0);
    const rekeyed = box.spawn(['--json', 'rekey']);
    expect(rekeyed.code, rekeyed.stderr).toBe(0);
    const checked = box.spawn(['--json', 'check']);
    expect(checked.code, checked.stderr).toBe(0);
    expect(JSON.parse(checked.stdout).key_file).toMatch(/\/keys\/[^/]+\.key$/);
    const old = box.spawn(['check'], { TPT_KEY_FILE: box.keyPath });
    expect(old.code).toBe(1);
    expect(oneLine(old.stderr)).toContain(`wrong key or passphrase (the key file ${box.keyPath} does not open it)`);
  });

  it('takes the password from PGPASSWORD or ~/.pgpass when the URL has none', () => {
    const box = sandbox();
    const bare = `postgres://${server.user}@${server.host}:${server.port}/${box.postgres!.name}`;
    expect(box.spawn(['init'], { TPT_DATABASE_URL: bare, PGPASSWORD: server.password }).code).toBe(0);
    const pgpass = join(box.home, '.pgpass');
    writeFileSync(pgpass, `${server.host}:${server.port}:${box.postgres!.name}:${server.user}:${server.password}\n`);
    chmodSync(pgpass, 0o600);
    const listed = box.spawn(['--json', 'init'], { TPT_DATABASE_URL: bare });
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout).database).toBe(bare);
  });

  it('a command still on the SQLite store says in one line that it is not there yet, after checking the database', async () => {
    const box = sandbox();
    expect(box.spawn(['init']).code).toBe(0);
    const { ctx } = buildProgram({ stdin: process.stdin, stdout: { write: () => true }, stderr: { write: () => true }, env: box.env });
    ctx.commandName = 'backup';
    try {
      await expect(ctx.openStore()).rejects.toThrow(
        /^`tpt backup` is not available on PostgreSQL yet \(postgres:\/\/tpt_test:\*\*\*@127\.0\.0\.1:\d+\/tpt_e2e_[0-9a-f]+\): run it on an SQLite database \(--db\), or without --database and TPT_DATABASE_URL$/);
      // It opened the database first (a wrong URL says so instead), and closes it with the run.
      expect(ctx.openedKey?.keyFile).toBe(box.keyPath);
    } finally {
      await ctx.close();
    }
    expect(await connectionsTo(box.postgres!.name)).toBe(0);
  });

  it('completes no ids from PostgreSQL (a TAB opens no connection), nor from the file beside it', () => {
    const box = sandbox();
    expect(box.spawn(['init'], { TPT_DATABASE_URL: '' }).code).toBe(0);
    expect(box.spawn(['log-session', '--client', 'c42', '--mood', 'positive', '--summary', 'x', '--duration', '50'], { TPT_DATABASE_URL: '' }).code).toBe(0);
    expect(box.spawn(['__complete', 'clients'], { TPT_DATABASE_URL: '' }).stdout).toBe('c42\n');
    const named = box.spawn(['__complete', 'clients']);
    expect(named).toEqual({ code: 0, stdout: '', stderr: '' });
    const typed = box.spawn(['__complete', 'clients', '--database', box.postgres!.url, '--', 'c'], { TPT_DATABASE_URL: '' });
    expect(typed).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('closes its connections at the end of a run in this process', async () => {
    const box = sandbox();
    expect(box.spawn(['init']).code).toBe(0);
    const result = await box.run(['init']);
    expect(result.code, result.stderr).toBe(0);
    expect(await connectionsTo(box.postgres!.name)).toBe(0);
  });
});

/** tpt's connections to a database that are still open. */
async function connectionsTo(database: string): Promise<number> {
  return asSuperuser(server, async (client) => {
    const { rows } = await client.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'tpt'", [database]);
    return rows[0]!.n;
  });
}
