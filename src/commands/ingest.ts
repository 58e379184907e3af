import { Command } from 'commander';
import type { Context, OutputStream } from '../context.js';
import { examples } from './options.js';

interface IngestFlags {
  allOrNothing?: boolean;
}

export function ingestCommand(ctx: Context): Command {
  return new Command('ingest')
    .description('Take sessions, measures, goal updates and milestones from another program, as NDJSON')
    .argument('[file]', 'the NDJSON file, or - (the default) for standard input')
    .option('--all-or-nothing', 'write nothing unless every line is good (else bad lines are refused and good ones written)')
    .addHelpText('after', examples(
      'tpt ingest entries.ndjson',
      'producer | tpt ingest - > results.ndjson',
      'tpt ingest entries.ndjson --all-or-nothing',
    ))
    .addHelpText('after', `
One JSON object a line: {"type": "session" | "measure" | "goal_update" | "milestone", "id": "…",
and the entry's fields as POST /api/v1/… takes them}. The id is the sender's and stays the same on a
resend: a line sent again is a no-op (unchanged), the same id with other content is refused. One
result line per input line goes to stdout: {"line", "id", "outcome", "record_id" | "error"}.
Exit 0 when every line is taken, 1 when some are refused (the others are written), 2 with
--all-or-nothing when any is refused (nothing is written).
`)
    .action(async (file: string | undefined, flags: IngestFlags) => {
      const input = await inputOf(ctx, file);
      const records = await ctx.records();
      const { ingestStream } = await import('../core/ingest.js');
      const out = ctx.io.stdout;
      const run = () => ingestStream(records, input, { allOrNothing: flags.allOrNothing === true, who: () => ctx.who() }, async (results) => {
        let text = '';
        // One line each; DEL and the C1 controls escaped as jsonText does for --json (src/terminal-text.ts).
        for (const result of results) text += `${JSON.stringify(result).replace(/[\u007f-\u009f]/g, (char) => `\\u00${char.charCodeAt(0).toString(16)}`)}\n`;
        await writeWaiting(out, text);
      });
      let summary: Awaited<ReturnType<typeof run>>;
      // On SQLite the same large page cache as an import: a bulk load into an encrypted database is
      // bound by decrypting and re-encrypting the index pages it grows. And its rollback journal:
      // each batch's pages are written once, not into the log and again by its checkpoint. Each
      // batch is still one transaction (src/db/import-writes.ts says why that is as safe).
      summary = records.bulk ? await records.bulk.load(run) : await run();
      const { InputError, TptError } = await import('../core/errors.js');
      if (!summary.committed) {
        throw new InputError(`${summary.refused} of ${summary.lines} lines refused (see their result lines), so nothing was written (--all-or-nothing): fix them and send the stream again`);
      }
      ctx.note(`${summary.created} created, ${summary.unchanged} unchanged, ${summary.refused} refused of ${summary.lines} lines`);
      if (summary.refused > 0) {
        throw new TptError(`${summary.refused} of ${summary.lines} lines refused (see their result lines); the others are written: fix those and send them again`);
      }
    });
}

/** The file, or standard input for none or `-`; a file that cannot be read changes nothing. */
async function inputOf(ctx: Context, file: string | undefined): Promise<AsyncIterable<Buffer | string>> {
  if (file === undefined || file === '-') return ctx.io.stdin as AsyncIterable<Buffer | string>;
  const { createReadStream, statSync } = await import('node:fs');
  const { InputError } = await import('../core/errors.js');
  let isFile: boolean;
  try {
    isFile = statSync(file).isFile();
  } catch {
    throw new InputError(`cannot read ${file}: no such file; give an NDJSON file, or - for standard input`);
  }
  if (!isFile) throw new InputError(`${file} is not a file: give an NDJSON file, or - for standard input`);
  return createReadStream(file, { highWaterMark: 1024 * 1024 });
}

/** Writes, and waits for 'drain' when the stream asks for a pause (a reader slower than tpt). */
async function writeWaiting(out: OutputStream, text: string): Promise<void> {
  const events = out as OutputStream & Partial<NodeJS.EventEmitter>;
  if (!out.write(text) && events.once) await new Promise<void>((resolve) => events.once!('drain', () => resolve()));
}

