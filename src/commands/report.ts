import { Command } from 'commander';
import type { Context } from '../context.js';
import type { TimeframeOptions } from '../core/timeframe.js';
import { examples, withTimeframe } from './options.js';

const FORMATS = ['table', 'json', 'markdown'] as const;

export function reportCommand(ctx: Context): Command {
  return withTimeframe(new Command('report'))
    .description("A client's progress report: crisis events, goals, milestones, emotional trend, recommendations (default: the last 30 days)")
    .argument('<client>', 'the client id')
    .option('--format <format>', 'table | json | markdown (default: table; --json means json)')
    .addHelpText('after', examples(
      'tpt report c42',
      'tpt report c42 --last 3m',
      'tpt report c42 --since 2026-01-01 --until 2026-06-30 --format markdown > c42-h1.md',
      'tpt report c42 --json',
    ))
    .action(async (clientId: string, opts: TimeframeOptions & { format?: string }) => {
      // One batch of imports, so the module loader reads them in parallel.
      const [{ InputError }, { resolveTimeframe }, { progressReport }] = await Promise.all([
        import('../core/errors.js'), import('../core/timeframe.js'), import('../core/report.js'),
      ]);
      const format = opts.format?.trim().toLowerCase() ?? (ctx.json ? 'json' : 'table');
      if (!(FORMATS as readonly string[]).includes(format)) {
        throw new InputError(`invalid --format "${opts.format}": use one of ${FORMATS.join(', ')}`);
      }
      if (ctx.json && format !== 'json') {
        throw new InputError(`--json asks for JSON but --format is ${format}: give only one of them`);
      }
      const timeframe = resolveTimeframe(opts, { amount: 30, unit: 'd' }, ctx.now());
      const render = format === 'json' ? undefined : import('../render/report.js');
      const store = await ctx.openStore();
      const view = progressReport(store, clientId, timeframe, ctx.who());
      if (!render) {
        ctx.io.stdout.write(`${(await import('../terminal-text.js')).jsonText(view.report)}\n`);
        return;
      }
      const { renderReport, renderReportMarkdown } = await render;
      await ctx.out(view, format === 'markdown' ? (data) => renderReportMarkdown(data) : renderReport);
    });
}
