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
/** Rows a statement: 14 values each, well inside SQLite's 32,766 variables. */
const ROWS_A_STATEMENT = 200;

/** Inserts sessions ROWS_A_STATEMENT at a time (a multi-row INSERT), the rest one statement. */
export function insertSessionRows(store: Store, sessions: readonly Session[]): void {
  for (let at = 0; at < sessions.length; at += ROWS_A_STATEMENT) {
    const part = sessions.slice(at, at + ROWS_A_STATEMENT);
    const values: unknown[] = [];
    for (const session of part) {
      const row = sessionToRow(session) as unknown as Record<string, unknown>;
      for (const column of SESSION_COLUMNS) values.push(row[column]);
    }
    store.statement(multiRowInsert('sessions', SESSION_COLUMNS, part.length)).run(...values);
  }
}

const INGESTED_COLUMNS = ['line_id', 'kind', 'digest', 'record_id', 'client_id', 'ingested_at'] as const;

/** Notes the lines an ingest took, ROWS_A_STATEMENT at a time. */
export function insertIngestedRows(store: Store, rows: readonly IngestedRow[]): void {
  for (let at = 0; at < rows.length; at += ROWS_A_STATEMENT) {
    const part = rows.slice(at, at + ROWS_A_STATEMENT);
    const values: unknown[] = [];
    for (const row of part) for (const column of INGESTED_COLUMNS) values.push(row[column]);
    store.statement(multiRowInsert('ingested', INGESTED_COLUMNS, part.length)).run(...values);
  }
}

/** INSERT of `rows` rows (the statement is cached by its text: a batch uses at most two). */
function multiRowInsert(table: string, columns: readonly string[], rows: number): string {
  const row = `(${columns.map(() => '?').join(', ')})`;
  return `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array.from({ length: rows }, () => row).join(', ')}`;
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
