import { Command } from 'commander';
import type { Context } from '../context.js';
import type { TimeframeOptions } from '../core/timeframe.js';
import { examples, withTimeframe } from './options.js';

export function outcomesCommand(ctx: Context): Command {
  return withTimeframe(new Command('outcomes'))
    .description("The practice's NHS Talking Therapies rates over courses ended (and, apart, ongoing) in the timeframe (default the last 12 months)")
    .option('--by <group>', 'clinician: a group per clinician beside the whole practice')
    .option('--format <format>', 'table | json | csv (default table)')
    .addHelpText('after', examples('tpt outcomes', 'tpt outcomes --last 2y --by clinician', 'tpt outcomes --since 2026-04-01 --until 2027-03-31 --format csv > outcomes.csv'))
    .action(async (opts: TimeframeOptions & { by?: string; format?: string }) => {
      const { InputError } = await import('../core/errors.js');
      const format = opts.format?.trim().toLowerCase() ?? (ctx.json ? 'json' : 'table');
      if (!['table', 'json', 'csv'].includes(format)) throw new InputError(`invalid --format "${opts.format}": use table, json or csv`);
      if (ctx.json && format !== 'json') throw new InputError('--json and --format csv|table ask for two formats: give one');
      const { resolveTimeframe } = await import('../core/timeframe.js');
      const { parseOutcomesBy, practiceOutcomes } = await import('../core/outcomes.js');
      const by = parseOutcomesBy(opts.by);
      const timeframe = resolveTimeframe(opts, { amount: 12, unit: 'm' }, ctx.now());
      const records = await ctx.records();
      const outcomes = await practiceOutcomes(records, timeframe, by, ctx.who());
      const render = await import('../render/outcomes.js');
      if (format === 'json') ctx.io.stdout.write(`${JSON.stringify(outcomes, null, 2)}\n`);
      else if (format === 'csv') ctx.io.stdout.write(render.outcomesCsv(outcomes));
      else await ctx.out(outcomes, render.renderOutcomes);
    });
}
