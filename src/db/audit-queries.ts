import type { AuditEntry } from '../core/model.js';
import type { Store } from './store.js';

export interface AuditFilter {
  clientId: string | null;
  /** UTC ISO 8601; null means from the first entry. */
  start: string | null;
  end: string;
}

/** Entries in log order, optionally of one client, inside [start, end]. */
export function auditEntriesMatching(store: Store, filter: AuditFilter): AuditEntry[] {
  if (filter.clientId === null) {
    return store.statement(`
      SELECT * FROM audit_log WHERE at >= ? AND at <= ? ORDER BY seq`)
      .all(filter.start ?? '', filter.end) as AuditEntry[];
  }
  return store.statement(`
    SELECT * FROM audit_log WHERE client_id = ? AND at >= ? AND at <= ? ORDER BY seq`)
    .all(filter.clientId, filter.start ?? '', filter.end) as AuditEntry[];
}
