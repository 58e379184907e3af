import { Command } from 'commander';
import type { Context } from '../context.js';
import type { ImportSummary } from '../core/import.js';
import { examples } from './options.js';

interface ImportFlags {
  onConflict?: string;
  dryRun?: boolean;
  identity?: string;
}

export function importCommand(ctx: Context): Command {
  return new Command('import')
    .description('Import a JSON export: all of it in one transaction, or nothing')
    .argument('<file>', 'a file written by `tpt export` (JSON, or encrypted with --encrypt)')
    .option('--on-conflict <how>', 'when a record differs from the one on record with its id: skip | replace (default: stop)')
    .option('--dry-run', 'check the file and report what would be added, skipped and replaced; write nothing')
    .option('--identity <file>', "an encrypted export: the receiver's age identity file (else its passphrase is asked for)")
    .addHelpText('after', examples(
      'tpt import c42.json',
      'tpt import everything.json --on-conflict skip',
      'tpt import everything.json --dry-run --json',
      'tpt import everything.json.age --identity ~/.config/age/key.txt',
    ))
    .action(async (file: string, flags: ImportFlags) => {
      const { bufferSource, fileSource, requireRegularFile } = await import('./import-file.js');
      requireRegularFile(file);
      const age = await import('./import-age.js');
      // An encrypted export is opened first: a wrong identity or passphrase touches no database.
      const decrypted = age.isAgeFile(file) ? await age.decryptExport(ctx, file, flags.identity) : undefined;
      if (!decrypted && flags.identity !== undefined) {
        const { InputError } = await import('../core/errors.js');
        throw new InputError(`${file} is not encrypted (not an age file): drop --identity`);
      }
      const records = await ctx.records();
      const progress = await progressReporter(ctx);
      const source = decrypted ? bufferSource(decrypted, progress?.update) : fileSource(file, progress?.update);
      const { importDocument, ImportConflictError } = await import('../core/import.js');
      let summary: ImportSummary;
      try {
        const work = () =>
          importDocument(records, source.read, { onConflict: flags.onConflict, dryRun: flags.dryRun, label: file }, ctx.who());
        // SQLite's cache and rollback journal for the load (the engine's bulk facet); PostgreSQL needs neither.
        summary = records.bulk ? await records.bulk.load(work) : await work();
      } catch (error) {
        if (error instanceof ImportConflictError) {
          for (const conflict of error.conflicts) {
            ctx.note(`conflict: ${conflict.kind} ${conflict.id} (client ${conflict.client_id}) differs in ${conflict.fields.join(', ')}`);
          }
          if (error.total > error.conflicts.length) ctx.note(`… and ${error.total - error.conflicts.length} more`);
        }
        throw error;
      } finally {
        progress?.interrupt();
        source.done();
      }
      const { renderImportSummary } = await import('../render/import-summary.js');
      await ctx.out({ file, ...summary }, renderImportSummary);
    });
}

/** Bytes read of the file, on stderr, for a person at a terminal only. */
async function progressReporter(ctx: Context) {
  if (!ctx.io.stderr.isTTY || ctx.globals.input === false) return undefined;
  const { byteDetail, progressLine } = await import('../render/progress.js');
  let shownAt = 0;
  let started = false;
  let finished = false;
  return {
    update(done: number, total: number): void {
      const now = Date.now();
      const last = done >= total;
      if (finished || (!last && now - shownAt < 100)) return;
      shownAt = now;
      started = true;
      finished = last;
      ctx.io.stderr.write(`\r${progressLine('importing', done, total, byteDetail(done, total))}${last ? '\n' : ''}`);
    },
    /** Ends an unfinished bar's line, so that an error starts on a line of its own. */
    interrupt(): void {
      if (started && !finished) ctx.io.stderr.write('\n');
      finished = true;
    },
  };
}
