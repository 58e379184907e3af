import type { PgLayout } from './migrations.js';

/**
 * Courses of treatment and measure schedules on PostgreSQL (SQLite's step 10), keyed by
 * client_key like every client table. A course's id is unique in the whole database, claimed in
 * record_ids as the other records' are; a client has at most one open course and one live
 * schedule of each measure (partial unique keys). The note of a course's end is sealed; its
 * reason is one of a fixed list, the schedule's interval a fixed form, so both stay plain.
 */
export function careMigration(layout: PgLayout, clientTable: (layout: PgLayout, name: string, body: string) => string): string {
  return `
  ALTER TABLE record_ids DROP CONSTRAINT record_ids_kind_check;
  ALTER TABLE record_ids ADD CONSTRAINT record_ids_kind_check
    CHECK (kind IN ('session', 'goal', 'milestone', 'measure', 'course'));

  ${clientTable(layout, 'courses', `
    client_key  uuid NOT NULL REFERENCES clients (client_key),
    course_id   text NOT NULL,
    started_at  timestamptz NOT NULL,
    started_by  text NOT NULL,
    ended_at    timestamptz,
    ended_by    text,
    end_reason  text CHECK (end_reason IN ('completed', 'dropped_out', 'referred_on', 'declined', 'other')),
    end_note    bytea,
    CHECK ((ended_at IS NULL) = (end_reason IS NULL)),
    CHECK (ended_at IS NULL OR ended_at >= started_at),
    PRIMARY KEY (client_key, course_id)`)}
  CREATE INDEX courses_by_client ON courses (client_key, started_at);
  CREATE UNIQUE INDEX one_open_course ON courses (client_key) WHERE ended_at IS NULL;

  ${clientTable(layout, 'measure_schedules', `
    client_key  uuid NOT NULL REFERENCES clients (client_key),
    schedule_id bigserial NOT NULL,
    measure     text NOT NULL CHECK (measure IN ('phq9', 'gad7', 'core10')),
    every       text NOT NULL,
    started_at  timestamptz NOT NULL,
    started_by  text NOT NULL,
    stopped_at  timestamptz,
    stopped_by  text,
    PRIMARY KEY (client_key, schedule_id)`)}
  CREATE INDEX measure_schedules_by_client ON measure_schedules (client_key, measure, started_at);
  CREATE UNIQUE INDEX one_live_schedule ON measure_schedules (client_key, measure) WHERE stopped_at IS NULL;

  GRANT SELECT, INSERT, UPDATE, DELETE ON courses, measure_schedules TO tpt_app;
  GRANT USAGE ON SEQUENCE measure_schedules_schedule_id_seq TO tpt_app;
  ${['courses', 'measure_schedules'].map((table) => `
  ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
  ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
  CREATE POLICY ${table}_read ON ${table} FOR SELECT USING (client_key = ANY ((SELECT my_clients())::uuid[]));
  CREATE POLICY ${table}_insert ON ${table} FOR INSERT WITH CHECK (client_key = ANY ((SELECT my_writable_clients())::uuid[]));
  CREATE POLICY ${table}_update ON ${table} FOR UPDATE USING (client_key = ANY ((SELECT my_writable_clients())::uuid[]));
  CREATE POLICY ${table}_delete ON ${table} FOR DELETE USING (client_key = ANY ((SELECT my_writable_clients())::uuid[]));`).join('')}
  `;
}
