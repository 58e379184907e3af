import type { ReadTx, RecordStore, WriteTx } from '../store/port.js';
import { appendAudit, readLogged } from './audit.js';
import { requireClientIn } from './clients.js';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { lockGoal, takenAs } from './goals.js';
import { checkId, newId } from './ids.js';
import type { Actor, Goal, Milestone, MilestoneWithState, RecordEdit } from './model.js';
import { requireReason } from './reasons.js';
import { refuseFarFuture } from './date-rules.js';
import { milestoneInput, parseInput, type MilestoneInput } from './schemas.js';
import { localDateString, parseDateOnly } from './time.js';

/** Records a milestone of a goal; its client is the goal's client. */
export async function addMilestone(records: RecordStore, input: MilestoneInput, who: Actor): Promise<Milestone> {
  const fields = parseInput(milestoneInput, input);
  const id = fields.milestone_id ?? newId('ms');
  const taken = async () => (await records.read((tx) => tx.milestones.get(id))) !== undefined;
  return takenAs(milestoneTaken(id), taken, () => records.write(async (tx) => {
    // The goal is locked: an edit of the time it was set cannot pass this milestone's day meanwhile.
    const milestone = planMilestone(await lockGoal(tx, fields.goal_id), fields, id, who);
    if (await tx.milestones.get(milestone.milestone_id)) throw milestoneTaken(milestone.milestone_id);
    await tx.milestones.insert(milestone, who.now.toISOString());
    await appendAudit(tx, { action: 'milestone.create', client_id: milestone.client_id, object_id: milestone.milestone_id }, who);
    return milestone;
  }));
}

/** The milestone `addMilestone` makes of its checked input for its goal; nothing read or written. */
export function planMilestone(goal: Goal, fields: ReturnType<typeof parseMilestone>, id: string, who: Actor): Milestone {
  const achieved = fields.achieved_date ? checkMilestoneDate(goal, fields.achieved_date, who.now) : who.now;
  return {
    milestone_id: id,
    goal_id: goal.goal_id,
    client_id: goal.client_id,
    description: fields.description,
    achieved_date: localDateString(achieved),
    significance: fields.significance,
  };
}

export const parseMilestone = (input: MilestoneInput) => parseInput(milestoneInput, input);

export function milestoneTaken(milestoneId: string): ConflictError {
  return new ConflictError(`a milestone with id "${milestoneId}" already exists: choose another --id`);
}

/** A client's milestones, newest first; with `includeVoid` the voided ones too, each with its state. */
export async function listMilestones(
  records: RecordStore, clientId: string, who: Actor, includeVoid = false,
): Promise<Milestone[] | MilestoneWithState[]> {
  checkId(clientId, 'client');
  // A client not on record is refused before anything is logged: the refusal rolls the entry back.
  return readLogged(records, { action: 'milestone.list', client_id: clientId }, who, async (tx) => {
    await requireClientIn(tx, clientId);
    const milestones = (await tx.milestones.ofClient(clientId, { includeVoid })).reverse();
    return includeVoid ? milestones : milestones.map(withoutState);
  });
}

function withoutState({ milestone_id, goal_id, client_id, description, achieved_date, significance }: MilestoneWithState): Milestone {
  return { milestone_id, goal_id, client_id, description, achieved_date, significance };
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

async function requireMilestone(tx: ReadTx, milestoneId: string): Promise<MilestoneWithState> {
  return found(await tx.milestones.get(checkId(milestoneId, 'milestone')), milestoneId);
}

async function lockMilestone(tx: WriteTx, milestoneId: string): Promise<MilestoneWithState> {
  return found(await tx.milestones.lock(checkId(milestoneId, 'milestone')), milestoneId);
}

function found(milestone: MilestoneWithState | undefined, milestoneId: string): MilestoneWithState {
  if (!milestone) throw new NotFoundError(`no milestone "${milestoneId}": see \`tpt milestone list <client>\` for the ids`);
  return milestone;
}

export interface MilestoneEdit {
  description?: string;
  achieved_date?: string;
  significance?: string;
}

/** Corrects a milestone; the values before stay in its edit log with who, when and why. */
export async function editMilestone(
  records: RecordStore, milestoneId: string, edit: MilestoneEdit, reason: string | undefined, who: Actor,
): Promise<MilestoneRecord> {
  const why = requireReason(reason, 'an edit', 'the milestone');
  return records.write(async (tx) => {
    const milestone = await lockMilestone(tx, milestoneId);
    if (milestone.voided_at !== null) {
      throw new ConflictError(`milestone ${milestone.milestone_id} is voided: restore it first (\`tpt milestone restore ${milestone.milestone_id}\`)`);
    }
    if (edit.description === undefined && edit.achieved_date === undefined && edit.significance === undefined) {
      throw new InputError('nothing to edit: give --description, --date and/or --significance');
    }
    const next = {
      description: edit.description === undefined ? milestone.description : parseInput(milestoneInput.shape.description, edit.description),
      achieved_date: edit.achieved_date === undefined ? milestone.achieved_date
        : localDateString(checkMilestoneDate(await lockGoal(tx, milestone.goal_id), edit.achieved_date, who.now)),
      significance: edit.significance === undefined ? milestone.significance : parseInput(milestoneInput.shape.significance, edit.significance),
    };
    const changes: RecordEdit['changes'] = {};
    for (const field of ['description', 'achieved_date', 'significance'] as const) {
      if (next[field] !== milestone[field]) changes[field] = [milestone[field], next[field]];
    }
    if (Object.keys(changes).length === 0) throw new InputError('the edit changes nothing: every value given is already the milestone\'s');
    const now = who.now.toISOString();
    await tx.milestones.setFields(milestone.milestone_id, next);
    await tx.milestones.appendEdit(milestone.milestone_id, { at: now, actor: who.actor, reason: why, changes });
    await appendAudit(tx, { action: 'milestone.edit', client_id: milestone.client_id, object_id: milestone.milestone_id }, who);
    return milestoneRecordIn(tx, milestone.milestone_id);
  });
}

/** Takes a milestone out of lists and reports; it stays in the record, the export and the audit log. */
export async function voidMilestone(records: RecordStore, milestoneId: string, reason: string | undefined, who: Actor): Promise<MilestoneRecord> {
  const why = requireReason(reason, 'voiding a milestone', 'the milestone');
  // Checked under the milestone's lock in the void's own transaction.
  return records.write(async (tx) => {
    const milestone = await lockMilestone(tx, milestoneId);
    if (milestone.voided_at !== null) throw new ConflictError(`milestone ${milestone.milestone_id} is voided already`);
    await tx.milestones.setVoided(milestone.milestone_id, { at: who.now.toISOString(), by: who.actor, reason: why });
    await appendAudit(tx, { action: 'milestone.void', client_id: milestone.client_id, object_id: milestone.milestone_id }, who);
    return milestoneRecordIn(tx, milestone.milestone_id);
  });
}

export async function restoreMilestone(records: RecordStore, milestoneId: string, who: Actor): Promise<MilestoneRecord> {
  return records.write(async (tx) => {
    const milestone = await lockMilestone(tx, milestoneId);
    if (milestone.voided_at === null) throw new ConflictError(`milestone ${milestone.milestone_id} is not voided: there is nothing to restore`);
    await tx.milestones.setVoided(milestone.milestone_id, null);
    await appendAudit(tx, { action: 'milestone.restore', client_id: milestone.client_id, object_id: milestone.milestone_id }, who);
    return milestoneRecordIn(tx, milestone.milestone_id);
  });
}

/** A milestone with its state and edit log (voided ones too). */
export type MilestoneRecord = MilestoneWithState & { created_at: string; edits: RecordEdit[] };

/** `tpt milestone show <id>`: the milestone with its state and edit log (voided ones too); audited. */
export async function showMilestone(records: RecordStore, milestoneId: string, who: Actor): Promise<MilestoneRecord> {
  const milestone = await records.read((tx) => requireMilestone(tx, milestoneId));
  return readLogged(records, { action: 'milestone.read', client_id: milestone.client_id, object_id: milestone.milestone_id }, who,
    (tx) => milestoneRecordIn(tx, milestone.milestone_id));
}

/** A milestone with its state and edit log (voided ones too). */
export async function milestoneRecordIn(tx: ReadTx, milestoneId: string): Promise<MilestoneRecord> {
  const { milestone_id, goal_id, client_id, description, achieved_date, significance, voided_at, voided_by, void_reason } =
    await requireMilestone(tx, milestoneId);
  // In the order the record has always been shown (its JSON): when it was recorded before its state.
  return {
    milestone_id, goal_id, client_id, description, achieved_date, significance,
    created_at: (await tx.milestones.recordedAt(milestone_id))!, voided_at, voided_by, void_reason,
    edits: await tx.milestones.edits(milestone_id),
  };
}
