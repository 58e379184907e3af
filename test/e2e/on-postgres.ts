/**
 * The end-to-end files that run on PostgreSQL as well as on SQLite: the vitest project `e2e-pg`
 * (vitest.config.ts) runs each again with TPT_TEST_ENGINE=postgres, so that every Sandbox
 * (test/helpers.ts) keeps its records in a new database of the run's test server, named in
 * TPT_DATABASE_URL for every command it runs.
 *
 * Grow this list as the commands move onto the store port (issue 22): a file belongs here once
 * every command it runs works on PostgreSQL; a file that looks at the SQLite file itself (its
 * bytes, its mode, its pages) never does.
 */
export const E2E_ON_POSTGRES: string[] = [
  'test/e2e/open-database.test.ts',
];
