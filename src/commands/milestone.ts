import { Command } from 'commander';
import type { Context } from '../context.js';
import { notDoneHere } from './not-done-here.js';
import { examples } from './options.js';

export function milestoneCommand(ctx: Context): Command {
  const milestone = new Command('milestone').description('Milestones reached on the way to a goal')
    .addHelpText('after', examples(
      'tpt milestone add --goal goal_7k2m9qxa --description "First week of 7h sleep" --significance high',
      'tpt milestone list c42',
    ));

  milestone
    .command('add')
    .description('Record a milestone of a goal')
    .requiredOption('--goal <goal-id>', 'the goal it belongs to')
    .requiredOption('--description <text>', 'what was achieved')
    .option('--date <date>', 'when, YYYY-MM-DD (default: today)')
    .option('--significance <level>', 'low | medium | high (default: medium)')
    .option('--id <milestone-id>', 'the milestone id (default: a new one)')
    .addHelpText('after', examples('tpt milestone add --goal goal_7k2m9q --description "First full week of 7h sleep" --significance high'))
    .action(async (opts: { goal: string; description: string; date?: string; significance?: string; id?: string }) => {
      const records = await ctx.records();
      const { addMilestone } = await import('../core/milestones.js');
      const added = await addMilestone(records, {
        milestone_id: opts.id, goal_id: opts.goal, description: opts.description,
        achieved_date: opts.date, significance: opts.significance,
      }, ctx.who());
      await ctx.out({ milestone_id: added.milestone_id }, () => `Recorded milestone ${added.milestone_id} of ${added.goal_id}`);
    });

  milestone
    .command('list')
    .description("A client's milestones, newest first")
    .argument('<client>', 'the client id')
    .option('--include-void', 'list voided milestones too, marked [voided]')
    .addHelpText('after', examples('tpt milestone list c42', 'tpt milestone list c42 --include-void'))
    .action(async (clientId: string, opts: { includeVoid?: boolean }) => {
      const records = await ctx.records();
      const { listMilestones } = await import('../core/milestones.js');
      const { renderMilestoneList } = await import('../render/tables.js');
      await ctx.out(await listMilestones(records, clientId, ctx.who(), opts.includeVoid === true), renderMilestoneList);
    });

  milestone
    .command('show')
    .description('One milestone, voided or not, with its corrections (who, when, why, the values before)')
    .argument('<milestone-id>', 'the milestone id')
    .addHelpText('after', examples('tpt milestone show ms_7k2m9qxa'))
    .action(async (milestoneId: string) => {
      const records = await ctx.records();
      const { showMilestone } = await import('../core/milestones.js');
      const { renderMilestone } = await import('../render/tables.js');
      await ctx.out(await showMilestone(records, milestoneId, ctx.who()), renderMilestone);
    });

  milestone
    .command('edit')
    .description('Correct a milestone; the values before are kept with who, when and why')
    .argument('<milestone-id>', 'the milestone id')
    .requiredOption('--reason <text>', 'why it is corrected (required)')
    .option('--description <text>', 'what was achieved')
    .option('--date <date>', 'when, YYYY-MM-DD')
    .option('--significance <level>', 'low | medium | high')
    .addHelpText('after', examples('tpt milestone edit ms_7k2m9qxa --date 2026-03-02 --reason "reached a day later"'))
    .action(async (milestoneId: string, opts: { reason: string; description?: string; date?: string; significance?: string }) => {
      const records = await ctx.records();
      const { editMilestone } = await import('../core/milestones.js');
      const edited = await editMilestone(records, milestoneId, {
        description: opts.description, achieved_date: opts.date, significance: opts.significance,
      }, opts.reason, ctx.who());
      await ctx.out(edited, () => `Corrected milestone ${edited.milestone_id} (${edited.edits.length} edit${edited.edits.length === 1 ? '' : 's'} on record)`);
    });

  milestone
    .command('void')
    .description('Take a milestone out of lists and reports (recorded in error); it stays in the record')
    .argument('<milestone-id>', 'the milestone id')
    .requiredOption('--reason <text>', 'why (required)')
    .addHelpText('after', examples('tpt milestone void ms_7k2m9qxa --reason "recorded for the wrong goal"'))
    .action(async (milestoneId: string, opts: { reason: string }) => {
      const records = await ctx.records();
      const { voidMilestone } = await import('../core/milestones.js');
      const voided = await voidMilestone(records, milestoneId, opts.reason, ctx.who());
      await ctx.out(voided, () => `Voided milestone ${voided.milestone_id}; \`tpt milestone restore ${voided.milestone_id}\` undoes it`);
    });

  milestone
    .command('restore')
    .description('Undo the void of a milestone')
    .argument('<milestone-id>', 'the milestone id')
    .addHelpText('after', examples('tpt milestone restore ms_7k2m9qxa'))
    .action(async (milestoneId: string) => {
      const records = await ctx.records();
      const { restoreMilestone } = await import('../core/milestones.js');
      const restored = await restoreMilestone(records, milestoneId, ctx.who());
      await ctx.out(restored, () => `Restored milestone ${restored.milestone_id}`);
    });

  milestone.addCommand(notDoneHere('delete',
    'a milestone is never deleted: `tpt milestone void <id> --reason "why"` takes it out of lists and reports and keeps it in the record',
    'tpt milestone void ms_7k2m9qxa --reason "recorded for the wrong goal"'),
  { hidden: true });
  return milestone;
}
