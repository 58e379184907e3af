// Bundles the command line into bundle/ for bin/tpt.js, as CommonJS: Node 20's ESM loader cost
// more at each start than everything tpt does for `--help`, and bin/tpt.js compiles the one
// script a run reads with V8's code cache (see there). The files:
// - bundle/tpt.cjs: tpt and its libraries. A module reached only through `await import()` stays
//   a lazy initialiser inside it, so a command runs the top level of only what it uses;
// - bundle/tpt.NAME.cjs: the same with one command alone (what a run of it reads), and
//   tpt.help.cjs with none, for the command list of `tpt --help`;
// - bundle/complete.cjs: `tpt __complete`, the fast path of shell completion (no commander, no
//   commands);
// - bundle/prompts.cjs, zxcvbn-*.cjs: libraries only some runs need (VENDORED below).
// - bundle/migrations.cjs: the schema's migrations, read by a run that makes or upgrades a file;
// - bundle/pg-engine.cjs: the PostgreSQL engine, read by a run with a postgres:// database.
// bundle/meta.json is esbuild's metafile of tpt.cjs, complete.cjs and each tpt.NAME.cjs (the module
// graph is the whole program's): test/e2e/startup.test.ts reads it to keep the start-up path
// honest. Type checking stays with tsc.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

rmSync('bundle', { recursive: true, force: true });

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  // Pure ASCII, so bin/tpt.js reads it as a one-byte string (the default; checked below).
  charset: 'ascii',
  // Maps for stack traces under TPT_DEBUG=1 (bin/tpt.js turns them on); never read otherwise.
  sourcemap: true,
  logLevel: 'warning',
};

/**
 * Libraries only some runs need, each in a file of its own beside tpt.cjs, so that every other run
 * neither reads nor compiles them: the prompts (a person at a terminal) and the passphrase
 * strength estimator's dictionaries (setting a passphrase), 560 KB and 1.7 MB, and age with its
 * ciphers (an encrypted export or import), 150 KB.
 */
const VENDORED = {
  '@inquirer/prompts': 'prompts',
  '@zxcvbn-ts/core': 'zxcvbn-core',
  '@zxcvbn-ts/language-common': 'zxcvbn-language-common',
  '@zxcvbn-ts/language-en': 'zxcvbn-language-en',
  'age-encryption': 'age',
  // Metrics (`tpt serve --metrics-port`), 100 KB that no other run needs.
  'prom-client': 'prom-client',
  // `tpt serve`'s HTTP framework and its OpenAPI writer (src/server/http.ts loads them when the
  // service starts): no other run reads them.
  fastify: 'fastify',
  '@fastify/swagger': 'fastify-swagger',
};

/**
 * A script compiled by bin/tpt.js (node:vm) cannot run `import()` on Node 20 without a flag, so a
 * dynamic import of a Node built-in or of a vendored library becomes a require() here.
 */
const dynamicImportAsRequire = {
  name: 'dynamic-import-as-require',
  setup(build) {
    // The PostgreSQL engine and its driver (src/store/open.ts loads them for a postgres:// URL
    // only): bundle/pg-engine.cjs, below, never in a command's bundle.
    build.onResolve({ filter: /^\.\/open-pg\.js$/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !args.importer.endsWith('src/store/open.ts')) return undefined;
      return { path: './pg-engine.cjs', namespace: 'required' };
    });
    build.onResolve({ filter: /^(node:|@inquirer\/|@zxcvbn-ts\/|age-encryption$|prom-client$|pdfkit$|fastify$|@fastify\/swagger$)/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      if (args.path.startsWith('node:')) return { path: args.path, namespace: 'required' };
      // PDFKit loads its fonts through a require of its own that no bundler can follow: it stays
      // in node_modules (a dependency), required only by `report --format pdf`.
      if (args.path === 'pdfkit') return { path: 'pdfkit', namespace: 'required' };
      const file = VENDORED[args.path];
      if (!file) throw new Error(`${args.path} is imported lazily but not vendored: add it to VENDORED in scripts/bundle.mjs`);
      return { path: `./${file}.cjs`, namespace: 'required' };
    });
    // The vendored files this plugin names; a library's own `./name.cjs` (prom-client's) is bundled.
    build.onResolve({ filter: /^\.\/[\w-]+\.cjs$/ }, (args) =>
      args.namespace === 'required' ? { path: args.path, external: true } : undefined);
    build.onResolve({ filter: /^pdfkit$/ }, (args) => (args.namespace === 'required' ? { path: args.path, external: true } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'required' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

/**
 * commander loads node:child_process (and with it net, dgram and the stream machinery) when it is
 * loaded, for the stand-alone executable subcommands tpt does not have: it gets it when it uses it.
 */
const lazyChildProcessForCommander = {
  name: 'lazy-child-process-for-commander',
  setup(build) {
    build.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes('node_modules/commander/') ? { path: args.path, namespace: 'lazy' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
      contents: `module.exports = new Proxy({}, { get: (_, key) => require(${JSON.stringify(args.path)})[key] });`,
      loader: 'js',
    }));
  },
};

/**
 * zod's v3 schemas bind 24 of their methods and make a `~standard` object in their constructor:
 * some 1.5 KB and a dozen microseconds for every schema a run builds, most never called. That
 * was 3 ms of each `tpt log-session` (it fills V8's young generation, a scavenge of its own).
 * Here each is bound when first read instead (a getter on ZodType.prototype that leaves the bound
 * method on the schema, as the constructor did), so `const { parse } = schema` still works. A
 * zod whose constructor reads otherwise stops the build rather than run unpatched.
 */
const ZOD_BOUND = ['parse', 'safeParse', 'parseAsync', 'safeParseAsync', 'refine', 'refinement', 'superRefine', 'optional',
  'nullable', 'nullish', 'array', 'promise', 'or', 'and', 'transform', 'brand', 'default', 'catch', 'describe', 'pipe',
  'readonly', 'isNullable', 'isOptional'];
const zodLazyBinding = {
  name: 'zod-lazy-binding',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/]zod[\\/]v3[\\/]types\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const eager = [
        '        /** Alias of safeParseAsync */\n        this.spa = this.safeParseAsync;\n        this._def = def;\n',
        ...ZOD_BOUND.map((name) => `        this.${name} = this.${name}.bind(this);\n`).flatMap((line, index) => (index === 3 ? [line, '        this.spa = this.spa.bind(this);\n'] : [line])),
      ].join('');
      const standard = /        this\["~standard"\] = \{\n            version: 1,\n            vendor: "zod",\n            validate: \(data\) => this\["~validate"\]\(data\),\n        \};\n/;
      const at = source.indexOf(eager);
      if (at < 0 || !standard.test(source.slice(at + eager.length)) || !/^export class ZodType \{$/m.test(source)) {
        throw new Error(`${args.path}: zod's ZodType constructor is not as scripts/bundle.mjs (zodLazyBinding) knows it`);
      }
      const contents = source.slice(0, at) + '        this._def = def;\n' + source.slice(at + eager.length).replace(standard, '') + `
// scripts/bundle.mjs: the methods the constructor bound, bound when first read.
{
  const own = (self, key, value) => Object.defineProperty(self, key, { value, writable: true, enumerable: true, configurable: true });
  const lazily = (key, make) => Object.defineProperty(ZodType.prototype, key, {
    configurable: true,
    get() { return own(this, key, make(this))[key]; },
    set(value) { own(this, key, value); },
  });
  for (const key of ${JSON.stringify(ZOD_BOUND)}) {
    const method = ZodType.prototype[key];
    lazily(key, (self) => method.bind(self));
  }
  lazily('spa', (self) => self.safeParseAsync);
  lazily('~standard', (self) => ({ version: 1, vendor: 'zod', validate: (data) => self['~validate'](data) }));
}
`;
      return { contents, loader: 'js' };
    });
  },
};

await build({
  ...common,
  entryPoints: Object.fromEntries(Object.entries(VENDORED).map(([library, file]) => [file, library])),
  outdir: 'bundle',
  outExtension: { '.js': '.cjs' },
  charset: 'utf8',
});

/**
 * The PostgreSQL engine, its driver and tpt's opener of it (src/store/open-pg.ts), 200 KB that
 * only a run with a postgres:// database reads. The store's errors are the command line's own
 * classes (src/store/open.ts hands them over before it loads this file), so that `instanceof`
 * in core and src/cli.ts holds for an error the engine raised.
 */
const sharedStoreErrors = {
  name: 'shared-store-errors',
  setup(build) {
    build.onResolve({ filter: /errors\.js$/ }, (args) =>
      (resolve(args.resolveDir, args.path).endsWith('/src/store/errors.js') ? { path: 'store-errors', namespace: 'shared' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'shared' }, () => ({
      contents: "module.exports = globalThis[Symbol.for('tpt.store-errors')];",
      loader: 'js',
    }));
  },
};
await build({
  ...common,
  entryPoints: { 'pg-engine': 'src/store/open-pg.ts' },
  outdir: 'bundle',
  outExtension: { '.js': '.cjs' },
  sourcemap: false,
  external: ['pg-native', 'pg-cloudflare'],
  plugins: [sharedStoreErrors],
});

/**
 * The command list of `tpt --help` (src/cli.ts, LISTING): a run that names no command shows it
 * without building every command, from the lines the whole program (tsc's dist/) writes.
 */
const { buildProgram } = await import('../dist/cli.js');
const silent = { write: () => true };
const { program } = buildProgram({ stdin: process.stdin, stdout: silent, stderr: silent, env: {} });
const help = program.createHelp();
const listing = program.commands.map((command) => ({
  name: command.name(),
  term: help.subcommandTerm(command),
  description: help.subcommandDescription(command),
}));

/** Where each command's factory is exported, from tsc's dist/: { name: [file in src/commands, export] }. */
const { COMMANDS } = await import('../dist/commands/index.js');
const homes = {};
for (const file of readdirSync('dist/commands').filter((name) => name.endsWith('.js') && name !== 'index.js')) {
  const module = await import(`../dist/commands/${file}`);
  for (const [name, make] of Object.entries(COMMANDS)) {
    const exported = Object.keys(module).find((key) => module[key] === make);
    if (exported) homes[name] = [file, exported];
  }
}
const missing = listing.map((command) => command.name).filter((name) => !homes[name]);
if (missing.length > 0) throw new Error(`no module of src/commands/ exports the command(s) ${missing.join(', ')}`);

/**
 * The registry of the bundle of one command (src/commands/index.ts): that command alone, or none
 * for the bundle of `tpt --help`'s list.
 */
const oneCommand = (name) => ({
  name: 'one-command',
  setup(build) {
    build.onResolve({ filter: /^\.\/commands\/index\.js$/ }, (args) =>
      args.importer.endsWith('src/cli.ts') ? { path: name, namespace: 'commands' } : undefined);
    build.onLoad({ filter: /.*/, namespace: 'commands' }, () => {
      const home = homes[name];
      return {
        contents: home
          ? `import { ${home[1]} as make } from './${home[0]}';\nexport const COMMANDS = { ${JSON.stringify(name)}: make };\n`
          : 'export const COMMANDS = {};\n',
        resolveDir: 'src/commands',
        loader: 'ts',
      };
    });
  },
});

/**
 * The bundle of `tpt --help`'s list runs no command, so it opens no database: what src/context.ts
 * and src/cli.ts load lazily to open one (src/db, src/store's opener, the audit log) is left out
 * of it, a module that says so if it were ever run. A run that needs more loads tpt.cjs
 * (bin/tpt.js asks canRun first).
 */
const noDatabaseForHelp = {
  name: 'no-database-for-help',
  setup(build) {
    build.onResolve({ filter: /^\.\/(db\/|store\/open|core\/audit)/ }, (args) => {
      if (args.kind !== 'dynamic-import' || !/src\/(context|cli)\.ts$/.test(args.importer)) return undefined;
      return { path: args.path, namespace: 'not-in-help' };
    });
    build.onLoad({ filter: /.*/, namespace: 'not-in-help' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`tpt.help.cjs opens no database (${args.path}): this is a bug of scripts/bundle.mjs`)});`,
      loader: 'js',
    }));
  },
};

/**
 * The facets of the SQLite engine's transaction (src/db/engine.ts) that only some commands call,
 * each with the property through which core reaches it (`tx.care.courses`, `records.maintenance`):
 * 25 to 50 KB that `tpt log-session` never runs. A command's bundle whose code (but the engines')
 * never names a facet's property gets, for engine.ts's import of it, a module of the same
 * exports whose objects throw when used (a bug of this file, which the e2e tests would meet).
 * A module that another facet kept also imports stays bundled for that one.
 */
const FACETS = {
  './engine-admin.js': /\.(admin|maintenance)\b/,
  './engine-care.js': /\.care\b/,
  './engine-exchange.js': /\.exchange\b/,
  './engine-ingest.js': /\.ingest\b/,
  './engine-layers.js': /\.bulk\b/,
  './engine-practice.js': /\.practice\b/,
  './engine-search.js': /\.search\b/,
  './measure-rows.js': /\.measures\b/,
  './milestone-rows.js': /\.milestones\b/,
  './token-queries.js': /\.tokens\b/,
};
const facetExports = Object.fromEntries(Object.keys(FACETS).map((module) => {
  const source = readFileSync(resolve('src/db', module.replace(/\.js$/, '.ts')), 'utf8');
  if (/^export\s*\{/m.test(source)) throw new Error(`src/db/${module}: name each export in its declaration (scripts/bundle.mjs stubs it)`);
  return [module, [...source.matchAll(/^export (?:async )?(?:function\*?|const|let|class) (\w+)/gm)].map((match) => match[1])];
}));

/**
 * The facets a bundle's code calls, from a first build of it (not minified, tree-shaken: a module
 * of which the command runs one function counts for that one), outside the engines' own code.
 */
const facetsUsed = (text) => {
  const sections = text.split(/^\/\/ (\S+)$/m);
  const code = sections.filter((_, index) => index % 2 === 0 && !/^src\/(db|pg)\//.test(sections[index - 1] ?? '')).join('\n');
  return new Set(Object.keys(FACETS).filter((module) => FACETS[module].test(code)));
};

const withoutFacets = (unused) => ({
  name: 'without-facets',
  setup(build) {
    build.onResolve({ filter: /^\.\/[\w-]+\.js$/ }, (args) =>
      (unused.has(args.path) && args.importer.endsWith('src/db/engine.ts') ? { path: args.path, namespace: 'no-facet' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'no-facet' }, (args) => ({
      contents: [
        `const missing = new Proxy(() => missing, { apply() { fail(); }, get(_, key) { if (typeof key === 'string' && key !== 'then') fail(); } });`,
        `function fail() { throw new Error(${JSON.stringify(`this bundle carries no facet ${args.path} of src/db/engine.ts: a bug of scripts/bundle.mjs (FACETS)`)}); }`,
        ...facetExports[args.path].map((name) => `export const ${name} = () => missing;`),
      ].join('\n'),
      loader: 'js',
    }));
  },
});

/**
 * The schema's migrations (src/db/migrations.ts), 16 KB of SQL that a run reads only when it makes
 * a file or opens an older one: bundle/migrations.cjs. Every bundle's migrate() compares the
 * file's version with the latest first, and loads that file only when they differ (it throws the
 * command line's own TptError, handed over as the store's errors are to pg-engine.cjs).
 */
const { MIGRATIONS } = await import('../dist/db/migrations.js');
const sharedCoreErrors = {
  name: 'shared-core-errors',
  setup(build) {
    build.onResolve({ filter: /errors\.js$/ }, (args) =>
      (resolve(args.resolveDir, args.path).endsWith('/src/core/errors.js') ? { path: 'core-errors', namespace: 'shared' } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'shared' }, () => ({
      contents: "module.exports = globalThis[Symbol.for('tpt.core-errors')];",
      loader: 'js',
    }));
  },
};
await build({
  ...common,
  entryPoints: { migrations: 'src/db/migrations.ts' },
  outdir: 'bundle',
  outExtension: { '.js': '.cjs' },
  sourcemap: false,
  plugins: [sharedCoreErrors],
});
const migrationsApart = {
  name: 'migrations-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/migrations\.js$/ }, (args) =>
      (args.importer.endsWith('src/db/connection.ts') ? { path: 'migrations', namespace: 'migrations-apart' } : undefined));
    build.onResolve({ filter: /^\.\/migrations\.cjs$/ }, (args) =>
      (args.namespace === 'migrations-apart' ? { path: args.path, external: true } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'migrations-apart' }, () => ({
      contents: [
        "import * as errors from '../core/errors.js';",
        'export function migrate(db) {',
        `  if (db.pragma('user_version', { simple: true }) === ${MIGRATIONS.length}) return;`,
        "  globalThis[Symbol.for('tpt.core-errors')] = errors;",
        "  require('./migrations.cjs').migrate(db);",
        '}',
      ].join('\n'),
      resolveDir: resolve('src/db'),
      loader: 'js',
    }));
  },
};

const bundled = {
  ...common,
  outdir: 'bundle',
  outExtension: { '.js': '.cjs' },
  // The native driver is loaded at run time, in the major that suits the running Node; the
  // JavaScript of Node 20's major is bundled (src/db/driver.ts says why), its addon is not.
  external: ['better-sqlite3-multiple-ciphers-napi', '*.node'],
  // src/ finds files beside it (the driver, completions/) through import.meta.url.
  define: { 'import.meta.url': '__tptBundleUrl', __TPT_COMMAND_LIST: JSON.stringify(listing) },
  banner: { js: "var __tptBundleUrl=require('node:url').pathToFileURL(__filename).href;" },
  metafile: true,
};

/**
 * The whole program (tpt.cjs) and the completion entry; then a bundle of each command alone,
 * tpt.NAME.cjs, which is all a run of that command reads, and tpt.help.cjs, the command list of
 * `tpt --help` (bin/tpt.js picks one, and the whole program for anything else). Only the whole
 * program has source maps: TPT_DEBUG=1 runs it.
 */
const builds = [
  build({ ...bundled, entryPoints: { tpt: 'src/cli.ts', complete: 'src/complete.ts' }, plugins: [migrationsApart, dynamicImportAsRequire, lazyChildProcessForCommander, zodLazyBinding] }),
  ...[...listing.map((command) => command.name), 'help'].map(async (name) => {
    const plugins = [...(name === 'help' ? [noDatabaseForHelp] : []), oneCommand(name), migrationsApart, dynamicImportAsRequire, lazyChildProcessForCommander, zodLazyBinding];
    const options = { ...bundled, entryPoints: { [`tpt.${name}`]: 'src/cli.ts' }, sourcemap: false };
    const first = await build({ ...options, plugins, write: false, minify: false, metafile: false });
    const used = facetsUsed(first.outputFiles.find((file) => file.path.endsWith('.cjs')).text);
    const unused = new Set(Object.keys(FACETS).filter((module) => !used.has(module)));
    return build({ ...options, plugins: [withoutFacets(unused), ...plugins] });
  }),
];
const metafiles = (await Promise.all(builds)).map((result) => result.metafile);
const metafile = {
  inputs: Object.assign({}, ...metafiles.slice(1).map((meta) => meta.inputs), metafiles[0].inputs),
  outputs: Object.assign({}, ...metafiles.map((meta) => meta.outputs)),
};
writeFileSync('bundle/meta.json', JSON.stringify(metafile));

for (const [file, output] of Object.entries(metafile.outputs)) {
  const dynamic = output.imports.filter((entry) => entry.kind === 'dynamic-import' && entry.external);
  if (dynamic.length > 0) {
    throw new Error(`${file} keeps import() of ${dynamic.map((entry) => entry.path).join(', ')}: bin/tpt.js cannot run it on Node 20`);
  }
  if (file.endsWith('.cjs') && /[^\x00-\x7f]/.test(readFileSync(file, 'latin1'))) throw new Error(`${file} is not pure ASCII`);
}
