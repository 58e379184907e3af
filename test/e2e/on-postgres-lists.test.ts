import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { E2E_NOT_YET_ON_POSTGRES, E2E_ON_POSTGRES, E2E_SQLITE_ONLY } from './on-postgres.js';

/** The matrix says, for every end-to-end file, whether it runs on PostgreSQL, and why not. */
it('names every end-to-end file once: on PostgreSQL too, SQLite\'s alone, or not yet', () => {
  const files = readdirSync(new URL('.', import.meta.url)).filter((name) => name.endsWith('.test.ts'))
    .map((name) => `test/e2e/${name}`).filter((file) => file !== 'test/e2e/on-postgres-lists.test.ts').sort();
  const named = [...E2E_ON_POSTGRES, ...Object.keys(E2E_SQLITE_ONLY), ...Object.keys(E2E_NOT_YET_ON_POSTGRES)];
  expect([...named].sort()).toEqual(files);
  expect(new Set(named).size).toBe(named.length);
});
