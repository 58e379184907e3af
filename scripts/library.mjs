// Builds the library face (`import { openJournal } from 'tpt'`, src/api/) into lib/: index.js
// (ESM) and index.cjs (CommonJS), each one file of tpt's own code over its dependencies, which
// stay packages a consumer's node_modules holds (one copy of zod and of the SQLite driver). The
// types come from tsc (tsconfig.api.json) into lib/types/. Nothing of the command line's bundles
// (scripts/bundle.mjs) is shared: a program that uses the library never loads commander or the
// server, and the command line never loads this.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

rmSync('lib', { recursive: true, force: true });

const common = {
  entryPoints: ['src/api/index.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  sourcemap: true,
};

await build({ ...common, format: 'esm', outfile: 'lib/index.js' });
await build({
  ...common,
  format: 'cjs',
  outfile: 'lib/index.cjs',
  // src/db/driver.ts finds its driver through import.meta.url, which CommonJS has not.
  define: { 'import.meta.url': '__tptLibraryUrl' },
  banner: { js: "var __tptLibraryUrl=require('node:url').pathToFileURL(__filename).href;" },
});
