import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { bundleAge } from './bundle-age.js';

/**
 * vitest's globalSetup: before any test, bundle/ is rebuilt when it is older than the sources, so
 * `npx vitest run` tests the program as it is, as `npm test` (which builds first) does. A build
 * that fails stops the run: its errors are the first thing to fix.
 */
export default function freshBundle(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const { stale } = bundleAge(root);
  if (stale === undefined) return;
  process.stderr.write(`tpt tests: ${stale}; running npm run build first\n`);
  try {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  } catch {
    throw new Error('npm run build failed (above), so the tests would run an old program: fix the build first');
  }
  const after = bundleAge(root).stale;
  if (after !== undefined) throw new Error(`after npm run build, still ${after}: is the clock of this machine behind a file's time?`);
}
