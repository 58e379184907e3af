import type { Store } from '../db/store.js';
import { logRead, recordAudit } from './audit.js';
import { requireClient } from './clients.js';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { checkId, newId } from './ids.js';
import type { Actor, Goal, GoalDetail } from './model.js';
import {
  goalCreateInput, goalStatus, goalUpdateInput, parseInput, type GoalCreateInput, type GoalStatus, type GoalUpdateInput,
} from './schemas.js';
import { localDateString, parseDateOnly } from './time.js';

export function createGoal(store: Store, input: GoalCreateInput, who: Actor): Goal {
  const fields = parseInput(goalCreateInput, input);
  const target = fields.target_date ? localDateString(parseDateOnly(fields.target_date, 'target date')) : null;
  const now = who.now.toISOString();
  const goal: Goal = {
    goal_id: fields.goal_id ?? newId('goal'),
    client_id: fields.client_id,
    description: fields.description,
    target_date: target,
    completion_percentage: fields.completion_percentage,
    status: fields.completion_percentage === 100 ? 'achieved' : 'active',
    milestones: [],
    notes: fields.notes,
    created_at: now,
    updated_at: now,
  };
  store.transaction(() => {
    if (store.goalExists(goal.goal_id)) {
      throw new ConflictError(`a goal with id "${goal.goal_id}" already exists: choose another --id`);
    }
    store.ensureClient(goal.client_id, now);
    store.insertGoal(goal);
    store.appendGoalHistory(goal.goal_id, {
      at: now, completion_percentage: goal.completion_percentage, status: goal.status,
      note: 'created', actor: who.actor,
    });
    recordAudit(store, { action: 'goal.create', client_id: goal.client_id, object_id: goal.goal_id }, who);
  });
  return goal;
}

/**
 * Records a change of percentage and/or status as a new history entry. Reaching 100 % marks an
 * active goal achieved; the old values stay in the history.
 */
export function updateGoal(store: Store, goalId: string, input: GoalUpdateInput, who: Actor): GoalDetail {
  const change = parseInput(goalUpdateInput, input);
  if (change.completion_percentage === undefined && change.status === undefined) {
    throw new InputError('nothing to update: give --progress <0-100> and/or --status <status>');
  }
  const goal = requireGoal(store, goalId);
  const percentage = change.completion_percentage ?? goal.completion_percentage;
  let status: GoalStatus = change.status ?? goal.status;
  if (change.status === undefined && percentage === 100 && goal.status === 'active') status = 'achieved';
  const now = who.now.toISOString();
  store.transaction(() => {
    store.updateGoalProgress(goal.goal_id, percentage, status, now);
    store.appendGoalHistory(goal.goal_id, {
      at: now, completion_percentage: percentage, status, note: change.note, actor: who.actor,
    });
    recordAudit(store, { action: 'goal.update', client_id: goal.client_id, object_id: goal.goal_id }, who);
  });
  return goalDetail(store, goal.goal_id);
}

export function listGoals(store: Store, clientId: string, who: Actor, status?: string): Goal[] {
  const wanted = status === undefined ? undefined : parseInput(goalStatus, status);
  requireClient(store, checkId(clientId, 'client'));
  return logRead(store, { action: 'goal.list', client_id: clientId }, who, () => store.goalsOfClient(clientId, wanted));
}

export function showGoal(store: Store, goalId: string, who: Actor): GoalDetail {
  const goal = requireGoal(store, goalId);
  return logRead(store, { action: 'goal.read', client_id: goal.client_id, object_id: goal.goal_id }, who,
    () => goalDetail(store, goal.goal_id));
}

/** A client's active goals, for the choices of an interactive prompt. */
export function activeGoals(store: Store, clientId: string): Goal[] {
  return store.goalsOfClient(clientId, 'active');
}

export function requireGoal(store: Store, goalId: string): Goal {
  const goal = store.goalById(checkId(goalId, 'goal'));
  if (!goal) throw new NotFoundError(`no goal "${goalId}": see \`tpt goal list <client>\` for the ids`);
  return goal;
}

function goalDetail(store: Store, goalId: string): GoalDetail {
  const goal = store.goalById(goalId)!;
  return { ...goal, history: store.goalHistory(goalId), milestone_details: store.milestonesOfGoal(goalId) };
}
