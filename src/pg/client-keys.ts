import type pg from 'pg';
import { NotFoundError } from '../store/errors.js';

/**
 * From the ids a person sees to the immutable keys the rows are filed under. A client's records
 * are those of its own key and of every key merged into it (a merge moves no row).
 */
export async function clientKeyOf(client: pg.ClientBase, clientId: string): Promise<string | undefined> {
  const { rows } = await client.query<{ client_key: string }>('SELECT client_key FROM clients WHERE client_id = $1', [clientId]);
  return rows[0]?.client_key;
}

export async function requireClientKey(client: pg.ClientBase, clientId: string): Promise<string> {
  const key = await clientKeyOf(client, clientId);
  if (key === undefined) throw new NotFoundError(`no client "${clientId}": create the client first`);
  return key;
}

/** The client's key and the keys merged into it, at any depth; empty for an unknown id. */
export async function clientKeysOf(client: pg.ClientBase, clientId: string): Promise<string[]> {
  const { rows } = await client.query<{ client_key: string }>(`
    WITH RECURSIVE keys (client_key) AS (
      SELECT client_key FROM clients WHERE client_id = $1
      UNION
      SELECT c.client_key FROM clients c JOIN keys k ON c.merged_into = k.client_key
    )
    SELECT client_key FROM keys`, [clientId]);
  return rows.map((row) => row.client_key);
}

/** The key of the client a record (session, goal, milestone, measure) belongs to. */
export async function recordClientKey(client: pg.ClientBase, kind: string, recordId: string): Promise<string | undefined> {
  const { rows } = await client.query<{ client_key: string }>(
    'SELECT client_key FROM record_ids WHERE kind = $1 AND record_id = $2', [kind, recordId]);
  return rows[0]?.client_key;
}

/**
 * SQL for the id a person sees for the key in `keyColumn` (SQL of this module's callers, never
 * input): the client's own id, or for a merged client that of the client it was merged into,
 * followed to the end.
 */
export function currentClientId(keyColumn: string): string {
  return `(WITH RECURSIVE up (client_id, merged_into) AS (
      SELECT client_id, merged_into FROM clients WHERE client_key = ${keyColumn}
      UNION ALL
      SELECT c.client_id, c.merged_into FROM clients c JOIN up ON c.client_key = up.merged_into
    )
    SELECT client_id FROM up WHERE client_id IS NOT NULL LIMIT 1)`;
}
