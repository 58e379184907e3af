import { Command } from 'commander';
import type { Context } from '../context.js';
import type { CurrentKey, RekeyResult } from '../core/rekey.js';
import type { RecordStore } from '../store/port.js';
import { askNewPassphrase } from './ask-passphrase.js';
import { examples } from './options.js';

export function rekeyCommand(ctx: Context): Command {
  return new Command('rekey')
    .description('Key rotation: a new random key in a new key file, or (--passphrase) a new passphrase; old key files are kept')
    .option('--passphrase', 'lock with a new passphrase instead: it comes from TPT_NEW_PASSPHRASE, or is asked for twice')
    .addHelpText('after', examples('tpt rekey', 'tpt rekey --passphrase', 'TPT_PASSPHRASE=old TPT_NEW_PASSPHRASE=new tpt rekey --passphrase'))
    .action(async (opts: { passphrase?: boolean }) => {
      const records = await ctx.records();
      const current = ctx.openedKey!;
      const { rekeyToPassphrase } = await import('../core/rekey.js');
      const { renderRekey } = await import('../render/protection.js');
      const result = opts.passphrase === true
        ? await rekeyToPassphrase(records, ctx.databaseShown, current, await askNewPassphrase(ctx, 'TPT_NEW_PASSPHRASE', 'tpt rekey --passphrase'), ctx.who())
        : await rekeyByKeyFile(ctx, records, current);
      await ctx.out(result, (rekeyed) => renderRekey(rekeyed, ctx.keyFilePath !== undefined));
    });
}

/**
 * Where the new key file goes: beside a key file the user chose to keep elsewhere (a USB stick,
 * say); else tpt's own `keys/` directory, where every run looks for it.
 */
async function newKeyDir(ctx: Context, keyFile: string | undefined): Promise<string> {
  const { dirname } = await import('node:path');
  const { configDir, keysDir } = await import('../paths.js');
  if (keyFile === undefined) return keysDir(ctx.env);
  const dir = dirname(keyFile);
  return dir === configDir(ctx.env) ? keysDir(ctx.env) : dir;
}

/** A new key file, named after the database and the time (src/store/open.ts), and the rekey to it. */
async function rekeyByKeyFile(ctx: Context, records: RecordStore, current: CurrentKey): Promise<RekeyResult> {
  const dir = await newKeyDir(ctx, current.keyFile);
  const { rekeyToNewKeyFile } = await import('../core/rekey.js');
  const who = ctx.who();
  // Written before anything else, as rekeyToNewKeyFile would have it written first.
  const made = await (await ctx.keyFiles()).forDatabase(dir, who.now);
  return rekeyToNewKeyFile(records, ctx.databaseShown, () => made, current, who);
}
