import type { ChalkInstance } from 'chalk';
import type { TokenInfo } from '../core/tokens.js';
import { when } from './format.js';

export function renderTokens(tokens: TokenInfo[], style: ChalkInstance): string {
  if (tokens.length === 0) return 'No tokens: `tpt token create --name <what-for>` makes one.';
  const lines = tokens.map((token) =>
    `${token.token_id.padEnd(14)}${token.name.padEnd(24)}${token.scope.padEnd(7)}${when(token.created_at).padEnd(18)}` +
    (token.revoked_at ? style.dim(`revoked ${when(token.revoked_at)}`) : 'active'));
  return [style.bold(`${'Token'.padEnd(14)}${'Name'.padEnd(24)}${'Scope'.padEnd(7)}${'Created'.padEnd(18)}State`), ...lines].join('\n');
}
