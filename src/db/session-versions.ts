import type { MachineEntry, Session, SessionState, SessionVersion } from '../domain/records.js';
import { rowToSession, sessionToRow, type SessionRow, type Store } from './store.js';

/**
 * The reads and writes of corrections by amendment. The sessions table holds each session's
 * current version and its state; session_versions holds every earlier version whole.
 */

interface StateRow {
  version: number;
  amended_at: string | null;
  amended_by: string | null;
  amend_reason: string | null;
  addendum: number;
  signed_at: string | null;
  signed_by: string | null;
  voided_at: string | null;
  voided_by: string | null;
  void_reason: string | null;
}

function rowToState(row: StateRow): SessionState {
  return {
    version: row.version,
    amended_at: row.amended_at,
    amended_by: row.amended_by,
    amend_reason: row.amend_reason,
    addendum: row.addendum === 1,
    signed_at: row.signed_at,
    signed_by: row.signed_by,
    voided_at: row.voided_at,
    voided_by: row.voided_by,
    void_reason: row.void_reason,
  };
}

/** A session (voided or not) with its state, or undefined. */
export function sessionWithState(store: Store, sessionId: string): { session: Session; state: SessionState } | undefined {
  const row = store.statement('SELECT * FROM sessions WHERE session_id = ?').get(sessionId) as
    | (SessionRow & StateRow)
    | undefined;
  return row && { session: rowToSession(row), state: rowToState(row) };
}

/** Every earlier version of a session, oldest first (the current one is in sessions). */
export function earlierVersions(store: Store, sessionId: string): SessionVersion[] {
  const rows = store.statement(`
    SELECT * FROM session_versions WHERE session_id = ? ORDER BY version`).all(sessionId) as
    (SessionRow & StateRow)[];
  return rows.map(rowToVersion);
}

function rowToVersion(row: SessionRow & StateRow): SessionVersion {
  const { session_id: _id, ...content } = rowToSession(row);
  return {
    ...content,
    version: row.version,
    amended_at: row.amended_at,
    amended_by: row.amended_by,
    amend_reason: row.amend_reason,
    addendum: row.addendum === 1,
  };
}

/**
 * Makes `next` the current version of its session: the current one is copied to
 * session_versions first, so nothing is overwritten. Call inside a transaction.
 */
export function replaceWithAmendment(
  store: Store,
  next: Session,
  amendment: { version: number; amended_at: string; amended_by: string; amend_reason: string; addendum: boolean },
): void {
  store.statement(`
    INSERT INTO session_versions (session_id, version, client_id, timestamp, conversation_summary, emotional_score,
      therapeutic_goals, progress_notes, therapist_observations, next_session_focus, session_duration_minutes,
      techniques_used, homework_assigned, crisis_flags, metadata, amended_at, amended_by, amend_reason, addendum)
    SELECT session_id, version, client_id, timestamp, conversation_summary, emotional_score,
      therapeutic_goals, progress_notes, therapist_observations, next_session_focus, session_duration_minutes,
      techniques_used, homework_assigned, crisis_flags, metadata, amended_at, amended_by, amend_reason, addendum
      FROM sessions WHERE session_id = ?`).run(next.session_id);
  store.statement(`
    UPDATE sessions SET timestamp = @timestamp, conversation_summary = @conversation_summary,
      emotional_score = @emotional_score, therapeutic_goals = @therapeutic_goals, progress_notes = @progress_notes,
      therapist_observations = @therapist_observations, next_session_focus = @next_session_focus,
      session_duration_minutes = @session_duration_minutes, techniques_used = @techniques_used,
      homework_assigned = @homework_assigned, crisis_flags = @crisis_flags, metadata = @metadata,
      version = @version, amended_at = @amended_at, amended_by = @amended_by, amend_reason = @amend_reason,
      addendum = @addendum
    WHERE session_id = @session_id`).run({
    ...sessionToRow(next), ...amendment, addendum: amendment.addendum ? 1 : 0,
  });
}

/**
 * Sets (or, with nulls, clears) the void of a session. The guard makes the update itself refuse a
 * state it must not change (a signed or voided session voided, a live one restored): false when
 * no row was in that state.
 */
export function setVoided(
  store: Store, sessionId: string, voided: { at: string; by: string; reason: string } | null,
): boolean {
  const guard = voided ? 'signed_at IS NULL AND voided_at IS NULL' : 'voided_at IS NOT NULL';
  return store.statement(`UPDATE sessions SET voided_at = ?, voided_by = ?, void_reason = ? WHERE session_id = ? AND ${guard}`)
    .run(voided?.at ?? null, voided?.by ?? null, voided?.reason ?? null, sessionId).changes === 1;
}

/** Signs a session that is neither signed nor voided; false when it was one of them. */
export function setSigned(store: Store, sessionId: string, at: string, by: string): boolean {
  return store.statement('UPDATE sessions SET signed_at = ?, signed_by = ? WHERE session_id = ? AND signed_at IS NULL AND voided_at IS NULL')
    .run(at, by, sessionId).changes === 1;
}

/** Writes the state of a session as an import carries it (the content is written already). */
export function writeState(store: Store, sessionId: string, state: SessionState): void {
  store.statement(`
    UPDATE sessions SET version = ?, amended_at = ?, amended_by = ?, amend_reason = ?, addendum = ?,
      signed_at = ?, signed_by = ?, voided_at = ?, voided_by = ?, void_reason = ?
    WHERE session_id = ?`).run(
    state.version, state.amended_at, state.amended_by, state.amend_reason, state.addendum ? 1 : 0,
    state.signed_at, state.signed_by, state.voided_at, state.voided_by, state.void_reason, sessionId,
  );
}

/** Replaces the earlier versions of a session with the given ones (an import's). */
export function writeEarlierVersions(store: Store, sessionId: string, versions: readonly SessionVersion[]): void {
  store.statement('DELETE FROM session_versions WHERE session_id = ?').run(sessionId);
  const insert = store.statement(`
    INSERT INTO session_versions (session_id, version, client_id, timestamp, conversation_summary, emotional_score,
      therapeutic_goals, progress_notes, therapist_observations, next_session_focus, session_duration_minutes,
      techniques_used, homework_assigned, crisis_flags, metadata, amended_at, amended_by, amend_reason, addendum)
    VALUES (@session_id, @version, @client_id, @timestamp, @conversation_summary, @emotional_score,
      @therapeutic_goals, @progress_notes, @therapist_observations, @next_session_focus, @session_duration_minutes,
      @techniques_used, @homework_assigned, @crisis_flags, @metadata, @amended_at, @amended_by, @amend_reason, @addendum)`);
  for (const version of versions) {
    insert.run({
      ...sessionToRow({ ...version, session_id: sessionId }),
      version: version.version,
      amended_at: version.amended_at,
      amended_by: version.amended_by,
      amend_reason: version.amend_reason,
      addendum: version.addendum ? 1 : 0,
    });
  }
}

/** Marks sessions as written by a machine (issue 25): their moods are estimates until signed. */
export function markMachineWritten(store: Store, sessionIds: readonly string[]): void {
  const mark = store.statement("UPDATE sessions SET source = 'machine' WHERE session_id = ?");
  for (const sessionId of sessionIds) mark.run(sessionId);
}

/** A client's machine-written sessions in [start, end], oldest first. */
export function machineWritten(
  store: Store, clientId: string, start: string | null, end: string, includeVoid: boolean,
): MachineEntry[] {
  return store.statement(`
    SELECT session_id, timestamp, emotional_score, signed_at FROM sessions
     WHERE client_id = ? AND source = 'machine' AND timestamp >= ? AND timestamp <= ?
       AND (? OR voided_at IS NULL)
     ORDER BY timestamp, session_id`).all(clientId, start ?? '', end, includeVoid ? 1 : 0) as MachineEntry[];
}

/** `{ source: 'machine' }` for a machine-written session, else nothing: what an export adds to its record. */
export function machineSourceOf(store: Store, sessionId: string): { source?: 'machine' } {
  const row = store.statement('SELECT source FROM sessions WHERE session_id = ?').get(sessionId) as { source: string } | undefined;
  return row?.source === 'machine' ? { source: 'machine' } : {};
}
