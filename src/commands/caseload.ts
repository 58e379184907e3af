import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

export function caseloadCommand(ctx: Context): Command {
  return new Command('caseload')
    .description('Every client, most pressing first, with why: open risks, off track, measures due, no recent session, goals, unsigned notes')
    .option('--unsigned-days <days>', 'list notes unsigned for more than this many days (default 3)')
    .addHelpText('after', examples('tpt caseload', 'tpt caseload --unsigned-days 7', 'tpt caseload --json | jq ".[0]"'))
    .action(async (opts: { unsignedDays?: string }) => {
      const records = await ctx.records();
      const { caseload, parseUnsignedDays } = await import('../core/caseload.js');
      const { renderCaseload } = await import('../render/caseload.js');
      await ctx.out(await caseload(records, { unsignedDays: parseUnsignedDays(opts.unsignedDays) }, ctx.who()), renderCaseload);
    });
}
