import { Command } from 'commander';
import type { Context } from '../context.js';
import { confirmDestruction } from './confirm.js';
import { examples } from './options.js';

export function clientCommand(ctx: Context): Command {
  const client = new Command('client')
    .description("One client's records: rename, merge, secure deletion")
    .addHelpText('after', examples('tpt client rename F1 f1', 'tpt client merge f-1 --into f1', 'tpt client delete c42 --purge'));

  client
    .command('rename')
    .description('Give a client a new id (a mistyped one): every record moves, in one transaction')
    .argument('<old>', 'the client id in use')
    .argument('<new>', 'the id it should have (not in use)')
    .addHelpText('after', examples('tpt client rename F1 f1'))
    .action(async (from: string, to: string) => {
      const records = await ctx.records();
      const { renameClient } = await import('../core/client-ids.js');
      const result = await renameClient(records, from, to, ctx.who());
      const { movedRows } = await import('../render/counted.js');
      await ctx.out(result, () => `Renamed client ${from} to ${to}: ${movedRows(result.moved)}`);
    });

  client
    .command('merge')
    .description('Move every record of one client into another (the same person under two ids), in one transaction')
    .argument('<from>', 'the client id that goes away')
    .requiredOption('--into <client>', 'the client that keeps the records of both')
    .addHelpText('after', examples('tpt client merge f-1 --into f1'))
    .action(async (from: string, opts: { into: string }) => {
      const records = await ctx.records();
      const { mergeClients } = await import('../core/client-ids.js');
      const result = await mergeClients(records, from, opts.into, ctx.who());
      const { movedRows } = await import('../render/counted.js');
      await ctx.out(result, () => `Merged client ${from} into ${opts.into}: ${movedRows(result.moved)}`);
    });

  client
    .command('delete')
    .description("Delete every record of a client for good (secure deletion); the audit log keeps that it happened")
    .argument('<client>', 'the client id')
    .option('--purge', 'required: remove every row and leave no trace of the text in the file')
    .option('--yes', 'do not ask for confirmation (needed when there is no terminal)')
    .addHelpText('after', examples('tpt client delete c42 --purge', 'tpt client delete c42 --purge --yes --json'))
    .action(async (clientId: string, opts: { purge?: boolean; yes?: boolean }) => {
      const { InputError } = await import('../core/errors.js');
      // Opened first, so that a refused attempt is logged too.
      const records = await ctx.records();
      if (opts.purge !== true) {
        throw new InputError(`tpt deletes a client only by purging every record: add --purge (\`tpt client delete ${clientId} --purge\`)`);
      }
      const { purgeClients, requirePurgeable } = await import('../core/purge.js');
      await requirePurgeable(records, clientId);
      await confirmDestruction(ctx, `Purge every record of client ${clientId}`, opts.yes);
      const result = await purgeClients(records, [clientId], 'client.purge', ctx.who());
      if (!result.wal_emptied) ctx.note('warning: another process keeps the database open; the write-ahead log keeps encrypted old pages until it closes');
      const { renderPurge } = await import('../render/protection.js');
      const [purged] = result.purged;
      await ctx.out({ client_id: clientId, deleted: purged?.deleted ?? {} }, () => renderPurge(result));
    });

  return client;
}
