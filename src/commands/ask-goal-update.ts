import type { Context } from '../context.js';
import { listGoals, showGoal } from '../core/goals.js';
import { GOAL_STATUSES, type GoalUpdateInput } from '../core/schemas.js';
import { ID_PATTERN } from '../core/ids.js';
import type { Store } from '../db/store.js';

/** Picks the goal (when not given), shows where it stands, asks for the new percentage and a note. */
export async function askGoalUpdate(
  ctx: Context,
  store: Store,
  goalId: string | undefined,
  given: GoalUpdateInput,
): Promise<{ goalId: string; change: GoalUpdateInput }> {
  const ask = await ctx.prompts();
  let id = goalId;
  if (id === undefined) {
    const clientId = (await ask.input({
      message: 'Client id',
      validate: (value) => (ID_PATTERN.test(value.trim()) && store.clientExists(value.trim())) || 'no such client (see `tpt clients`)',
    })).trim();
    const goals = listGoals(store, clientId, ctx.who());
    if (goals.length === 0) {
      const { InputError } = await import('../core/errors.js');
      throw new InputError(`client "${clientId}" has no goals: create one with \`tpt goal create --client ${clientId}\``);
    }
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
  return { goalId: id, change: { completion_percentage: percentage, status, note } };
}
