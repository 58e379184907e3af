import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

export function demoCommand(ctx: Context): Command {
  return new Command('demo')
    .description('Create a demo database of synthetic clients over 12 months and show it (never your own database)')
    .addHelpText('after', examples('tpt demo', 'tpt --db /tmp/demo.db demo'))
    .action(async () => {
      const { demoDbPath } = await import('../paths.js');
      const { openFreshDemo, demoKeyPath } = await import('../setup.js');
      const { generateDemo } = await import('../core/demo.js');
      const path = ctx.globals.db ?? demoDbPath(ctx.env);
      const store = openFreshDemo(path);
      ctx.adoptStore(store);
      const created = generateDemo(store, ctx.now());
      const { listClients } = await import('../core/clients.js');
      const { renderClients } = await import('../render/tables.js');
      const clients = listClients(store, ctx.who());
      if (ctx.json) {
        await ctx.out({ database: path, key_file: demoKeyPath(path), ...created, clients }, () => '');
        return;
      }
      ctx.note(`Created a demo database at ${path} (key: ${demoKeyPath(path)})`);
      ctx.note(`${created.clients.length} synthetic clients, ${created.sessions} sessions, ${created.goals} goals, ${created.milestones} milestones over 12 months.\n`);
      await ctx.out(clients, renderClients);
      ctx.note([
        '',
        'Try it on the demo (these variables point tpt at the demo, not your own records):',
        `  export TPT_DB=${path} TPT_KEY_FILE=${demoKeyPath(path)}`,
        `  tpt sessions ${created.clients[0]} --last 2m`,
        `  tpt goal list ${created.clients[1]}`,
        `  tpt milestone list ${created.clients[0]}`,
      ].join('\n'));
    });
}
