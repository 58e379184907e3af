import { clientTables } from './purge-queries.js';
import type { Store } from './store.js';

/** Rows moved, by table. */
export type MovedRows = Record<string, number>;

/**
 * Moves every row of client `from` to client `to`, in every table with a `client_id` column (read
 * from the schema, as a purge does, so tables of later migrations move too), and removes the
 * client row of `from`. The audit log is left as it is: it is append-only. Call inside a
 * transaction; the client row of `to` must exist.
 */
export function moveClientRows(store: Store, from: string, to: string): MovedRows {
  store.db.pragma('defer_foreign_keys = ON');
  const moved: MovedRows = {};
  for (const table of clientTables(store)) {
    // A table name from the schema, quoted; never user input.
    const name = `"${table.replaceAll('"', '""')}"`;
    if (isAppendOnly(store, table)) {
      // Its rows may not be updated (a trigger refuses it): they move as copies, then the
      // originals go. Nothing in them changes but the client id.
      const columns = (store.statement(`SELECT name FROM pragma_table_info(?) ORDER BY cid`).all(table) as { name: string }[])
        .map((column) => `"${column.name.replaceAll('"', '""')}"`);
      const values = columns.map((column) => (column === '"client_id"' ? '@to' : column));
      moved[table] = store.statement(`INSERT INTO ${name} (${columns.join(', ')}) SELECT ${values.join(', ')} FROM ${name} WHERE client_id = @from`)
        .run({ from, to }).changes;
      store.statement(`DELETE FROM ${name} WHERE client_id = ?`).run(from);
    } else {
      moved[table] = store.statement(`UPDATE ${name} SET client_id = ? WHERE client_id = ?`).run(to, from).changes;
    }
  }
  store.statement('DELETE FROM clients WHERE client_id = ?').run(from);
  return moved;
}

/** A table with a trigger that fires on UPDATE (the append-only histories, such as risk_events). */
function isAppendOnly(store: Store, table: string): boolean {
  return store.statement(`SELECT 1 FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ? AND sql LIKE '%BEFORE UPDATE ON%'`)
    .get(table) !== undefined;
}

export function clientCreatedAt(store: Store, clientId: string): string | undefined {
  const row = store.statement('SELECT created_at FROM clients WHERE client_id = ?').get(clientId) as
    | { created_at: string }
    | undefined;
  return row?.created_at;
}

export function setClientCreatedAt(store: Store, clientId: string, createdAt: string): void {
  store.statement('UPDATE clients SET created_at = ? WHERE client_id = ?').run(createdAt, clientId);
}

/** Every client id, for the look-alike check of a new one. */
export function allClientIds(store: Store): string[] {
  return (store.statement('SELECT client_id FROM clients ORDER BY client_id').all() as { client_id: string }[])
    .map((row) => row.client_id);
}
