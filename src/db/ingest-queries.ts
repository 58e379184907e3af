import type { Session } from '../domain/records.js';
import type { IngestedLine, IngestedRow } from '../store/port-ingest.js';
import type { Store } from './store.js';

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

/**
 * Inserts sessions one prepared statement each, as the import and log-session do (the store's
 * own insert): a multi-row statement of 200 rows' 2,800 values cost twice the time.
 */
export function insertSessionRows(store: Store, sessions: readonly Session[]): void {
  for (const session of sessions) store.insertSession(session);
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
