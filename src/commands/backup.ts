import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

export function backupCommand(ctx: Context): Command {
  return new Command('backup')
    .description("A consistent copy of the database, encrypted with the same key, mode 0600 (never overwrites a file)")
    .argument('<file>', 'the backup file to create')
    .addHelpText('after', examples('tpt backup /media/usb/tpt-2026-03-01.db', 'tpt backup ~/backups/tpt.db --json'))
    .action(async (file: string) => {
      const records = await ctx.records();
      const { backupDatabase } = await import('../core/backup.js');
      const { renderBackup } = await import('../render/protection.js');
      const { key, keyFile } = ctx.openedKey!;
      await ctx.out(await backupDatabase(records, file, key, keyFile, ctx.who()), renderBackup);
    });
}
