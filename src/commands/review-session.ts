import type { Context } from '../context.js';
import type { Session } from '../core/model.js';
import type { SessionInput } from '../core/schemas.js';
import { localDateTimeString } from '../core/time.js';
import type { RecordStore } from '../store/port.js';

/**
 * `log-session -i`: after a dozen questions, the session as it will be saved (checked by the same
 * rules as the write), and a last chance not to save it. A signed note cannot be taken back, and
 * any note is corrected only by amendment: a slip seen here costs nothing.
 */
export async function reviewSession(ctx: Context, records: RecordStore, input: SessionInput, sign: boolean): Promise<void> {
  const { validateSession } = await import('../core/sessions.js');
  ctx.note(['', '── To be saved', ...draftLines(await validateSession(records, input, ctx.who())), ''].join('\n'));
  const { confirm } = await ctx.prompts();
  if (!await confirm({ message: sign ? 'Save and sign this session?' : 'Save this session?', default: true })) {
    const { TptError } = await import('../core/errors.js');
    throw new TptError('not saved: nothing was written (run the command again to enter the session anew)');
  }
}

/**
 * The draft as plain `Field  value` lines, in the order of `session show`. Plain on purpose: this
 * is prompt text, and the logging path loads none of the table renderers (test/e2e/startup).
 */
function draftLines(session: Session): string[] {
  const score = session.emotional_score;
  const fields: [string, string][] = [
    ['Client', session.client_id],
    ['When', localDateTimeString(new Date(session.timestamp))],
    ['Mood', `${session.emotional_state} (${score > 0 ? '+' : ''}${score})`],
    ['Duration', session.session_duration_minutes === null ? '' : `${session.session_duration_minutes} min`],
    ['Goals', session.therapeutic_goals.join(', ')],
    ['Techniques', session.techniques_used.join(', ')],
    ['Crisis flags', session.crisis_flags.map((flag) => `⚠ ${flag}`).join(', ')],
  ];
  const blocks: [string, string][] = [
    ['Summary', session.conversation_summary],
    ['Progress notes', session.progress_notes],
    ['Observations', session.therapist_observations],
    ['Homework', session.homework_assigned],
    ['Next focus', session.next_session_focus],
  ];
  const out = fields.filter(([, value]) => value !== '').map(([name, value]) => `${name.padEnd(13)}${value}`);
  for (const [name, text] of blocks) if (text) out.push('', name, text);
  return out;
}
