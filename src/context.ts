import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { ChalkInstance } from 'chalk';
import { plainStyle } from './plain-style.js';
import { jsonText, visible, visibleDeep, visibleRendered } from './terminal-text.js';
import type { DatabaseKey } from './db/connection.js';
import type { Database } from './db/driver.js';
import type { Store } from './db/store.js';
import type { EngineName, RecordStore } from './store/port.js';
import type { Actor } from './core/model.js';
import { configDir, defaultDbPath, defaultKeyPath, keysDir } from './paths.js';

type Env = Record<string, string | undefined>;

/** A key and where it came from: a key file, or a passphrase (keyFile undefined). */
export interface UnlockedWith {
  key: DatabaseKey;
  keyFile: string | undefined;
}

export interface OutputStream {
  write(chunk: string | Uint8Array): boolean;
  isTTY?: boolean;
  columns?: number;
}

/** The streams and environment a run sees; tests pass their own. */
export interface Io {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: OutputStream;
  stderr: OutputStream;
  env: Env;
  /** The clock; tests fix it. */
  now?: () => Date;
}

/** The global options of SPEC §2, after commander has parsed them. */
export interface GlobalOptions {
  db?: string;
  /** A PostgreSQL database's URL (issue 22), instead of the SQLite file. */
  database?: string;
  json?: boolean;
  input: boolean;
  actor?: string;
  color: boolean;
  keyFile?: string;
  wide?: boolean;
}

/**
 * What every command needs from the outside world: streams, options, the clock, the actor and
 * the database. Commands never touch `process` themselves, so tests can run them in-process.
 */
export class Context {
  private store: Store | undefined;
  private recordStore: RecordStore | undefined;
  private otherStores: RecordStore[] = [];
  private chalkInstance: ChalkInstance | undefined;
  private unlockedWith: UnlockedWith | undefined;
  /** The command being run, for the audit entry of a refused attempt. */
  commandName = 'tpt';
  /** Set by commands that only verify (`audit verify`, `check`): a failed verification adds no entry to the log it checked. */
  writesNothing = false;

  constructor(readonly io: Io, private readonly program: Command) {}

  get globals(): GlobalOptions {
    return this.program.opts<GlobalOptions>();
  }

  get env(): Env {
    return this.io.env;
  }

  get json(): boolean {
    return this.globals.json === true;
  }

  /** Prompts only when a person is there: both ends are terminals and --no-input is absent (stdout asked first: stdin costs a stream to ask). */
  get canPrompt(): boolean {
    return this.globals.input !== false && this.io.stdout.isTTY === true && this.io.stdin.isTTY === true;
  }

  /** Why nothing is asked, for the error that names what is missing. */
  get noPromptReason(): string {
    return this.globals.input === false ? '--no-input is given' : 'there is no terminal to ask on';
  }

  get actor(): string {
    const given = this.globals.actor ?? this.env.TPT_ACTOR;
    if (given && given.trim()) return given.trim();
    try {
      return userInfo().username;
    } catch {
      return 'unknown';
    }
  }

  now(): Date {
    return this.io.now ? this.io.now() : new Date();
  }

  /** The actor and the time of this one action. */
  who(): Actor {
    return { actor: this.actor, now: this.now() };
  }

  get dbPath(): string {
    return this.globals.db ?? this.env.TPT_DB ?? defaultDbPath(this.env);
  }

  /**
   * The PostgreSQL database this run uses, from --database or TPT_DATABASE_URL; undefined for
   * the SQLite file (dbPath). Checked by checkDatabaseChoice before any command runs.
   */
  get databaseUrl(): string | undefined {
    const given = this.globals.database ?? this.env.TPT_DATABASE_URL;
    return given === undefined || given.trim() === '' ? undefined : given.trim();
  }

  /** The engine this run's records are in. */
  get engine(): EngineName {
    return this.databaseUrl === undefined ? 'sqlite' : 'postgres';
  }

  /** Where the records are, as messages name it: the file, or the URL without its password. */
  get databaseShown(): string {
    const url = this.databaseUrl;
    if (url === undefined) return this.dbPath;
    try {
      const parsed = new URL(url);
      if (parsed.password !== '') parsed.password = '***';
      return parsed.toString();
    } catch {
      return url.replace(/:[^:@/]*@/, ':***@');
    }
  }

  /**
   * A run names one database: --database (or TPT_DATABASE_URL) takes a postgres:// URL, and an
   * SQLite file given with --db as well is a usage error, not a guess which one was meant.
   */
  async checkDatabaseChoice(): Promise<void> {
    const url = this.databaseUrl;
    if (url === undefined) return;
    const { InputError } = await import('./core/errors.js');
    const from = this.globals.database !== undefined ? '--database' : 'TPT_DATABASE_URL';
    if (!/^postgres(ql)?:\/\//i.test(url)) {
      throw new InputError(
        `${from} takes a PostgreSQL URL such as postgres://USER@HOST:5432/DATABASE; for an SQLite file give --db (or TPT_DB) instead`);
    }
    if (this.globals.db !== undefined) {
      throw new InputError(`give either --db (an SQLite file) or ${from} (a PostgreSQL database), not both`);
    }
  }

  get keyFilePath(): string | undefined {
    return this.globals.keyFile ?? this.env.TPT_KEY_FILE;
  }

  /** Terminal width for charts and reports; 100 when stdout is not a terminal. */
  get columns(): number {
    return this.io.stdout.columns ?? 100;
  }

  /** The width tables fit: the terminal's; unlimited (every cell in full) with --wide or a pipe. */
  get tableWidth(): number {
    if (this.globals.wide === true || this.io.stdout.isTTY !== true) return Infinity;
    return this.io.stdout.columns ?? 80;
  }

  /** Colour for stdout, following --no-color, NO_COLOR and FORCE_COLOR as usual. */
  async style(): Promise<ChalkInstance> {
    if (!this.chalkInstance) {
      const level = this.colorLevel();
      if (level === 0) {
        this.chalkInstance = plainStyle();
      } else {
        const { Chalk, supportsColor } = await import('chalk');
        this.chalkInstance = new Chalk({ level: level === 'terminal' ? Math.max(supportsColor ? supportsColor.level : 0, 1) as 1 | 2 | 3 : level });
      }
    }
    return this.chalkInstance;
  }

  /** The colour level asked for, or `terminal`: what the terminal supports, at least 1. */
  private colorLevel(): 0 | 1 | 2 | 3 | 'terminal' {
    if (this.globals.color === false || (this.env.NO_COLOR ?? '') !== '') return 0;
    const force = this.env.FORCE_COLOR;
    if (force !== undefined) {
      if (force === '0' || force === 'false') return 0;
      const level = Number(force);
      return (Number.isInteger(level) && level >= 1 && level <= 3 ? level : 1) as 1 | 2 | 3;
    }
    return this.io.stdout.isTTY ? 'terminal' : 0;
  }

  /** Prints data: one JSON document with --json, else the renderer's text. */
  async out<T>(data: T, render: (data: T, style: ChalkInstance, columns: number, tableWidth: number) => string): Promise<void> {
    if (this.json) {
      this.io.stdout.write(`${jsonText(data)}\n`);
      return;
    }
    const text = visibleRendered(render(visibleDeep(data), await this.style(), this.columns, this.tableWidth));
    if (text) this.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /**
   * A message for the person (progress, hints, warnings): stderr, never mixed with data. Its
   * control characters are made visible; `rendered` text was made from data passed through
   * visibleDeep first, and keeps tpt's colours.
   */
  note(message: string, rendered = false): void {
    this.io.stderr.write(`${rendered ? visibleRendered(message) : visible(message)}\n`);
  }

  /** The prompt functions, bound to stdin and stderr (prompts never pollute stdout). */
  async prompts() {
    const inquirer = await import('@inquirer/prompts');
    const streams = { input: this.io.stdin, output: this.io.stderr as NodeJS.WritableStream, clearPromptOnDone: false };
    // Questions and choices can quote records (a goal's description): shown with visible().
    const shown = <C extends { message: string; default?: unknown }>(config: C): C => ({
      ...config,
      message: visible(config.message),
      ...(typeof config.default === 'string' ? { default: visible(config.default) } : {}),
    });
    return {
      input: (config: Parameters<typeof inquirer.input>[0]) => inquirer.input(shown(config), streams),
      number: (config: Parameters<typeof inquirer.number>[0]) => inquirer.number(shown(config), streams),
      select: <V>(config: Parameters<typeof inquirer.select<V>>[0]) => inquirer.select<V>(shownChoices(config), streams),
      checkbox: <V>(config: Parameters<typeof inquirer.checkbox<V>>[0]) => inquirer.checkbox<V>(shownChoices(config), streams),
      confirm: (config: Parameters<typeof inquirer.confirm>[0]) => inquirer.confirm(shown(config), streams),
      password: (config: Parameters<typeof inquirer.password>[0]) => inquirer.password(shown(config), streams),
    };
  }

  /**
   * Opens the database with its key, in the order of SPEC §4: the key file given
   * (--key-file/TPT_KEY_FILE); TPT_PASSPHRASE; else each of tpt's own key files until one fits
   * (see tptKeyFiles). When the key file given or found does not fit and a person is at a
   * terminal, the passphrase is asked for instead of failing. The same on both engines: `open`
   * says undefined for a key that is not the database's.
   */
  private async withKey<T>(
    where: string, open: (unlockedWith: UnlockedWith) => Promise<T | undefined>, beforeNoKey?: () => Promise<void>,
  ): Promise<T> {
    const { readKeyFile, tptKeyFiles } = await import('./db/key-file.js');
    const { TptError } = await import('./core/errors.js');
    const refused = (why: string) => new TptError(
      `cannot unlock the database at ${where}: wrong key or passphrase (${why}), or not a tpt database; ` +
      'give the right --key-file, TPT_KEY_FILE or TPT_PASSPHRASE; nothing was changed',
    );
    let tried: string;
    let noKeyFile = false;
    const passphrase = this.env.TPT_PASSPHRASE;
    if (this.keyFilePath) {
      const opened = await open({ key: readKeyFile(this.keyFilePath), keyFile: this.keyFilePath });
      if (opened !== undefined) return opened;
      tried = `the key file ${this.keyFilePath} does not open it`;
    } else if (passphrase) {
      const opened = await open({ key: { kind: 'passphrase', passphrase }, keyFile: undefined });
      if (opened !== undefined) return opened;
      throw refused('TPT_PASSPHRASE does not open it');
    } else {
      const files = tptKeyFiles(keysDir(this.env), defaultKeyPath(this.env));
      for (const file of files) {
        const opened = await open({ key: readKeyFile(file), keyFile: file });
        if (opened !== undefined) return opened;
      }
      noKeyFile = files.length === 0;
      tried = noKeyFile
        ? `there is no key file at ${defaultKeyPath(this.env)}`
        : `none of tpt's key files (${files.length} in ${configDir(this.env)}) opens it`;
    }
    if (this.canPrompt) {
      const { password } = await this.prompts();
      const typed = await password({ message: `${capitalize(tried)}. Passphrase for ${where}`, mask: true });
      if (typed) {
        const opened = await open({ key: { kind: 'passphrase', passphrase: typed }, keyFile: undefined });
        if (opened !== undefined) return opened;
        throw refused('the passphrase typed does not open it');
      }
    }
    if (noKeyFile) {
      await beforeNoKey?.();
      throw new TptError(`no key for ${where}: ${tried}; give --key-file, TPT_KEY_FILE or TPT_PASSPHRASE`);
    }
    throw refused(tried);
  }

  private async unlock(): Promise<{ db: Database; unlockedWith: UnlockedWith }> {
    const { openDatabase, WrongKeyError } = await import('./db/connection.js');
    return this.withKey(this.dbPath, async (unlockedWith) => {
      try {
        return { db: openDatabase(this.dbPath, unlockedWith.key), unlockedWith };
      } catch (error) {
        if (error instanceof WrongKeyError) return undefined;
        throw error;
      }
    });
  }

  /** Opens the database once per run (it must exist: only `init` and `demo` create one). */
  async openStore(): Promise<Store> {
    if (this.store) return this.store;
    if (this.databaseUrl !== undefined) {
      // A command still on the SQLite Store (issue 22 moves each onto the port): one line, no
      // crash; after the database itself is checked, so that a wrong URL or key says so first.
      await this.records();
      const { TptError } = await import('./core/errors.js');
      const command = this.commandName === 'tpt' ? 'this command' : `\`tpt ${this.commandName}\``;
      throw new TptError(
        `${command} is not available on PostgreSQL yet (${this.databaseShown}): ` +
        'run it on an SQLite database (--db), or without --database and TPT_DATABASE_URL');
    }
    const { existsSync } = await import('node:fs');
    if (!existsSync(this.dbPath)) {
      const { TptError } = await import('./core/errors.js');
      throw new TptError(`no database at ${this.dbPath}: run \`tpt init\` first (or give --db / TPT_DB)`);
    }
    const { db, unlockedWith } = await this.unlock();
    const { Store } = await import('./db/store.js');
    this.store = new Store(db);
    this.unlockedWith = unlockedWith;
    const { damageMark } = await import('./db/damage-mark.js');
    const mark = damageMark(this.dbPath);
    if (mark) {
      this.store.refuseWrites(
        `the database at ${this.dbPath} was found damaged (${mark}), so tpt writes nothing more to it: ` +
        'run `tpt check`, and restore it from a backup (`tpt check` passing lifts this)',
      );
    }
    return this.store;
  }

  /**
   * The records through the store port (issue 22): what core's functions take. On SQLite it
   * shares the connection openStore opens; a `postgres://` database joins here (--database).
   */
  async records(): Promise<RecordStore> {
    if (this.recordStore) return this.recordStore;
    if (this.databaseUrl !== undefined) {
      this.recordStore = await this.openPostgres({ create: false });
      return this.recordStore;
    }
    const store = await this.openStore();
    const { SqliteRecordStore } = await import('./db/engine.js');
    this.recordStore = new SqliteRecordStore(store);
    return this.recordStore;
  }

  /**
   * Opens the PostgreSQL database of --database / TPT_DATABASE_URL with the key found as for
   * SQLite (SPEC §4): the key file given, TPT_PASSPHRASE, else each of tpt's key files until one
   * is the database's key; a passphrase is asked for when none is and a person is there. With
   * `create` (tpt init), the schema is made first and the key given is the one it takes.
   */
  async openPostgres(options: { create: boolean; key?: UnlockedWith }): Promise<RecordStore> {
    const { openRecordStore, checkReachable } = await import('./store/open.js');
    const { WrongKeyError } = await import('./store/errors.js');
    const url = this.databaseUrl!;
    const open = async (unlockedWith: UnlockedWith): Promise<RecordStore | undefined> => {
      try {
        const store = await openRecordStore(url, unlockedWith.key, { create: options.create, env: this.env });
        this.unlockedWith = unlockedWith;
        return store;
      } catch (error) {
        if (error instanceof WrongKeyError && !options.create) return undefined;
        throw error;
      }
    };
    if (options.key) return (await open(options.key))!;
    // With no key at all, a wrong URL or a database without tpt's schema is the thing to fix first.
    return this.withKey(this.databaseShown, open, () => checkReachable(url, { env: this.env }));
  }

  /**
   * Another database than the run's own, as a store of the port (`tpt migrate --to` opens its
   * target here): a file path (SQLite) or a postgres:// URL, under the key given, else the key
   * that opened the run's own database. Closed by close() with the rest, unless closed before.
   */
  async openOtherStore(location: string, options: { create?: boolean; key?: UnlockedWith['key'] } = {}): Promise<RecordStore> {
    const key = options.key ?? this.unlockedWith?.key;
    if (key === undefined) throw new Error('openOtherStore needs a key: open the run\'s own database first, or give one');
    const { openRecordStore } = await import('./store/open.js');
    const store = await openRecordStore(location, key, { create: options.create ?? false, env: this.env });
    this.otherStores.push(store);
    return store;
  }

  /**
   * Registers files this run writes beside the database, before they are made (src/db/work-files.ts):
   * a run killed outright leaves them to the next command on the database, which removes them.
   */
  async registerWork(paths: string[]): Promise<{ done(): void }> {
    const { registerWork } = await import('./db/work-files.js');
    return registerWork(this.dbPath, paths);
  }

  /** Takes a store of the port that this run made (tpt init, tpt demo); close() closes it. */
  adoptRecords(records: RecordStore): void {
    this.recordStore = records;
  }

  /**
   * Makes the run's database under `key` and makes it the run's records (tpt init): on SQLite a
   * new file at `location` (the run's --db by default), on PostgreSQL tpt's schema in the
   * database of --database, brought up to date if it is there (under this key only).
   */
  async createDatabase(key: UnlockedWith, location?: string): Promise<RecordStore> {
    if (location === undefined && this.databaseUrl !== undefined) {
      this.adoptRecords(await this.openPostgres({ create: true, key }));
      return this.recordStore!;
    }
    const { openRecordStore } = await import('./store/open.js');
    this.adoptRecords(await openRecordStore(location ?? this.dbPath, key.key, { create: true }));
    this.unlockedWith = key;
    return this.recordStore!;
  }

  /** Refuses, before anything is asked, a database that `tpt init` would make over one (SQLite's file). */
  async refuseExistingDatabase(): Promise<void> {
    const { refuseExisting } = await import('./store/open.js');
    await refuseExisting(this.databaseUrl ?? this.dbPath);
  }

  /** tpt's key files (src/store/open.ts): read, made, and a new one named after this run's database. */
  async keyFiles() {
    const { keyFiles } = await import('./store/open.js');
    return {
      ...keyFiles,
      forDatabase: (dir: string, now = this.now()) => keyFiles.forDatabase(dir, this.databaseUrl ?? this.dbPath, now),
    };
  }

  /**
   * Marks the SQLite file damaged (`what` was found), so that tpt writes nothing more to it until
   * `tpt check` passes (src/db/damage-mark.ts); with undefined, `tpt check` passed: the mark goes.
   * PostgreSQL's server keeps its own pages: nothing to mark.
   */
  async markDamaged(what: string | undefined): Promise<void> {
    if (this.engine !== 'sqlite') return;
    const { clearDamaged, markDamaged } = await import('./db/damage-mark.js');
    if (what === undefined) clearDamaged(this.dbPath);
    else markDamaged(this.dbPath, what, this.now());
  }

  /** The key that opened the store, and the key file it came from (rekey and backup need both). */
  get openedKey(): UnlockedWith | undefined {
    return this.unlockedWith;
  }

  /**
   * The records through the port if this run opened its database, on either engine, else
   * undefined (no database opened: a usage error, a wrong key): for the audit entry of a failure
   * and the warning of unlogged reads, which must open nothing themselves.
   */
  async openedRecords(): Promise<RecordStore | undefined> {
    if (this.recordStore) return this.recordStore;
    return this.store ? this.records() : undefined;
  }

  /** An SQLite database this run opened or made, if any (for the audit entry of a failure). */
  get openedStore(): Store | RecordStore | undefined {
    return this.store ?? (this.recordStore?.engine === 'sqlite' ? this.recordStore : undefined);
  }

  /**
   * Ends the run's use of the database: the SQLite connection, or the PostgreSQL pool (whose
   * connections would otherwise keep the process alive). Errors on the way out are not the run's.
   */
  async close(): Promise<void> {
    const records = this.recordStore;
    const store = this.store;
    const others = this.otherStores;
    this.store = undefined;
    this.recordStore = undefined;
    this.otherStores = [];
    this.unlockedWith = undefined;
    // A store closed already says so or does nothing; either way this run is done with it.
    for (const other of others) await other.close().catch(() => undefined);
    // Records over the run's own SQLite connection close with it; any other (PostgreSQL's pool,
    // a database this run made) on its own.
    if (records && !store) await records.close().catch(() => undefined);
    store?.close();
  }
}

/** A choice's text made visible, its value (what the command gets back) left as it is. */
function shownChoices<C extends { message: string; choices: readonly unknown[] }>(config: C): C {
  const text = (value: unknown) => (typeof value === 'string' ? visible(value) : value);
  const choices = config.choices.map((choice) => (choice !== null && typeof choice === 'object' && 'value' in choice
    ? { ...choice, name: text((choice as { name?: unknown }).name), description: text((choice as { description?: unknown }).description) }
    : choice));
  return { ...config, message: visible(config.message), choices };
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Shell completion's ids (src/completion/ids.ts) from the database at `location` (a file or a
 * postgres:// URL): the store's lookup, loaded only when a TAB asks (src/store/open-ids.ts).
 */
export async function lookUpIds(...args: Parameters<typeof import('./store/open-ids.js').idsAtHand>) {
  const { idsAtHand } = await import('./store/open-ids.js');
  return idsAtHand(...args);
}
