import type { MilestoneWithState, RecordEdit } from '../core/model.js';
import type { GoalReads, GoalWrites, MilestoneReads, MilestoneWrites } from '../store/port.js';
import type { Store } from './store.js';

/**
 * The edit logs of goals and milestones: one row per edit, with who, when, why and the values
 * before and after (`changes`, JSON {field: [before, after]}), oldest first.
 */

type EditTable = 'goal_edits' | 'milestone_edits';
const KEY: Record<EditTable, string> = { goal_edits: 'goal_id', milestone_edits: 'milestone_id' };

export function appendEdit(store: Store, table: EditTable, recordId: string, clientId: string, edit: RecordEdit): void {
  const key = KEY[table];
  store.statement(`
    INSERT INTO ${table} (${key}, client_id, seq, at, actor, reason, changes)
    VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM ${table} WHERE ${key} = ?), ?, ?, ?, ?)`)
    .run(recordId, clientId, recordId, edit.at, edit.actor, edit.reason, JSON.stringify(edit.changes));
}

export function editsOf(store: Store, table: EditTable, recordId: string): RecordEdit[] {
  const rows = store.statement(`SELECT at, actor, reason, changes FROM ${table} WHERE ${KEY[table]} = ? ORDER BY seq`)
    .all(recordId) as { at: string; actor: string; reason: string; changes: string }[];
  return rows.map((row) => ({ ...row, changes: JSON.parse(row.changes) as RecordEdit['changes'] }));
}

/** Replaces the edit log of a record with the given one (an import's). */
export function writeEdits(store: Store, table: EditTable, recordId: string, clientId: string, edits: readonly RecordEdit[]): void {
  store.statement(`DELETE FROM ${table} WHERE ${KEY[table]} = ?`).run(recordId);
  for (const edit of edits) appendEdit(store, table, recordId, clientId, edit);
}

export function updateGoalText(
  store: Store, goalId: string, fields: { description: string; target_date: string | null; notes: string }, updatedAt: string,
): void {
  store.statement('UPDATE goals SET description = ?, target_date = ?, notes = ?, updated_at = ? WHERE goal_id = ?')
    .run(fields.description, fields.target_date, fields.notes, updatedAt, goalId);
}

/** Moves the time a goal was set: its created_at and the history entry that opened it. */
export function moveGoalSetTime(store: Store, goalId: string, setAt: string): void {
  store.statement('UPDATE goals SET created_at = ? WHERE goal_id = ?').run(setAt, goalId);
  store.statement('UPDATE goal_history SET at = ? WHERE goal_id = ? AND seq = 1').run(setAt, goalId);
}

export interface MilestoneState {
  voided_at: string | null;
  voided_by: string | null;
  void_reason: string | null;
}

export function milestoneWithState(store: Store, milestoneId: string): (MilestoneWithState & { created_at: string }) | undefined {
  return store.statement(`
    SELECT milestone_id, goal_id, client_id, description, achieved_date, significance, created_at,
           voided_at, voided_by, void_reason
      FROM milestones WHERE milestone_id = ?`).get(milestoneId) as never;
}

/** A client's milestones with their state, voided ones too, newest first (by milestones_by_client). */
export function milestonesOfClientWithState(store: Store, clientId: string): MilestoneWithState[] {
  return store.statement(`
    SELECT milestone_id, goal_id, client_id, description, achieved_date, significance, voided_at, voided_by, void_reason
      FROM milestones WHERE client_id = ?
     ORDER BY achieved_date DESC, created_at DESC, milestone_id DESC`).all(clientId) as MilestoneWithState[];
}

export function updateMilestoneFields(
  store: Store, milestoneId: string, fields: { description: string; achieved_date: string; significance: string },
): void {
  store.statement('UPDATE milestones SET description = ?, achieved_date = ?, significance = ? WHERE milestone_id = ?')
    .run(fields.description, fields.achieved_date, fields.significance, milestoneId);
}

export function setMilestoneVoided(store: Store, milestoneId: string, voided: MilestoneState): void {
  store.statement('UPDATE milestones SET voided_at = ?, voided_by = ?, void_reason = ? WHERE milestone_id = ?')
    .run(voided.voided_at, voided.voided_by, voided.void_reason, milestoneId);
}

/**
 * The goals' edits of the port on SQLite: the transaction holds SQLite's write lock from its
 * BEGIN IMMEDIATE, so the next place in a log is read and taken under it.
 */
export function sqliteGoalEdits(store: Store): Pick<GoalReads & GoalWrites, 'edits' | 'setText' | 'moveSetTime' | 'appendEdit'> {
  return {
    edits: async (goalId) => editsOf(store, 'goal_edits', goalId),
    setText: async (goalId, text, updatedAt) => updateGoalText(store, goalId, text, updatedAt),
    moveSetTime: async (goalId, setAt) => moveGoalSetTime(store, goalId, setAt),
    appendEdit: async (goalId, edit) => {
      const goal = store.goalById(goalId);
      if (goal !== undefined) appendEdit(store, 'goal_edits', goalId, goal.client_id, edit);
    },
  };
}

/** The milestones' edits of the port on SQLite, as the goals'. */
export function sqliteMilestoneEdits(store: Store): Pick<MilestoneReads & MilestoneWrites, 'edits' | 'recordedAt' | 'setFields' | 'appendEdit'> {
  return {
    recordedAt: async (milestoneId) => milestoneWithState(store, milestoneId)?.created_at,
    edits: async (milestoneId) => editsOf(store, 'milestone_edits', milestoneId),
    setFields: async (milestoneId, fields) => updateMilestoneFields(store, milestoneId, fields),
    appendEdit: async (milestoneId, edit) => {
      const milestone = milestoneWithState(store, milestoneId);
      if (milestone !== undefined) appendEdit(store, 'milestone_edits', milestoneId, milestone.client_id, edit);
    },
  };
}
