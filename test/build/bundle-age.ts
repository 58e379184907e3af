import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Whether bundle/ was built from the sources as they are: the end-to-end tests run bin/tpt.js,
 * which loads bundle/, so an edit to src/ without `npm run build` would quietly test the old
 * program (issue 26). Times are the files' modification times, which an edit, a checkout or a
 * merge all move forward.
 */

/** What the bundle is built from: the sources, the bundler, and the dependencies' versions. */
const INPUTS = ['src', 'scripts/bundle.mjs', 'package-lock.json', 'tsconfig.build.json'];

export interface BundleAge {
  /** Why the bundle is not fresh, or undefined when it is. */
  stale: string | undefined;
}

export function bundleAge(root: string): BundleAge {
  const built = oldest(join(root, 'bundle'));
  if (built === undefined) return { stale: 'there is no bundle/' };
  const newest = newestOf(INPUTS.map((input) => join(root, input)));
  if (newest && newest.mtimeMs > built) return { stale: `${relative(root, newest.file)} is newer than bundle/` };
  return { stale: undefined };
}

/** The oldest time among the bundle's .cjs files: the start of the last build that wrote them. */
function oldest(dir: string): number | undefined {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.cjs'));
  } catch {
    return undefined;
  }
  if (files.length === 0) return undefined;
  return Math.min(...files.map((file) => statSync(join(dir, file)).mtimeMs));
}

function newestOf(paths: string[]): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  const visit = (path: string): void => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return; // an input a checkout lacks (no lock file) cannot be newer
    }
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else if (!newest || stat.mtimeMs > newest.mtimeMs) {
      newest = { file: path, mtimeMs: stat.mtimeMs };
    }
  };
  for (const path of paths) visit(path);
  return newest;
}
