import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3-multiple-ciphers';

/**
 * The SQLite driver (better-sqlite3-multiple-ciphers), in the major that works on this Node:
 * - 12 wraps its objects in node::ObjectWrap, which aborts the process on Node 24.19+ as soon as a
 *   garbage-collected statement is finalised ("Assertion failed: (env) != nullptr");
 * - 13 is built on Node-API (prebuilt in the package) and fixes that, but segfaults on Node 20.
 * Both have the same API and read and write the same files. Every module opens databases
 * through this one, never through the package directly.
 */
const nodeMajor = Number(process.versions.node.split('.')[0]);
const require = createRequire(import.meta.url);

export const Database: typeof BetterSqlite3 = require(
  nodeMajor >= 22 ? 'better-sqlite3-multiple-ciphers-napi' : 'better-sqlite3-multiple-ciphers',
);
export type Database = BetterSqlite3.Database;
export type Statement = BetterSqlite3.Statement;
