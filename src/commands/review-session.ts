import type { Context } from '../context.js';
import type { SessionInput } from '../core/schemas.js';
import type { Store } from '../db/store.js';

/**
 * `log-session -i`: after a dozen questions, the session as it will be saved (checked by the same
 * rules as the write), and a last chance not to save it. A signed note cannot be taken back, and
 * any note is corrected only by amendment: a slip seen here costs nothing.
 */
export async function reviewSession(ctx: Context, store: Store, input: SessionInput, sign: boolean): Promise<void> {
  const { validateSession } = await import('../core/sessions.js');
  const { renderSessionDraft } = await import('../render/tables.js');
  const draft = validateSession(store, input, ctx.who());
  ctx.note(['', '── To be saved', renderSessionDraft(draft, await ctx.style()), ''].join('\n'));
  const { confirm } = await ctx.prompts();
  if (!await confirm({ message: sign ? 'Save and sign this session?' : 'Save this session?', default: true })) {
    const { TptError } = await import('../core/errors.js');
    throw new TptError('not saved: nothing was written (run the command again to enter the session anew)');
  }
}
