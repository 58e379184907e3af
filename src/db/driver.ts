import { existsSync, readFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileFunction } from 'node:vm';
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import BundledDriver12 from 'better-sqlite3-multiple-ciphers';
import { TptError } from '../domain/errors.js';

/**
 * The SQLite driver (better-sqlite3-multiple-ciphers), in the major that works on this Node:
 * - 12 wraps its objects in node::ObjectWrap, which aborts the process on Node 24.19+ as soon as a
 *   garbage-collected statement is finalised ("Assertion failed: (env) != nullptr");
 * - 13 is built on Node-API (prebuilt in the package) and fixes that, but segfaults on Node 20.
 * 13 is an optional dependency: it declares `node >=22`, and npm skips an optional package that does
 * not fit the running Node without a word, where a regular one prints an EBADENGINE warning.
 * Both have the same API and read and write the same files. Every module opens databases
 * through this one, never through the package directly.
 */
const nodeMajor = Number(process.versions.node.split('.')[0]);
const require = createRequire(import.meta.url);

function loadDriver(name: string): typeof BetterSqlite3 {
  try {
    return require(name);
  } catch (error) {
    throw friendlier(error, name);
  }
}

function friendlier(error: unknown, name: string): unknown {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? '';
  if (code === 'MODULE_NOT_FOUND' && message.includes(name)) {
    return new TptError(`the SQLite driver for Node ${process.versions.node} is not installed (tpt was installed under another Node): run \`npm install\` again where tpt is installed`);
  }
  if (message.includes('NODE_MODULE_VERSION')) {
    return new TptError(`the SQLite driver was built for another Node than ${process.versions.node}: run \`npm rebuild better-sqlite3-multiple-ciphers\` where tpt is installed`);
  }
  return error;
}

/**
 * Node 20's major (12) finds its native addon through the `bindings` package, which works out its
 * own location from a stack trace and tries a dozen paths on every run. Where npm built the addon
 * (build/Release), the driver is handed it, and its JavaScript is the copy bundled into tpt (the
 * static import above: compiled once into tpt's code cache, not file by file at every start);
 * elsewhere the package is loaded as it is, with its own search. 13 loads its prebuilt addon directly.
 */
function node20Driver(): typeof BetterSqlite3 {
  const name = 'better-sqlite3-multiple-ciphers';
  const file = node20Addon(name);
  if (!existsSync(file)) return loadDriver(name);
  // process.dlopen is what require() of a .node file ends in, without resolving the path again
  // (a realpath of each of its directories): a few tenths of a millisecond of every run.
  const addon = { exports: {} as object };
  try {
    process.dlopen(addon, file);
  } catch (error) {
    throw friendlier(error, name);
  }
  return new Proxy(BundledDriver12, {
    construct: (target, [filename, options]) => new target(filename, { nativeBinding: addon.exports, ...options }),
  });
}

/**
 * Where npm builds 12's addon. Beside the bundle (tpt installed with its own node_modules, as a
 * global install is) it is where Node's resolution would find the package first, so that is looked
 * at before a resolution that reads the package's manifest (half a millisecond); anywhere else the
 * resolution decides.
 */
function node20Addon(name: string): string {
  const addon = ['build', 'Release', 'better_sqlite3.node'];
  const beside = fileURLToPath(new URL(`../node_modules/${name}/${addon.join('/')}`, import.meta.url));
  if (existsSync(beside)) return beside;
  try {
    return join(dirname(require.resolve(`${name}/package.json`)), ...addon);
  } catch (error) {
    throw friendlier(error, name);
  }
}

/**
 * 13's package entry picks its prebuilt addon for Linux by asking process.report.getReport()
 * whether this process runs on glibc: a whole diagnostic report, 4–8 ms of every run. The process's
 * own memory map says it at once (glibc's libc.so.6 or musl's loader), and the package exports
 * each platform's entry (`/linux-x64`, which loads that prebuilt addon). Anything unclear, or an
 * addon built from source (no prebuilt one), goes through the package entry as before.
 */
function napiDriver(): typeof BetterSqlite3 {
  const name = 'better-sqlite3-multiple-ciphers-napi';
  const libc = process.platform === 'linux' && ['x64', 'arm64'].includes(process.arch) ? linuxLibc() : undefined;
  if (libc) {
    const entry = `${libc === 'musl' ? 'linuxmusl' : 'linux'}-${process.arch}`;
    const beside = fileURLToPath(new URL(`../node_modules/${name}/lib/${entry}.js`, import.meta.url));
    if (existsSync(beside)) {
      try {
        return loadFilesOf(beside) as typeof BetterSqlite3;
      } catch {
        // not the layout loadFilesOf knows: through Node's loader below
      }
    }
    try {
      return require(`${name}/${entry}`);
    } catch {
      // not this package's layout: its own entry below
    }
  }
  return loadDriver(name);
}

/**
 * 13's JavaScript is some twenty small CommonJS files. Node 24's loader spent 5-8 ms of every run
 * on them (a resolution, a realpath and a module record each), more than tpt's own start-up; read
 * here as what they are (relative requires of `.js` files and of the addon, Node's built-ins), each
 * compiled as Node wraps a CommonJS file. Used for the copy beside the bundle (tpt's own
 * node_modules); anything unexpected throws, and Node's loader loads the package instead.
 */
function loadFilesOf(entry: string): unknown {
  const loaded = new Map<string, { exports: unknown }>();
  const load = (file: string): unknown => {
    const known = loaded.get(file);
    if (known) return known.exports;
    const module = { exports: {} as unknown };
    loaded.set(file, module);
    if (file.endsWith('.node')) {
      process.dlopen(module, file);
      return module.exports;
    }
    if (!file.endsWith('.js')) throw new Error(`unexpected module ${file}`);
    const dir = dirname(file);
    const requireHere = (request: string): unknown => {
      if (!request.startsWith('./') && !request.startsWith('../')) {
        if (!builtinModules.includes(request)) throw new Error(`unexpected require of ${request}`);
        return require(request);
      }
      const target = join(dir, request);
      return load(/\.(js|node)$/.test(target) ? target : `${target}.js`);
    };
    const wrapped = compileFunction(readFileSync(file, 'utf8'), ['exports', 'require', 'module', '__filename', '__dirname'], { filename: file });
    wrapped.call(module.exports, module.exports, requireHere, module, file, dir);
    return module.exports;
  };
  return load(entry);
}

function linuxLibc(): 'glibc' | 'musl' | undefined {
  let maps: string;
  try {
    maps = readFileSync('/proc/self/maps', 'latin1');
  } catch {
    return undefined;
  }
  const glibc = /\/libc\.so\.6$/m.test(maps);
  const musl = /\/ld-musl-[\w]+\.so\.1$/m.test(maps);
  return glibc === musl ? undefined : glibc ? 'glibc' : 'musl';
}

export const Database: typeof BetterSqlite3 = nodeMajor >= 22 ? napiDriver() : node20Driver();
export type Database = BetterSqlite3.Database;
export type Statement = BetterSqlite3.Statement;
