import type { Context } from '../context.js';
import { activeGoals } from '../core/goals.js';
import { techniquesOfClient } from '../core/sessions.js';
import { EMOTIONAL_STATES, scoreOf } from '../core/scale.js';
import type { SessionInput } from '../core/schemas.js';
import { ID_PATTERN } from '../core/ids.js';
import { normalizeCrisisFlag } from '../core/crisis-flags.js';
import { refuseFarFuture } from '../core/date-rules.js';
import { parseDateTime } from '../core/time.js';
import type { RecordStore } from '../store/port.js';

const required = (what: string) => (value: string) => value.trim() !== '' || `${what} is required`;

/**
 * Asks on the terminal for what the flags did not give: the required fields only, or with
 * `everything` every field, offering the client's active goals and past techniques as choices.
 */
export async function askSession(
  ctx: Context,
  records: RecordStore,
  given: Partial<SessionInput>,
  everything: boolean,
  askSummary = true,
): Promise<SessionInput> {
  const ask = await ctx.prompts();
  const input = { ...given };
  input.client_id ||= await ask.input({
    message: 'Client id',
    validate: (value) => ID_PATTERN.test(value.trim()) || 'use letters, digits, ".", "_" or "-"',
  });
  input.client_id = input.client_id.trim();
  if (askSummary) input.conversation_summary ||= await ask.input({ message: 'Summary of the session', validate: required('a summary') });
  if (input.emotional_state === undefined) {
    input.emotional_state = await ask.select({
      message: 'Emotional state',
      choices: EMOTIONAL_STATES.map((state) => ({ name: `${state} (${scoreOf(state) > 0 ? '+' : ''}${scoreOf(state)})`, value: state })),
      default: 'neutral',
    });
  }
  if (!everything) return input as SessionInput;

  if (!given.timestamp) {
    const at = await ask.input({
      message: 'When (YYYY-MM-DD HH:MM, empty for now)',
      validate: (value) => value.trim() === '' || checkTime(value, ctx.now()),
    });
    if (at.trim()) input.timestamp = at.trim();
  }
  if (!given.session_duration_minutes) {
    const minutes = await ask.input({
      message: 'Duration in minutes (empty to skip)',
      validate: (value) => value.trim() === '' || (/^\d+$/.test(value.trim()) && Number(value) >= 1 && Number(value) <= 1440) ||
        'a whole number of minutes, 1-1440',
    });
    if (minutes.trim()) input.session_duration_minutes = minutes.trim();
  }
  const clientId = input.client_id;
  const known = await records.read((tx) => tx.clients.exists(clientId));
  const goals = known ? await activeGoals(records, clientId, ctx.who()) : [];
  if (goals.length > 0 && (given.therapeutic_goals ?? []).length === 0) {
    input.therapeutic_goals = await ask.checkbox({
      message: 'Goals worked on',
      choices: goals.map((goal) => ({ name: `${goal.description} (${goal.completion_percentage}%)`, value: goal.goal_id })),
    });
  }
  if ((given.techniques_used ?? []).length === 0) {
    const used = known ? await techniquesOfClient(records, clientId, ctx.who()) : [];
    const chosen = used.length > 0
      ? await ask.checkbox({ message: 'Techniques used', choices: used.map((name) => ({ name, value: name })) })
      : [];
    const more = await ask.input({ message: 'Other techniques (comma-separated, empty for none)', validate: checkLabels });
    input.techniques_used = [...chosen, ...splitList(more)];
  }
  input.progress_notes ||= await ask.input({ message: 'Progress notes' });
  input.therapist_observations ||= await ask.input({ message: 'Therapist observations' });
  input.homework_assigned ||= await ask.input({ message: 'Homework assigned' });
  input.next_session_focus ||= await ask.input({ message: 'Focus of the next session' });
  if ((given.crisis_flags ?? []).length === 0) {
    input.crisis_flags = splitList(await ask.input({ message: 'Crisis flags (comma-separated, empty for none)', validate: checkFlags }));
  }
  return input as SessionInput;
}

function splitList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter(Boolean);
}

/** An answer checked at its own prompt: the message of the rule it breaks, so the prompt asks again. */
function checkTime(text: string, now: Date): true | string {
  try {
    refuseFarFuture(parseDateTime(text, 'time'), now, 'that time', text.trim());
    return true;
  } catch (error) {
    return (error as Error).message;
  }
}

function checkLabels(text: string): true | string {
  const long = splitList(text).find((item) => item.length > 200);
  return long === undefined || `"${long.slice(0, 20)}…" is longer than 200 characters: shorten it`;
}

/** Crisis flags, checked as the session will check them (a bare "other" needs its words). */
function checkFlags(text: string): true | string {
  try {
    splitList(text).forEach(normalizeCrisisFlag);
  } catch (error) {
    return (error as Error).message;
  }
  return checkLabels(text);
}
