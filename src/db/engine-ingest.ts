import type { IngestReads, IngestWrites } from '../store/port-ingest.js';
import { fromSqliteError } from './engine-errors.js';
import { existingIds, ingestedLines, insertIngestedRows, insertSessionRows } from './ingest-queries.js';
import { insertMeasure } from './measure-queries.js';
import type { Store } from './store.js';

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
    insertSessions: (sessions) => mapped(() => insertSessionRows(store, sessions)),
    insertMeasures: (measures) => mapped(() => {
      for (const measure of measures) insertMeasure(store, measure);
    }),
    record: (rows) => mapped(() => insertIngestedRows(store, rows)),
  };
}
