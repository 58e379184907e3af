/**
 * Machine-written sessions (issue 25), on PostgreSQL (SQLite's step 13): who wrote a session, a
 * person or a machine. A machine's mood counts as an estimate while the session is unsigned; the
 * partial index finds the few machine rows for the labels and `--rated-by clinician`.
 * The label is no free text: a plain column.
 */
export function labelsMigration(): string {
  return `
  ALTER TABLE sessions ADD COLUMN source text NOT NULL DEFAULT 'person' CHECK (source IN ('person', 'machine'));
  CREATE INDEX sessions_by_machine ON sessions (client_key, "timestamp") WHERE source = 'machine';
  `;
}
