import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { openSqliteStore } from '../../src/db/engine.js';
import { openPool } from '../../src/pg/connect.js';
import { fieldKeyFrom } from '../../src/pg/field-cipher.js';
import { migrate } from '../../src/pg/migrate.js';
import { PgRecordStore } from '../../src/pg/record-store.js';
import type { RecordStore } from '../../src/store/port.js';
import { asSuperuser, postgresUrl } from '../support/postgres.js';

/**
 * Each engine of the store port, as the contract suite plugs it in (Kysely's tests run one body
 * over every dialect the same way). `open` gives a fresh, empty database and two stores on it
 * that share nothing in this process (two SQLite connections, two PostgreSQL pools), as two
 * processes of tpt would be.
 */
export interface EngineUnderTest {
  name: 'sqlite' | 'postgres';
  open(): Promise<{ stores: [RecordStore, RecordStore]; dispose(): Promise<void> }>;
}

const KEY_HEX = randomBytes(32).toString('hex');

export const ENGINES: EngineUnderTest[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'tpt-store-'));
      const path = join(dir, 'tpt.db');
      const key = { kind: 'raw', hex: KEY_HEX } as const;
      const first = openSqliteStore(path, key, { create: true });
      const stores: [RecordStore, RecordStore] = [first, openSqliteStore(path, key)];
      return {
        stores,
        async dispose() {
          await Promise.all(stores.map((store) => store.close()));
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    async open() {
      const server = inject('postgres');
      const name = `tpt_store_${randomBytes(6).toString('hex')}`;
      await asSuperuser(server, (client) => client.query(`CREATE DATABASE ${name}`));
      const url = postgresUrl(server, name);
      const first = await openPool(url);
      await migrate(first);
      const keys = [fieldKeyFrom({ kind: 'raw', hex: KEY_HEX })] as const;
      const stores: [RecordStore, RecordStore] = [new PgRecordStore(first, keys), new PgRecordStore(await openPool(url), keys)];
      return {
        stores,
        async dispose() {
          await Promise.all(stores.map((store) => store.close()));
          await asSuperuser(server, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
        },
      };
    },
  },
];
