import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

/** Who supervises whom (issue 23): a supervisor reads their supervisees' caseloads and reviews their notes. */
export function supervisionCommand(ctx: Context): Command {
  const supervision = new Command('supervision').description('Supervisions: add, remove (see them in tpt account list)')
    .addHelpText('after', examples('tpt supervision add sam --of dana', 'tpt supervision remove sam --of dana'));

  for (const [verb, adding] of [['add', true], ['remove', false]] as const) {
    supervision
      .command(verb)
      .description(adding ? 'Make a supervisor supervise a clinician' : 'End a supervision')
      .argument('<supervisor>', 'the supervisor\'s account')
      .requiredOption('--of <clinician>', 'the supervised clinician\'s account')
      .addHelpText('after', examples(`tpt supervision ${verb} sam --of dana`))
      .action(async (supervisor: string, opts: { of: string }) => {
        const records = await ctx.records();
        const { addSupervision, removeSupervision } = await import('../core/assignments.js');
        const change = await (adding ? addSupervision : removeSupervision)(records, supervisor, opts.of, ctx.who());
        await ctx.out(change, () => (adding ? `${supervisor} now supervises ${opts.of}` : `${supervisor} no longer supervises ${opts.of}`));
      });
  }
  return supervision;
}
