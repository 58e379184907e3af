import type { StoreKey } from './port-admin.js';
import type { RecordStore } from './port.js';

/**
 * The store port's bulk facet (`records.bulk`): what an engine does for work on much of the
 * record at once, outside any transaction of it. Optional: an engine that needs nothing of the
 * kind has none (PostgreSQL: its server keeps its own cache, and its pool serves a long read
 * beside the writes), and the faces then run the work as it is.
 */
export interface StoreBulk {
  /** Before a long read of much of the store (an export): SQLite enlarges its page cache. */
  prepareExport(): Promise<void>;
  /**
   * Runs a bulk load (an import, an ingestion), each of its transactions still whole: SQLite
   * enlarges its page cache and writes through a rollback journal for the while.
   */
  load<T>(work: () => Promise<T>): Promise<T>;
  /**
   * A second store on the same records, read-only, under the store's key: long reads (a streamed
   * export of `tpt serve`) go on there while this one keeps taking writes.
   */
  openReader(key: StoreKey): RecordStore;
}
