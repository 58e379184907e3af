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
  const measure = new Command('measure').description('Standardized outcome measures: PHQ-9, GAD-7, CORE-10; corrected by amendment')
    .addHelpText('after', examples(
      'tpt measure add c42 --measure phq9 --items 1,1,2,1,0,1,1,0,0',
      'tpt measure add c42 --measure gad7',
      'tpt measure show msr_7k2m9qxa',
      'tpt measure amend msr_7k2m9qxa --items 1,1,2,1,0,1,1,0,1 --reason "item 9 misread"',
      'tpt measures c42 --last 6m',
    ));

  measure
    .command('add')
    .description('Record one measure; on a terminal without --items, asks item by item, then its session or date')
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
      // The SQLite Store only for the prompts (not on the port yet); the database is checked first.
      await ctx.records();
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
        input = await askMeasure(ctx, await ctx.records(), input);
      }
      const { checkClientId } = await import('./check-client.js');
      const client = await checkClientId(ctx, await ctx.records(), input.client_id);
      input = { ...input, client_id: client.id };
      const { addMeasure } = await import('../core/measures.js');
      const added = await addMeasure(await ctx.records(), input, ctx.who());
      if (client.note) ctx.note(client.note);
      const { measureAddedLine } = await import('../render/measures.js');
      await ctx.out({ measure_id: added.measure_id }, (_data, style) => measureAddedLine(added, style));
    });

  measure
    .command('show')
    .description('Show one measure (voided ones too): each item, the total, its band and flags, its version')
    .argument('<measure-id>', 'the measure id')
    .option('--history', 'every version, oldest first, with who made it, when and why')
    .addHelpText('after', examples('tpt measure show msr_7k2m9qxa', 'tpt measure show msr_7k2m9qxa --history'))
    .action(async (measureId: string, opts: { history?: boolean }) => {
      const records = await ctx.records();
      const { showMeasure } = await import('../core/measure-corrections.js');
      const { renderMeasureDetail } = await import('../render/measures.js');
      await ctx.out(await showMeasure(records, measureId, opts.history === true, ctx.who()), renderMeasureDetail);
    });

  measure
    .command('amend')
    .description('Correct a measure: a new version with what changed; every earlier version is kept')
    .argument('<measure-id>', 'the measure id')
    .requiredOption('--reason <text>', 'why it is corrected (required; kept with the version)')
    .option('--items <answers>', 'the answers as ticked, item 1 first (the total is computed)')
    .option('--total <n>', 'only when the items are unknown: the total alone')
    .option('--at <datetime>', 'when it was taken, local time')
    .option('--session <session-id>', 'the session it belongs to (its time too, unless --at is given)')
    .addHelpText('after', `${examples(
      'tpt measure amend msr_7k2m9qxa --items 1,2,1,1,0,1,0,0,1 --reason "item 9 was ticked 1 on the paper form"',
      'tpt measure amend msr_7k2m9qxa --at "2026-03-02 10:00" --reason "entered a week late"',
    )}
A measure's kind and client are not amended: void it and record it again.
An amendment that raises PHQ-9 item 9 or CORE-10 item 6 above what it was opens (or reopens) the risk.
`)
    .action(async (measureId: string, flags: { reason: string; items?: string; total?: string; at?: string; session?: string }) => {
      const records = await ctx.records();
      const { amendMeasure } = await import('../core/measure-corrections.js');
      const amended = await amendMeasure(records, measureId, {
        items: flags.items, total: flags.total, timestamp: flags.at, session_id: flags.session,
      }, flags.reason, ctx.who());
      const { scoreLabel } = await import('../render/measures.js');
      await ctx.out({ measure_id: amended.measure_id, version: amended.version, total: amended.total }, (_data, style) =>
        `Amended ${amended.name} ${amended.measure_id}: now version ${amended.version}, ${scoreLabel(amended, style)}`);
    });

  measure
    .command('void')
    .description('Take a measure out of listings, trends and reports (entered in error); it stays in the record')
    .argument('<measure-id>', 'the measure id')
    .requiredOption('--reason <text>', 'why (required; kept with the record)')
    .addHelpText('after', examples('tpt measure void msr_7k2m9qxa --reason "entered for the wrong client"'))
    .action(async (measureId: string, opts: { reason: string }) => {
      const records = await ctx.records();
      const { voidMeasure } = await import('../core/measure-corrections.js');
      const voided = await voidMeasure(records, measureId, opts.reason, ctx.who());
      await ctx.out({ measure_id: voided.measure_id, voided_at: voided.voided_at }, () =>
        `Voided measure ${voided.measure_id}; \`tpt measures ${voided.client_id} --include-void\` still lists it, \`tpt measure restore ${voided.measure_id}\` undoes it`);
    });

  measure
    .command('restore')
    .description('Undo the void of a measure')
    .argument('<measure-id>', 'the measure id')
    .addHelpText('after', examples('tpt measure restore msr_7k2m9qxa'))
    .action(async (measureId: string) => {
      const records = await ctx.records();
      const { restoreMeasure } = await import('../core/measure-corrections.js');
      const restored = await restoreMeasure(records, measureId, ctx.who());
      await ctx.out({ measure_id: restored.measure_id, voided_at: null }, () => `Restored measure ${restored.measure_id}`);
    });

  measure
    .command('schedule')
    .description('Set how often a measure is due for a client (a new schedule replaces the old), or stop it')
    .argument('<client>', 'the client id')
    .argument('<measure>', 'phq9 | gad7 | core10')
    .option('--every <interval>', 'session, or N days or weeks: 7d, 2w, 4w')
    .option('--stop', 'stop the schedule (it stays in the record)')
    .addHelpText('after', examples(
      'tpt measure schedule c42 phq9 --every session',
      'tpt measure schedule c42 core10 --every 2w',
      'tpt measure schedule c42 core10 --stop',
    ))
    .action(async (clientId: string, kind: string, opts: { every?: string; stop?: boolean }) => {
      const records = await ctx.records();
      const { setSchedule } = await import('../core/schedules.js');
      const { renderScheduleSet } = await import('../render/schedules.js');
      const status = await setSchedule(records, { client_id: clientId, measure: kind, every: opts.every, stop: opts.stop }, ctx.who());
      await ctx.out(status, renderScheduleSet);
    });

  measure
    .command('due')
    .description("A client's measure schedules: due, overdue, missed in a row, stopped")
    .argument('<client>', 'the client id')
    .addHelpText('after', examples('tpt measure due c42', 'tpt measure due c42 --json'))
    .action(async (clientId: string) => {
      const records = await ctx.records();
      const { listSchedules } = await import('../core/schedules.js');
      const { renderSchedules } = await import('../render/schedules.js');
      await ctx.out(await listSchedules(records, clientId, ctx.who()), renderSchedules);
    });

  return measure;
}

export function measuresCommand(ctx: Context): Command {
  return withTimeframe(new Command('measures'))
    .description("List a client's outcome measures, newest first (all of them unless a timeframe is given)")
    .argument('<client>', 'the client id')
    .option('--include-void', 'list voided measures too, marked [voided]')
    .addHelpText('after', examples('tpt measures c42', 'tpt measures c42 --last 6m', 'tpt measures c42 --include-void --json'))
    .action(async (clientId: string, opts: TimeframeOptions & { includeVoid?: boolean }) => {
      const records = await ctx.records();
      const { resolveTimeframe } = await import('../core/timeframe.js');
      const { listMeasures } = await import('../core/measures.js');
      const { renderMeasureList } = await import('../render/measures.js');
      const timeframe = resolveTimeframe(opts, null, ctx.now());
      await ctx.out(await listMeasures(records, clientId, timeframe, opts.includeVoid === true, ctx.who()), renderMeasureList);
    });
}
