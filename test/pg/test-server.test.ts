import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/postgres.js';

const database = useTestDatabase();

describe('the test PostgreSQL', () => {
  it('is a real server of the pinned major, reached over TCP with a password, in its own database', async () => {
    const client = new pg.Client({ connectionString: database.url() });
    await client.connect();
    try {
      const row = (await client.query<{ version: string; db: string; fsync: string }>(
        `SELECT current_setting('server_version_num') AS version, current_database() AS db, current_setting('fsync') AS fsync`,
      )).rows[0]!;
      expect(Number(row.version)).toBeGreaterThanOrEqual(170000);
      expect(row.db).toBe(database.name);
      expect(row.fsync).toBe('off');
    } finally {
      await client.end();
    }
  });

  it('refuses a wrong password (scram-sha-256, not trust)', async () => {
    const client = new pg.Client({ ...database.server, password: 'wrong', database: database.name });
    await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
  });
});
