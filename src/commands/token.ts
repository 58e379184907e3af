import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

export function tokenCommand(ctx: Context): Command {
  const token = new Command('token').description('Bearer tokens for the HTTP service: create, list, revoke')
    .addHelpText('after', examples('tpt token create --name practice-dashboard', 'tpt token list', 'tpt token revoke tok_7k2m9qxa'));

  token
    .command('create')
    .description('Create a token; it is shown once, and only its hash is kept')
    .option('--name <name>', 'what or who the token is for', 'default')
    .option('--scope <scope>', 'read (the default: GET routes but export), write (also POST and PUT), admin (also export)')
    .addHelpText('after', examples('tpt token create --name practice-dashboard', 'tpt token create --name intake-form --scope write'))
    .action(async (opts: { name: string; scope?: string }) => {
      const { createToken, parseScope, DEFAULT_SCOPE } = await import('../core/tokens.js');
      const scope = parseScope(opts.scope ?? DEFAULT_SCOPE);
      const records = await ctx.records();
      const created = await createToken(records, opts.name, ctx.who(), scope);
      await ctx.out(created, () =>
        `${created.token}\n` +
        `Token ${created.token_id} (${created.name}, scope ${created.scope}). It is shown only now: keep it in a secret store.`);
    });

  token
    .command('list')
    .description('Every token: id, name, created, revoked (never the secret)')
    .addHelpText('after', examples('tpt token list'))
    .action(async () => {
      const records = await ctx.records();
      const { listTokens } = await import('../core/tokens.js');
      const { renderTokens } = await import('../render/tokens.js');
      await ctx.out(await listTokens(records), renderTokens);
    });

  token
    .command('revoke')
    .description('Revoke a token at once')
    .argument('<token-id>', 'the token id (see tpt token list)')
    .addHelpText('after', examples('tpt token revoke tok_7k2m9qxa'))
    .action(async (tokenId: string) => {
      const records = await ctx.records();
      const { revoke } = await import('../core/tokens.js');
      await revoke(records, tokenId, ctx.who());
      await ctx.out({ token_id: tokenId, revoked: true }, () => `Revoked ${tokenId}`);
    });

  return token;
}
