import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

export function rekeyCommand(ctx: Context): Command {
  return new Command('rekey')
    .description('Key rotation: a new random key replaces the key file in use, or (--passphrase) a new passphrase the old')
    .option('--passphrase', 'change the passphrase: the new one comes from TPT_NEW_PASSPHRASE, or is asked for twice')
    .addHelpText('after', examples('tpt rekey', 'TPT_PASSPHRASE=old TPT_NEW_PASSPHRASE=new tpt rekey --passphrase'))
    .action(async (opts: { passphrase?: boolean }) => {
      const { InputError } = await import('../core/errors.js');
      const store = await ctx.openStore();
      const { key, keyFile } = ctx.openedKey!;
      const { rekeyWithNewKeyFile, rekeyWithPassphrase } = await import('../core/rekey.js');
      const { renderRekey } = await import('../render/protection.js');
      let result;
      if (opts.passphrase === true) {
        if (keyFile !== undefined) {
          throw new InputError(`this database opens with the key file ${keyFile}, not a passphrase: run \`tpt rekey\` without --passphrase`);
        }
        result = rekeyWithPassphrase(store, ctx.dbPath, key, await newPassphrase(ctx), ctx.who());
      } else {
        if (keyFile === undefined) {
          throw new InputError('this database opens with a passphrase, not a key file: run `tpt rekey --passphrase`');
        }
        result = rekeyWithNewKeyFile(store, ctx.dbPath, keyFile, key, ctx.who());
      }
      await ctx.out(result, renderRekey);
    });
}

/** TPT_NEW_PASSPHRASE, or asked twice on a terminal (a typo would lock the records away). */
async function newPassphrase(ctx: Context): Promise<string> {
  const { InputError } = await import('../core/errors.js');
  const given = ctx.env.TPT_NEW_PASSPHRASE;
  if (given !== undefined && given !== '') return given;
  if (!ctx.canPrompt) {
    throw new InputError(`no new passphrase: set TPT_NEW_PASSPHRASE (${ctx.noPromptReason}); nothing changed`);
  }
  const { password } = await ctx.prompts();
  const first = await password({ message: 'New passphrase', mask: true });
  const second = await password({ message: 'The new passphrase again', mask: true });
  if (first !== second) throw new InputError('the two passphrases differ: run `tpt rekey --passphrase` again; nothing changed');
  return first;
}
