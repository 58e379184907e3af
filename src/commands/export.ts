import { Command, Option } from 'commander';
import type { Context, OutputStream } from '../context.js';
import type { ExportPlan } from '../core/export.js';
import type { RecordStore } from '../store/port.js';
import { collect, examples } from './options.js';

interface ExportFlags {
  all?: boolean;
  format?: string;
  table?: string;
  out?: string;
  force?: boolean;
  encrypt?: boolean;
  recipient?: string[];
}

type Encrypter = Awaited<ReturnType<typeof import('./export-encrypt.js').exportEncrypter>>;

export function exportCommand(ctx: Context): Command {
  return new Command('export')
    .description("Export client history: one versioned JSON document, or one table as CSV")
    .argument('[client]', 'the client id (or --all)')
    .option('--all', 'every client')
    .addOption(new Option('--format <format>', 'json (the whole history), csv (one table) or fhir (a FHIR R4 Bundle)').default('json'))
    .option('--table <table>', 'with --format csv: sessions (default) | goals | milestones | goal-history | measures')
    .option('--out <file>', 'write to this file (mode 0600) instead of stdout')
    .option('--force', 'with --out: replace a file that exists')
    .option('--encrypt', 'write an age file (age-encryption.org), to the --recipient keys or a passphrase asked for')
    .option('--recipient <age1…>', "with --encrypt: the receiver's age public key (repeatable; implies --encrypt)", collect)
    .addHelpText('after', examples(
      'tpt export c42 --out c42.json',
      'tpt export --all --encrypt --recipient age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p --out everything.json.age',
      'tpt export c42 --encrypt --out c42.json.age',
      'tpt export c42 --format csv --table goal-history --out c42-goals.csv',
      'tpt export c42 --format fhir --out c42.fhir.json',
    ))
    .action(async (clientId: string | undefined, flags: ExportFlags) => {
      const { InputError } = await import('../core/errors.js');
      if (flags.force && flags.out === undefined) throw new InputError('--force only applies to --out FILE: add --out, or drop --force');
      if (ctx.json && flags.format?.toLowerCase() === 'csv' && flags.out === undefined) {
        throw new InputError('--json prints JSON on stdout, so a CSV export needs --out FILE (or drop --json)');
      }
      const encrypt = flags.encrypt === true || (flags.recipient ?? []).length > 0;
      if (encrypt && flags.out === undefined) {
        if (ctx.json) throw new InputError('an encrypted export to stdout leaves no room for --json: add --out FILE, or drop --json');
        if (ctx.io.stdout.isTTY) throw new InputError('an encrypted export is binary: add --out FILE, or send stdout to a file (> FILE.age)');
      }
      const records = await ctx.records();
      const encrypter = encrypt
        ? await import('./export-encrypt.js').then((age) => age.exportEncrypter(ctx, flags.recipient ?? []))
        : undefined;
      if (!encrypt && flags.out === undefined) await guardPlainStdout(ctx);
      const { planExport } = await import('../core/export.js');
      const target = flags.out === undefined
        ? undefined
        : await import('./export-file.js').then((file) => file.openExportFile(flags.out!, flags.force === true, ctx));
      try {
        const plan = await planExport(records, { clientId, all: flags.all, format: flags.format, table: flags.table }, ctx.who());
        const count = await streamExport(ctx, records, plan, target?.stream ?? ctx.io.stdout, encrypter);
        if (target) {
          await target.finish();
          const clients = plan.clients.length;
          const encrypted = encrypter ? 'age' : null;
          const summary = plan.format === 'json'
            ? { out: target.path, format: plan.format, clients, sessions: count, encrypted }
            : plan.format === 'fhir'
              ? { out: target.path, format: plan.format, clients, resources: count, encrypted }
              : { out: target.path, format: plan.format, table: plan.table, clients, rows: count, encrypted };
          const sealed = encrypter ? ', encrypted (age),' : '';
          const { counted } = await import('../render/counted.js');
          await ctx.out(summary, () => plan.format === 'json'
            ? `Exported ${counted(clients, 'client')}, ${counted(count, 'session')}, as JSON${sealed} to ${target.path}`
            : plan.format === 'fhir'
              ? `Exported ${counted(clients, 'client')}, ${counted(count, 'resource')}, as a FHIR R4 Bundle${sealed} to ${target.path}`
              : `Exported ${counted(clients, 'client')}, ${counted(count, 'row')} of ${plan.table}, as CSV${sealed} to ${target.path}`);
        }
      } catch (error) {
        target?.abandon();
        throw error;
      } finally {
        await warnUnloggedPortReads(ctx, records);
      }
    });
}

/**
 * Streams the export to `stream` from one snapshot of the database, with a progress bar on a
 * terminal. Returns how many sessions (JSON) or rows (CSV) it wrote.
 */
async function streamExport(
  ctx: Context, records: RecordStore, plan: ExportPlan, stream: OutputStream, encrypter?: Encrypter,
): Promise<number> {
  const { exportJson, exportCsvRows, CSV_COLUMNS } = await import('../core/export.js');
  // SQLite's larger page cache for the long read (the engine's bulk facet; PostgreSQL has none).
  await records.bulk?.prepareExport();
  let progress: Progress | undefined;
  // One read transaction: the export reads one snapshot of the database, whatever is written meanwhile.
  return records.read(async (tx) => {
    try {
      const bySessions = plan.format === 'json' || (plan.format === 'csv' && plan.table === 'sessions');
      const total = bySessions ? await tx.exchange.sessionCount(plan.clients.map((client) => client.client_id)) : 0;
      progress = bySessions ? await progressReporter(ctx, () => total) : undefined;
      let count = 0;
      const onCount = (done: number) => {
        count = done;
        progress?.update(done);
      };
      let chunks: AsyncIterable<string>;
      if (plan.format === 'json') {
        chunks = exportJson(tx, plan.clients, ctx.now(), onCount);
      } else if (plan.format === 'fhir') {
        const { exportFhir } = await import('../core/fhir.js');
        chunks = exportFhir(tx, plan.clients, ctx.now(), onCount);
      } else {
        const { csvChunks } = await import('../render/csv-export.js');
        chunks = csvChunks(CSV_COLUMNS[plan.table], exportCsvRows(tx, plan.clients, plan.table, onCount));
      }
      if (encrypter) {
        const { encryptChunks } = await import('./export-encrypt.js');
        await writeChunks(stream, await encryptChunks(chunks, encrypter));
      } else {
        await writeChunks(stream, stream === ctx.io.stdout ? await inertOnStdout(ctx, plan, chunks) : chunks);
      }
      progress?.update(count, true);
      return count;
    } finally {
      progress?.interrupt();
    }
  });
}

/**
 * An export that went ahead on a database that could not take its audit entries says so, as
 * every such read does (src/cli.ts, warnUnloggedReads), after its output.
 */
async function warnUnloggedPortReads(ctx: Context, records: RecordStore): Promise<void> {
  const { takeUnloggedPortReads } = await import('../core/audit.js');
  for (const entry of takeUnloggedPortReads(records)) {
    ctx.note(
      `tpt: warning: the database cannot take writes (disk full, or a read-only file), so this read is not in the audit log: ` +
      `${entry.action}${entry.client_id ? ` of ${entry.client_id}` : ''} by ${entry.actor} at ${entry.at}; note it by hand`,
    );
  }
}

/**
 * Stdout may be a terminal: JSON (and FHIR) get DEL and the C1 controls as JSON escapes, which
 * JSON.stringify leaves raw (the same value to every reader); CSV on a terminal gets every
 * control character made visible, as tables do. A pipe gets CSV as it is.
 */
async function inertOnStdout(ctx: Context, plan: ExportPlan, chunks: AsyncIterable<string>): Promise<AsyncIterable<string>> {
  const { visible } = await import('../terminal-text.js');
  const json = plan.format !== 'csv';
  if (!json && ctx.io.stdout.isTTY !== true) return chunks;
  return (async function* () {
    for await (const chunk of chunks) {
      yield json ? chunk.replace(/[\u007f-\u009f]/g, (char) => `\\u00${char.charCodeAt(0).toString(16)}`) : visible(chunk);
    }
  })();
}

/** Writes every chunk, waiting whenever the stream asks for a pause (backpressure). */
async function writeChunks(stream: OutputStream, chunks: AsyncIterable<string> | AsyncIterable<Uint8Array>): Promise<void> {
  const events = stream as OutputStream & Partial<NodeJS.EventEmitter>;
  let failure: Error | undefined;
  const onError = (error: Error) => {
    failure = error;
  };
  events.on?.('error', onError);
  try {
    const drained = () => new Promise<void>((resolve) => {
      const done = () => {
        events.off?.('drain', done);
        events.off?.('error', done);
        resolve();
      };
      events.once!('drain', done);
      events.once!('error', done);
    });
    for await (const chunk of chunks) {
      if (failure) break;
      if (!stream.write(chunk) && events.once) await drained();
    }
  } finally {
    events.off?.('error', onError);
  }
  // A reader that stops early (`tpt export c42 | head`) is not an error, as everywhere in tpt.
  if (failure && (failure as NodeJS.ErrnoException).code !== 'EPIPE') {
    const { TptError } = await import('../core/errors.js');
    throw new TptError(`the export could not be written: ${failure.message}`);
  }
}

/** A progress bar on stderr, only for a person at a terminal (never in a pipe or with --no-input). */
interface Progress {
  update(done: number, last?: boolean): void;
  interrupt(): void;
}

async function progressReporter(ctx: Context, total: () => number): Promise<Progress | undefined> {
  if (!ctx.io.stderr.isTTY || ctx.globals.input === false) return undefined;
  const { countDetail, progressLine } = await import('../render/progress.js');
  const all = total();
  let shownAt = 0;
  let started = false;
  let finished = false;
  return {
    update(done: number, last = false): void {
      const now = Date.now();
      if (finished || (!last && now - shownAt < 100)) return;
      shownAt = now;
      started = true;
      finished = last;
      ctx.io.stderr.write(`\r${progressLine('exporting', done, all, countDetail(done, all, 'sessions'))}${last ? '\n' : ''}`);
    },
    /** Ends an unfinished bar's line, so that an error starts on a line of its own. */
    interrupt(): void {
      if (started && !finished) ctx.io.stderr.write('\n');
      finished = true;
    },
  };
}

/**
 * A plain export sent to a file through the shell (`> file`) would get the umask's mode, 0644
 * as a rule: the file is made owner-only before the first byte, and a one-line warning says
 * how to do better. A pipe or a terminal is left alone.
 */
async function guardPlainStdout(ctx: Context): Promise<void> {
  const fd = (ctx.io.stdout as { fd?: unknown }).fd;
  if (typeof fd !== 'number') return;
  const { fchmodSync, fstatSync } = await import('node:fs');
  let isFile: boolean;
  try {
    isFile = fstatSync(fd).isFile();
  } catch {
    return;
  }
  if (!isFile) return;
  try {
    fchmodSync(fd, 0o600);
  } catch {
    // Not ours to change (another owner): the warning still stands.
  }
  ctx.note('tpt: warning: this export goes in clear to a file (made mode 0600); use --out FILE, or --encrypt to hand records to someone');
}
