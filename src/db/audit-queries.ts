import type { AuditEntry } from '../domain/records.js';
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
    WITH RECURSIVE ${CLIENT_NAMES}
    SELECT a.* FROM audit_log a JOIN names n ON a.client_id = n.id AND a.seq < n.before_seq
     WHERE a.at >= ? AND a.at <= ? ORDER BY a.seq`)
    .all(filter.clientId, filter.start ?? '', filter.end) as AuditEntry[];
}

/**
 * The ids a client has had: its own, and those renamed or merged into it (recorded by the entry
 * `client.rename` / `client.merge` under the new id, with the old id as its object), each up to
 * that entry, followed back through earlier renames. The audit log is append-only, so its entries
 * keep the id of their time; a query by client follows the renames instead.
 */
const CLIENT_NAMES = `names (id, before_seq) AS (
      SELECT ?, 9223372036854775807
      UNION
      SELECT m.object_id, m.seq FROM audit_log m JOIN names n ON m.client_id = n.id
       WHERE m.action IN ('client.rename', 'client.merge') AND m.outcome = 'ok' AND m.seq < n.before_seq
    )`;

/** Writes recorded by anyone but `actor`, per action and client: what else has changed a database. */
export function writesByOthers(store: Store, actor: string, writeActions: readonly string[]): { action: string; client_id: string | null; count: number; last: string }[] {
  return store.statement(`
    SELECT action, client_id, count(*) AS count, max(at) AS last FROM audit_log
     WHERE actor <> ? AND outcome = 'ok' AND action IN (SELECT value FROM json_each(?))
     GROUP BY action, client_id ORDER BY client_id, action`)
    .all(actor, JSON.stringify(writeActions)) as { action: string; client_id: string | null; count: number; last: string }[];
}
