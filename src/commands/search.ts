import { Command } from 'commander';
import type { Context } from '../context.js';
import type { TimeframeOptions } from '../core/timeframe.js';
import { examples, positiveInt, withTimeframe } from './options.js';

export function searchCommand(ctx: Context): Command {
  return withTimeframe(new Command('search'))
    .description('Find words in the notes: summaries, progress notes, observations, next focus, goals and milestones, newest first')
    .argument('<text...>', 'the words, all of which must occur (case and accents ignored); "a phrase" in quotes matches as a phrase')
    .option('--client <client>', "search one client's records only")
    .option('--include-void', 'find voided sessions and milestones too (marked)')
    .option('--limit <n>', 'at most N matches, the newest', positiveInt)
    .addHelpText('after', examples(
      'tpt search insomnia',
      'tpt search \'"panic attack"\' --client c42',
      'tpt search sleep medication --last 3m --json',
    ))
    .action(async (words: string[], opts: TimeframeOptions & { client?: string; includeVoid?: boolean; limit?: number }) => {
      const { resolveTimeframe } = await import('../core/timeframe.js');
      const { parseSearchText, searchNotes } = await import('../core/search.js');
      const text = words.join(' ');
      // Bad input is refused before the database is opened.
      parseSearchText(text);
      const timeframe = resolveTimeframe(opts, null, ctx.now());
      const records = await ctx.records();
      const hits = await searchNotes(records, text, {
        clientId: opts.client ?? null, timeframe, includeVoid: opts.includeVoid === true, limit: opts.limit,
      }, ctx.who());
      const { renderSearchHits } = await import('../render/search.js');
      await ctx.out(hits, renderSearchHits);
    });
}
