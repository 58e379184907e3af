import { Command, Option } from 'commander';
import type { Context, OutputStream } from '../context.js';
import type { ExportPlan } from '../core/export.js';
import type { Store } from '../db/store.js';
import { examples } from './options.js';

interface ExportFlags {
  all?: boolean;
  format?: string;
  table?: string;
  out?: string;
  force?: boolean;
}

export function exportCommand(ctx: Context): Command {
  return new Command('export')
    .description("Export client history: one versioned JSON document, or one table as CSV")
    .argument('[client]', 'the client id (or --all)')
    .option('--all', 'every client')
    .addOption(new Option('--format <format>', 'json (the whole history), csv (one table) or fhir (a FHIR R4 Bundle)').default('json'))
    .option('--table <table>', 'with --format csv: sessions (default) | goals | milestones | goal-history | measures')
    .option('--out <file>', 'write to this file (mode 0600) instead of stdout')
    .option('--force', 'with --out: replace a file that exists')
    .addHelpText('after', examples(
      'tpt export c42 --out c42.json',
      'tpt export --all > everything.json',
      'tpt export c42 --format csv --table goal-history --out c42-goals.csv',
      'tpt export c42 --format fhir --out c42.fhir.json',
    ))
    .action(async (clientId: string | undefined, flags: ExportFlags) => {
      const { InputError } = await import('../core/errors.js');
      if (flags.force && flags.out === undefined) throw new InputError('--force only applies to --out FILE: add --out, or drop --force');
      if (ctx.json && flags.format?.toLowerCase() === 'csv' && flags.out === undefined) {
        throw new InputError('--json prints JSON on stdout, so a CSV export needs --out FILE (or drop --json)');
      }
      const store = await ctx.openStore();
      const { planExport } = await import('../core/export.js');
      const target = flags.out === undefined
        ? undefined
        : await import('./export-file.js').then((file) => file.openExportFile(flags.out!, flags.force === true));
      try {
        const plan = planExport(store, { clientId, all: flags.all, format: flags.format, table: flags.table }, ctx.who());
        const count = await streamExport(ctx, store, plan, target?.stream ?? ctx.io.stdout);
        if (target) {
          await target.finish();
          const clients = plan.clients.length;
          const summary = plan.format === 'json'
            ? { out: target.path, format: plan.format, clients, sessions: count }
            : plan.format === 'fhir'
              ? { out: target.path, format: plan.format, clients, resources: count }
              : { out: target.path, format: plan.format, table: plan.table, clients, rows: count };
          await ctx.out(summary, () => plan.format === 'json'
            ? `Exported ${clients} client(s), ${count} session(s), as JSON to ${target.path}`
            : plan.format === 'fhir'
              ? `Exported ${clients} client(s), ${count} resource(s), as a FHIR R4 Bundle to ${target.path}`
              : `Exported ${clients} client(s), ${count} row(s) of ${plan.table}, as CSV to ${target.path}`);
        }
      } catch (error) {
        target?.abandon();
        throw error;
      }
    });
}

/**
 * Streams the export to `stream` from one snapshot of the database, with a progress bar on a
 * terminal. Returns how many sessions (JSON) or rows (CSV) it wrote.
 */
async function streamExport(ctx: Context, store: Store, plan: ExportPlan, stream: OutputStream): Promise<number> {
  const { exportJson, exportCsvRows, CSV_COLUMNS } = await import('../core/export.js');
  const { sessionCount, beginSnapshot } = await import('../db/export-queries.js');
  const endSnapshot = beginSnapshot(store);
  let progress: Progress | undefined;
  try {
    const bySessions = plan.format === 'json' || (plan.format === 'csv' && plan.table === 'sessions');
    progress = bySessions
      ? await progressReporter(ctx, () => sessionCount(store, plan.clients.map((client) => client.client_id)))
      : undefined;
    let count = 0;
    const onCount = (done: number) => {
      count = done;
      progress?.update(done);
    };
    let chunks: Iterable<string>;
    if (plan.format === 'json') {
      chunks = exportJson(store, plan.clients, ctx.now(), onCount);
    } else if (plan.format === 'fhir') {
      const { exportFhir } = await import('../core/fhir.js');
      chunks = exportFhir(store, plan.clients, ctx.now(), onCount);
    } else {
      const { csvChunks } = await import('../render/csv-export.js');
      chunks = csvChunks(CSV_COLUMNS[plan.table], exportCsvRows(store, plan.clients, plan.table, onCount));
    }
    await writeChunks(stream, chunks);
    progress?.update(count, true);
    return count;
  } finally {
    progress?.interrupt();
    endSnapshot();
  }
}

/** Writes every chunk, waiting whenever the stream asks for a pause (backpressure). */
async function writeChunks(stream: OutputStream, chunks: Iterable<string>): Promise<void> {
  const events = stream as OutputStream & Partial<NodeJS.EventEmitter>;
  let failure: Error | undefined;
  const onError = (error: Error) => {
    failure = error;
  };
  events.on?.('error', onError);
  try {
    for (const chunk of chunks) {
      if (failure) break;
      if (!stream.write(chunk) && events.once) {
        await new Promise<void>((resolve) => {
          const done = () => {
            events.off?.('drain', done);
            events.off?.('error', done);
            resolve();
          };
          events.once!('drain', done);
          events.once!('error', done);
        });
      }
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
