import { chmodSync, existsSync, rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, TptError } from './core/errors.js';
import type { Context, UnlockedWith } from './context.js';
import { defaultDbPath, defaultKeyPath } from './paths.js';
import { DEMO_ACTOR } from './core/demo.js';
import type { RecordStore } from './store/port.js';

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
  const keyFiles = await ctx.keyFiles();
  let key: UnlockedWith['key'];
  let keyCreated = false;
  if (keyPath === undefined) {
    key = { kind: 'passphrase', passphrase: passphrase! };
  } else if (await keyFiles.exists(keyPath)) {
    key = await keyFiles.read(keyPath);
  } else {
    key = await keyFiles.create(keyPath);
    keyCreated = true;
    // tpt's own config directory is owner-only even if it existed before with a looser mode;
    // a directory the user chose for --key-file is theirs to set.
    if (keyPath === defaultKeyPath(ctx.env)) chmodSync(dirname(keyPath), 0o700);
  }
  try {
    // On PostgreSQL: tpt's schema in the database the URL names (its migrations), and the key it
    // takes; a schema already there is brought up to date, and must be under this key.
    await ctx.createDatabase({ key, keyFile: keyPath });
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
 * Makes a new, empty demo database the run's records, replacing an earlier demo. A file that is
 * not a demo (no demo key beside it, or not marked as a demo inside) is never replaced, nor a
 * demo holding records someone else wrote there.
 */
export async function openFreshDemo(ctx: Context, path: string): Promise<RecordStore> {
  const keyPath = demoKeyPath(path);
  const keyFiles = await ctx.keyFiles();
  if (existsSync(path)) {
    let isDemo = false;
    let foreign: ForeignWrites | undefined;
    try {
      const old = await ctx.openOtherStore(path, { key: await keyFiles.read(keyPath) });
      try {
        isDemo = await old.read(async (tx) => (await tx.settings.get('demo')) === 'true');
        foreign = isDemo ? await writesNotByDemo(old) : undefined;
      } finally {
        await old.close();
      }
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
  const records = await ctx.createDatabase({ key: await keyFiles.create(keyPath), keyFile: keyPath }, path);
  await records.write((tx) => tx.settings.set('demo', 'true'));
  return records;
}

/** Audit actions that write a record (reads, exports and tokens are not records to keep). */
const RECORD_WRITES = [
  'session.create', 'session.amend', 'session.sign', 'session.void', 'session.restore',
  'goal.create', 'goal.update', 'goal.edit', 'milestone.create', 'milestone.edit', 'milestone.void', 'milestone.restore',
  'measure.create', 'measure.amend', 'measure.void', 'measure.restore', 'risk.open', 'risk.resolve', 'risk.reopen', 'risk.amend',
  'client.rename', 'client.merge', 'import', 'retention.set',
] as const;

interface ForeignWrites {
  /** Clients with records written by someone other than the demo, in id order. */
  clients: string[];
  /** e.g. "c42: 1 session.create, 1 goal.create". */
  summary: string;
}

/**
 * What a person wrote into a demo database (the audit log says who wrote what), or undefined when
 * everything in it is the demo's own: the demo replaces only what it wrote itself.
 */
async function writesNotByDemo(records: RecordStore): Promise<ForeignWrites | undefined> {
  const writes: readonly string[] = RECORD_WRITES;
  const entries = await records.read((tx) => tx.audit.entries(null));
  // Counted by client (none first), then action, as the log's own order would group them.
  const counts = new Map<string, { client: string | null; action: string; count: number }>();
  for (const entry of entries) {
    if (entry.actor === DEMO_ACTOR || entry.outcome !== 'ok' || !writes.includes(entry.action)) continue;
    const key = JSON.stringify([entry.client_id ?? null, entry.action]);
    const row = counts.get(key) ?? { client: entry.client_id ?? null, action: entry.action, count: 0 };
    row.count++;
    counts.set(key, row);
  }
  if (counts.size === 0) return undefined;
  const byOrder = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
  const rows = [...counts.values()].sort((a, b) => byOrder(a.client, b.client) || byOrder(a.action, b.action));
  const byClient = new Map<string, string[]>();
  for (const row of rows) {
    const client = row.client ?? '(no client)';
    byClient.set(client, [...(byClient.get(client) ?? []), `${row.count} ${row.action}`]);
  }
  return {
    clients: [...byClient.keys()].filter((client) => client !== '(no client)'),
    summary: [...byClient].map(([client, writes]) => `${client}: ${writes.join(', ')}`).join('; '),
  };
}
