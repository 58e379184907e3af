import type { Context } from '../context.js';

/**
 * A command that destroys records asks on a terminal and needs --yes otherwise (SPEC §2).
 * `what` names the deletion for the messages ("purge client c42").
 */
export async function confirmDestruction(ctx: Context, what: string, yes: boolean | undefined): Promise<void> {
  if (yes === true) return;
  const { InputError, TptError } = await import('../core/errors.js');
  if (!ctx.canPrompt) {
    const action = what.charAt(0).toLowerCase() + what.slice(1);
    throw new InputError(`refusing to ${action} without confirmation: add --yes to confirm it (it cannot be undone, and ${ctx.noPromptReason}); nothing was deleted`);
  }
  const { confirm } = await ctx.prompts();
  const confirmed = await confirm({ message: `${what}? This cannot be undone.`, default: false });
  if (!confirmed) throw new TptError('not confirmed; nothing was deleted');
}
