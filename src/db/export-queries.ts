import type { Session, SessionState, SessionVersion } from '../domain/records.js';
import { earlierVersions, machineSourceOf, sessionWithState } from './session-versions.js';
import {
  plainSessionJson, type ClientRecord, type GoalHistoryRow, type MilestoneExportRow, type MilestoneRecord, type SessionValues,
} from '../store/port-exchange.js';
import { rowToSession, type SessionRow, type Store } from './store.js';

/**
 * The reads of `tpt export`, in the stable order of an export document: clients by id, sessions
 * oldest first, goals oldest first, milestones by the day they were achieved. Large reads are
 * iterators, so an export never holds a client's history in memory. The rows' types are the
 * port's (src/store/port-exchange.ts): one definition for both engines.
 */

export type { ClientRecord, GoalHistoryRow, MilestoneExportRow, MilestoneRecord, SessionValues };

export function allClients(store: Store): ClientRecord[] {
  return store.statement('SELECT client_id, created_at FROM clients ORDER BY client_id').all() as ClientRecord[];
}

export function clientById(store: Store, clientId: string): ClientRecord | undefined {
  return store.statement('SELECT client_id, created_at FROM clients WHERE client_id = ?').get(clientId) as
    | ClientRecord
    | undefined;
}

/** How many sessions the clients have, for a progress bar. */
export function sessionCount(store: Store, clientIds: readonly string[]): number {
  const count = store.statement('SELECT count(*) AS n FROM sessions WHERE client_id = ?');
  let total = 0;
  for (const clientId of clientIds) total += (count.get(clientId) as { n: number }).n;
  return total;
}

/** A client's milestones in the order of the goal's milestone list: achieved, recorded, id. */
export function milestoneRecordsOfClient(store: Store, clientId: string): IterableIterator<MilestoneExportRow> {
  return store.statement(`
    SELECT milestone_id, goal_id, client_id, description, achieved_date, significance, created_at,
           voided_at, voided_by, void_reason
      FROM milestones WHERE client_id = ?
     ORDER BY achieved_date, created_at, milestone_id`).iterate(clientId) as IterableIterator<MilestoneExportRow>;
}

/** Every history entry of a client's goals: goals oldest first, each goal's entries in order. */
export function goalHistoryRowsOfClient(store: Store, clientId: string): IterableIterator<GoalHistoryRow> {
  return store.statement(`
    SELECT h.goal_id, g.client_id, h.seq, h.at, h.completion_percentage, h.status, h.note, h.actor
      FROM goals g JOIN goal_history h ON h.goal_id = g.goal_id
     WHERE g.client_id = ?
     ORDER BY g.created_at, g.goal_id, h.seq`).iterate(clientId) as IterableIterator<GoalHistoryRow>;
}

/**
 * Gives the connection a 64 MB page cache for an export. An export reads client after client, and
 * where clients' sessions were recorded interleaved in time each page holds rows of several
 * clients; with the default 16 MB cache every page was decrypted again for each of them (1M
 * sessions of 100 interleaved clients: 21 s with 16 MB, 10 s with 64 MB).
 */
export function enlargeCacheForExport(store: Store): void {
  store.db.pragma('cache_size = -65536');
}

/**
 * A client's sessions, oldest first (ties by id), as arrays: no object per row, for the exports'
 * hottest loops. (The SQL comment keeps this raw-mode statement apart in the statement cache.)
 */
export function sessionValuesOfClient(store: Store, clientId: string): IterableIterator<SessionValues> {
  return store.statement(`
    SELECT session_id, client_id, timestamp, conversation_summary, emotional_score, therapeutic_goals,
           progress_notes, therapist_observations, next_session_focus, session_duration_minutes,
           techniques_used, homework_assigned, crisis_flags, metadata,
           (version > 1 OR signed_at IS NOT NULL OR voided_at IS NOT NULL OR source = 'machine') AS has_state
      FROM sessions WHERE client_id = ?
     ORDER BY timestamp, session_id /* as arrays */`).raw(true).iterate(clientId) as IterableIterator<SessionValues>;
}

/**
 * A client's sessions, oldest first, each as the JSON text of SPEC §1 (key order included). Lists
 * and metadata, stored as JSON text already (JSON.stringify'd by sessionToRow), are spliced in as
 * they are instead of parsed and re-serialised. Text that is not a JSON list or object where one
 * belongs takes the slow road, whose JSON.parse fails loudly rather than writing a broken file.
 */
export function* sessionJsonOfClient(store: Store, clientId: string): Generator<string> {
  for (const values of sessionValuesOfClient(store, clientId)) {
    if (values[14] === 1) {
      yield JSON.stringify(sessionRecordOf(store, values[0]));
      continue;
    }
    yield plainSessionJson(values) ?? JSON.stringify(rowToSession(sessionRowOf(values)));
  }
}

/**
 * A session with its state and earlier versions, as an export carries it: the keys of SPEC §1,
 * then the state (SessionState's keys), then `versions`, oldest first.
 */
export function sessionRecordOf(store: Store, sessionId: string): Session & SessionState & { source?: 'machine'; versions: SessionVersion[] } {
  const { session, state } = sessionWithState(store, sessionId)!;
  // A machine's session carries its source (issue 25), with its state.
  return { ...session, ...state, ...machineSourceOf(store, sessionId), versions: earlierVersions(store, sessionId) };
}

export function sessionRowOf(values: SessionValues): SessionRow {
  const [id, client, timestamp, summary, score, goals, notes, observations, focus, duration, techniques, homework,
    flags, metadata] = values;
  return {
    session_id: id, client_id: client, timestamp, conversation_summary: summary, emotional_score: score,
    therapeutic_goals: goals, progress_notes: notes, therapist_observations: observations, next_session_focus: focus,
    session_duration_minutes: duration, techniques_used: techniques, homework_assigned: homework, crisis_flags: flags,
    metadata,
  };
}

