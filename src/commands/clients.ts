import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

export function clientsCommand(ctx: Context): Command {
  return new Command('clients')
    .description('Every client: sessions, last session, active goals, average goal progress, open risks, off-track alerts')
    .addHelpText('after', examples('tpt clients', 'tpt clients --json'))
    .action(async () => {
      const records = await ctx.records();
      const { listClientsWithAlerts } = await import('../core/off-track.js');
      const { renderClients } = await import('../render/tables.js');
      await ctx.out(await listClientsWithAlerts(records, ctx.who()), renderClients);
    });
}
