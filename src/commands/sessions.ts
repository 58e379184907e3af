import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples, positiveInt, withTimeframe } from './options.js';
import type { TimeframeOptions } from '../core/timeframe.js';

export function sessionsCommand(ctx: Context): Command {
  return withTimeframe(new Command('sessions'))
    .description("List a client's sessions, newest first (all of them unless a timeframe is given)")
    .argument('<client>', 'the client id')
    .option('--limit <n>', 'at most N sessions', positiveInt)
    .option('--include-void', 'list voided sessions too (marked)')
    .addHelpText('after', examples('tpt sessions c42', 'tpt sessions c42 --last 3m', 'tpt sessions c42 --since 2026-01-01 --limit 5 --json', 'tpt sessions c42 --include-void'))
    .action(async (clientId: string, opts: TimeframeOptions & { limit?: number; includeVoid?: boolean }) => {
      const records = await ctx.records();
      const { resolveTimeframe } = await import('../core/timeframe.js');
      const { listSessions } = await import('../core/sessions.js');
      const { openRisksIn } = await import('../core/risks.js');
      const { renderSessionList } = await import('../render/tables.js');
      const timeframe = resolveTimeframe(opts, null, ctx.now());
      const sessions = await listSessions(records, clientId, timeframe, ctx.who(), opts.limit, opts.includeVoid === true);
      // --json prints the list of SPEC §2; a person also sees the client's open risks first.
      const open = await records.read((tx) => openRisksIn(tx, clientId));
      const risks = (await import('../terminal-text.js')).visibleDeep(open);
      await ctx.out(sessions, (list, style, columns, width) =>
        renderSessionList(list, style, columns, width, { clientId, risks }));
    });
}
