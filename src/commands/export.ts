import { Command, Option } from 'commander';
import type { Context, OutputStream } from '../context.js';
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
    .addOption(new Option('--format <format>', 'json (the whole history) or csv (one table)').default('json'))
    .option('--table <table>', 'with --format csv: sessions (default) | goals | milestones | goal-history')
    .option('--out <file>', 'write to this file (mode 0600) instead of stdout')
    .option('--force', 'with --out: replace a file that exists')
    .addHelpText('after', examples(
      'tpt export c42 --out c42.json',
      'tpt export --all > everything.json',
      'tpt export c42 --format csv --table goal-history --out c42-goals.csv',
    ))
    .action(async (clientId: string | undefined, flags: ExportFlags) => {
      const { InputError } = await import('../core/errors.js');
      if (flags.force && flags.out === undefined) throw new InputError('--force only applies to --out FILE: add --out, or drop --force');
      if (ctx.json && flags.format?.toLowerCase() === 'csv' && flags.out === undefined) {
        throw new InputError('--json prints JSON on stdout, so a CSV export needs --out FILE (or drop --json)');
      }
      const store = await ctx.openStore();
      const { planExport, exportJson, exportCsvRows, CSV_COLUMNS } = await import('../core/export.js');
      const { sessionCount, beginSnapshot } = await import('../db/export-queries.js');
      const target = flags.out === undefined ? undefined : await import('./export-file.js').then((m) => m.openExportFile(flags.out!, flags.force === true));
      try {
        const plan = planExport(store, { clientId, all: flags.all, format: flags.format, table: flags.table }, ctx.who());
        const endSnapshot = beginSnapshot(store);
        let sessions = 0;
        try {
          const progress = await progressReporter(ctx, plan.format === 'json' || plan.table === 'sessions'
            ? () => sessionCount(store, plan.clients.map((client) => client.client_id))
            : undefined);
          const onSessions = (done: number) => {
            sessions = done;
            progress?.(done);
          };
          let chunks: Iterable<string>;
          if (plan.format === 'json') {
            chunks = exportJson(store, plan.clients, ctx.now(), onSessions);
          } else {
            const { csvChunks } = await import('../render/csv-export.js');
            chunks = csvChunks(CSV_COLUMNS[plan.table], exportCsvRows(store, plan.clients, plan.table, onSessions));
          }
          await writeChunks(target?.stream ?? ctx.io.stdout, chunks);
          progress?.(sessions, true);
        } finally {
          endSnapshot();
        }
        if (target) {
          await target.finish();
          const what = plan.format === 'json' ? 'JSON' : `CSV (${plan.table})`;
          const summary = { out: target.path, format: plan.format, ...(plan.format === 'csv' ? { table: plan.table } : {}), clients: plan.clients.length, sessions };
          await ctx.out(summary, () => `Exported ${plan.clients.length} client(s), ${sessions} session(s), as ${what} to ${target.path}`);
        }
      } catch (error) {
        target?.abandon();
        throw error;
      }
    });
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
  if (failure) {
    const { TptError } = await import('../core/errors.js');
    throw new TptError((failure as NodeJS.ErrnoException).code === 'EPIPE'
      ? 'the export stopped: the program reading it closed the pipe early, so what it got is incomplete'
      : `the export could not be written: ${failure.message}`);
  }
}

/** A progress bar on stderr, only for a person at a terminal (never in a pipe or with --no-input). */
async function progressReporter(ctx: Context, total: (() => number) | undefined) {
  if (!total || !ctx.io.stderr.isTTY || ctx.globals.input === false) return undefined;
  const { progressLine } = await import('../render/progress.js');
  const all = total();
  let shownAt = 0;
  return (done: number, last = false) => {
    const now = Date.now();
    if (!last && now - shownAt < 100) return;
    shownAt = now;
    ctx.io.stderr.write(`\r${progressLine('exporting', done, all, 'sessions')}${last ? '\n' : ''}`);
  };
}
