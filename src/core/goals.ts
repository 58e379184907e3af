import { ConflictError as StoreConflictError } from '../store/errors.js';
import type { ReadTx, RecordStore, WriteTx } from '../store/port.js';
import { appendAudit, readLogged } from './audit.js';
import { requireClientIn } from './clients.js';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { checkId, newId } from './ids.js';
import type { Actor, Goal, GoalDetail, GoalHistoryEntry, RecordEdit } from './model.js';
import { requireReason } from './reasons.js';
import {
  goalCreateInput, goalStatus, goalUpdateInput, parseInput, type GoalCreateInput, type GoalStatus, type GoalUpdateInput,
} from './schemas.js';
import { localDateString, localDateTimeString, parseDateOnly, parseDateTime } from './time.js';
import { refuseFarFuture } from './date-rules.js';
import { ensureClientIn } from './new-client.js';

/**
 * Creates a goal. `setAt` is when the goal was set, for a therapy whose history is entered late
 * (a date or date and time, not more than 24 hours ahead); it defaults to now. Progress entries
 * and milestones may then be dated from that day on.
 */
export async function createGoal(records: RecordStore, input: GoalCreateInput, who: Actor, setAt?: string): Promise<Goal> {
  const goal = planGoal(input, who, setAt);
  const taken = async () => (await records.read((tx) => tx.goals.get(goal.goal_id))) !== undefined;
  await takenAs(goalTaken(goal.goal_id), taken, () => records.write(async (tx) => {
    if (await tx.goals.get(goal.goal_id)) throw goalTaken(goal.goal_id);
    await ensureClientIn(tx, goal.client_id, goal.created_at);
    await tx.goals.insert(goal);
    await tx.goals.appendHistory(goal.goal_id, firstEntry(goal, who));
    await appendAudit(tx, { action: 'goal.create', client_id: goal.client_id, object_id: goal.goal_id }, who);
  }));
  return goal;
}

/** The goal `createGoal` makes of its input, checked; nothing read or written. */
export function planGoal(input: GoalCreateInput, who: Actor, setAt?: string): Goal {
  const fields = parseInput(goalCreateInput, input);
  const set = setAt === undefined ? who.now : parseDateTime(setAt, 'time the goal was set');
  if (setAt !== undefined) refuseFarFuture(set, who.now, 'time the goal was set', setAt);
  const target = fields.target_date ? localDateString(parseDateOnly(fields.target_date, 'target date')) : null;
  if (target !== null) refuseTargetBeforeSet(target, set);
  const now = set.toISOString();
  return {
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
}

/** A new goal's first history entry. */
export function firstEntry(goal: Goal, who: Actor): GoalHistoryEntry {
  return { at: goal.created_at, completion_percentage: goal.completion_percentage, status: goal.status, note: 'created', actor: who.actor };
}

export function goalTaken(goalId: string): ConflictError {
  return new ConflictError(`a goal with id "${goalId}" already exists: choose another --id`);
}

/**
 * Runs a write whose id is decided by a unique key: the engine's conflict (a writer that took
 * the id between the look and the insert) is worded as the look's would have been, when the id
 * is indeed taken now; any other conflict passes as it is.
 */
export async function takenAs<T>(refusal: Error, isTaken: () => Promise<boolean>, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof StoreConflictError && await isTaken()) throw refusal;
    throw error;
  }
}

/** The change `updateGoal` records, checked before anything is read. */
export function checkGoalUpdate(input: GoalUpdateInput): ReturnType<typeof parseGoalUpdate> {
  const change = parseGoalUpdate(input);
  if (change.completion_percentage === undefined && change.status === undefined && change.note.trim() === '') {
    throw new InputError('nothing to update: give --progress <0-100>, --status <status> and/or --note <text>');
  }
  return change;
}

const parseGoalUpdate = (input: GoalUpdateInput) => parseInput(goalUpdateInput, input);

/**
 * A progress entry and where the goal then stands: a backdated entry counts from its own time,
 * the goal standing where its latest entry says.
 */
export function progressEntry(
  goal: Goal, history: readonly GoalHistoryEntry[], change: ReturnType<typeof parseGoalUpdate>, who: Actor, at?: string,
): { entry: GoalHistoryEntry; latest: GoalHistoryEntry } {
  const when = at === undefined ? who.now : progressTime(goal, at, who.now);
  const before = standingAt(history, when.toISOString()) ?? goal;
  const percentage = change.completion_percentage ?? before.completion_percentage;
  let status: GoalStatus = change.status ?? before.status;
  if (change.status === undefined && percentage === 100 && before.status === 'active') status = 'achieved';
  const entry = { at: when.toISOString(), completion_percentage: percentage, status, note: change.note, actor: who.actor };
  const latest = [...history, entry].reduce((last, next) => (next.at >= last.at ? next : last));
  return { entry, latest };
}

/**
 * Records a change of percentage and/or status as a new history entry. Reaching 100 % marks an
 * active goal achieved; the old values stay in the history.
 */
export async function updateGoal(records: RecordStore, goalId: string, input: GoalUpdateInput, who: Actor, at?: string): Promise<GoalDetail> {
  const change = checkGoalUpdate(input);
  // The goal's standing is read under its lock in the update's own transaction: two updates at
  // once would otherwise each compute "latest" from a history without the other's entry.
  return records.write(async (tx) => {
    const goal = await lockGoal(tx, goalId);
    const { entry, latest } = progressEntry(goal, await tx.goals.history(goal.goal_id), change, who, at);
    await tx.goals.setProgress(goal.goal_id, latest.completion_percentage, latest.status, who.now.toISOString());
    await tx.goals.appendHistory(goal.goal_id, entry);
    await appendAudit(tx, { action: 'goal.update', client_id: goal.client_id, object_id: goal.goal_id }, who);
    return goalDetailIn(tx, goal.goal_id);
  });
}

export async function listGoals(records: RecordStore, clientId: string, who: Actor, status?: string): Promise<Goal[]> {
  const wanted = status === undefined ? undefined : parseInput(goalStatus, status);
  checkId(clientId, 'client');
  // A client not on record is refused before anything is logged: the refusal rolls the entry back.
  return readLogged(records, { action: 'goal.list', client_id: clientId }, who, async (tx) => {
    await requireClientIn(tx, clientId);
    return goalsOf(tx, clientId, wanted);
  });
}

async function goalsOf(tx: ReadTx, clientId: string, status?: GoalStatus): Promise<Goal[]> {
  const goals = await tx.goals.ofClient(clientId);
  return status === undefined ? goals : goals.filter((goal) => goal.status === status);
}

export async function showGoal(records: RecordStore, goalId: string, who: Actor): Promise<GoalDetail> {
  const goal = await records.read((tx) => requireGoal(tx, goalId));
  return readLogged(records, { action: 'goal.read', client_id: goal.client_id, object_id: goal.goal_id }, who,
    (tx) => goalDetailIn(tx, goal.goal_id));
}

/** A client's active goals, for the choices of an interactive prompt: a read like any other, logged. */
export async function activeGoals(records: RecordStore, clientId: string, who: Actor): Promise<Goal[]> {
  return readLogged(records, { action: 'goal.list', client_id: clientId }, who, (tx) => goalsOf(tx, clientId, 'active'));
}

export async function requireGoal(tx: ReadTx, goalId: string): Promise<Goal> {
  return found(await tx.goals.get(checkId(goalId, 'goal')), goalId);
}

/** requireGoal with the goal's row locked until the write ends: decide on this. */
export async function lockGoal(tx: WriteTx, goalId: string): Promise<Goal> {
  return found(await tx.goals.lock(checkId(goalId, 'goal')), goalId);
}

export function found(goal: Goal | undefined, goalId: string): Goal {
  if (!goal) throw new NotFoundError(`no goal "${goalId}": see \`tpt goal list <client>\` for the ids`);
  return goal;
}

/** A goal with its history, its live milestones (oldest first) and its edit log. */
export async function goalDetailIn(tx: ReadTx, goalId: string): Promise<GoalDetail> {
  const goal = (await tx.goals.get(goalId))!;
  const milestones = await tx.milestones.ofClient(goal.client_id, { goalId });
  return {
    ...goal, history: await tx.goals.history(goalId),
    milestone_details: milestones.map(({ milestone_id, goal_id, client_id, description, achieved_date, significance }) => ({
      milestone_id, goal_id, client_id, description, achieved_date, significance,
    })),
    edits: await tx.goals.edits(goalId),
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
export async function editGoal(records: RecordStore, goalId: string, edit: GoalEdit, reason: string | undefined, who: Actor): Promise<GoalDetail> {
  const why = requireReason(reason, 'an edit', 'the goal');
  return records.write(async (tx) => {
    const goal = await lockGoal(tx, goalId);
    const planned = planGoalEdit(goal, edit);
    let setAt: Date | undefined;
    if (edit.set_at !== undefined) {
      const milestones = await tx.milestones.ofClient(goal.client_id, { goalId: goal.goal_id });
      setAt = newSetTime(await tx.goals.history(goal.goal_id), milestones.map((milestone) => milestone.achieved_date), edit.set_at, who.now);
    }
    const { next, changes } = goalEditChanges(goal, edit, planned, setAt);
    const now = who.now.toISOString();
    await tx.goals.setText(goal.goal_id, next, now);
    if (next.created_at !== goal.created_at) await tx.goals.moveSetTime(goal.goal_id, next.created_at);
    await tx.goals.appendEdit(goal.goal_id, { at: now, actor: who.actor, reason: why, changes });
    await appendAudit(tx, { action: 'goal.edit', client_id: goal.client_id, object_id: goal.goal_id }, who);
    return goalDetailIn(tx, goal.goal_id);
  });
}

/** The words and target an edit gives a goal, checked; the set time is `newSetTime`'s. */
export function planGoalEdit(goal: Goal, edit: GoalEdit): { description: string; target_date: string | null; notes: string } {
  if (edit.description === undefined && edit.target_date === undefined && edit.notes === undefined && edit.set_at === undefined) {
    throw new InputError('nothing to edit: give --description, --target, --notes and/or --set-at');
  }
  return {
    description: edit.description === undefined ? goal.description : parseInput(goalCreateInput.shape.description, edit.description),
    target_date: edit.target_date === undefined ? goal.target_date
      : edit.target_date === null || edit.target_date.trim() === '' ? null
        : localDateString(parseDateOnly(edit.target_date, 'target date')),
    notes: edit.notes ?? goal.notes,
  };
}

/** The goal after an edit and the fields it changes; refuses an edit that changes nothing. */
export function goalEditChanges(
  goal: Goal, edit: GoalEdit, planned: { description: string; target_date: string | null; notes: string }, setAt: Date | undefined,
): { next: { description: string; target_date: string | null; notes: string; created_at: string }; changes: RecordEdit['changes'] } {
  const next = { ...planned, created_at: setAt === undefined ? goal.created_at : setAt.toISOString() };
  if (next.target_date !== null && (edit.target_date !== undefined || edit.set_at !== undefined)) {
    refuseTargetBeforeSet(next.target_date, new Date(next.created_at));
  }
  const changes: RecordEdit['changes'] = {};
  for (const field of ['description', 'target_date', 'notes', 'created_at'] as const) {
    if (next[field] !== goal[field]) changes[field] = [goal[field], next[field]];
  }
  if (Object.keys(changes).length === 0) throw new InputError('the edit changes nothing: every value given is already the goal\'s');
  return { next, changes };
}

/**
 * A corrected time the goal was set: not more than 24 hours ahead, and not after anything already
 * recorded of the goal (a progress entry or milestone before the goal existed would be a mistake).
 */
export function newSetTime(history: readonly GoalHistoryEntry[], milestoneDays: readonly string[], text: string, now: Date): Date {
  const set = parseDateTime(text, 'time the goal was set');
  refuseFarFuture(set, now, 'time the goal was set', text);
  const later = history.slice(1).map((entry) => localDateString(new Date(entry.at)));
  const first = [...later, ...milestoneDays].sort()[0];
  if (first !== undefined && localDateString(set) > first) {
    throw new InputError(`the goal cannot be set after its first progress entry or milestone (${first}): give --set-at ${first} or earlier`);
  }
  return set;
}
