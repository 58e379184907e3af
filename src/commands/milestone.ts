import { Command } from 'commander';
import type { Context } from '../context.js';
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
      const store = await ctx.openStore();
      const { addMilestone } = await import('../core/milestones.js');
      const added = addMilestone(store, {
        milestone_id: opts.id, goal_id: opts.goal, description: opts.description,
        achieved_date: opts.date, significance: opts.significance,
      }, ctx.who());
      await ctx.out({ milestone_id: added.milestone_id }, () => `Recorded milestone ${added.milestone_id} of ${added.goal_id}`);
    });

  milestone
    .command('list')
    .description("A client's milestones, newest first")
    .argument('<client>', 'the client id')
    .addHelpText('after', examples('tpt milestone list c42'))
    .action(async (clientId: string) => {
      const store = await ctx.openStore();
      const { listMilestones } = await import('../core/milestones.js');
      const { renderMilestoneList } = await import('../render/tables.js');
      await ctx.out(listMilestones(store, clientId, ctx.who()), renderMilestoneList);
    });

  return milestone;
}
