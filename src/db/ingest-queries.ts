import type { Session } from '../domain/records.js';
import type { IngestedLine, IngestedRow } from '../store/port-ingest.js';
import { sessionToRow, type Store } from './store.js';

/** The lines among these ids that `tpt ingest` took before, by id: one statement a batch. */
export function ingestedLines(store: Store, lineIds: readonly string[]): Map<string, IngestedLine> {
  const rows = store.statement(`
    SELECT line_id, kind, digest, record_id FROM ingested WHERE line_id IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(lineIds)) as (IngestedLine & { line_id: string })[];
  return new Map(rows.map(({ line_id: lineId, ...line }) => [lineId, line]));
}

/** Which of these ids a session (or a measure) has. */
export function existingIds(store: Store, kind: 'session' | 'measure', ids: readonly string[]): Set<string> {
  // Table and column from this fixed choice, never input.
  const [table, key] = kind === 'session' ? ['sessions', 'session_id'] : ['measures', 'measure_id'];
  const rows = store.statement(`SELECT ${key} AS id FROM ${table} WHERE ${key} IN (SELECT value FROM json_each(?))`)
    .all(JSON.stringify(ids)) as { id: string }[];
  return new Set(rows.map((row) => row.id));
}

const SESSION_COLUMNS = [
  'session_id', 'client_id', 'timestamp', 'conversation_summary', 'emotional_score', 'therapeutic_goals', 'progress_notes',
  'therapist_observations', 'next_session_focus', 'session_duration_minutes', 'techniques_used', 'homework_assigned',
  'crisis_flags', 'metadata',
] as const;

/**
 * Inserts sessions a prepared single-row statement each, their values bound by position: a
 * statement of 200 rows' 2,800 values cost twice the time, named values a third more, and one
 * JSON document a batch through json_each three times as much (each measured on 90,000 sessions).
 */
export function insertSessionRows(store: Store, sessions: readonly Session[]): void {
  const insert = store.statement(singleRowInsert('sessions', SESSION_COLUMNS));
  for (const session of sessions) {
    // The row as the store writes every session (its lists and metadata as JSON text).
    const row = sessionToRow(session);
    insert.run(
      row.session_id, row.client_id, row.timestamp, row.conversation_summary, row.emotional_score, row.therapeutic_goals,
      row.progress_notes, row.therapist_observations, row.next_session_focus, row.session_duration_minutes,
      row.techniques_used, row.homework_assigned, row.crisis_flags, row.metadata,
    );
  }
}

const INGESTED_COLUMNS = ['line_id', 'kind', 'digest', 'record_id', 'client_id', 'ingested_at'] as const;

/**
 * Notes the lines an ingest took, in the order of their ids: `ingested` is kept in that order (no
 * rowid), so each row lands next to the one before, in pages already at hand.
 */
export function insertIngestedRows(store: Store, rows: readonly IngestedRow[]): void {
  const insert = store.statement(singleRowInsert('ingested', INGESTED_COLUMNS));
  const sorted = [...rows].sort((a, b) => (a.line_id < b.line_id ? -1 : a.line_id > b.line_id ? 1 : 0));
  for (const row of sorted) insert.run(row.line_id, row.kind, row.digest, row.record_id, row.client_id, row.ingested_at);
}

function singleRowInsert(table: string, columns: readonly string[]): string {
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
}

/**
 * withRollbackJournal (src/db/import-writes.ts) for a load that takes many turns of the event loop
 * (an ingest reading its input): the journal returns to WAL once the load settles.
 */
export async function withRollbackJournalAsync<T>(store: Store, load: () => Promise<T>): Promise<T> {
  let switched = false;
  try {
    switched = store.db.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
  } catch {
    // SQLITE_BUSY: another connection has the database open; WAL it is.
  }
  try {
    return await load();
  } finally {
    if (switched) {
      try {
        store.db.pragma('journal_mode = WAL');
      } catch {
        // The next open of the database returns to WAL.
      }
    }
  }
}
