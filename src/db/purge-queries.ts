import type { Store } from './store.js';

/** What a client's records were, by table, for the report of a purge. */
export type DeletedRows = Record<string, number>;

/** The latest trace of each client in each kind of record (UTC ISO 8601, or a date for milestones). */
export interface ClientActivityRow {
  client_id: string;
  created_at: string;
  last_session: string | null;
  last_goal_change: string | null;
  last_milestone_achieved: string | null;
  last_measure: string | null;
}

export function clientActivity(store: Store): ClientActivityRow[] {
  return store.statement(`
    SELECT c.client_id, c.created_at,
           (SELECT max(timestamp) FROM live_sessions s WHERE s.client_id = c.client_id) AS last_session,
           (SELECT max(updated_at) FROM goals g WHERE g.client_id = c.client_id) AS last_goal_change,
           (SELECT max(achieved_date) FROM live_milestones m WHERE m.client_id = c.client_id) AS last_milestone_achieved,
           (SELECT max(timestamp) FROM live_measures o WHERE o.client_id = c.client_id) AS last_measure
      FROM clients c
     ORDER BY c.client_id`).all() as ClientActivityRow[];
}

/**
 * Every table that holds a client's rows by a `client_id` column, the audit log aside (it keeps
 * the trail, and holds no client text). Read from the schema, so a table a later migration adds
 * is purged too.
 */
export function clientTables(store: Store): string[] {
  const rows = store.statement(`
    SELECT m.name FROM sqlite_schema m, pragma_table_info(m.name) c
     WHERE m.type = 'table' AND c.name = 'client_id' AND m.name NOT IN ('audit_log', 'clients')
     ORDER BY m.name`).all() as { name: string }[];
  return rows.map((row) => row.name);
}

/**
 * Deletes every row of one client. Call inside a transaction: foreign keys are checked at its
 * commit, so the order of the tables does not matter.
 */
export function deleteClientRows(store: Store, clientId: string): DeletedRows {
  store.db.pragma('defer_foreign_keys = ON');
  const deleted: DeletedRows = {};
  // goal_history is keyed by goal, not by client.
  deleted.goal_history = store.statement(`
    DELETE FROM goal_history WHERE goal_id IN (SELECT goal_id FROM goals WHERE client_id = ?)`)
    .run(clientId).changes;
  for (const table of clientTables(store)) {
    // A table name from the schema, quoted; never user input.
    deleted[table] = store.statement(`DELETE FROM "${table.replaceAll('"', '""')}" WHERE client_id = ?`)
      .run(clientId).changes;
  }
  deleted.clients = store.statement('DELETE FROM clients WHERE client_id = ?').run(clientId).changes;
  return deleted;
}
