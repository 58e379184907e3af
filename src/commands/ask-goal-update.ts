import type { Context } from '../context.js';
import { progressTime, showGoal } from '../core/goals.js';
import type { GoalDetail } from '../core/model.js';
import { GOAL_STATUSES, type GoalUpdateInput } from '../core/schemas.js';
import { ID_PATTERN } from '../core/ids.js';
import type { RecordStore } from '../store/port.js';

/** Picks the goal (when not given), shows where it stands, asks for the new percentage and a note. */
export async function askGoalUpdate(
  ctx: Context,
  records: RecordStore,
  goalId: string | undefined,
  given: GoalUpdateInput,
  givenAt?: string,
): Promise<{ goalId: string; change: GoalUpdateInput; at: string | undefined }> {
  const ask = await ctx.prompts();
  let id = goalId;
  if (id === undefined) {
    // The goals to choose from, read (as before) without an audit entry: the goal chosen is read
    // with one (showGoal).
    const goalsOf = (clientId: string) => records.read(async (tx) => (await tx.clients.exists(clientId) ? tx.goals.ofClient(clientId) : undefined));
    const clientId = (await ask.input({
      message: 'Client id',
      validate: async (value) => {
        const typed = value.trim();
        const goals = ID_PATTERN.test(typed) ? await goalsOf(typed) : undefined;
        if (goals === undefined) return 'no such client (see `tpt clients`)';
        return goals.length > 0 || `client "${typed}" has no goals yet (\`tpt goal create --client ${typed}\`)`;
      },
    })).trim();
    const goals = (await goalsOf(clientId)) ?? [];
    id = await ask.select({
      message: 'Goal',
      choices: goals.map((goal) => ({
        name: `${goal.description} — ${goal.completion_percentage}% (${goal.status})`,
        value: goal.goal_id,
      })),
    });
  }
  const goal = await showGoal(records, id, ctx.who());
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
    validate: (value) => value.trim() === '' || checkProgressTime(value, goal, ctx.now()),
  })).trim();
  return { goalId: id, change: { completion_percentage: percentage, status, note }, at: at || undefined };
}

/** The time of a progress entry, checked at its prompt by the core's rule, so the prompt asks again. */
function checkProgressTime(text: string, goal: GoalDetail, now: Date): true | string {
  try {
    progressTime(goal, text, now);
    return true;
  } catch (error) {
    return (error as Error).message;
  }
}
