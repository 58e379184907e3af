import type { Context } from '../context.js';
import { listGoals, showGoal } from '../core/goals.js';
import { GOAL_STATUSES, type GoalUpdateInput } from '../core/schemas.js';
import { ID_PATTERN } from '../core/ids.js';
import type { Store } from '../db/store.js';
import { refuseFarFuture } from '../core/date-rules.js';
import { localDateTimeString, parseDateTime } from '../core/time.js';

/** Picks the goal (when not given), shows where it stands, asks for the new percentage and a note. */
export async function askGoalUpdate(
  ctx: Context,
  store: Store,
  goalId: string | undefined,
  given: GoalUpdateInput,
  givenAt?: string,
): Promise<{ goalId: string; change: GoalUpdateInput; at: string | undefined }> {
  const ask = await ctx.prompts();
  let id = goalId;
  if (id === undefined) {
    const clientId = (await ask.input({
      message: 'Client id',
      validate: (value) => {
        const typed = value.trim();
        if (!ID_PATTERN.test(typed) || !store.clientExists(typed)) return 'no such client (see `tpt clients`)';
        return store.goalsOfClient(typed).length > 0 || `client "${typed}" has no goals yet (\`tpt goal create --client ${typed}\`)`;
      },
    })).trim();
    const goals = store.goalsOfClient(clientId);
    id = await ask.select({
      message: 'Goal',
      choices: goals.map((goal) => ({
        name: `${goal.description} — ${goal.completion_percentage}% (${goal.status})`,
        value: goal.goal_id,
      })),
    });
  }
  const goal = showGoal(store, id, ctx.who());
  ctx.note(`${goal.goal_id}: ${goal.description}\nNow ${goal.completion_percentage}% complete, ${goal.status}.`);
  const percentage = given.completion_percentage ?? await ask.number({
    message: 'New completion percentage (0-100)',
    default: goal.completion_percentage,
    min: 0,
    max: 100,
    step: 'any',
    required: true,
  });
  const status = given.status ?? await ask.select({
    message: 'Status',
    choices: GOAL_STATUSES.map((value) => ({ name: value, value })),
    default: Number(percentage) === 100 && goal.status === 'active' ? 'achieved' : goal.status,
  });
  const note = given.note || await ask.input({ message: 'Note (why it changed)' });
  const at = givenAt ?? (await ask.input({
    message: 'When did it change (YYYY-MM-DD or YYYY-MM-DD HH:MM, empty for now)',
    validate: (value) => value.trim() === '' || checkProgressTime(value, goal.created_at, ctx.now()),
  })).trim();
  return { goalId: id, change: { completion_percentage: percentage, status, note }, at: at || undefined };
}

/** The time of a progress entry, checked at its prompt: the rule it breaks, so the prompt asks again. */
function checkProgressTime(text: string, goalCreatedAt: string, now: Date): true | string {
  try {
    const at = parseDateTime(text, 'time');
    if (at.toISOString() < goalCreatedAt) return `the goal was set ${localDateTimeString(new Date(goalCreatedAt))}: give a later time`;
    refuseFarFuture(at, now, 'that time', text.trim());
    return true;
  } catch (error) {
    return (error as Error).message;
  }
}
