import type { FieldPlace } from './field-cipher.js';

/**
 * Where a sealed value lives, as the cipher binds it in: the table, the column, and the row as
 * the values of the table's primary key in order (`client_key` first), written as a JSON array so
 * that no two keys spell the same row ("a/b", "c" and "a", "b/c" stay apart). A value that moves
 * to another row, even by an amendment that moves a session's current version to
 * session_versions, is sealed again for its new place.
 */
export function fieldPlace(table: string, column: string, primaryKey: readonly (string | number)[]): FieldPlace {
  return { table, column, row: JSON.stringify(primaryKey) };
}
