import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Every run, in-process or spawned, sees the same time zone.
    env: { TZ: 'Europe/Berlin' },
  },
});
