import { Database } from './driver.js';
import { applyCipher, type DatabaseKey } from './connection.js';

/** The id column of each kind of record that shell completion offers. */
const ID_COLUMNS = {
  clients: ['clients', 'client_id'],
  goals: ['goals', 'goal_id'],
  sessions: ['sessions', 'session_id'],
  milestones: ['milestones', 'milestone_id'],
  measures: ['measures', 'measure_id'],
  tokens: ['api_tokens', 'token_id'],
} as const;

export type IdTable = keyof typeof ID_COLUMNS;

/**
 * Ids starting with `prefix`, in order, at most `limit`: a range on the primary key, so it costs
 * the same on ten sessions or a hundred thousand. Opens the file read-only and runs no migration:
 * completion never writes (a database of an older version simply offers what it has).
 */
export function idsStartingWith(path: string, key: DatabaseKey, table: IdTable, prefix: string, limit: number): string[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    applyCipher(db, key);
    const [name, column] = ID_COLUMNS[table];
    return db
      .prepare(`SELECT ${column} FROM ${name} WHERE ${column} >= ? AND ${column} < ? ORDER BY ${column} LIMIT ?`)
      .pluck()
      .all(prefix, `${prefix}\u{10FFFF}`, limit) as string[];
  } finally {
    db.close();
  }
}
