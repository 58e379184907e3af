import type { StoreKey } from '../store/port-admin.js';
import type { StoreBulk } from '../store/port-layers.js';
import type { RecordStore } from '../store/port.js';
import { openDatabase } from './connection.js';
import { enlargeCacheForExport } from './export-queries.js';
import { enlargeCacheForImport } from './import-writes.js';
import { withRollbackJournalAsync } from './ingest-queries.js';
import { Store } from './store.js';

/**
 * The SQLite engine's bulk facet (src/store/port-layers.ts): its page cache and journal mode for
 * an export or a load, and a read-only second connection. `asRecords` makes a store of the port
 * of a connection (src/db/engine.ts passes its own class: no cycle of imports).
 */
export function sqliteBulk(store: Store, asRecords: (reader: Store) => RecordStore): StoreBulk {
  return {
    prepareExport: async () => enlargeCacheForExport(store),
    load: async (work) => {
      enlargeCacheForImport(store);
      return withRollbackJournalAsync(store, work);
    },
    openReader: (key: StoreKey) => {
      const reader = new Store(openDatabase(store.db.name, key, { readonly: true }));
      enlargeCacheForExport(reader);
      return asRecords(reader);
    },
  };
}
