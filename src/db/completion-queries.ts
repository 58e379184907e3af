import { Database } from './driver.js';
import { applyCipher, type DatabaseKey } from './connection.js';

/** The id column of each kind of record that shell completion offers, with its client and date (or null). */
const ID_COLUMNS = {
  clients: ['clients', 'client_id', 'NULL', 'NULL'],
  goals: ['goals', 'goal_id', 'client_id', 'created_at'],
  sessions: ['sessions', 'session_id', 'client_id', 'timestamp'],
  milestones: ['milestones', 'milestone_id', 'client_id', 'achieved_date'],
  measures: ['measures', 'measure_id', 'client_id', 'timestamp'],
  tokens: ['api_tokens', 'token_id', 'name', 'created_at'],
} as const;

export type IdTable = keyof typeof ID_COLUMNS;

export interface IdHint {
  id: string;
  /** The record's client (a token's name); null for a client. */
  client: string | null;
  /** UTC ISO 8601, or a calendar date for a milestone; null for a client. */
  at: string | null;
}

/**
 * Ids starting with `prefix`, in order, at most `limit`: a range on the primary key, so it costs
 * the same on ten sessions or a hundred thousand. Opens the file read-only and runs no migration:
 * completion never writes (a database of an older version simply offers what it has).
 */
export function idsStartingWith(path: string, key: DatabaseKey, table: IdTable, prefix: string, limit: number): IdHint[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    applyCipher(db, key);
    const [name, column, client, at] = ID_COLUMNS[table];
    return db
      .prepare(`SELECT ${column} AS id, ${client} AS client, ${at} AS at FROM ${name}
                 WHERE ${column} >= ? AND ${column} < ? ORDER BY ${column} LIMIT ?`)
      .all(prefix, `${prefix}\u{10FFFF}`, limit) as IdHint[];
  } finally {
    db.close();
  }
}
