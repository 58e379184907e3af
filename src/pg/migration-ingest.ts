import type { PgLayout } from './migrations.js';

/**
 * What `tpt ingest` took, on PostgreSQL (SQLite's step 9): by the id the sending program gave each
 * line, what it was (its kind and the SHA-256 of its canonical JSON) and which record it made.
 * Keyed by client_key like every client table, so that a purge removes a client's rows and a
 * rename or merge needs no change here; a line id is unique in the whole database, which a
 * second table of no client (as record_ids for records) decides: two writers of one line id
 * collide on its primary key. The digest and ids are no free text: plain.
 */
export function ingestMigration(layout: PgLayout, clientTable: (layout: PgLayout, name: string, body: string) => string): string {
  return `
  CREATE TABLE ingested_ids (
    line_id    text PRIMARY KEY,
    client_key uuid NOT NULL REFERENCES clients (client_key)
  );
  CREATE INDEX ingested_ids_by_client ON ingested_ids (client_key);

  ${clientTable(layout, 'ingested', `
    client_key  uuid NOT NULL REFERENCES clients (client_key),
    line_id     text NOT NULL,
    kind        text NOT NULL CHECK (kind IN ('session', 'measure', 'goal_update', 'milestone')),
    digest      text NOT NULL,
    record_id   text NOT NULL,
    ingested_at timestamptz NOT NULL,
    PRIMARY KEY (client_key, line_id)`)}

  GRANT SELECT, INSERT, UPDATE, DELETE ON ingested, ingested_ids TO tpt_app;
  ALTER TABLE ingested ENABLE ROW LEVEL SECURITY;
  ALTER TABLE ingested FORCE ROW LEVEL SECURITY;
  CREATE POLICY ingested_read ON ingested FOR SELECT USING (client_key = ANY ((SELECT my_clients())::uuid[]));
  CREATE POLICY ingested_insert ON ingested FOR INSERT WITH CHECK (client_key = ANY ((SELECT my_writable_clients())::uuid[]));
  CREATE POLICY ingested_update ON ingested FOR UPDATE USING (client_key = ANY ((SELECT my_writable_clients())::uuid[]));
  CREATE POLICY ingested_delete ON ingested FOR DELETE USING (client_key = ANY ((SELECT my_writable_clients())::uuid[]));
  `;
}
