import { Command } from 'commander';
import type { Context } from '../context.js';
import { askNewPassphrase } from './ask-passphrase.js';
import { examples } from './options.js';

export function initCommand(ctx: Context): Command {
  return new Command('init')
    .description('Create the encrypted database and its key (or lock it with a passphrase)')
    .option('--passphrase', 'lock it with a passphrase instead of a key file: asked for twice, or TPT_PASSPHRASE without a terminal')
    .addHelpText('after', examples('tpt init', 'tpt --db ~/clinic/tpt.db init', 'tpt init --passphrase', 'tpt --database postgres://tpt@db.example:5432/practice?sslmode=verify-full init'))
    .action(async (opts: { passphrase?: boolean }) => {
      const { InputError } = await import('../core/errors.js');
      if (opts.passphrase === true && ctx.keyFilePath !== undefined) {
        throw new InputError('give either --passphrase or a key file (--key-file, TPT_KEY_FILE), not both');
      }
      if (ctx.engine === 'sqlite') {
        const { refuseDemoAsOwn } = await import('./demo-guard.js');
        refuseDemoAsOwn(ctx);
        await ctx.refuseExistingDatabase();
      }
      // TPT_PASSPHRASE alone also makes a passphrase database (SPEC §4), unless a key file is named.
      const wantsPassphrase = opts.passphrase === true || (ctx.keyFilePath === undefined && (ctx.env.TPT_PASSPHRASE ?? '') !== '');
      const passphrase = wantsPassphrase ? await askNewPassphrase(ctx, 'TPT_PASSPHRASE', 'tpt init --passphrase') : undefined;
      const { initDatabase } = await import('../setup.js');
      const result = await initDatabase(ctx, passphrase);
      await ctx.out(result, (created) =>
        [
          ctx.engine === 'postgres'
            ? `The PostgreSQL database ${created.database} holds tpt's schema; tpt encrypts every note before it is sent there`
            : `Created the encrypted database at ${created.database}`,
          created.key_file
            ? `Its key is in ${created.key_file} (mode 0600).\n` +
              'Back up the key file apart from the data: without it the records cannot be read by anyone.'
            : 'It is locked with your passphrase: without it the records cannot be read by anyone. Keep it somewhere safe, apart from the data.',
        ].join('\n'));
    });
}
