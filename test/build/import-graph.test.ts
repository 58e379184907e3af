import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The layers of tpt (README, "Architecture"), read from the source's imports:
 *
 *   faces (src/commands, src/server, src/api, src/cli.ts, src/setup.ts, src/completion)
 *     → core's use cases (src/core)
 *       → the store port (src/store/port*.ts)
 *         → the engines (src/db: SQLite; src/pg: PostgreSQL)
 *   with src/domain and src/store/errors.ts a floor below all of them.
 *
 * A face reaches the records through core, or through the store the context opens: from
 * src/store it imports only types of the port (`import type`) and the store's errors, never an
 * engine nor the opener (src/store/open.ts, which only src/context.ts loads).
 *
 * ALLOWED lists the files that may break a rule: none, since every face, core and engine keeps
 * the layers (issue 22). It stays, empty, for the test's own negative cases below; a file listed
 * that keeps its rule fails the test too, so that a list never grows back unnoticed.
 */
const ROOT = new URL('../../', import.meta.url).pathname;

type Rule = 'core imports an engine' | 'the store imports core' | 'an engine imports core' | 'a face imports around core';

const ALLOWED: Record<Rule, string[]> = {
  'core imports an engine': [],
  'the store imports core': [],
  'an engine imports core': [],
  'a face imports around core': [],
};

interface Import {
  /** The imported file, relative to the root (src/...ts), or the package's name. */
  target: string;
  /** Only types come of it (`import type`, `import('…').Type`). */
  typeOnly: boolean;
}

/** Every import and re-export of a source file, static and dynamic, with whether it is type-only. */
export function importsOf(file: string): Import[] {
  return importsIn(file, readFileSync(join(ROOT, file), 'utf8'));
}

/** The imports of `text`, as the source of `file`. */
function importsIn(file: string, text: string): Import[] {
  const found: Import[] = [];
  const resolve = (spec: string) => (spec.startsWith('.') ? normalize(join(dirname(file), spec)).replace(/\.js$/, '.ts') : spec);
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?([^'";]*?)\s*from\s*'([^']+)'/gm)) {
    const names = match[3]!;
    // `import { type A, type B } from` is type-only too; a bare `import './x.js'` has no `from`.
    const allTypes = /^\{[^}]*\}$/.test(names.trim()) && names.replace(/[{}\s]/g, '').split(',').filter(Boolean).every((name) => name.startsWith('type'));
    found.push({ target: resolve(match[4]!), typeOnly: match[2] !== undefined || allTypes });
  }
  for (const match of text.matchAll(/^\s*import\s+'([^']+)'/gm)) found.push({ target: resolve(match[1]!), typeOnly: false });
  for (const match of text.matchAll(/import\(\s*'([^']+)'\s*\)(\.)?/g)) {
    found.push({ target: resolve(match[1]!), typeOnly: match[2] !== undefined });
  }
  return found;
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir)).flatMap((name) => {
    const path = `${dir}/${name}`;
    if (statSync(join(ROOT, path)).isDirectory()) return sourcesUnder(path);
    return name.endsWith('.ts') && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const under = (dir: string) => (target: string) => target.startsWith(`${dir}/`);
const isCore = under('src/core');
const isEngine = (target: string) => under('src/db')(target) || under('src/pg')(target);
const FACES = ['src/commands', 'src/server', 'src/api', 'src/completion'];
const FACE_FILES = ['src/cli.ts', 'src/setup.ts', 'src/complete.ts'];
/** The library's context (openJournal): it opens the store as src/context.ts does, and still imports no engine. */
const LIBRARY_CONTEXT = 'src/api/journal.ts';

/** What a face may take from src/store: the port's types, and the errors it words. */
function faceMayImport(entry: Import): boolean {
  if (isEngine(entry.target)) return false;
  if (!under('src/store')(entry.target)) return true;
  if (entry.target === 'src/store/errors.ts') return true;
  return entry.typeOnly && /^src\/store\/port(-[a-z]+)?\.ts$/.test(entry.target);
}

/** The files that break each rule, and what they import that breaks it. */
function violations(read = importsOf, under = sourcesUnder): Record<Rule, Map<string, string[]>> {
  const result: Record<Rule, Map<string, string[]>> = {
    'core imports an engine': new Map(),
    'the store imports core': new Map(),
    'an engine imports core': new Map(),
    'a face imports around core': new Map(),
  };
  const note = (rule: Rule, file: string, bad: Import[]) => {
    if (bad.length > 0) result[rule].set(file, bad.map((entry) => entry.target));
  };
  for (const file of under('src/core')) note('core imports an engine', file, read(file).filter((entry) => isEngine(entry.target)));
  for (const file of under('src/store')) note('the store imports core', file, read(file).filter((entry) => isCore(entry.target)));
  for (const file of [...under('src/db'), ...under('src/pg')]) {
    note('an engine imports core', file, read(file).filter((entry) => isCore(entry.target)));
  }
  for (const file of [...FACES.flatMap(under), ...FACE_FILES]) {
    const opens = (entry: Import) => file === LIBRARY_CONTEXT && entry.target === 'src/store/open.ts';
    note('a face imports around core', file, read(file).filter((entry) => !faceMayImport(entry) && !opens(entry)));
  }
  return result;
}

describe('the import graph keeps the layers', () => {
  it('reads imports as written: static, re-exported, dynamic, and which are types only', () => {
    const imports = importsOf('src/context.ts');
    expect(imports).toContainEqual({ target: 'src/store/port.ts', typeOnly: true });
    expect(imports).toContainEqual({ target: 'src/paths.ts', typeOnly: false });
    expect(imports).toContainEqual({ target: 'src/store/open.ts', typeOnly: false });
    expect(importsOf('src/cli.ts')).toContainEqual({ target: 'src/store/errors.ts', typeOnly: true });
    expect(importsOf('src/api/index.ts')).toContainEqual({ target: 'src/api/journal.ts', typeOnly: false });
    expect(faceMayImport({ target: 'src/store/port.ts', typeOnly: false })).toBe(false);
    expect(faceMayImport({ target: 'src/store/port-care.ts', typeOnly: true })).toBe(true);
    expect(faceMayImport({ target: 'src/store/open.ts', typeOnly: false })).toBe(false);
    expect(faceMayImport({ target: 'src/db/engine.ts', typeOnly: true })).toBe(false);
  });

  it('finds a file that breaks each rule (so that an empty ALLOWED means something)', () => {
    const planted: Record<string, string> = {
      'src/core/planted.ts': "import type { Store } from '../db/store.js';\nimport { appendAudit } from './audit.js';",
      'src/store/planted.ts': "import type { RecordStore } from './port.js';\nexport { appendAudit } from '../core/audit.js';",
      'src/pg/planted.ts': "const { stateOf } = await import('../core/sessions.js');",
      'src/db/fine.ts': "import { Store } from './store.js';",
      'src/commands/planted.ts': [
        "import { openRecordStore } from '../store/open.js';",
        "import type { RecordStore } from '../store/port-layers.js';",
        "import { StoreError } from '../store/errors.js';",
        "import { listSessions } from '../core/sessions.js';",
      ].join('\n'),
      'src/server/planted.ts': "const { SqliteRecordStore } = await import('../db/engine.js');",
      'src/cli.ts': "import { Store } from './db/store.js';",
      'src/api/journal.ts': "import { openRecordStore } from '../store/open.js';\nimport { readKeyFile } from '../db/key-file.js';",
    };
    const broken = violations(
      (file) => importsIn(file, planted[file] ?? ''),
      (dir) => Object.keys(planted).filter((file) => file.startsWith(`${dir}/`)),
    );
    const listed = (rule: Rule) => Object.fromEntries(broken[rule]);
    expect(listed('core imports an engine')).toEqual({ 'src/core/planted.ts': ['src/db/store.ts'] });
    expect(listed('the store imports core')).toEqual({ 'src/store/planted.ts': ['src/core/audit.ts'] });
    expect(listed('an engine imports core')).toEqual({ 'src/pg/planted.ts': ['src/core/sessions.ts'] });
    expect(listed('a face imports around core')).toEqual({
      'src/commands/planted.ts': ['src/store/open.ts'],
      'src/server/planted.ts': ['src/db/engine.ts'],
      'src/cli.ts': ['src/db/store.ts'],
      'src/api/journal.ts': ['src/db/key-file.ts'],
    });
  });

  const found = violations();
  for (const rule of Object.keys(ALLOWED) as Rule[]) {
    it(`no new file where ${rule}, and every file listed still does (the list only shrinks)`, () => {
      const breaking = found[rule];
      const fresh = [...breaking.keys()].filter((file) => !ALLOWED[rule].includes(file));
      expect(fresh.map((file) => `${file} → ${breaking.get(file)!.join(', ')}`), `${rule}: move these onto the port`).toEqual([]);
      const mended = ALLOWED[rule].filter((file) => !breaking.has(file));
      expect(mended, `${rule}: these keep the rule now; take them off ALLOWED in ${relative(ROOT, new URL(import.meta.url).pathname)}`).toEqual([]);
    });
  }

  it('only the context (and the library\'s, which has none) loads the opener, and the opener imports no core', () => {
    const loaders = [...FACES.flatMap(sourcesUnder), ...FACE_FILES, ...sourcesUnder('src/core'), 'src/context.ts']
      .filter((file) => importsOf(file).some((entry) => entry.target === 'src/store/open.ts' && !entry.typeOnly));
    // openJournal is the library's context: it opens a file or a postgres:// URL as the command line does.
    expect(loaders.sort()).toEqual(['src/api/journal.ts', 'src/context.ts']);
    for (const file of ['src/store/open.ts', 'src/store/open-pg.ts']) {
      expect(importsOf(file).filter((entry) => isCore(entry.target)), file).toEqual([]);
    }
  });
});
