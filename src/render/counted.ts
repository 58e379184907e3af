/** `1 client`, `2 clients`: a count and its noun, agreeing ("1 client(s)" reads as a form). */
export function counted(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/**
 * A count of rows of a table named in the plural (`sessions`, `risk_events`, `goal_history`):
 * `1 session`, `3 risk events`, `1 goal history`.
 */
export function countedRows(count: number, table: string): string {
  const plural = table.replaceAll('_', ' ');
  return counted(count, plural.endsWith('s') ? plural.slice(0, -1) : plural, plural);
}

/** What `client rename` or `merge` moved: `moved 1 session, 3 risk events`. */
export function movedRows(moved: Record<string, number>): string {
  const parts = Object.entries(moved).filter(([, rows]) => rows > 0).map(([table, rows]) => countedRows(rows, table));
  return parts.length > 0 ? `moved ${parts.join(', ')}` : 'no records to move';
}
