import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

export function sessionCommand(ctx: Context): Command {
  const session = new Command('session').description('One session')
    .addHelpText('after', examples('tpt session show ses_7k2m9qxa', 'tpt session show ses_7k2m9qxa --json'));
  session
    .command('show')
    .description('Show one session in full')
    .argument('<session-id>', 'the session id')
    .addHelpText('after', examples('tpt session show ses_7k2m9qxa'))
    .action(async (sessionId: string) => {
      const store = await ctx.openStore();
      const { showSession } = await import('../core/sessions.js');
      const { openRisksOf } = await import('../core/risks.js');
      const { renderSession } = await import('../render/tables.js');
      const shown = showSession(store, sessionId, ctx.who());
      // --json prints the session of SPEC §1; a person also sees the client's open risks first.
      const risks = openRisksOf(store, shown.client_id);
      await ctx.out(shown, (data, style, _columns, width) => renderSession(data, style, risks, width));
    });
  return session;
}
