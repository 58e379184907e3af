import { openDatabase, type DatabaseKey } from './connection.js';
import { damageMark } from './damage-mark.js';
import { SqliteRecordStore } from './engine.js';
import { Store } from './store.js';

/**
 * An encrypted SQLite file as a store of the port (or, with `create`, a new one), as every opener
 * of tpt takes it: a file marked damaged (src/db/damage-mark.ts) is read but takes no writes
 * until `tpt check` passes on it.
 */
export function openSqliteRecords(path: string, key: DatabaseKey, options: { create?: boolean } = {}): SqliteRecordStore {
  const store = new Store(openDatabase(path, key, { create: options.create ?? false }));
  const mark = options.create ? undefined : damageMark(path);
  if (mark) {
    store.refuseWrites(
      `the database at ${path} was found damaged (${mark}), so tpt writes nothing more to it: ` +
      'run `tpt check`, and restore it from a backup (`tpt check` passing lifts this)',
    );
  }
  return new SqliteRecordStore(store);
}
