import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';
import { TptError } from '../core/errors.js';

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

function loadDriver(): typeof BetterSqlite3 {
  const name = nodeMajor >= 22 ? 'better-sqlite3-multiple-ciphers-napi' : 'better-sqlite3-multiple-ciphers';
  try {
    return require(name);
  } catch (error) {
    const code = (error as { code?: string }).code;
    const message = (error as Error).message ?? '';
    if (code === 'MODULE_NOT_FOUND' && message.includes(name)) {
      throw new TptError(`the SQLite driver for Node ${process.versions.node} is not installed (tpt was installed under another Node): run \`npm install\` again where tpt is installed`);
    }
    if (message.includes('NODE_MODULE_VERSION')) {
      throw new TptError(`the SQLite driver was built for another Node than ${process.versions.node}: run \`npm rebuild better-sqlite3-multiple-ciphers\` where tpt is installed`);
    }
    throw error;
  }
}

export const Database: typeof BetterSqlite3 = loadDriver();
export type Database = BetterSqlite3.Database;
export type Statement = BetterSqlite3.Statement;
