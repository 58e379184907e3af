import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

export function riskCommand(ctx: Context): Command {
  const risk = new Command('risk').description('Risks opened by crisis flags: list them, resolve one, correct or take back a resolution')
    .addHelpText('after', examples(
      'tpt risk list --open',
      'tpt risk list c42',
      'tpt risk resolve c42 suicidal_ideation --note "safety plan reviewed; no ideation for 6 weeks"',
    ));

  risk
    .command('list')
    .description("The risk register: every client's risks (or one client's), open ones first, with their history in --json")
    .argument('[client]', 'only this client')
    .option('--open', 'only the risks still open')
    .addHelpText('after', examples('tpt risk list --open', 'tpt risk list c42', 'tpt risk list c42 --json'))
    .action(async (clientId: string | undefined, opts: { open?: boolean }) => {
      const records = await ctx.records();
      const { listRisks } = await import('../core/risks.js');
      const { renderRiskList } = await import('../render/risks.js');
      await ctx.out(await listRisks(records, clientId, opts.open === true, ctx.who()), renderRiskList);
    });

  risk
    .command('resolve')
    .description('Resolve an open risk, with the reason; on a terminal, asks first. A later flag of the same kind reopens it')
    .argument('<client>', 'the client id')
    .argument('<kind>', 'the risk kind, e.g. suicidal_ideation (see `tpt risk list <client>`)')
    .option('--note <text>', 'why the risk no longer stands (required)')
    .option('-y, --yes', 'resolve without asking on a terminal')
    .addHelpText('after', examples(
      'tpt risk resolve c42 suicidal_ideation --note "safety plan reviewed; no ideation for 6 weeks"',
    ))
    .action(async (clientId: string, kind: string, opts: { note?: string; yes?: boolean }) => {
      const records = await ctx.records();
      const { resolveRisk, riskToResolve } = await import('../core/risks.js');
      const { renderResolvedRisk, riskToResolveLines } = await import('../render/risks.js');
      if (ctx.canPrompt && opts.yes !== true && (opts.note ?? '').trim() !== '') {
        // A resolution takes the risk off every report: the person sees which risk, by its full
        // name (`SI` is suicidal_ideation), before it goes.
        const risk = await riskToResolve(records, clientId, kind);
        if (risk.status === 'open') {
          ctx.note(riskToResolveLines(risk).join('\n'));
          const { confirm } = await ctx.prompts();
          if (!await confirm({ message: `Resolve the ${risk.kind} risk of ${risk.client_id}?`, default: false })) {
            const { TptError } = await import('../core/errors.js');
            throw new TptError('not resolved: nothing was written');
          }
        }
      }
      await ctx.out(await resolveRisk(records, clientId, kind, opts.note, ctx.who()), renderResolvedRisk);
    });

  risk
    .command('amend')
    .description("Correct a resolution's note, with the reason; the note before stays in the risk's history")
    .argument('<client>', 'the client id')
    .argument('<kind>', 'the risk kind, e.g. suicidal_ideation')
    .requiredOption('--note <text>', 'the note as it should read')
    .requiredOption('--reason <text>', 'why it is corrected (required)')
    .addHelpText('after', examples('tpt risk amend c42 suicidal_ideation --note "safety plan reviewed; no ideation for 8 weeks" --reason "typo in the weeks"'))
    .action(async (clientId: string, kind: string, opts: { note: string; reason: string }) => {
      const records = await ctx.records();
      const { amendRiskResolution } = await import('../core/risks.js');
      const { renderAmendedRisk } = await import('../render/risks.js');
      await ctx.out(await amendRiskResolution(records, clientId, kind, opts.note, opts.reason, ctx.who()), renderAmendedRisk);
    });

  risk
    .command('reopen')
    .description('Take a resolution back, with the reason: the risk is open again as it was; the resolution stays in its history')
    .argument('<client>', 'the client id')
    .argument('<kind>', 'the risk kind, e.g. suicidal_ideation')
    .requiredOption('--reason <text>', 'why the resolution is taken back (required)')
    .addHelpText('after', examples('tpt risk reopen c42 suicidal_ideation --reason "resolved for the wrong client"'))
    .action(async (clientId: string, kind: string, opts: { reason: string }) => {
      const records = await ctx.records();
      const { reopenRisk } = await import('../core/risks.js');
      const { renderReopenedRisk } = await import('../render/risks.js');
      await ctx.out(await reopenRisk(records, clientId, kind, opts.reason, ctx.who()), renderReopenedRisk);
    });

  return risk;
}
