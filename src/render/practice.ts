import type { ChalkInstance } from 'chalk';
import type { AccountInfo } from '../core/accounts.js';
import { when } from './format.js';

/** `tpt account list`: one line per account, its caseload and supervisions after it. */
export function renderAccounts(accounts: AccountInfo[], style: ChalkInstance): string {
  if (accounts.length === 0) return 'No accounts: `tpt account create <name> --role clinician` makes one.';
  const lines = accounts.map((account) => {
    const state = account.disabled_at ? style.dim(`disabled ${when(account.disabled_at)}`) : 'active';
    const extra = [
      account.clients.length > 0 ? `clients: ${account.clients.join(', ')}` : '',
      account.supervises.length > 0 ? `supervises: ${account.supervises.join(', ')}` : '',
      account.supervised_by.length > 0 ? `supervised by: ${account.supervised_by.join(', ')}` : '',
    ].filter((part) => part !== '');
    return `${account.account_id.padEnd(20)} ${account.role.padEnd(15)}${when(account.created_at).padEnd(18)}${state}` +
      extra.map((part) => `\n  ${part}`).join('');
  });
  return [style.bold(`${'Account'.padEnd(20)} ${'Role'.padEnd(15)}${'Created'.padEnd(18)}State`), ...lines].join('\n');
}
