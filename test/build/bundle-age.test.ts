import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleAge } from './bundle-age.js';

// The check behind test/build/fresh-bundle.setup.ts, on a made-up checkout with set file times.

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function checkout(times: Record<string, number>): string {
  const root = mkdtempSync(join(tmpdir(), 'tpt-bundle-age-'));
  roots.push(root);
  for (const [file, seconds] of Object.entries(times)) {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), '');
    utimesSync(join(root, file), seconds, seconds);
  }
  return root;
}

describe('bundleAge', () => {
  it('is fresh when every .cjs of bundle/ is newer than every source', () => {
    expect(bundleAge(checkout({ 'src/core/report.ts': 100, 'src/cli.ts': 200, 'package-lock.json': 50, 'bundle/tpt.cjs': 300, 'bundle/tpt.report.cjs': 301 })).stale).toBeUndefined();
  });

  it('is stale when a source deep in src/ was edited after the build', () => {
    expect(bundleAge(`${checkout({ 'src/core/report.ts': 400, 'bundle/tpt.cjs': 300 })}/`).stale).toBe('src/core/report.ts is newer than bundle/');
    expect(bundleAge(checkout({ 'src/core/report.ts': 400, 'src/cli.ts': 200, 'bundle/tpt.cjs': 300 })).stale).toBe('src/core/report.ts is newer than bundle/');
  });

  it('counts the oldest file of the bundle, and the dependencies and the bundler', () => {
    expect(bundleAge(checkout({ 'src/cli.ts': 250, 'bundle/tpt.cjs': 200, 'bundle/tpt.help.cjs': 300 })).stale).toBe('src/cli.ts is newer than bundle/');
    expect(bundleAge(checkout({ 'src/cli.ts': 100, 'package-lock.json': 400, 'bundle/tpt.cjs': 300 })).stale).toBe('package-lock.json is newer than bundle/');
    expect(bundleAge(checkout({ 'src/cli.ts': 100, 'scripts/bundle.mjs': 400, 'bundle/tpt.cjs': 300 })).stale).toBe('scripts/bundle.mjs is newer than bundle/');
  });

  it('is stale when there is no bundle', () => {
    expect(bundleAge(checkout({ 'src/cli.ts': 100 })).stale).toBe('there is no bundle/');
    expect(bundleAge(checkout({ 'src/cli.ts': 100, 'bundle/meta.json': 300 })).stale).toBe('there is no bundle/');
  });
});
