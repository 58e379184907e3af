import { chmodSync, existsSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, TptError } from './core/errors.js';
import type { Context } from './context.js';
import { openDatabase, type DatabaseKey } from './db/connection.js';
import { keyFileExists, readKeyFile, writeNewKeyFile } from './db/key-file.js';
import { Store } from './db/store.js';
import { defaultDbPath, defaultKeyPath } from './paths.js';
import { writesNotByDemo, type ForeignWrites } from './core/demo.js';

export interface InitResult {
  database: string;
  key_file: string | null;
  key_created: boolean;
}

/**
 * `tpt init`: a passphrase (already checked by the command) locks the database itself;
 * otherwise the key file (--key-file, TPT_KEY_FILE or the default) is used when it exists and
 * created when not. An existing key is never replaced, since other databases may depend on it.
 */
export async function initDatabase(ctx: Context, passphrase: string | undefined): Promise<InitResult> {
  const postgres = ctx.engine === 'postgres';
  const database = postgres ? ctx.databaseShown : ctx.dbPath;
  if (!postgres) requireDirectoryOf(database, defaultDbPath(ctx.env));
  const keyPath = passphrase !== undefined ? undefined : ctx.keyFilePath ?? defaultKeyPath(ctx.env);
  let key: DatabaseKey;
  let keyCreated = false;
  if (keyPath === undefined) {
    key = { kind: 'passphrase', passphrase: passphrase! };
  } else if (keyFileExists(keyPath)) {
    key = readKeyFile(keyPath);
  } else {
    key = writeNewKeyFile(keyPath);
    keyCreated = true;
    // tpt's own config directory is owner-only even if it existed before with a looser mode;
    // a directory the user chose for --key-file is theirs to set.
    if (keyPath === defaultKeyPath(ctx.env)) chmodSync(dirname(keyPath), 0o700);
  }
  try {
    // On PostgreSQL: tpt's schema in the database the URL names (its migrations), and the key it
    // takes; a schema already there is brought up to date, and must be under this key.
    if (postgres) ctx.adoptRecords(await ctx.openPostgres({ create: true, key: { key, keyFile: keyPath } }));
    else ctx.adoptStore(new Store(openDatabase(database, key, { create: true })));
  } catch (error) {
    if (keyCreated) rmSync(keyPath!, { force: true });
    throw error;
  }
  return { database, key_file: keyPath ?? null, key_created: keyCreated };
}

/**
 * tpt makes its own data directory; a directory named with --db or TPT_DB must exist already, so
 * a mistyped path is an error rather than a tree of new directories.
 */
export function requireDirectoryOf(path: string, defaultPath: string): void {
  if (resolve(path) === resolve(defaultPath)) return;
  const directory = dirname(resolve(path));
  if (!existsSync(directory)) {
    throw new InputError(`no directory ${directory} for the database ${path}: create it first (mkdir -p ${directory}) or give another --db; nothing was created`);
  }
}

/** The demo's key sits beside its database, so the demo never touches the user's own key. */
export const demoKeyPath = (dbPath: string) => `${dbPath}.key`;

/** What the demo found that it did not write, and how to keep it, in one line. */
function keepForeignWrites(path: string, keyPath: string, foreign: ForeignWrites): string {
  const client = foreign.clients[0] ?? '<client>';
  return `${path} holds records the demo did not write (${foreign.summary}), and the demo never erases them: ` +
    `to keep them, export each client (\`tpt --db ${path} --key-file ${keyPath} export ${client} --out ${client}.json\`) ` +
    `and import it into your own database (\`tpt import ${client}.json\`); then delete ${path} and ${keyPath} yourself, ` +
    `or run the demo elsewhere (\`tpt --db /tmp/tpt-demo.db demo\`)`;
}

/**
 * Opens a new, empty demo database, replacing an earlier demo. A file that is not a demo (no
 * demo key beside it, or not marked as a demo inside) is never replaced, nor a demo holding
 * records someone else wrote there.
 */
export function openFreshDemo(path: string): Store {
  const keyPath = demoKeyPath(path);
  if (existsSync(path)) {
    let isDemo = false;
    let foreign: ForeignWrites | undefined;
    try {
      const old = new Store(openDatabase(path, readKeyFile(keyPath)));
      isDemo = old.setting('demo') === 'true';
      foreign = isDemo ? writesNotByDemo(old) : undefined;
      old.close();
    } catch {
      isDemo = false;
    }
    if (!isDemo) {
      throw new TptError(`${path} is not a tpt demo database: the demo never replaces other files; give another --db`);
    }
    if (foreign) throw new TptError(keepForeignWrites(path, keyPath, foreign));
  } else if (existsSync(keyPath)) {
    throw new TptError(`${keyPath} exists but no demo database beside it: the demo never replaces a key; give another --db`);
  }
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`, keyPath]) rmSync(file, { force: true });
  const store = new Store(openDatabase(path, writeNewKeyFile(keyPath), { create: true }));
  store.setSetting('demo', 'true');
  return store;
}
