import { configDefaults, defineConfig } from 'vitest/config';
import { E2E_ON_POSTGRES } from './test/e2e/on-postgres.js';

/** What every project's tests share. */
const shared = {
  testTimeout: 30_000,
  hookTimeout: 30_000,
  // Every run, in-process or spawned, sees the same time zone.
  env: { TZ: 'Europe/Berlin' },
};

export default defineConfig({
  test: {
    ...shared,
    // The end-to-end tests run bin/tpt.js over bundle/: rebuilt first when older than src/. Here,
    // at the root, it runs once per run; the projects below do not inherit it (no `extends`).
    globalSetup: ['test/build/fresh-bundle.setup.ts'],
    projects: [
      {
        test: { ...shared, name: 'tpt', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/pg/**', 'test/store/**'] },
      },
      {
        // The PostgreSQL engine's tests, and the store port's contract suite over both engines:
        // their global setup starts a real server (test/support/postgres-global.ts), and vitest
        // runs it only when one of these files is selected.
        test: { ...shared, name: 'pg', include: ['test/pg/**/*.test.ts', 'test/store/**/*.test.ts'], globalSetup: ['test/support/postgres-global.ts'] },
      },
      {
        // The end-to-end matrix: the files of E2E_ON_POSTGRES again, every sandbox on a database of
        // the test server (test/helpers.ts, TPT_TEST_ENGINE). TPT_E2E_ON_POSTGRES (a comma-separated
        // list of files) tries others without editing the list.
        test: {
          ...shared,
          name: 'e2e-pg',
          include: process.env.TPT_E2E_ON_POSTGRES?.split(',').filter(Boolean) ?? E2E_ON_POSTGRES,
          env: { ...shared.env, TPT_TEST_ENGINE: 'postgres' },
          globalSetup: ['test/support/postgres-global.ts'],
          // vitest refuses a project that includes nothing; the list is empty only at its start.
          passWithNoTests: true,
        },
      },
    ],
  },
});
