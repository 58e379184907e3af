import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

export function initCommand(ctx: Context): Command {
  return new Command('init')
    .description('Create the encrypted database and its key')
    .addHelpText('after', examples('tpt init', 'tpt --db ~/clinic/tpt.db init', 'TPT_PASSPHRASE=... tpt init'))
    .action(async () => {
      const { initDatabase } = await import('../setup.js');
      const result = await initDatabase(ctx);
      await ctx.out(result, (created) =>
        [
          `Created the encrypted database at ${created.database}`,
          created.key_file
            ? `Its key is in ${created.key_file} (mode 0600).\n` +
              'Back up the key file apart from the data: without it the records cannot be read by anyone.'
            : 'It is locked with your passphrase (TPT_PASSPHRASE): without it the records cannot be read by anyone.',
        ].join('\n'));
    });
}
