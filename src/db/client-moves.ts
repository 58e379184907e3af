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
    moved[table] = store.statement(`UPDATE "${table.replaceAll('"', '""')}" SET client_id = ? WHERE client_id = ?`)
      .run(to, from).changes;
  }
  store.statement('DELETE FROM clients WHERE client_id = ?').run(from);
  return moved;
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
