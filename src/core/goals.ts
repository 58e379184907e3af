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
import { ensureClientRecord } from './new-client.js';
import { appendEdit, editsOf, moveGoalSetTime, updateGoalText } from '../db/record-edits.js';

/**
 * Creates a goal. `setAt` is when the goal was set, for a therapy whose history is entered late
 * (a date or date and time, not more than 24 hours ahead); it defaults to now. Progress entries
 * and milestones may then be dated from that day on.
 */
export function createGoal(store: Store, input: GoalCreateInput, who: Actor, setAt?: string): Goal {
  const fields = parseInput(goalCreateInput, input);
  const set = setAt === undefined ? who.now : parseDateTime(setAt, 'time the goal was set');
  if (setAt !== undefined) refuseFarFuture(set, who.now, 'time the goal was set', setAt);
  const target = fields.target_date ? localDateString(parseDateOnly(fields.target_date, 'target date')) : null;
  if (target !== null) refuseTargetBeforeSet(target, set);
  const now = set.toISOString();
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
    updated_at: who.now.toISOString(),
  };
  store.transaction(() => {
    if (store.goalExists(goal.goal_id)) {
      throw new ConflictError(`a goal with id "${goal.goal_id}" already exists: choose another --id`);
    }
    ensureClientRecord(store, goal.client_id, now);
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

/**
 * A backdated progress entry's time: not before the day the goal was set (the rule of milestones),
 * nor more than 24 hours ahead. An entry on that day but before the moment it was set (a date
 * alone means midnight) counts from that moment, so that it follows the goal's first entry.
 */
export function progressTime(goal: Pick<Goal, 'goal_id' | 'created_at'>, text: string, now: Date): Date {
  const at = parseDateTime(text, 'progress time');
  const setDay = localDateString(new Date(goal.created_at));
  if (localDateString(at) < setDay) {
    throw new InputError(
      `progress time "${text}" is before the goal was set (${localDateTimeString(new Date(goal.created_at))}): ` +
      `give a later --at, or correct when the goal was set with \`tpt goal edit ${goal.goal_id} --set-at <date> --reason "…"\``,
    );
  }
  refuseFarFuture(at, now, 'progress time', text);
  return at.toISOString() < goal.created_at ? new Date(goal.created_at) : at;
}

/** A goal cannot be due before it was set: that is a typo in one of the two dates. */
function refuseTargetBeforeSet(target: string, set: Date): void {
  const setDay = localDateString(set);
  if (target < setDay) {
    throw new InputError(`target date ${target} is before the goal was set (${setDay}): give a later --target (check the year)`);
  }
}

/**
 * A warning for a target date already past when it is entered (it may be meant: a goal entered
 * late whose target has gone by), or undefined.
 */
export function pastTargetWarning(goal: Pick<Goal, 'goal_id' | 'target_date'>, now: Date): string | undefined {
  if (goal.target_date === null || goal.target_date >= localDateString(now)) return undefined;
  return `warning: the target date ${goal.target_date} of goal ${goal.goal_id} is in the past: if that is a typo, \`tpt goal edit ${goal.goal_id} --target <date> --reason "…"\``;
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
  /** When the goal was set (its created_at), for a goal entered before its history was. */
  set_at?: string;
}

/**
 * Corrects a goal's description, target date, notes or the time it was set. The values before are
 * kept in the goal's edit log with who, when and why; progress and status are changed by
 * `goal update`, never here.
 */
export function editGoal(store: Store, goalId: string, edit: GoalEdit, reason: string | undefined, who: Actor): GoalDetail {
  const why = requireReason(reason, 'an edit', 'the goal');
  const goal = requireGoal(store, goalId);
  if (edit.description === undefined && edit.target_date === undefined && edit.notes === undefined && edit.set_at === undefined) {
    throw new InputError('nothing to edit: give --description, --target, --notes and/or --set-at');
  }
  const next = {
    description: edit.description === undefined ? goal.description : parseInput(goalCreateInput.shape.description, edit.description),
    target_date: edit.target_date === undefined ? goal.target_date
      : edit.target_date === null || edit.target_date.trim() === '' ? null
        : localDateString(parseDateOnly(edit.target_date, 'target date')),
    notes: edit.notes ?? goal.notes,
    created_at: edit.set_at === undefined ? goal.created_at : newSetTime(store, goal, edit.set_at, who.now).toISOString(),
  };
  if (next.target_date !== null && (edit.target_date !== undefined || edit.set_at !== undefined)) {
    refuseTargetBeforeSet(next.target_date, new Date(next.created_at));
  }
  const changes: RecordEdit['changes'] = {};
  for (const field of ['description', 'target_date', 'notes', 'created_at'] as const) {
    if (next[field] !== goal[field]) changes[field] = [goal[field], next[field]];
  }
  if (Object.keys(changes).length === 0) throw new InputError('the edit changes nothing: every value given is already the goal\'s');
  const now = who.now.toISOString();
  store.transaction(() => {
    updateGoalText(store, goal.goal_id, next, now);
    if (next.created_at !== goal.created_at) moveGoalSetTime(store, goal.goal_id, next.created_at);
    appendEdit(store, 'goal_edits', goal.goal_id, goal.client_id, { at: now, actor: who.actor, reason: why, changes });
    recordAudit(store, { action: 'goal.edit', client_id: goal.client_id, object_id: goal.goal_id }, who);
  });
  return goalDetail(store, goal.goal_id);
}

/**
 * A corrected time the goal was set: not more than 24 hours ahead, and not after anything already
 * recorded of the goal (a progress entry or milestone before the goal existed would be a mistake).
 */
function newSetTime(store: Store, goal: Goal, text: string, now: Date): Date {
  const set = parseDateTime(text, 'time the goal was set');
  refuseFarFuture(set, now, 'time the goal was set', text);
  const later = store.goalHistory(goal.goal_id).slice(1).map((entry) => localDateString(new Date(entry.at)));
  const milestones = store.milestonesOfGoal(goal.goal_id).map((milestone) => milestone.achieved_date);
  const first = [...later, ...milestones].sort()[0];
  if (first !== undefined && localDateString(set) > first) {
    throw new InputError(`the goal cannot be set after its first progress entry or milestone (${first}): give --set-at ${first} or earlier`);
  }
  return set;
}
