import { Command } from 'commander';
import type { Context } from '../context.js';
import { confirmDestruction } from './confirm.js';
import { examples } from './options.js';

export function retentionCommand(ctx: Context): Command {
  const retention = new Command('retention')
    .description("The retention policy: how many years records are kept after a client's last contact")
    .addHelpText('after', '\nCommon periods: HIPAA documentation at least 6 years; many states 7 years or more after\n' +
      'the last contact, and longer for minors (often until some years past majority). Check your own law.\n' +
      examples('tpt retention set --years 7', 'tpt retention show', 'tpt retention apply --dry-run', 'tpt retention apply --yes'));

  retention
    .command('set')
    .description('Set the policy (kept in the database)')
    .requiredOption('--years <n>', 'keep records N years after the last contact (1-100)')
    .addHelpText('after', examples('tpt retention set --years 7'))
    .action(async (opts: { years: string }) => {
      const records = await ctx.records();
      const { HIPAA_MINIMUM_YEARS, setRetention } = await import('../core/retention.js');
      const { renderRetention } = await import('../render/protection.js');
      const policy = await setRetention(records, opts.years, ctx.who());
      if (policy.retention_years! < HIPAA_MINIMUM_YEARS) {
        ctx.note(`warning: ${policy.retention_years} years is less than the ${HIPAA_MINIMUM_YEARS} years HIPAA asks for documentation; many states ask 7 or more`);
      }
      await ctx.out(policy, renderRetention);
    });

  retention
    .command('show')
    .description('Show the policy and the date before which a last contact is past it')
    .addHelpText('after', examples('tpt retention show', 'tpt retention show --json'))
    .action(async () => {
      const records = await ctx.records();
      const { showRetention } = await import('../core/retention.js');
      const { renderRetention } = await import('../render/protection.js');
      await ctx.out(await showRetention(records, ctx.now()), renderRetention);
    });

  retention
    .command('apply')
    .description('Purge the clients whose last contact is older than the policy (asks first; --dry-run only lists them)')
    .option('--dry-run', 'list the clients that would be purged and change nothing')
    .option('--yes', 'do not ask for confirmation (needed when there is no terminal)')
    .addHelpText('after', examples('tpt retention apply --dry-run', 'tpt retention apply', 'tpt retention apply --yes --json'))
    .action(async (opts: { dryRun?: boolean; yes?: boolean }) => {
      const records = await ctx.records();
      const { applyRetention, retentionPlan } = await import('../core/retention.js');
      const { renderPurge, renderRetentionPlan } = await import('../render/protection.js');
      const plan = await retentionPlan(records, ctx.who());
      if (opts.dryRun === true || plan.clients.length === 0) {
        await ctx.out({ dry_run: opts.dryRun === true, ...plan, purged: [] as string[] }, renderRetentionPlan);
        return;
      }
      if (!ctx.json) ctx.note(renderRetentionPlan((await import('../terminal-text.js')).visibleDeep(plan), await ctx.style()), true);
      const count = plan.clients.length;
      await confirmDestruction(ctx, `Purge every record of ${count} client${count === 1 ? '' : 's'} past the ${plan.retention_years}-year policy`, opts.yes);
      const result = await applyRetention(records, plan, ctx.who());
      if (!result.wal_emptied) ctx.note('warning: another process keeps the database open; the write-ahead log keeps encrypted old pages until it closes');
      await ctx.out(
        { dry_run: false, ...plan, purged: result.purged.map((client) => client.client_id) },
        () => renderPurge(result),
      );
    });

  return retention;
}
