import type { CareReads, CareWrites } from '../store/port-care.js';
import type { Store } from './store.js';

/** The care facet of the port on SQLite, over today's queries. */
export function sqliteCare(_store: Store): CareReads & CareWrites {
  return {};
}
