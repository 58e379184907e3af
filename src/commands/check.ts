import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

export function checkCommand(ctx: Context): Command {
  return new Command('check')
    .description("Check the database: SQLite's integrity and foreign-key checks and the audit chain (exit 1 on a problem)")
    .option('--head <hash>', 'an audit head kept elsewhere (see `tpt audit verify --head`)')
    .addHelpText('after', examples('tpt check', 'tpt check --json'))
    .action(async (opts: { head?: string }) => {
      ctx.writesNothing = true;
      const records = await ctx.records();
      const { checkDatabase } = await import('../core/check.js');
      const { renderCheck, verificationLine } = await import('../render/audit.js');
      const { renderKeyInUse } = await import('../render/protection.js');
      // What killed runs left (a rekey's copy, a partial backup or export, a purge's compaction), removed or finished by the open.
      const { check, leftovers } = await checkDatabase(records, opts.head);
      for (const file of leftovers) ctx.note(`tpt: removed what a killed run left: ${file}`);
      const result = { ...check, key_file: ctx.openedKey!.keyFile ?? null, leftovers_removed: leftovers };
      // A damaged page stops writes until a check passes again (SQLite's damage mark).
      await ctx.markDamaged(result.integrity_problems[0]);
      if (result.ok || ctx.json) {
        await ctx.out(result, (checked, style) => `${renderCheck(checked, style)}\n${renderKeyInUse(checked.key_file)}`);
      }
      if (!result.ok) {
        const { TptError } = await import('../core/errors.js');
        // An unreadable page breaks both checks; name it once.
        const integrity = result.integrity_problems[0];
        const audit = result.audit.intact || (integrity !== undefined && result.audit.broken_seq === null)
          ? undefined
          : verificationLine(result.audit);
        const problems = [...(integrity ? [`integrity check: ${integrity}`] : []), ...(audit ? [audit] : [])];
        throw new TptError(`check failed: ${problems.join('; ')}; restore the database from a backup`);
      }
    });
}
