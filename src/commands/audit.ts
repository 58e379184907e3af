import { Command } from 'commander';
import type { Context } from '../context.js';
import type { TimeframeOptions } from '../core/timeframe.js';
import { examples, withTimeframe } from './options.js';

export function auditCommand(ctx: Context): Command {
  const audit = withTimeframe(new Command('audit'))
    .description('The audit log: every read and write of client data; `tpt audit verify` proves it intact')
    .argument('[client]', 'only the entries about this client (all entries when omitted)')
    .option('--client <id>', 'the same as [client] (for a client id that reads like a subcommand, such as "verify")')
    .option('--by <person>', 'only the entries of this person (account or actor; --actor before the command names who is acting)')
    .addHelpText('after', examples('tpt audit', 'tpt audit c42 --last 30d', 'tpt audit --by dana', 'tpt audit --since 2026-01-01 --json', 'tpt audit verify'))
    .action(async (client: string | undefined, opts: TimeframeOptions & { client?: string; by?: string }) => {
      const { InputError } = await import('../core/errors.js');
      const records = await ctx.records();
      if (client !== undefined && opts.client !== undefined && client !== opts.client) {
        throw new InputError(`two clients given ("${client}" and --client "${opts.client}"): give one`);
      }
      const { resolveTimeframe } = await import('../core/timeframe.js');
      const { listAudit } = await import('../core/audit.js');
      const { renderAuditList } = await import('../render/audit.js');
      // One instant for the range and the entry of this listing, so the listing shows itself.
      const who = ctx.who();
      const timeframe = resolveTimeframe(opts, null, who.now);
      const { byActor } = await import('../core/access-log.js');
      await ctx.out(byActor(await listAudit(records, client ?? opts.client ?? null, timeframe, who), opts.by), renderAuditList);
    });

  audit
    .command('verify')
    .description('Recompute the hash chain: print the count and the head, or name the first broken entry (exit 1)')
    .option('--head <hash>', 'a head printed earlier and kept elsewhere: also catches a log cut short at its end')
    .addHelpText('after', examples('tpt audit verify', 'tpt audit verify --head 3f9a…(64 hex digits)', 'tpt audit verify --json'))
    .action(async (opts: { head?: string }) => {
      ctx.writesNothing = true;
      const records = await ctx.records();
      const { verifyAudit } = await import('../core/audit.js');
      const { renderVerification, verificationLine } = await import('../render/audit.js');
      const verification = await verifyAudit(records, opts.head);
      if (verification.intact || ctx.json) await ctx.out(verification, renderVerification);
      if (!verification.intact) {
        const { TptError } = await import('../core/errors.js');
        throw new TptError(`${verificationLine(verification)}; restore the database from a backup and find out who changed it`);
      }
    });

  return audit;
}
