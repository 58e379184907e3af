import { Command } from 'commander';
import type { Context } from '../context.js';
import type { GoalUpdateInput } from '../core/schemas.js';
import { notDoneHere } from './not-done-here.js';
import { examples } from './options.js';

interface GoalUpdateFlags {
  progress?: string;
  status?: string;
  note?: string;
  at?: string;
}

export function goalCommand(ctx: Context): Command {
  const goal = new Command('goal').description('Therapeutic goals: create, update, list, show')
    .addHelpText('after', examples(
      'tpt goal create --client c42 --description "Sleep 7 hours a night" --target 2026-06-30',
      'tpt goal update goal_7k2m9qxa --progress 60 --note "sleeps 7h most nights"',
      'tpt goal list c42 --status active',
      'tpt goal show goal_7k2m9qxa',
    ));

  goal
    .command('create')
    .description('Create a goal for a client')
    .requiredOption('--client <id>', 'the client')
    .requiredOption('--description <text>', 'what the client works towards')
    .option('--target <date>', 'target date, YYYY-MM-DD')
    .option('--progress <percent>', 'completion so far, 0-100 (default 0)')
    .option('--notes <text>', 'standing notes on the goal')
    .option('--id <goal-id>', 'the goal id (default: a new one)')
    .option('--at <datetime>', 'when the goal was set, for a therapy entered late (default: now)')
    .addHelpText('after', examples(
      'tpt goal create --client c42 --description "Sleep 7 hours a night" --target 2026-06-30',
      'tpt goal create --client c42 --description "Return to work" --at 2026-09-01 --progress 20',
    ))
    .action(async (opts: { client: string; description: string; target?: string; progress?: string; notes?: string; id?: string; at?: string }) => {
      const { checkClientId } = await import('./check-client.js');
      const client = await checkClientId(ctx, await ctx.records(), opts.client);
      const { createGoal, pastTargetWarning } = await import('../core/goals.js');
      const created = await createGoal(await ctx.records(), {
        goal_id: opts.id, client_id: client.id, description: opts.description,
        target_date: opts.target, completion_percentage: opts.progress, notes: opts.notes,
      }, ctx.who(), opts.at);
      if (client.note) ctx.note(client.note);
      const warning = pastTargetWarning(created, ctx.now());
      if (warning) ctx.note(warning);
      await ctx.out({ goal_id: created.goal_id }, () => `Created goal ${created.goal_id} for ${created.client_id}`);
    });

  goal
    .command('update')
    .description('Record progress on a goal; asks on a terminal when no value is given')
    .argument('[goal-id]', 'the goal (asked for on a terminal when missing)')
    .option('--progress <percent>', 'completion, 0-100')
    .option('--status <status>', 'active | achieved | paused | discontinued')
    .option('--note <text>', 'why it changed (alone: a note on where the goal stands)')
    .option('--at <datetime>', 'when it changed, for a progress entry made late (from the day the goal was set)')
    .addHelpText('after', examples(
      'tpt goal update goal_7k2m9q --progress 60 --note "sleeps 7h most nights"', 'tpt goal update goal_7k2m9q --status paused',
      'tpt goal update goal_7k2m9q --progress 40 --at 2026-03-01', 'tpt goal update goal_7k2m9q --note "setback after the move"',
      'tpt goal update',
    ))
    .action(async (goalId: string | undefined, flags: GoalUpdateFlags) => {
      const { InputError } = await import('../core/errors.js');
      // The SQLite Store only for the prompts (not on the port yet); the database is checked first.
      await ctx.records();
      let change: GoalUpdateInput = { completion_percentage: flags.progress, status: flags.status, note: flags.note ?? '' };
      let id = goalId;
      let at = flags.at;
      if (id === undefined || (flags.progress === undefined && flags.status === undefined && flags.note === undefined)) {
        if (!ctx.canPrompt) {
          throw new InputError(id === undefined
            ? `missing <goal-id>: give it, with --progress, --status and/or --note (${ctx.noPromptReason})`
            : 'nothing to update: give --progress <0-100>, --status <status> and/or --note <text>');
        }
        const { askGoalUpdate } = await import('./ask-goal-update.js');
        ({ goalId: id, change, at } = await askGoalUpdate(ctx, await ctx.records(), id, change, at));
      }
      const { updateGoal } = await import('../core/goals.js');
      const { renderGoal } = await import('../render/tables.js');
      const updated = await updateGoal(await ctx.records(), id, change, ctx.who(), at);
      if (ctx.json) await ctx.out({ goal_id: updated.goal_id, completion_percentage: updated.completion_percentage, status: updated.status }, () => '');
      else await ctx.out(updated, renderGoal);
    });

  goal
    .command('edit')
    .description("Correct a goal's description, target date, notes or when it was set; the values before are kept with who, when and why")
    .argument('<goal-id>', 'the goal id')
    .requiredOption('--reason <text>', 'why it is corrected (required)')
    .option('--description <text>', 'what the client works towards')
    .option('--target <date>', 'target date, YYYY-MM-DD (empty "" for none)')
    .option('--notes <text>', 'standing notes on the goal')
    .option('--set-at <datetime>', 'when the goal was set (not after its first progress entry or milestone)')
    .addHelpText('after', examples(
      'tpt goal edit goal_7k2m9q --target 2026-09-30 --reason "new target after the review"',
      'tpt goal edit goal_7k2m9q --set-at 2026-09-01 --reason "set at intake, entered late"',
    ))
    .action(async (goalId: string, opts: { reason: string; description?: string; target?: string; notes?: string; setAt?: string }) => {
      const records = await ctx.records();
      const { editGoal, pastTargetWarning } = await import('../core/goals.js');
      const { renderGoal } = await import('../render/tables.js');
      const edited = await editGoal(records, goalId, {
        description: opts.description, target_date: opts.target, notes: opts.notes, set_at: opts.setAt,
      }, opts.reason, ctx.who());
      const warning = opts.target === undefined ? undefined : pastTargetWarning(edited, ctx.now());
      if (warning) ctx.note(warning);
      if (ctx.json) await ctx.out({ goal_id: edited.goal_id, edits: edited.edits.length }, () => '');
      else await ctx.out(edited, renderGoal);
    });

  goal
    .command('list')
    .description("A client's goals")
    .argument('<client>', 'the client id')
    .option('--status <status>', 'only goals with this status')
    .addHelpText('after', examples('tpt goal list c42', 'tpt goal list c42 --status active --json'))
    .action(async (clientId: string, opts: { status?: string }) => {
      const records = await ctx.records();
      const { listGoals } = await import('../core/goals.js');
      const { renderGoalList } = await import('../render/tables.js');
      await ctx.out(await listGoals(records, clientId, ctx.who(), opts.status), renderGoalList);
    });

  goal
    .command('show')
    .description('A goal with its whole history and milestones')
    .argument('<goal-id>', 'the goal id')
    .addHelpText('after', examples('tpt goal show goal_7k2m9q'))
    .action(async (goalId: string) => {
      const records = await ctx.records();
      const { showGoal } = await import('../core/goals.js');
      const { renderGoal } = await import('../render/tables.js');
      await ctx.out(await showGoal(records, goalId, ctx.who()), renderGoal);
    });

  goal.addCommand(notDoneHere('delete',
    'a goal is never deleted: end it with `tpt goal update <id> --status discontinued`, or correct it with `tpt goal edit <id> … --reason "why"`',
    'tpt goal update goal_7k2m9qxa --status discontinued --note "client chose another focus"'),
  { hidden: true });
  return goal;
}
