import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Every run, in-process or spawned, sees the same time zone.
    env: { TZ: 'Europe/Berlin' },
    projects: [
      {
        extends: true,
        test: { name: 'tpt', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, 'test/pg/**'] },
      },
      {
        // The PostgreSQL engine's tests: their global setup starts a real server (test/support/
        // postgres-global.ts), and vitest runs it only when one of these files is selected.
        extends: true,
        test: { name: 'pg', include: ['test/pg/**/*.test.ts'], globalSetup: ['test/support/postgres-global.ts'] },
      },
    ],
  },
});
