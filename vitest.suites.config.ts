import { defineConfig } from 'vitest/config';

/** The long suites (`npm run test:crash`, `npm run test:load`): not part of `npm test`. */
export default defineConfig({
  test: {
    include: ['test/suites/**/*.suite.ts'],
    testTimeout: 3_600_000,
    hookTimeout: 120_000,
    env: { TZ: 'Europe/Berlin' },
    // The suites run bin/tpt.js over bundle/: rebuilt first when older than src/.
    globalSetup: ['test/build/fresh-bundle.setup.ts'],
  },
});
