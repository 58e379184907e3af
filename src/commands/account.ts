import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

const ROLES_HELP = 'clinician | clinician-full | supervisor | manager | auditor | admin';

/**
 * The accounts of a group practice (issue 23). On the command line whoever holds the key runs
 * these as the practice's administrator; the audit names the actor (--actor, TPT_ACTOR).
 */
export function accountCommand(ctx: Context): Command {
  const account = new Command('account').description('The practice\'s accounts: create, list, disable, enable, role')
    .addHelpText('after', examples('tpt account create dana --role clinician', 'tpt account list', 'tpt account role dana supervisor'));

  account
    .command('create')
    .description('Create an account; its password is asked twice on a terminal, or read from TPT_ACCOUNT_PASSWORD')
    .argument('<name>', 'the login name: letters, digits, ".", "_", "-" or "@"')
    .requiredOption('--role <role>', ROLES_HELP)
    .addHelpText('after', examples('tpt account create dana --role clinician', 'TPT_ACCOUNT_PASSWORD=… tpt account create lee --role manager'))
    .action(async (name: string, opts: { role: string }) => {
      const { checkAccountName, createAccount, parseRole } = await import('../core/accounts.js');
      checkAccountName(name);
      parseRole(opts.role);
      const password = await askNewPassword(ctx, name);
      const { hashNewPassword } = await import('../access/password.js');
      const { refuseWeakPassphrase } = await import('../core/passphrase-strength.js');
      const records = await ctx.records();
      const created = await createAccount(records, { name, role: opts.role, password },
        (typed, context) => hashNewPassword(typed, context, refusingWeakPassword(refuseWeakPassphrase)), ctx.who());
      await ctx.out(created, () => `Created account ${created.account_id} (${created.role})`);
    });

  account
    .command('list')
    .description('Every account: role, state, caseload and supervisions (never a password)')
    .addHelpText('after', examples('tpt account list', 'tpt account list --json'))
    .action(async () => {
      const records = await ctx.records();
      const { listAccounts } = await import('../core/accounts.js');
      const { renderAccounts } = await import('../render/practice.js');
      await ctx.out(await listAccounts(records), renderAccounts);
    });

  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    account
      .command(verb)
      .description(disabled ? 'Disable an account: it keeps its caseload, and is refused everything' : 'Enable a disabled account again')
      .argument('<name>', 'the account (see tpt account list)')
      .addHelpText('after', examples(`tpt account ${verb} dana`))
      .action(async (name: string) => {
        const records = await ctx.records();
        const { setAccountDisabled } = await import('../core/accounts.js');
        const changed = await setAccountDisabled(records, name, disabled, ctx.who());
        await ctx.out(changed, () => `${disabled ? 'Disabled' : 'Enabled'} account ${name}`);
      });
  }

  account
    .command('role')
    .description('Give an account another role')
    .argument('<name>', 'the account (see tpt account list)')
    .argument('<role>', ROLES_HELP)
    .addHelpText('after', examples('tpt account role dana supervisor'))
    .action(async (name: string, role: string) => {
      const records = await ctx.records();
      const { changeRole } = await import('../core/accounts.js');
      const changed = await changeRole(records, name, role, ctx.who());
      await ctx.out(changed, () => `Account ${name} is now a ${changed.role}`);
    });

  return account;
}

/** The strength check of passphrases, its refusal speaking of a password. */
function refusingWeakPassword(check: (text: string, context: string[]) => Promise<void>) {
  return async (password: string, context: string[]): Promise<void> => {
    try {
      await check(password, context);
    } catch (error) {
      if (error instanceof Error) error.message = error.message.replace(/^the passphrase is too weak to protect health records/, 'the password is too weak to protect health records');
      throw error;
    }
  };
}

/**
 * A new account's password: from TPT_ACCOUNT_PASSWORD when it is set (for scripts), else asked
 * twice on the terminal. Its strength is judged by createAccount, before anything is written.
 */
async function askNewPassword(ctx: Context, name: string): Promise<string> {
  const { InputError } = await import('../core/errors.js');
  const given = ctx.env.TPT_ACCOUNT_PASSWORD;
  if (given !== undefined && given !== '') return given;
  if (!ctx.canPrompt) {
    throw new InputError(`no password for account "${name}": set TPT_ACCOUNT_PASSWORD (${ctx.noPromptReason}); nothing changed`);
  }
  const { password } = await ctx.prompts();
  const typed = await password({ message: `Password for ${name} (four or more unrelated words are a good choice)`, mask: true });
  if (typed === '') throw new InputError(`the password is empty: run \`tpt account create ${name}\` again; nothing changed`);
  const again = await password({ message: 'The same password again', mask: true });
  if (again !== typed) throw new InputError(`the two passwords differ: run \`tpt account create ${name}\` again; nothing changed`);
  return typed;
}
