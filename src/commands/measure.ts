import { Command } from 'commander';
import type { Context } from '../context.js';
import type { MeasureInput } from '../core/measures.js';
import { examples, withTimeframe } from './options.js';
import type { TimeframeOptions } from '../core/timeframe.js';

interface MeasureAddFlags {
  measure?: string;
  items?: string;
  total?: string;
  at?: string;
  session?: string;
  id?: string;
}

export function measureCommand(ctx: Context): Command {
  const measure = new Command('measure').description('Standardized outcome measures: PHQ-9, GAD-7, CORE-10')
    .addHelpText('after', examples(
      'tpt measure add c42 --measure phq9 --items 1,1,2,1,0,1,1,0,0',
      'tpt measure add c42 --measure gad7',
      'tpt measure show msr_7k2m9qxa',
      'tpt measures c42 --last 6m',
    ));

  measure
    .command('add')
    .description('Record one measure; on a terminal without --items, asks item by item')
    .argument('<client>', 'the client id')
    .option('--measure <name>', 'phq9 | gad7 | core10 (asked for on a terminal)')
    .option('--items <answers>', 'the answers as ticked, item 1 first: PHQ-9 nine 0-3, GAD-7 seven 0-3, CORE-10 ten 0-4')
    .option('--total <n>', 'only when the items are unknown: the total alone (recorded as such)')
    .option('--at <datetime>', 'when it was taken, local time (default: the session\'s time, else now)')
    .option('--session <session-id>', 'the session it belongs to')
    .option('--id <measure-id>', 'the measure id (default: a new one)')
    .addHelpText('after', `${examples(
      'tpt measure add c42 --measure phq9 --items 1,2,1,1,0,1,0,0,0',
      'tpt measure add c42 --measure gad7 --items 2,2,1,1,0,1,1 --session ses_7k2m9qxa',
      'tpt measure add c42 --measure core10 --items 1,3,2,0,1,0,2,1,1,0 --at 2026-03-02',
      'tpt measure add c42 --measure phq9 --total 14 --at 2025-11-03     # items unknown',
      'tpt measure add c42                                               # asks item by item',
    )}
CORE-10 answers are the columns of the form, 0 "Not at all" to 4 "Most or all of the time", for every
item: tpt reverse-scores items 2 and 3 itself. PHQ-9 item 9 or CORE-10 item 6 above 0 opens a risk.
`)
    .action(async (clientId: string, flags: MeasureAddFlags) => {
      const { InputError } = await import('../core/errors.js');
      const store = await ctx.openStore();
      let input: MeasureInput = {
        measure_id: flags.id, client_id: clientId, measure: flags.measure as string, timestamp: flags.at,
        session_id: flags.session, items: flags.items, total: flags.total,
      };
      if (flags.items === undefined && flags.total === undefined || flags.measure === undefined) {
        if (!ctx.canPrompt) {
          throw new InputError(flags.measure === undefined
            ? 'missing --measure: give phq9, gad7 or core10 (no terminal to ask on)'
            : 'missing --items: give the answers, item 1 first (or --total N when only the total is known; no terminal to ask on)');
        }
        const { askMeasure } = await import('./ask-measure.js');
        input = await askMeasure(ctx, input);
      }
      const { addMeasure } = await import('../core/measures.js');
      const added = addMeasure(store, input, ctx.who());
      const { measureAddedLine } = await import('../render/measures.js');
      await ctx.out({ measure_id: added.measure_id }, (_data, style) => measureAddedLine(added, style));
    });

  measure
    .command('show')
    .description('Show one measure: each item, the total, its band and flags')
    .argument('<measure-id>', 'the measure id')
    .addHelpText('after', examples('tpt measure show msr_7k2m9qxa'))
    .action(async (measureId: string) => {
      const store = await ctx.openStore();
      const { showMeasure } = await import('../core/measures.js');
      const { renderMeasure } = await import('../render/measures.js');
      await ctx.out(showMeasure(store, measureId, ctx.who()), renderMeasure);
    });

  return measure;
}

export function measuresCommand(ctx: Context): Command {
  return withTimeframe(new Command('measures'))
    .description("List a client's outcome measures, newest first (all of them unless a timeframe is given)")
    .argument('<client>', 'the client id')
    .addHelpText('after', examples('tpt measures c42', 'tpt measures c42 --last 6m', 'tpt measures c42 --json'))
    .action(async (clientId: string, opts: TimeframeOptions) => {
      const store = await ctx.openStore();
      const { resolveTimeframe } = await import('../core/timeframe.js');
      const { listMeasures } = await import('../core/measures.js');
      const { renderMeasureList } = await import('../render/measures.js');
      const timeframe = resolveTimeframe(opts, null, ctx.now());
      await ctx.out(listMeasures(store, clientId, timeframe, ctx.who()), renderMeasureList);
    });
}
