/// <reference types="pdfkit" />
import { Command } from 'commander';
import type { Context } from '../context.js';
import type { TimeframeOptions } from '../core/timeframe.js';
import { examples, withTimeframe } from './options.js';

const FORMATS = ['table', 'json', 'markdown', 'html', 'pdf'] as const;

export function reportCommand(ctx: Context): Command {
  return withTimeframe(new Command('report'))
    .description("A client's progress report: crisis events, goals, milestones, emotional trend, recommendations (default: the last 30 days)")
    .argument('<client>', 'the client id')
    .option('--format <format>', 'table | json | markdown | html | pdf (default: table; --json means json)')
    .option('--rated-by <who>', 'clinician: leave moods a machine estimated (unsigned) out of the mood figures | any (default)')
    .addHelpText('after', examples(
      'tpt report c42',
      'tpt report c42 --last 3m',
      'tpt report c42 --since 2026-01-01 --until 2026-06-30 --format markdown > c42-h1.md',
      'tpt report c42 --json',
      'tpt report c42 --last 6m --format html > c42.html     # one self-contained file to hand on',
      'tpt report c42 --last 6m --format pdf > c42.pdf',
      'tpt report c42 --rated-by clinician     # only moods a clinician rated or confirmed by signing',
    ))
    .action(async (clientId: string, opts: TimeframeOptions & { format?: string; ratedBy?: string }) => {
      // One batch of imports, so the module loader reads them in parallel.
      const [{ InputError }, { resolveTimeframe }, { progressReport, parseRatedBy }] = await Promise.all([
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
      const ratedBy = opts.ratedBy === undefined ? 'any' : parseRatedBy(opts.ratedBy);
      const render = format === 'json' || format === 'html' || format === 'pdf' ? undefined : import('../render/report.js');
      const html = format === 'html' ? import('../render/report-html.js') : undefined;
      // PDFKit and its fonts load only for this format (start-up is a feature).
      const pdf = format === 'pdf' ? Promise.all([import('../render/report-pdf.js'), import('pdfkit')]) : undefined;
      const records = await ctx.records();
      const view = await progressReport(records, clientId, timeframe, ctx.who(), ratedBy);
      if (pdf) {
        const [{ renderReportPdf }, pdfkit] = await pdf;
        // The bundle hands over PDFKit's CommonJS export itself; tsc's ES view has it as `default`.
        const make = ('default' in pdfkit ? pdfkit.default : pdfkit) as PDFKit.PDFDocument;
        ctx.io.stdout.write(await renderReportPdf(view, make));
        return;
      }
      if (html) {
        ctx.io.stdout.write((await html).renderReportHtml(view));
        return;
      }
      if (!render) {
        ctx.io.stdout.write(`${(await import('../terminal-text.js')).jsonText(view.report)}\n`);
        return;
      }
      const { renderReport, renderReportMarkdown } = await render;
      await ctx.out(view, format === 'markdown' ? (data) => renderReportMarkdown(data) : renderReport);
    });
}
