import type { GoalHistoryEntry, Session } from '../domain/records.js';
import type { GoalRecord, MilestoneRecord } from '../store/port-exchange.js';
import { sessionToRow, type SessionRow, type Store } from './store.js';

/**
 * The writes of `tpt import`: records arrive whole, with their own ids, times and goal history,
 * and are stored as they are (never regenerated).
 */

/**
 * A large page cache for this connection: a bulk import into an encrypted database is bound by
 * decrypting and re-encrypting the pages of the indexes it grows (256 MB, freed at exit).
 */
export function enlargeCacheForImport(store: Store): void {
  store.db.pragma('cache_size = -65536');
}

/**
 * Runs a bulk load with a rollback journal instead of the write-ahead log, then returns to WAL.
 * In WAL mode every page a large import writes is encrypted into the log, then read back,
 * decrypted and encrypted again into the database by the checkpoint; a rollback journal keeps
 * only the pages' old images and writes each new page once. Its guarantees are the same: the
 * import is one transaction, a crash leaves a hot journal (encrypted like the database, mode 0600
 * like it) that the next open rolls back, so the database is as it was before the import. The
 * switch needs the database to itself: with another connection open (`tpt serve`), the load
 * stays in WAL mode.
 */
export function withRollbackJournal<T>(store: Store, load: () => T): T {
  let switched = false;
  try {
    switched = store.db.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
  } catch {
    // SQLITE_BUSY: another connection has the database open; WAL it is.
  }
  try {
    return load();
  } finally {
    // Should a reader hold the switch back off, the next open of the database returns to WAL.
    if (switched) {
      try {
        store.db.pragma('journal_mode = WAL');
      } catch {
        // as above
      }
    }
  }
}

/** Where each table's rows stood before the import: rows it writes have higher rowids. */
export function highestRowids(store: Store): { session: number; goal: number; milestone: number; measure: number } {
  const highest = (table: string) =>
    (store.statement(`SELECT coalesce(max(rowid), 0) AS n FROM ${table}`).get() as { n: number }).n;
  return {
    session: highest('sessions'), goal: highest('goals'), milestone: highest('milestones'), measure: highest('measures'),
  };
}

/** The client a goal or a session belongs to, or undefined when there is no such record. */
export function ownerOf(store: Store, kind: 'goal' | 'session', recordId: string): string | undefined {
  const row = (kind === 'goal'
    ? store.statement('SELECT client_id FROM goals WHERE goal_id = ?')
    : store.statement('SELECT client_id FROM sessions WHERE session_id = ?')).get(recordId) as { client_id: string } | undefined;
  return row?.client_id;
}

/** The rowid of a measure (told apart from rows this import wrote). */
export function measureRowOrder(store: Store, measureId: string): number {
  return (store.statement('SELECT rowid AS n FROM measures WHERE measure_id = ?').get(measureId) as { n: number }).n;
}

/** A stored row and its rowid (`row_order`). */
export type WithRowOrder<T> = T & { row_order: number };

export function sessionRecordById(store: Store, sessionId: string): WithRowOrder<SessionRow> | undefined {
  return store.statement('SELECT rowid AS row_order, * FROM sessions WHERE session_id = ?').get(sessionId) as
    | WithRowOrder<SessionRow>
    | undefined;
}

export function goalRecordById(store: Store, goalId: string): WithRowOrder<GoalRecord> | undefined {
  return store.statement(`
    SELECT rowid AS row_order, goal_id, client_id, description, target_date, completion_percentage, status, notes,
           created_at, updated_at
      FROM goals WHERE goal_id = ?`).get(goalId) as WithRowOrder<GoalRecord> | undefined;
}

/**
 * Inserts a session unless its id is taken (then returns false and writes nothing), with
 * positional parameters: binding by name costs more per row, and this runs once per session.
 */
export function insertNewSession(store: Store, session: Session): boolean {
  return store.statement(`
    INSERT INTO sessions (session_id, client_id, timestamp, conversation_summary, emotional_score,
      therapeutic_goals, progress_notes, therapist_observations, next_session_focus,
      session_duration_minutes, techniques_used, homework_assigned, crisis_flags, metadata)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (session_id) DO NOTHING`).run(
    session.session_id, session.client_id, session.timestamp, session.conversation_summary, session.emotional_score,
    JSON.stringify(session.therapeutic_goals), session.progress_notes, session.therapist_observations,
    session.next_session_focus, session.session_duration_minutes, JSON.stringify(session.techniques_used),
    session.homework_assigned, JSON.stringify(session.crisis_flags), JSON.stringify(session.metadata),
  ).changes === 1;
}

export function replaceSessionRecord(store: Store, session: Session): void {
  store.statement(`
    UPDATE sessions SET client_id = @client_id, timestamp = @timestamp,
      conversation_summary = @conversation_summary, emotional_score = @emotional_score,
      therapeutic_goals = @therapeutic_goals, progress_notes = @progress_notes,
      therapist_observations = @therapist_observations, next_session_focus = @next_session_focus,
      session_duration_minutes = @session_duration_minutes, techniques_used = @techniques_used,
      homework_assigned = @homework_assigned, crisis_flags = @crisis_flags, metadata = @metadata
    WHERE session_id = @session_id`).run(sessionToRow(session));
}

export function insertGoalRecord(store: Store, goal: GoalRecord, history: readonly GoalHistoryEntry[]): void {
  store.statement(`
    INSERT INTO goals (goal_id, client_id, description, target_date, completion_percentage, status, notes,
      created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    goal.goal_id, goal.client_id, goal.description, goal.target_date, goal.completion_percentage, goal.status,
    goal.notes, goal.created_at, goal.updated_at,
  );
  insertHistory(store, goal.goal_id, history);
}

/** Replaces a goal and its history with the imported ones (only with --on-conflict replace). */
export function replaceGoalRecord(store: Store, goal: GoalRecord, history: readonly GoalHistoryEntry[]): void {
  store.statement(`
    UPDATE goals SET client_id = ?, description = ?, target_date = ?, completion_percentage = ?, status = ?,
      notes = ?, created_at = ?, updated_at = ?
    WHERE goal_id = ?`).run(
    goal.client_id, goal.description, goal.target_date, goal.completion_percentage, goal.status, goal.notes,
    goal.created_at, goal.updated_at, goal.goal_id,
  );
  store.statement('DELETE FROM goal_history WHERE goal_id = ?').run(goal.goal_id);
  insertHistory(store, goal.goal_id, history);
}

function insertHistory(store: Store, goalId: string, history: readonly GoalHistoryEntry[]): void {
  const insert = store.statement(`
    INSERT INTO goal_history (goal_id, seq, at, completion_percentage, status, note, actor)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  history.forEach((entry, index) => {
    insert.run(goalId, index + 1, entry.at, entry.completion_percentage, entry.status, entry.note, entry.actor);
  });
}

export function milestoneRecordById(store: Store, milestoneId: string): WithRowOrder<MilestoneRecord> | undefined {
  return store.statement(`
    SELECT rowid AS row_order, milestone_id, goal_id, client_id, description, achieved_date, significance, created_at
      FROM milestones WHERE milestone_id = ?`).get(milestoneId) as WithRowOrder<MilestoneRecord> | undefined;
}

export function insertMilestoneRecord(store: Store, milestone: MilestoneRecord): void {
  store.statement(`
    INSERT INTO milestones (milestone_id, goal_id, client_id, description, achieved_date, significance, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`).run(
    milestone.milestone_id, milestone.goal_id, milestone.client_id, milestone.description, milestone.achieved_date,
    milestone.significance, milestone.created_at,
  );
}

export function replaceMilestoneRecord(store: Store, milestone: MilestoneRecord): void {
  store.statement(`
    UPDATE milestones SET goal_id = ?, client_id = ?, description = ?, achieved_date = ?, significance = ?,
      created_at = ?
    WHERE milestone_id = ?`).run(
    milestone.goal_id, milestone.client_id, milestone.description, milestone.achieved_date, milestone.significance,
    milestone.created_at, milestone.milestone_id,
  );
}

/** Foreign keys checked at commit, so a file may list a goal's milestones before the goal. */
export function deferForeignKeys(store: Store): void {
  store.db.pragma('defer_foreign_keys = ON');
}
