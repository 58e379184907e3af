import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

export function caseloadCommand(ctx: Context): Command {
  const command = new Command('caseload')
    .description('Every client, most pressing first, with why: open risks, off track, measures due, no recent session, goals, unsigned notes')
    .option('--unsigned-days <days>', 'list notes unsigned for more than this many days (default 3)')
    .addHelpText('after', examples('tpt caseload', 'tpt caseload --unsigned-days 7', 'tpt caseload --json | jq ".[0]"'))
    .action(async (opts: { unsignedDays?: string }) => {
      const records = await ctx.records();
      const { caseload, parseUnsignedDays } = await import('../core/caseload.js');
      const { renderCaseload } = await import('../render/caseload.js');
      await ctx.out(await caseload(records, { unsignedDays: parseUnsignedDays(opts.unsignedDays) }, ctx.who()), renderCaseload);
    });
  caseloadMoves(ctx, command);
  return command;
}

/** `caseload assign|unassign|transfer`: whose caseload a client is on (issue 23). */
function caseloadMoves(ctx: Context, command: Command): void {
  const moved = (move: { client_id: string; from: string | null; to: string | null }) =>
    move.from === null ? `${move.client_id} is on ${move.to}'s caseload`
      : move.to === null ? `${move.client_id} is off ${move.from}'s caseload` : `${move.client_id} moved from ${move.from} to ${move.to}`;
  command.command('assign').description('Put a client on an account\'s caseload (a client may be on several)')
    .argument('<client>', 'the client id').requiredOption('--to <account>', 'the clinician\'s account')
    .addHelpText('after', examples('tpt caseload assign c-0042 --to dana'))
    .action(async (client: string, opts: { to: string }) => {
      const { assignClient } = await import('../core/assignments.js');
      await ctx.out(await assignClient(await ctx.records(), client, opts.to, ctx.who()), moved);
    });
  command.command('unassign').description('Take a client off an account\'s caseload')
    .argument('<client>', 'the client id').requiredOption('--from <account>', 'the clinician\'s account')
    .addHelpText('after', examples('tpt caseload unassign c-0042 --from dana'))
    .action(async (client: string, opts: { from: string }) => {
      const { unassignClient } = await import('../core/assignments.js');
      await ctx.out(await unassignClient(await ctx.records(), client, opts.from, ctx.who()), moved);
    });
  command.command('transfer').description('Move a client from one caseload to another, in one step')
    .argument('<client>', 'the client id').requiredOption('--from <account>', 'the account it leaves').requiredOption('--to <account>', 'the account it joins')
    .addHelpText('after', examples('tpt caseload transfer c-0042 --from dana --to lee'))
    .action(async (client: string, opts: { from: string; to: string }) => {
      const { transferClient } = await import('../core/assignments.js');
      await ctx.out(await transferClient(await ctx.records(), client, opts.from, opts.to, ctx.who()), moved);
    });
}
