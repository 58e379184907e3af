import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Every run, in-process or spawned, sees the same time zone.
    env: { TZ: 'Europe/Berlin' },
    // The end-to-end tests run bin/tpt.js over bundle/: rebuilt first when older than src/.
    globalSetup: ['test/build/fresh-bundle.setup.ts'],
  },
});
