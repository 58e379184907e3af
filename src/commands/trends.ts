import { Command } from 'commander';
import type { Context } from '../context.js';
import type { TimeframeOptions } from '../core/timeframe.js';
import { examples, withTimeframe } from './options.js';

export function trendsCommand(ctx: Context): Command {
  return withTimeframe(new Command('trends'))
    .description("A client's emotional trend by calendar period, with a chart (default: the last 90 days)")
    .argument('<client>', 'the client id')
    .option('--by <period>', 'day | week | month | quarter | year (default: fits the timeframe)')
    .option('--rated-by <who>', 'clinician: leave moods a machine estimated (unsigned) out | any (default)')
    .addHelpText('after', examples(
      'tpt trends c42',
      'tpt trends c42 --last 12m --by month',
      'tpt trends c42 --since 2026-01-01 --until 2026-03-31 --by week --json',
      'tpt trends c42 --rated-by clinician',
    ))
    .action(async (clientId: string, opts: TimeframeOptions & { by?: string; ratedBy?: string }) => {
      // One batch of imports, so the module loader reads them in parallel.
      const [{ resolveTimeframe }, { parseGranularity }, { emotionalTrends }, { parseRatedBy }] = await Promise.all([
        import('../core/timeframe.js'), import('../core/periods.js'), import('../core/trends.js'), import('../core/report.js'),
      ]);
      const timeframe = resolveTimeframe(opts, { amount: 90, unit: 'd' }, ctx.now());
      const by = opts.by === undefined ? undefined : parseGranularity(opts.by);
      const ratedBy = opts.ratedBy === undefined ? 'any' : parseRatedBy(opts.ratedBy);
      const render = ctx.json ? undefined : import('../render/trends.js');
      const records = await ctx.records();
      const trends = await emotionalTrends(records, clientId, timeframe, by, ctx.who(), ratedBy);
      await ctx.out(trends, render ? (await render).renderTrends : () => '');
    });
}
