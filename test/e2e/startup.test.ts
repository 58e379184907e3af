import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Sandbox } from '../helpers.js';

// The start-up path: what `tpt --help` and `tpt log-session` load, and the code cache bin/tpt.js
// keeps. A module that slips onto the path of every run costs every run (issue 16).

interface Metafile {
  inputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
  outputs: Record<string, { inputs: Record<string, unknown> }>;
}

const ROOT = new URL('../../', import.meta.url).pathname;
const BIN = join(ROOT, 'bin', 'tpt.js');
const meta = JSON.parse(readFileSync(join(ROOT, 'bundle', 'meta.json'), 'utf8')) as Metafile;

/**
 * Every input (and external) a module's top level runs, following static imports only; a `lazy:`
 * module of scripts/bundle.mjs loads its target when first used, not when loaded.
 */
function staticClosure(...starts: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (path: string) => {
    if (seen.has(path) || path.startsWith('lazy:')) return;
    seen.add(path);
    for (const entry of meta.inputs[path]?.imports ?? []) {
      if (entry.kind === 'import-statement' || entry.kind === 'require-call') visit(entry.path);
    }
  };
  starts.forEach(visit);
  return seen;
}

/** The modules a file loads lazily (`await import()`). */
const dynamicImports = (path: string) =>
  (meta.inputs[path]?.imports ?? []).filter((entry) => entry.kind === 'dynamic-import').map((entry) => entry.path);

const matching = (modules: Set<string>, pattern: RegExp) => [...modules].filter((path) => pattern.test(path));

/** The modules bundled into bundle/FILE: all that a run of it reads. */
const bundled = (file: string) => new Set(Object.keys(meta.outputs[`bundle/${file}`]!.inputs));
const bundleSize = (file: string) => statSync(join(ROOT, 'bundle', file)).size;

describe('the start-up path, from the bundle\'s metafile', () => {
  it('keeps the prompts, the passphrase dictionaries and age out of every bundle of tpt', () => {
    const programs = Object.keys(meta.outputs).filter((file) => /^bundle\/tpt(\.[a-z-]+)?\.cjs$/.test(file));
    expect(programs.length).toBeGreaterThan(20); // the whole program, `tpt --help`'s list, each command
    for (const file of programs) {
      expect(matching(new Set(Object.keys(meta.outputs[file]!.inputs)), /node_modules\/(@inquirer|@zxcvbn-ts|iconv-lite|age-encryption|@noble\/ciphers|pdfkit|fontkit)\//)).toEqual([]);
    }
    // The whole program grows with each capability (485,219 bytes with measures and corrections,
    // 572,060 with courses, schedules, the caseload, outcomes and the html and pdf reports, 604,083
    // with courses and schedules in the export, 646,262 with the store port and its engines, 630,120
    // once the migrations' SQL moved to bundle/migrations.cjs, 653,625 with search, accounts and
    // ingestion on the port); a vendored library coming back would add 150 KB or more at once
    // (PDFKit, 900 KB).
    expect(bundleSize('tpt.cjs')).toBeLessThan(670_000);
  });

  it('gives `tpt --help` a bundle of the command list alone: no command, validation, chart, CSV or server code', () => {
    const help = bundled('tpt.help.cjs');
    expect(help.has('src/cli.ts')).toBe(true);
    expect(matching(help, /^src\/commands\//)).toEqual([]);
    expect(matching(help, /node_modules\/(zod|csv-stringify|asciichart|string-width)\//)).toEqual([]);
    expect(matching(help, /^src\/(render|server|completion)\//)).toEqual([]);
    expect(matching(help, /^src\/core\/(schemas|sessions|report|trends|import|json-stream|export|fhir|measures?|demo)\.ts$/)).toEqual([]);
    // 121,978 bytes, a quarter of the whole program (mostly commander, and the database code that
    // Context opens lazily and `--help` never runs).
    expect(bundleSize('tpt.help.cjs')).toBeLessThan(135_000);
  });

  it('gives `tpt log-session` a bundle of what logging needs: no other command, server, FHIR, CSV, import, export, chart or measures code', () => {
    const log = bundled('tpt.log-session.cjs');
    expect(log.has('src/commands/log-session.ts')).toBe(true);
    expect(log.has('src/core/sessions.ts')).toBe(true);
    expect(matching(log, /^src\/commands\/(sessions|session|report|trends|goal|measure|import|export|serve|demo|clients?)\.ts$/)).toEqual([]);
    expect(matching(log, /^src\/(server|render|completion)\//)).toEqual([]);
    expect(matching(log, /^src\/core\/(report|trends|import|json-stream|export|csv-safety|fhir|measures|measure-[\w-]+|demo|backup)\.ts$/)).toEqual([]);
    expect(matching(log, /node_modules\/(csv-stringify|asciichart|string-width)\//)).toEqual([]);
    // 211,263 bytes, of which zod is 60 KB, when the whole program was 485 KB; 276,277 with the
    // store port (every facet of the SQLite engine), 228,799 with only the facets it calls
    // (scripts/bundle.mjs, FACETS) and the migrations in a file of their own.
    expect(bundleSize('tpt.log-session.cjs')).toBeLessThan(235_000);
    expect(matching(log, /^src\/db\/(engine-(admin|care|exchange)|measure-rows|milestone-rows|token-queries|migrations)\.ts$/)).toEqual([]);
  });

  it('runs no validation, database, rendering, prompt or server module for `tpt --help`', () => {
    const help = staticClosure('src/cli.ts');
    expect(help.has('src/context.ts')).toBe(true); // the closure is followed at all
    expect(matching(help, /node_modules\/(zod|@inquirer|csv-stringify|asciichart|chalk|string-width)\//)).toEqual([]);
    expect(matching(help, /^src\/(db|render|server)\//)).toEqual([]);
    expect(matching(help, /^src\/core\/(schemas|sessions|audit|report|trends|import|export)\.ts$/)).toEqual([]);
    expect(matching(help, /better-sqlite3|prompts\.cjs|^node:(http|https|crypto|child_process|tty|stream)$/)).toEqual([]);
  });

  it('runs for `tpt log-session` what logging needs, and no prompt, chart, CSV or server module', () => {
    const lazy = dynamicImports('src/commands/log-session.ts').filter((path) => !path.includes('ask-session'));
    const fromContext = dynamicImports('src/context.ts').filter((path) => !/prompts/.test(path));
    const logSession = staticClosure('src/cli.ts', ...lazy, ...fromContext);
    expect(logSession.has('src/core/sessions.ts')).toBe(true);
    expect(logSession.has('src/db/connection.ts')).toBe(true);
    expect(matching(logSession, /node_modules\/(@inquirer|csv-stringify|asciichart)\//)).toEqual([]);
    expect(matching(logSession, /^src\/(server|render)\//)).toEqual([]);
    expect(matching(logSession, /prompts\.cjs|^node:(http|https|child_process)$/)).toEqual([]);
  });
});

describe('the start-up path, at run time', () => {
  let box: Sandbox;
  beforeEach(() => {
    box = new Sandbox();
  });
  afterEach(() => box.cleanup());

  /** Runs bin/tpt.js with a hook that lists the modules and Node built-ins the run loaded. */
  function loaded(args: string[]): { code: number; required: string[]; builtins: string[] } {
    const hook = join(box.home, 'hook.cjs');
    writeFileSync(hook, `
      const Module = require('node:module');
      const load = Module._load;
      const required = [];
      Module._load = function (request, ...rest) { required.push(request); return load.call(this, request, ...rest); };
      // src/db/driver.ts opens Node 20's addon with process.dlopen itself (require() ends there too).
      const dlopen = process.dlopen;
      process.dlopen = function (module, file, ...rest) { required.push('dlopen:' + file); return dlopen.call(this, module, file, ...rest); };
      process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(join(box.home, 'loaded.json'))},
        JSON.stringify({ required, builtins: process.moduleLoadList })));
    `);
    const result = spawnSync(process.execPath, ['--require', hook, BIN, ...args], { env: box.env, encoding: 'utf8' });
    const { required, builtins } = JSON.parse(readFileSync(join(box.home, 'loaded.json'), 'utf8')) as { required: string[]; builtins: string[] };
    return { code: result.status ?? -1, required, builtins };
  }

  it('loads neither the driver, nor the prompts, nor child processes, streams of stdin or crypto for --help', () => {
    const run = loaded(['--help']);
    expect(run.code).toBe(0);
    expect(run.required.filter((id) => /better-sqlite3|prompts\.cjs|node:(http|crypto|child_process)/.test(id))).toEqual([]);
    expect(run.builtins.filter((name) => /\b(child_process|crypto|tty|readline|http)\b/.test(name))).toEqual([]);
  });

  it('loads the driver once, without its search for the addon, and no prompts or child processes for log-session', () => {
    expect(box.spawn(['init']).code).toBe(0);
    const run = loaded(['--no-input', 'log-session', '--client', 'c1', '--mood', '1', '--summary', 'ok']);
    expect(run.code).toBe(0);
    // One native addon; on Node 20 its JavaScript is bundled (no package loaded), and never `bindings`.
    // src/db/driver.ts opens it itself (process.dlopen), and reads 13's JavaScript (Node 22+) file
    // by file without Node's module loader: no package of the driver goes through require().
    expect(run.required.filter((id) => id.endsWith('.node') && !id.startsWith('dlopen:'))).toEqual([]);
    expect(run.required.filter((id) => id.startsWith('dlopen:'))).toHaveLength(1);
    // On Node 22+, 13's files for this platform: its package entry asks process.report for the libc.
    expect(run.required.filter((id) => id.startsWith('better-sqlite3'))).toEqual([]);
    expect(run.builtins.filter((name) => /process\/report/.test(name))).toEqual([]);
    expect(run.required).not.toContain('bindings');
    expect(run.required.filter((id) => /prompts\.cjs|node:(http|child_process|crypto)/.test(id))).toEqual([]);
    expect(run.builtins.filter((name) => /\b(child_process|http|readline|crypto)\b/.test(name))).toEqual([]);
  });
});

describe('the program a run builds', () => {
  let box: Sandbox;
  beforeEach(() => {
    box = new Sandbox();
  });
  afterEach(() => box.cleanup());

  // bin/tpt.js builds only the command a run names, and for a run that names none the command list
  // made when the bundle was built (src/cli.ts); in this process every command is built: the same
  // help, the same errors and suggestions.
  it.each([
    [['--help']], [[]], [['help']], [['help', 'goal', 'add']], [['sesions']], [['expot', '--json']],
    [['--help', 'sessions']], [['--bogus', 'sessions', '--help']], [['--db', 'x', '--help']], [['--', 'sessions']],
    [['sessions', '--help']], [['goal', 'ad']], [['--wide', '--actor', 'me', 'report', '--hlp']], [['--version']],
    [['help', 'sessions']], [['log-session', '--help']], [['measures', '--help']], [['tpt']], [['--json', '--version']],
  ])('says the same for tpt %j as the whole program', async (args) => {
    const built = box.spawn(args);
    const whole = await box.run(args);
    expect(built).toEqual(whole);
  });
});

describe('the code cache of bin/tpt.js', () => {
  let box: Sandbox;
  beforeEach(() => {
    box = new Sandbox();
  });
  afterEach(() => box.cleanup());

  const cacheDir = () => join(box.home, '.cache', 'tpt');

  it('is written once per command, owner-only, in the cache directory, and holds no record', () => {
    expect(box.spawn(['init']).code).toBe(0);
    const summary = 'Spoke about the brother named Quentavius';
    const log = ['--actor', 'Dr Who', 'log-session', '--client', 'client-zebra', '--mood', '1', '--summary', summary];
    expect(box.spawn(log).code).toBe(0);
    const file = join(cacheDir(), `tpt.log-session-${process.version}-${process.arch}-${bundleSize('tpt.log-session.cjs')}-`);
    const [written] = readdirSync(cacheDir()).filter((name) => join(cacheDir(), name).startsWith(file));
    expect(written).toMatch(/\.bin$/);
    const path = join(cacheDir(), written!);
    expect(statSync(cacheDir()).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const writtenAt = statSync(path).mtimeMs;
    expect(box.spawn(log).code).toBe(0);
    expect(statSync(path).mtimeMs).toBe(writtenAt);
    const listing = box.spawn(['sessions', 'client-zebra']);
    expect(listing.code).toBe(0);
    expect(listing.stdout).toContain('Quentavius');
    // A run its command's bundle cannot build reads the whole program, whose caches are per command.
    expect(box.spawn(['help', 'sessions']).code).toBe(0);
    expect(readdirSync(cacheDir()).map((name) => name.split('-v')[0]).sort()).toEqual(['tpt-help', 'tpt.init', 'tpt.log-session', 'tpt.sessions']);
    for (const name of readdirSync(cacheDir())) {
      const bytes = readFileSync(join(cacheDir(), name)).toString('latin1');
      for (const secret of ['Quentavius', 'client-zebra', 'Dr Who', readFileSync(box.keyPath, 'utf8').trim()]) expect(bytes).not.toContain(secret);
    }
  });

  it('keeps none for a failed run, and drops the caches of an older build', () => {
    mkdirSync(cacheDir(), { recursive: true });
    const older = join(cacheDir(), `tpt.help-${process.version}-${process.arch}-1-1.bin`);
    writeFileSync(older, 'the cache of an older build');
    expect(box.spawn(['no-such-command']).code).toBe(2);
    expect(box.spawn(['sessions', 'c1']).code).toBe(1); // no database yet
    expect(readdirSync(cacheDir())).toEqual([basename(older)]);
    expect(box.spawn(['--help']).code).toBe(0);
    const [now] = readdirSync(cacheDir());
    expect(now).toMatch(/^tpt\.help-v/);
    expect(now).not.toBe(basename(older));
    expect(readdirSync(cacheDir())).toHaveLength(1);
  });

  it('is replaced when V8 refuses it, and the run is the same', () => {
    const first = box.spawn(['--help']);
    const [name] = readdirSync(cacheDir());
    writeFileSync(join(cacheDir(), name!), 'not a code cache');
    const again = box.spawn(['--help']);
    expect(again).toEqual(first);
    expect(readFileSync(join(cacheDir(), name!), 'latin1')).not.toBe('not a code cache');
  });

  it('follows XDG_CACHE_HOME, and TPT_CODE_CACHE=0 turns it off', () => {
    const xdg = join(box.home, 'xdg-cache');
    expect(box.spawn(['--help'], { XDG_CACHE_HOME: xdg }).code).toBe(0);
    expect(readdirSync(join(xdg, 'tpt'))).toHaveLength(1);
    expect(box.spawn(['--help'], { TPT_CODE_CACHE: '0' }).code).toBe(0);
    expect(() => readdirSync(cacheDir())).toThrow();
  });
});

describe('standard output into a pipe or a file', () => {
  let box: Sandbox;
  beforeEach(() => {
    box = new Sandbox();
  });
  afterEach(() => box.cleanup());

  it('is written directly, without Node\'s stream, net or tty modules, and all of it', () => {
    expect(box.spawn(['init']).code).toBe(0);
    for (let i = 0; i < 3; i++) {
      expect(box.spawn(['log-session', '--client', 'c1', '--mood', '1', '--summary', `Session ${i} ${'x'.repeat(2000)}`]).code).toBe(0);
    }
    const hook = join(box.home, 'hook.cjs');
    writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(join(box.home, 'builtins.json'))}, JSON.stringify(process.moduleLoadList)));`);
    const run = spawnSync(process.execPath, ['--require', hook, BIN, 'sessions', 'c1'], { env: box.env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout.match(/Session \d x+/g)).toHaveLength(3);
    const builtins = JSON.parse(readFileSync(join(box.home, 'builtins.json'), 'utf8')) as string[];
    expect(builtins.filter((name) => /^NativeModule (net|tty|stream|crypto)$/.test(name))).toEqual([]);
  });

  it('is written directly into /dev/null too, without Node\'s stream modules', () => {
    expect(box.spawn(['init']).code).toBe(0);
    expect(box.spawn(['log-session', '--client', 'c1', '--mood', '1', '--summary', 'the new client']).code).toBe(0);
    const hook = join(box.home, 'hook.cjs');
    writeFileSync(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(join(box.home, 'builtins.json'))}, JSON.stringify(process.moduleLoadList)));`);
    for (const args of [['--help'], ['log-session', '--client', 'c1', '--mood', '1', '--summary', 'ok'], ['sessions', 'c1']]) {
      const run = spawnSync(process.execPath, ['--require', hook, BIN, ...args], { env: box.env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
      expect(run.status).toBe(0);
      const builtins = JSON.parse(readFileSync(join(box.home, 'builtins.json'), 'utf8')) as string[];
      expect(builtins.filter((name) => /^NativeModule (net|tty|stream|internal\/fs\/sync_write_stream)$/.test(name))).toEqual([]);
    }
  });

  it('ends the process once everything is written, without waiting for V8\'s pending tasks', () => {
    const hook = join(box.home, 'hook.cjs');
    const drained = join(box.home, 'drained');
    writeFileSync(hook, `process.on('beforeExit', () => require('node:fs').writeFileSync(${JSON.stringify(drained)}, 'yes'));`);
    const run = spawnSync(process.execPath, ['--require', hook, BIN, '--help'], { env: box.env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(box.spawn(['--help']).stdout);
    expect(run.stdout).toMatch(/Run `tpt <command> --help`/);
    expect(() => readFileSync(drained)).toThrow();
    const failed = spawnSync(process.execPath, ['--require', hook, BIN, 'sessions', 'c1'], { env: box.env, encoding: 'utf8' });
    expect(failed.status).toBe(1); // no database: the exit code stays
    expect(failed.stderr).toMatch(/^tpt: /);
  });

  it('ends quietly when the reader stops early, and a file gets every byte', () => {
    expect(box.spawn(['init']).code).toBe(0);
    for (let i = 0; i < 40; i++) {
      expect(box.spawn(['log-session', '--client', 'c1', '--mood', '1', '--summary', `Session ${i} ${'y'.repeat(4000)}`]).code).toBe(0);
    }
    const early = spawnSync('/bin/sh', ['-c', `"${process.execPath}" "${BIN}" sessions c1 | head -c 10 >/dev/null; echo "tpt exit $?"`], { env: box.env, encoding: 'utf8' });
    expect(early.stdout).toBe('tpt exit 0\n');
    expect(early.stderr).toBe('');
    const file = join(box.home, 'list.txt');
    const whole = spawnSync('/bin/sh', ['-c', `"${process.execPath}" "${BIN}" sessions c1 > "${file}"`], { env: box.env, encoding: 'utf8' });
    expect(whole.status).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(box.spawn(['sessions', 'c1']).stdout);
  });
});
