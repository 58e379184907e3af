import type { Store } from '../db/store.js';
import { logRead, recordAudit } from './audit.js';
import { requireClient } from './clients.js';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { requireGoal } from './goals.js';
import { checkId, newId } from './ids.js';
import type { Actor, Goal, Milestone, MilestoneWithState, RecordEdit } from './model.js';
import { requireReason } from './reasons.js';
import { refuseFarFuture } from './date-rules.js';
import {
  appendEdit, editsOf, milestonesOfClientWithState, milestoneWithState, setMilestoneVoided, updateMilestoneFields,
} from '../db/record-edits.js';
import { milestoneInput, parseInput, type MilestoneInput } from './schemas.js';
import { localDateString, parseDateOnly } from './time.js';

/** Records a milestone of a goal; its client is the goal's client. */
export function addMilestone(store: Store, input: MilestoneInput, who: Actor): Milestone {
  const fields = parseInput(milestoneInput, input);
  const goal = requireGoal(store, fields.goal_id);
  const achieved = fields.achieved_date ? checkMilestoneDate(goal, fields.achieved_date, who.now) : who.now;
  const milestone: Milestone = {
    milestone_id: fields.milestone_id ?? newId('ms'),
    goal_id: goal.goal_id,
    client_id: goal.client_id,
    description: fields.description,
    achieved_date: localDateString(achieved),
    significance: fields.significance,
  };
  store.transaction(() => {
    if (store.milestoneExists(milestone.milestone_id)) {
      throw new ConflictError(`a milestone with id "${milestone.milestone_id}" already exists: choose another --id`);
    }
    store.insertMilestone(milestone, who.now.toISOString());
    recordAudit(store, { action: 'milestone.create', client_id: goal.client_id, object_id: milestone.milestone_id }, who);
  });
  return milestone;
}

/** A client's milestones, newest first; with `includeVoid` the voided ones too, each with its state. */
export function listMilestones(store: Store, clientId: string, who: Actor, includeVoid = false): Milestone[] | MilestoneWithState[] {
  requireClient(store, checkId(clientId, 'client'));
  return logRead(store, { action: 'milestone.list', client_id: clientId }, who,
    () => (includeVoid ? milestonesOfClientWithState(store, clientId) : store.milestonesOfClient(clientId)));
}

/**
 * A milestone's day: not before the day its goal was set (a milestone of a goal that did not
 * exist yet is a mistake), nor starting more than 24 hours from now.
 */
function checkMilestoneDate(goal: Goal, text: string, now: Date): Date {
  const day = parseDateOnly(text, 'milestone date');
  const goalDay = localDateString(new Date(goal.created_at));
  if (localDateString(day) < goalDay) {
    throw new InputError(
      `milestone date ${text} is before its goal ${goal.goal_id} was set (${goalDay}): give a later --date, ` +
      `or correct when the goal was set with \`tpt goal edit ${goal.goal_id} --set-at <date> --reason "…"\``,
    );
  }
  refuseFarFuture(day, now, 'milestone date', text);
  return day;
}

function requireMilestone(store: Store, milestoneId: string) {
  const milestone = milestoneWithState(store, checkId(milestoneId, 'milestone'));
  if (!milestone) throw new NotFoundError(`no milestone "${milestoneId}": see \`tpt milestone list <client>\` for the ids`);
  return milestone;
}

export interface MilestoneEdit {
  description?: string;
  achieved_date?: string;
  significance?: string;
}

/** Corrects a milestone; the values before stay in its edit log with who, when and why. */
export function editMilestone(store: Store, milestoneId: string, edit: MilestoneEdit, reason: string | undefined, who: Actor) {
  const why = requireReason(reason, 'an edit', 'the milestone');
  const milestone = requireMilestone(store, milestoneId);
  if (milestone.voided_at !== null) {
    throw new ConflictError(`milestone ${milestone.milestone_id} is voided: restore it first (\`tpt milestone restore ${milestone.milestone_id}\`)`);
  }
  if (edit.description === undefined && edit.achieved_date === undefined && edit.significance === undefined) {
    throw new InputError('nothing to edit: give --description, --date and/or --significance');
  }
  const next = {
    description: edit.description === undefined ? milestone.description : parseInput(milestoneInput.shape.description, edit.description),
    achieved_date: edit.achieved_date === undefined ? milestone.achieved_date
      : localDateString(checkMilestoneDate(requireGoal(store, milestone.goal_id), edit.achieved_date, who.now)),
    significance: edit.significance === undefined ? milestone.significance : parseInput(milestoneInput.shape.significance, edit.significance),
  };
  const changes: RecordEdit['changes'] = {};
  for (const field of ['description', 'achieved_date', 'significance'] as const) {
    if (next[field] !== milestone[field]) changes[field] = [milestone[field], next[field]];
  }
  if (Object.keys(changes).length === 0) throw new InputError('the edit changes nothing: every value given is already the milestone\'s');
  const now = who.now.toISOString();
  store.transaction(() => {
    updateMilestoneFields(store, milestone.milestone_id, next);
    appendEdit(store, 'milestone_edits', milestone.milestone_id, milestone.client_id, { at: now, actor: who.actor, reason: why, changes });
    recordAudit(store, { action: 'milestone.edit', client_id: milestone.client_id, object_id: milestone.milestone_id }, who);
  });
  return showMilestoneRecord(store, milestone.milestone_id);
}

/** Takes a milestone out of lists and reports; it stays in the record, the export and the audit log. */
export function voidMilestone(store: Store, milestoneId: string, reason: string | undefined, who: Actor) {
  const why = requireReason(reason, 'voiding a milestone', 'the milestone');
  // Checked in the void's own transaction: a state read before it could be another writer's past.
  const milestone = store.transaction(() => {
    const milestone = requireMilestone(store, milestoneId);
    if (milestone.voided_at !== null) throw new ConflictError(`milestone ${milestone.milestone_id} is voided already`);
    setMilestoneVoided(store, milestone.milestone_id, { voided_at: who.now.toISOString(), voided_by: who.actor, void_reason: why });
    recordAudit(store, { action: 'milestone.void', client_id: milestone.client_id, object_id: milestone.milestone_id }, who);
    return milestone;
  });
  return showMilestoneRecord(store, milestone.milestone_id);
}

export function restoreMilestone(store: Store, milestoneId: string, who: Actor) {
  const milestone = store.transaction(() => {
    const milestone = requireMilestone(store, milestoneId);
    if (milestone.voided_at === null) throw new ConflictError(`milestone ${milestone.milestone_id} is not voided: there is nothing to restore`);
    setMilestoneVoided(store, milestone.milestone_id, { voided_at: null, voided_by: null, void_reason: null });
    recordAudit(store, { action: 'milestone.restore', client_id: milestone.client_id, object_id: milestone.milestone_id }, who);
    return milestone;
  });
  return showMilestoneRecord(store, milestone.milestone_id);
}

/** `tpt milestone show <id>`: the milestone with its state and edit log (voided ones too); audited. */
export function showMilestone(store: Store, milestoneId: string, who: Actor) {
  const milestone = requireMilestone(store, milestoneId);
  return logRead(store, { action: 'milestone.read', client_id: milestone.client_id, object_id: milestone.milestone_id }, who,
    () => showMilestoneRecord(store, milestone.milestone_id));
}

/** A milestone with its state and edit log (voided ones too). */
export function showMilestoneRecord(store: Store, milestoneId: string) {
  const milestone = requireMilestone(store, milestoneId);
  return { ...milestone, edits: editsOf(store, 'milestone_edits', milestone.milestone_id) };
}
