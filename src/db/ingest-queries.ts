import type { Store } from './store.js';

/** A line `tpt ingest` took before: what it was (its digest) and what it made. */
export interface IngestedLine {
  kind: string;
  digest: string;
  record_id: string;
}

export function ingestedLine(store: Store, lineId: string): IngestedLine | undefined {
  return store.statement('SELECT kind, digest, record_id FROM ingested WHERE line_id = ?').get(lineId) as IngestedLine | undefined;
}

export function recordIngested(
  store: Store, line: { line_id: string; kind: string; digest: string; record_id: string; client_id: string; ingested_at: string },
): void {
  store.statement(`
    INSERT INTO ingested (line_id, kind, digest, record_id, client_id, ingested_at)
    VALUES (@line_id, @kind, @digest, @record_id, @client_id, @ingested_at)`).run(line);
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
