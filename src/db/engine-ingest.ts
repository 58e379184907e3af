import type { IngestReads, IngestWrites } from '../store/port-ingest.js';
import { fromSqliteError } from './engine-errors.js';
import { pauseIndexing } from './engine-search.js';
import { highestRowids } from './import-writes.js';
import { existingIds, ingestedLines, insertIngestedRows, insertSessionRows } from './ingest-queries.js';
import { insertMeasure } from './measure-queries.js';
import type { Store } from './store.js';

/**
 * Sessions a call from which the search index is filled in one pass (as an import fills it)
 * rather than by its insert trigger, row by row: the trigger was half an ingest's time. Setting
 * the trigger aside is a schema change, which makes every connection prepare its statements
 * again, so a few sessions (an HTTP request's) keep the trigger.
 */
const INDEX_IN_ONE_PASS = 200;

/** The ingest facet of the port on SQLite: a batch's ids looked up at once, its rows inserted many a statement. */
export function sqliteIngest(store: Store): IngestReads & IngestWrites {
  const mapped = async (write: () => void): Promise<void> => {
    try {
      write();
    } catch (error) {
      throw fromSqliteError(error);
    }
  };
  return {
    taken: async (lineIds) => ingestedLines(store, lineIds),
    existing: async (kind, ids) => existingIds(store, kind, ids),
    insertSessions: (sessions) => mapped(() => {
      if (sessions.length < INDEX_IN_ONE_PASS) {
        insertSessionRows(store, sessions);
        return;
      }
      // Inside the batch's transaction, as the import's pause is (src/db/engine-search.ts): a
      // failed or killed batch rolls back the trigger's removal with its rows.
      const fill = pauseIndexing(store, highestRowids(store));
      try {
        insertSessionRows(store, sessions);
      } finally {
        fill();
      }
    }),
    insertMeasures: (measures) => mapped(() => {
      for (const measure of measures) insertMeasure(store, measure);
    }),
    record: (rows) => mapped(() => insertIngestedRows(store, rows)),
  };
}
