import type { AdminReads, AdminWrites } from '../store/port-admin.js';
import type { Store } from './store.js';

/** The admin facet of the port on SQLite, over today's queries. */
export function sqliteAdmin(_store: Store): AdminReads & AdminWrites {
  return {};
}
