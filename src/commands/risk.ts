import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

export function riskCommand(ctx: Context): Command {
  const risk = new Command('risk').description('Risks opened by crisis flags: list them, resolve one')
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
      const store = await ctx.openStore();
      const { listRisks } = await import('../core/risks.js');
      const { renderRiskList } = await import('../render/risks.js');
      await ctx.out(listRisks(store, clientId, opts.open === true, ctx.who()), renderRiskList);
    });

  risk
    .command('resolve')
    .description('Resolve an open risk, with the reason; a later flag of the same kind reopens it')
    .argument('<client>', 'the client id')
    .argument('<kind>', 'the risk kind, e.g. suicidal_ideation (see `tpt risk list <client>`)')
    .option('--note <text>', 'why the risk no longer stands (required)')
    .addHelpText('after', examples(
      'tpt risk resolve c42 suicidal_ideation --note "safety plan reviewed; no ideation for 6 weeks"',
    ))
    .action(async (clientId: string, kind: string, opts: { note?: string }) => {
      const store = await ctx.openStore();
      const { resolveRisk } = await import('../core/risks.js');
      const { renderResolvedRisk } = await import('../render/risks.js');
      await ctx.out(resolveRisk(store, clientId, kind, opts.note, ctx.who()), renderResolvedRisk);
    });

  return risk;
}
