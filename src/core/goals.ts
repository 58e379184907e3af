import type { Store } from '../db/store.js';
import { logRead, recordAudit } from './audit.js';
import { requireClient } from './clients.js';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { checkId, newId } from './ids.js';
import type { Actor, Goal, GoalDetail, GoalHistoryEntry, RecordEdit } from './model.js';
import { requireReason } from './reasons.js';
import {
  goalCreateInput, goalStatus, goalUpdateInput, parseInput, type GoalCreateInput, type GoalStatus, type GoalUpdateInput,
} from './schemas.js';
import { localDateString, localDateTimeString, parseDateOnly, parseDateTime } from './time.js';
import { refuseFarFuture } from './date-rules.js';
import { appendEdit, editsOf, updateGoalText } from '../db/record-edits.js';

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
export function updateGoal(store: Store, goalId: string, input: GoalUpdateInput, who: Actor, at?: string): GoalDetail {
  const change = parseInput(goalUpdateInput, input);
  if (change.completion_percentage === undefined && change.status === undefined && change.note.trim() === '') {
    throw new InputError('nothing to update: give --progress <0-100>, --status <status> and/or --note <text>');
  }
  // The goal's standing is read in the update's own transaction: two updates at once would
  // otherwise each compute "latest" from a history without the other's entry.
  const goal = store.transaction(() => {
    const goal = requireGoal(store, goalId);
    const when = at === undefined ? who.now : progressTime(goal, at, who.now);
    // A backdated entry counts from its own time: the goal stands where its latest entry says.
    const history = store.goalHistory(goal.goal_id);
    const before = standingAt(history, when.toISOString()) ?? goal;
    const percentage = change.completion_percentage ?? before.completion_percentage;
    let status: GoalStatus = change.status ?? before.status;
    if (change.status === undefined && percentage === 100 && before.status === 'active') status = 'achieved';
    const entry = { at: when.toISOString(), completion_percentage: percentage, status, note: change.note, actor: who.actor };
    const latest = [...history, entry].reduce((last, next) => (next.at >= last.at ? next : last));
    store.updateGoalProgress(goal.goal_id, latest.completion_percentage, latest.status, who.now.toISOString());
    store.appendGoalHistory(goal.goal_id, entry);
    recordAudit(store, { action: 'goal.update', client_id: goal.client_id, object_id: goal.goal_id }, who);
    return goal;
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

/** A client's active goals, for the choices of an interactive prompt: a read like any other, logged. */
export function activeGoals(store: Store, clientId: string, who: Actor): Goal[] {
  return logRead(store, { action: 'goal.list', client_id: clientId }, who, () => store.goalsOfClient(clientId, 'active'));
}

export function requireGoal(store: Store, goalId: string): Goal {
  const goal = store.goalById(checkId(goalId, 'goal'));
  if (!goal) throw new NotFoundError(`no goal "${goalId}": see \`tpt goal list <client>\` for the ids`);
  return goal;
}

function goalDetail(store: Store, goalId: string): GoalDetail {
  const goal = store.goalById(goalId)!;
  return {
    ...goal, history: store.goalHistory(goalId), milestone_details: store.milestonesOfGoal(goalId),
    edits: editsOf(store, 'goal_edits', goalId),
  };
}

/** A backdated progress entry's time: not before the goal was set, nor more than 24 hours ahead. */
function progressTime(goal: Goal, text: string, now: Date): Date {
  const at = parseDateTime(text, 'progress time');
  if (at.toISOString() < goal.created_at) {
    throw new InputError(
      `progress time "${text}" is before the goal was set (${localDateTimeString(new Date(goal.created_at))}): give a later --at`,
    );
  }
  refuseFarFuture(at, now, 'progress time', text);
  return at;
}

/** The entry in force at `at` (the latest at or before it), or undefined. */
function standingAt(history: readonly GoalHistoryEntry[], at: string): GoalHistoryEntry | undefined {
  let found: GoalHistoryEntry | undefined;
  for (const entry of history) if (entry.at <= at && (!found || entry.at >= found.at)) found = entry;
  return found;
}

export interface GoalEdit {
  description?: string;
  target_date?: string | null;
  notes?: string;
}

/**
 * Corrects a goal's description, target date or notes. The values before are kept in the goal's
 * edit log with who, when and why; progress and status are changed by `goal update`, never here.
 */
export function editGoal(store: Store, goalId: string, edit: GoalEdit, reason: string | undefined, who: Actor): GoalDetail {
  const why = requireReason(reason, 'an edit', 'the goal');
  const goal = requireGoal(store, goalId);
  const next = {
    description: edit.description === undefined ? goal.description : parseInput(goalCreateInput.shape.description, edit.description),
    target_date: edit.target_date === undefined ? goal.target_date
      : edit.target_date === null || edit.target_date.trim() === '' ? null
        : localDateString(parseDateOnly(edit.target_date, 'target date')),
    notes: edit.notes ?? goal.notes,
  };
  if (edit.description === undefined && edit.target_date === undefined && edit.notes === undefined) {
    throw new InputError('nothing to edit: give --description, --target and/or --notes');
  }
  const changes: RecordEdit['changes'] = {};
  for (const field of ['description', 'target_date', 'notes'] as const) {
    if (next[field] !== goal[field]) changes[field] = [goal[field], next[field]];
  }
  if (Object.keys(changes).length === 0) throw new InputError('the edit changes nothing: every value given is already the goal\'s');
  const now = who.now.toISOString();
  store.transaction(() => {
    updateGoalText(store, goal.goal_id, next, now);
    appendEdit(store, 'goal_edits', goal.goal_id, goal.client_id, { at: now, actor: who.actor, reason: why, changes });
    recordAudit(store, { action: 'goal.edit', client_id: goal.client_id, object_id: goal.goal_id }, who);
  });
  return goalDetail(store, goal.goal_id);
}
