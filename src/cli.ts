import { Command, CommanderError, Help, Option } from 'commander';
import { Context, type Io } from './context.js';
import { outputOf } from './output.js';
import { COMMANDS } from './commands/index.js';

/** One line of `tpt --help`'s command list, as commander writes it. */
export interface ListedCommand {
  name: string;
  term: string;
  description: string;
}

/**
 * The command list of `tpt --help`, made from the whole program when the bundle is built
 * (scripts/bundle.mjs); undefined when tpt runs from its sources.
 */
declare const __TPT_COMMAND_LIST: ListedCommand[] | undefined;
const LISTING = typeof __TPT_COMMAND_LIST === 'undefined' ? undefined : __TPT_COMMAND_LIST;

/** Every command's name, from the listing where there is one: a bundle of one command has only it in COMMANDS. */
const NAMES = LISTING?.map((command) => command.name) ?? Object.keys(COMMANDS);
const isCommand = (word: string) => NAMES.includes(word);

/**
 * The program; with `argv`, only what that run can use, since building every command's options
 * and help costs every run. A run that names a command gets that command alone. A run that names
 * none (`tpt --help`, `tpt`, a typo) gets a name and a line of help for each command (from
 * LISTING): the same list, the same suggestions. Anything else gets every command, as without argv.
 */
export function buildProgram(io: Io, argv?: string[]): { program: Command; ctx: Context } {
  const program = new Command('tpt');
  const ctx = new Context(io, program);
  program
    .description('The therapeutic progress tracker: an encrypted journal of sessions, goals and milestones')
    .version(VERSION, '-V, --version')
    .addOption(new Option('--db <path>', 'the database file (env TPT_DB; default $XDG_DATA_HOME/tpt/tpt.db)'))
    .addOption(new Option('--database <url>', 'a PostgreSQL database instead, postgres://USER@HOST:5432/DB (env TPT_DATABASE_URL)'))
    .option('--json', 'machine-readable JSON on stdout instead of tables')
    .option('--no-input', 'never prompt; a missing required value is a usage error')
    .addOption(new Option('--actor <name>', 'who is acting, for the audit log (env TPT_ACTOR; default your user name)'))
    .option('--no-color', 'no colour (also NO_COLOR; FORCE_COLOR forces it)')
    .addOption(new Option('--key-file <path>', 'the database key file (env TPT_KEY_FILE; or TPT_PASSPHRASE)'))
    .option('--wide', 'tables show every cell in full instead of fitting the terminal (as in a pipe)')
    .addHelpText('after', '\nGet started:\n  $ tpt demo      a demo database of synthetic clients, to explore\n  $ tpt init      your own encrypted database and its key\n\nRun `tpt <command> --help` for a command\'s options and examples.\n')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => {}, // reported once, by reportError
      // As commander's own, without making process.stdout when stdout is no terminal (src/output.ts).
      getOutHelpWidth: () => (io.stdout.isTTY ? io.stdout.columns : undefined) ?? 80,
      getOutHasColors: () => forcedColor(io.env) ?? (io.stdout.isTTY === true && (io.stdout as { hasColors?: () => boolean }).hasColors?.() === true),
    })
    .hook('preSubcommand', (_root, sub) => {
      ctx.commandName = commandPath(sub);
    })
    .hook('preAction', () => ctx.checkDatabaseChoice());
  const plan = planFor(argv);
  if (plan === 'listing') {
    addListing(program, LISTING!);
    return { program, ctx };
  }
  for (const name of plan) {
    const make = COMMANDS[name];
    if (!make) throw new Error(`this bundle of tpt has no command ${name} (bin/tpt.js asks canRun first)`);
    const command = make(ctx);
    program.addCommand(command);
    inheritSettings(command, program, ctx);
  }
  return { program, ctx };
}

/** What a run builds: the command list of `tpt --help`, or the commands it can use (see buildProgram). */
function planFor(argv: string[] | undefined): 'listing' | string[] {
  const args = argv?.slice(2);
  if (!args) return NAMES;
  const named = leadingCommand(args);
  if (named !== undefined) return [named];
  if (LISTING && !args.some((arg) => arg === 'help' || isCommand(arg))) return 'listing';
  return NAMES;
}

/**
 * Whether this bundle holds what a run with `argv` (as process.argv) builds: the bundle of one
 * command runs that command and `tpt --help`'s list; bin/tpt.js loads the whole program otherwise.
 */
export function canRun(argv: string[]): boolean {
  const plan = planFor(argv);
  return plan === 'listing' || plan.every((name) => Object.hasOwn(COMMANDS, name));
}

/** Options of the program itself that take a value (tpt [these] <command>). */
const GLOBAL_WITH_VALUE = ['--db', '--database', '--actor', '--key-file'];
const GLOBAL_FLAGS = ['--json', '--no-input', '--no-color', '--wide'];

/**
 * The command a run names where commander will find it: the first word, after none but the
 * program's own options. Anything unusual before it (another option, `--`) is for commander alone.
 */
function leadingCommand(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (GLOBAL_WITH_VALUE.includes(arg)) i++;
    else if (GLOBAL_FLAGS.includes(arg) || GLOBAL_WITH_VALUE.some((option) => arg.startsWith(`${option}=`))) continue;
    else return isCommand(arg) ? arg : undefined;
  }
  return undefined;
}

/** A command of the list: a name and its line of help (no run reaches it; see buildProgram). */
function addListing(program: Command, listing: ListedCommand[]): void {
  const terms = new Map<Command, string>();
  for (const { name, term, description } of listing) {
    const command = new Command(name).description(description);
    terms.set(command, term);
    program.addCommand(command);
  }
  program.configureHelp({
    subcommandTerm(command) {
      return terms.get(command) ?? Help.prototype.subcommandTerm.call(this, command);
    },
  });
}

/** Runs tpt with `argv` (as process.argv) and returns the exit code. */
export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  // The bundle is minified: a stack trace for TPT_DEBUG=1 reads through its source maps.
  if (io.env.TPT_DEBUG === '1') process.setSourceMapsEnabled(true);
  const { program, ctx } = buildProgram(io, argv);
  if (wantsJsonVersion(argv.slice(2))) {
    io.stdout.write(`${JSON.stringify({ version: VERSION })}\n`);
    return 0;
  }
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    const code = await reportError(error, ctx);
    return code;
  } finally {
    await warnUnloggedReads(ctx);
    await ctx.close();
  }
}

/** Reads that went ahead on a database that could not take their audit entries (README: Audit log). */
async function warnUnloggedReads(ctx: Context): Promise<void> {
  const records = await ctx.openedRecords();
  if (!records) return;
  const { takeUnloggedPortReads } = await import('./core/audit.js');
  for (const entry of takeUnloggedPortReads(records)) {
    ctx.note(
      `tpt: warning: the database cannot take writes (disk full, or a read-only file), so this read is not in the audit log: ` +
      `${entry.action}${entry.client_id ? ` of ${entry.client_id}` : ''} by ${entry.actor} at ${entry.at}; note it by hand`,
    );
  }
}

/** Colour asked for by the environment, the test of commander's `useColor` (not exported by it). */
function forcedColor(env: Io['env']): boolean | undefined {
  if (env.NO_COLOR || env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.FORCE_COLOR || env.CLICOLOR_FORCE !== undefined) return true;
  return undefined;
}

/** `--version` with `--json` (in any order, before `--`) prints JSON, as every other --json does. */
function wantsJsonVersion(args: string[]): boolean {
  const options = args.includes('--') ? args.slice(0, args.indexOf('--')) : args;
  return options.includes('--json') && (options.includes('--version') || options.includes('-V'));
}

function processIo(): Io {
  // Every file tpt creates holds or unlocks records: owner-only, whatever the caller's umask.
  process.umask(0o077);
  // A reader that stops early (`tpt sessions c42 | head`) is not an error; a full disk is one line.
  const stdout = outputOf(1, (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`tpt: cannot write the output: ${error.message}\n`);
    process.exit(1);
  });
  if ('writableLength' in stdout) nodeStreams.add(stdout as NodeJS.WriteStream); // a terminal: Node's stream
  return {
    // Read only when a command reads it: opening stdin loads Node's stream and tty machinery.
    get stdin() {
      return process.stdin;
    },
    stdout,
    // Made when something is written to it: most runs write nothing there.
    get stderr() {
      nodeStreams.add(process.stderr);
      return process.stderr;
    },
    env: process.env,
  };
}

/** Node's streams that the runs of processIo write through (a terminal; stderr). */
const nodeStreams = new Set<NodeJS.WriteStream>();

/**
 * Whether every byte a run wrote is out of tpt's hands: written directly, or with nothing left
 * in Node's streams (bin/tpt.js then exits at once, see there).
 */
export function allWritten(): boolean {
  return [...nodeStreams].every((stream) => stream.writableLength === 0);
}

/** The one place where an error becomes a line on stderr and an exit code (SPEC §2). */
async function reportError(error: unknown, ctx: Context): Promise<number> {
  const { InputError, TptError } = await import('./core/errors.js');
  // Messages quote ids and values from the command line and import files: never raw to the terminal.
  const { visible } = await import('./terminal-text.js');
  const say = (message: string) => ctx.io.stderr.write(`tpt: ${visible(message)}\n`);
  if (error instanceof CommanderError) {
    if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    if (error.code === 'commander.help') {
      say('missing command: pick one of the commands listed above');
      return 2;
    }
    say(`${withCloseSuggestion(error.message.replace(/^error: /, '').replace(/\n/g, ' '))} (see \`tpt ${ctx.commandName === 'tpt' ? '' : `${ctx.commandName} `}--help\`)`);
    return 2;
  }
  if (error instanceof Error && error.name === 'ExitPromptError') {
    say('cancelled; nothing was written');
    return 130;
  }
  const { StoreError } = await import('./store/errors.js');
  const code = error instanceof InputError || (error instanceof StoreError && isUsersToFix(error)) ? 2 : 1;
  await auditFailure(ctx, code === 2 ? 'refused' : 'failed');
  if (error instanceof InputError || error instanceof TptError) {
    say(error.message);
  } else if (error instanceof StoreError) {
    await sayStoreError(error, ctx, say);
  } else if (error instanceof Error && /^SQLITE_(CORRUPT|NOTADB)/.test((error as { code?: string }).code ?? '')) {
    await ctx.markDamaged(error.message);
    say(`the database at ${ctx.dbPath} is damaged (${error.message}): nothing was written, and tpt writes nothing more to it ` +
      'until `tpt check` passes; run `tpt check`, and restore it from a backup');
  } else if (error instanceof Error && (error as { code?: string }).code?.startsWith('SQLITE_READONLY')) {
    say(`the database at ${ctx.dbPath} is read-only (its file mode has no write permission), so nothing was written: make it writable (chmod 600) to change records`);
  } else if (error instanceof Error && (error as { code?: string }).code === 'SQLITE_FULL') {
    say(`the disk of ${ctx.dbPath} is full, so nothing was written: free some space; reads, \`tpt export --out\` and \`tpt backup\` to another disk still work`);
  } else if (error instanceof Error && (error as { code?: string }).code?.startsWith('SQLITE_BUSY')) {
    const { existsSync } = await import('node:fs');
    const holder = existsSync(`${ctx.dbPath}-journal`) ? 'an import that is still writing' : 'another tpt command or `tpt serve`';
    say(`the database at ${ctx.dbPath} is busy: ${holder} held its write lock for more than 5 seconds, so nothing was written: run this again when it is done`);
  } else if (error instanceof Error && (error as { code?: string }).code?.startsWith('SQLITE_')) {
    say(`database error: ${error.message} (${(error as { code?: string }).code}); nothing was written`);
  } else {
    say(`unexpected error: ${error instanceof Error ? error.message : String(error)} (this is a bug; run with TPT_DEBUG=1 for details)`);
  }
  if (ctx.env.TPT_DEBUG === '1' && error instanceof Error && error.stack) ctx.io.stderr.write(`${error.stack}\n`);
  return code;
}

/**
 * Exit 2 (SPEC §2: bad usage or input) for a store error the command line's input caused: an id
 * that does not exist, a database URL that is malformed or names an unknown host or database.
 * The rest (a refused connection, a wrong password or key, a missing schema) is 1, as a missing
 * or locked SQLite file is.
 */
function isUsersToFix(error: import('./store/errors.js').StoreError): boolean {
  if (error.kind === 'not-found') return true;
  return error.kind === 'unreachable' && ['url', 'host', 'database'].includes((error as import('./store/errors.js').UnreachableError).reason);
}

/**
 * A store error in the terminal's words: the kind decides, never an engine's code. A damaged
 * SQLite file is marked so that nothing more is written to it until `tpt check` passes. On
 * PostgreSQL the engine's own line (src/pg/error-map.ts) already names the server and the fix.
 */
async function sayStoreError(error: import('./store/errors.js').StoreError, ctx: Context, say: (message: string) => void): Promise<void> {
  const cause = error.cause instanceof Error ? error.cause.message : error.message;
  if (ctx.engine === 'postgres') {
    say(error.message);
    return;
  }
  switch (error.kind) {
    case 'damaged': {
      await ctx.markDamaged(cause);
      say(`the database at ${ctx.dbPath} is damaged (${cause}): nothing was written, and tpt writes nothing more to it ` +
        'until `tpt check` passes; run `tpt check`, and restore it from a backup');
      return;
    }
    case 'read-only':
      // Without a cause it is tpt's own refusal (a file marked damaged), which says why itself.
      say(error.cause === undefined ? error.message
        : `the database at ${ctx.dbPath} is read-only (its file mode has no write permission), so nothing was written: make it writable (chmod 600) to change records`);
      return;
    case 'full':
      say(`the disk of ${ctx.dbPath} is full, so nothing was written: free some space; reads, \`tpt export --out\` and \`tpt backup\` to another disk still work`);
      return;
    case 'busy': {
      const { existsSync } = await import('node:fs');
      const holder = existsSync(`${ctx.dbPath}-journal`) ? 'an import that is still writing' : 'another tpt command or `tpt serve`';
      say(`the database at ${ctx.dbPath} is busy: ${holder} held its write lock for more than 5 seconds, so nothing was written: run this again when it is done`);
      return;
    }
    default:
      say(error.message);
  }
}

/** A refused or failed attempt is part of the record too (the key aside: no store, no log). */
async function auditFailure(ctx: Context, outcome: 'refused' | 'failed'): Promise<void> {
  if (ctx.writesNothing && outcome === 'failed') return;
  try {
    // The port over the database the command opened, on either engine; none opened, no entry.
    const records = await ctx.openedRecords();
    if (!records) return;
    const { appendAudit } = await import('./core/audit.js');
    const who = ctx.who();
    await records.write((tx) => appendAudit(tx, { action: ctx.commandName, outcome }, who));
  } catch {
    // The original error is what the user needs to see.
  }
}

/**
 * Commander's "(Did you mean …?)", on the same line, and only for a near miss: `sesions` → sessions,
 * but not `search` → serve or `--limit` → --client (three edits apart).
 */
export function withCloseSuggestion(message: string): string {
  const match = /^(.*?)\s*\(Did you mean (?:one of )?(.+)\?\)\s*$/s.exec(message);
  if (!match) return message;
  const [, head, list] = match as unknown as [string, string, string];
  const typed = /'([^']*)'/.exec(head)?.[1] ?? '';
  const close = list.split(', ').filter((candidate) => editDistance(typed, candidate) <= Math.min(2, Math.floor(typed.replace(/^-+/, '').length / 3)));
  return close.length === 0 ? head : `${head}; did you mean ${close.join(' or ')}?`;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at && at.parent; at = at.parent) names.unshift(at.name());
  return names.join(' ') || 'tpt';
}

/** Subcommands write and fail the same way as the program (addCommand copies nothing). */
function inheritSettings(command: Command, program: Command, ctx: Context): void {
  command.copyInheritedSettings(program);
  if (command.commands.length > 0) {
    command.hook('preSubcommand', (_parent, sub) => {
      ctx.commandName = commandPath(sub);
    });
  }
  for (const sub of command.commands) inheritSettings(sub, program, ctx);
}

const VERSION = '0.1.0';
