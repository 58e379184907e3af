import { Command } from 'commander';
import type { Context } from '../context.js';
import type { TimeframeOptions } from '../core/timeframe.js';
import { examples, withTimeframe } from './options.js';

export function accessLogCommand(ctx: Context): Command {
  return withTimeframe(new Command('access-log'))
    .description('Who read or wrote which client\'s clinical text, and when (no text): for the practice manager and the auditor')
    .argument('[client]', 'only the reads and writes of this client (all clients when omitted)')
    .option('--by <person>', 'only those of this person (account or actor; --actor before the command names who is acting)')
    .addHelpText('after', examples('tpt access-log', 'tpt access-log c42 --last 30d', 'tpt access-log --by dana --json'))
    .action(async (client: string | undefined, opts: TimeframeOptions & { by?: string }) => {
      const records = await ctx.records();
      const { resolveTimeframe } = await import('../core/timeframe.js');
      const { listAccessLog } = await import('../core/access-log.js');
      const { renderAccessLog } = await import('../render/access-log.js');
      const who = ctx.who();
      const timeframe = resolveTimeframe(opts, null, who.now);
      await ctx.out(await listAccessLog(records, client ?? null, timeframe, who, opts.by), renderAccessLog);
    });
}
