import { basename } from 'node:path';
import type { Context } from '../context.js';

/**
 * A new passphrase: from the environment variable `envName` when it is set (the only way without
 * a terminal), else asked twice on the terminal, since a typo would lock the records away for
 * good. Refused when the strength estimator finds it too weak. `command` is named in the
 * messages ("tpt init --passphrase").
 */
export async function askNewPassphrase(ctx: Context, envName: string, command: string): Promise<string> {
  const { InputError } = await import('../core/errors.js');
  const { refuseWeakPassphrase } = await import('../core/passphrase-strength.js');
  const context = ['tpt', 'therapy', 'clinic', 'journal', basename(ctx.dbPath), ctx.actor];
  const given = ctx.env[envName];
  if (given !== undefined && given !== '') {
    await refuseWeakPassphrase(given, context);
    return given;
  }
  if (!ctx.canPrompt) {
    throw new InputError(`no passphrase: set ${envName} (${ctx.noPromptReason}); nothing changed`);
  }
  const { password } = await ctx.prompts();
  const passphrase = await password({ message: 'New passphrase (four or more unrelated words are a good choice)', mask: true });
  if (passphrase === '') throw new InputError(`the passphrase is empty: run \`${command}\` again; nothing changed`);
  // Judged before it is typed again: a refused passphrase need not be typed twice.
  await refuseWeakPassphrase(passphrase, context);
  const again = await password({ message: 'The same passphrase again', mask: true });
  if (again !== passphrase) throw new InputError(`the two passphrases differ: run \`${command}\` again; nothing changed`);
  return passphrase;
}
