/**
 * tpt's PostgreSQL schema, in numbered steps applied in order (src/pg/migrate.ts) and tracked in
 * tpt_schema_migrations. A step that has shipped is never edited: add the next one. It carries
 * what the SQLite schema (src/db/migrations.ts) carries, under three rules of its own:
 *
 * - Every table that holds a client's records is keyed by `client_key`, an immutable internal
 *   uuid, never by the client id a person sees: `client rename` changes one column of one row of
 *   `clients`, and a merge links the merged client's key to the other (`merged_into`), so no key
 *   is ever updated. `client_key` leads every primary and unique key and every foreign key
 *   between client tables, which lets each such table be hash-partitioned by it (`layout`), the
 *   same rule a distribution by client (Citus) enforces. The few tables of no client (clients,
 *   record_ids, api_tokens, settings) are small reference tables.
 * - Free text (summaries, notes, observations, homework, focus, goals' and milestones' words,
 *   flags' own words, metadata, reasons, resolution notes, edits) is bytea: a value sealed by
 *   src/pg/field-cipher.ts before it leaves the process. Ids, times, moods, scores, statuses and
 *   who did what stay plain columns, so they can be queried and indexed.
 * - Times are timestamptz (SQLite keeps UTC ISO 8601 text with milliseconds, which timestamptz
 *   holds exactly); calendar dates are date; lists of item answers are smallint[].
 */

import { careMigration } from './migration-care.js';
import { accessMigration } from './migration-access.js';
import { ingestMigration } from './migration-ingest.js';
import { labelsMigration } from './migration-labels.js';

/** How client tables are laid out: plain (0), or PARTITION BY HASH (client_key) into n parts. */
export interface PgLayout {
  partitions: number;
}

export type PgMigration = (layout: PgLayout) => string;

/**
 * CREATE TABLE for a table of one client's rows, keyed by `keyColumn`, partitioned as `layout`
 * says. The body is SQL from this file, never input.
 */
function clientTable(layout: PgLayout, name: string, body: string, keyColumn = 'client_key'): string {
  if (layout.partitions === 0) return `CREATE TABLE ${name} (${body});`;
  const parts = Array.from({ length: layout.partitions }, (_, remainder) =>
    `CREATE TABLE ${name}_p${remainder} PARTITION OF ${name} FOR VALUES WITH (MODULUS ${layout.partitions}, REMAINDER ${remainder});`);
  return [`CREATE TABLE ${name} (${body}) PARTITION BY HASH (${keyColumn});`, ...parts].join('\n');
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  (layout) => `
  -- Refuses a change to an append-only table (the audit log, risk history), as SQLite's triggers do.
  CREATE FUNCTION tpt_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
  END $$;
  -- The same for an append-only table with sealed columns (named as the trigger's arguments):
  -- a rekey may seal them again under a new key; every other column stays as it was written.
  CREATE FUNCTION tpt_reseal_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF (to_jsonb(NEW) - TG_ARGV) IS DISTINCT FROM (to_jsonb(OLD) - TG_ARGV) THEN
      RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
  END $$;

  -- A client: the key never changes; the id a person sees may (rename), and is freed by a merge,
  -- after which merged_into names the client whose records this client's records now are.
  CREATE TABLE clients (
    client_key  uuid PRIMARY KEY,
    client_id   text UNIQUE,
    created_at  timestamptz NOT NULL,
    merged_into uuid REFERENCES clients (client_key),
    merged_at   timestamptz,
    CHECK ((client_id IS NULL) = (merged_into IS NOT NULL)),
    CHECK ((merged_into IS NULL) = (merged_at IS NULL)),
    CHECK (merged_into <> client_key)
  );

  -- Every record id, whatever its client: an id is unique in the whole database (as in SQLite),
  -- two writers creating one id collide here, and a look-up by id alone finds its client's key
  -- without visiting every partition.
  CREATE TABLE record_ids (
    kind       text NOT NULL CHECK (kind IN ('session', 'goal', 'milestone', 'measure')),
    record_id  text NOT NULL,
    client_key uuid NOT NULL REFERENCES clients (client_key),
    PRIMARY KEY (kind, record_id)
  );
  CREATE INDEX record_ids_by_client ON record_ids (client_key);

  ${clientTable(layout, 'sessions', `
    client_key               uuid NOT NULL REFERENCES clients (client_key),
    session_id               text NOT NULL,
    "timestamp"              timestamptz NOT NULL,
    conversation_summary     bytea NOT NULL,
    emotional_score          smallint NOT NULL CHECK (emotional_score BETWEEN -2 AND 2),
    therapeutic_goals        bytea NOT NULL,
    progress_notes           bytea NOT NULL,
    therapist_observations   bytea NOT NULL,
    next_session_focus       bytea NOT NULL,
    session_duration_minutes integer CHECK (session_duration_minutes BETWEEN 1 AND 1440),
    techniques_used          bytea NOT NULL,
    homework_assigned        bytea NOT NULL,
    crisis_flags             bytea NOT NULL,
    -- Whether crisis_flags holds any flag: the flags are sealed, "has any" is what queries need.
    has_crisis_flags         boolean NOT NULL,
    metadata                 bytea NOT NULL,
    version                  integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    amended_at               timestamptz,
    amended_by               text,
    amend_reason             bytea,
    addendum                 boolean NOT NULL DEFAULT false,
    voided_at                timestamptz,
    voided_by                text,
    void_reason              bytea,
    signed_at                timestamptz,
    signed_by                text,
    PRIMARY KEY (client_key, session_id)`)}
  CREATE INDEX sessions_by_client_time ON sessions (client_key, "timestamp");
  CREATE INDEX live_sessions_by_client_time ON sessions (client_key, "timestamp") WHERE voided_at IS NULL;
  CREATE INDEX live_sessions_with_crisis ON sessions (client_key, "timestamp")
    WHERE has_crisis_flags AND voided_at IS NULL;
  CREATE VIEW live_sessions AS SELECT * FROM sessions WHERE voided_at IS NULL;

  -- Earlier versions of a session, whole, oldest first.
  ${clientTable(layout, 'session_versions', `
    client_key               uuid NOT NULL,
    session_id               text NOT NULL,
    version                  integer NOT NULL CHECK (version >= 1),
    "timestamp"              timestamptz NOT NULL,
    conversation_summary     bytea NOT NULL,
    emotional_score          smallint NOT NULL CHECK (emotional_score BETWEEN -2 AND 2),
    therapeutic_goals        bytea NOT NULL,
    progress_notes           bytea NOT NULL,
    therapist_observations   bytea NOT NULL,
    next_session_focus       bytea NOT NULL,
    session_duration_minutes integer CHECK (session_duration_minutes BETWEEN 1 AND 1440),
    techniques_used          bytea NOT NULL,
    homework_assigned        bytea NOT NULL,
    crisis_flags             bytea NOT NULL,
    has_crisis_flags         boolean NOT NULL,
    metadata                 bytea NOT NULL,
    amended_at               timestamptz,
    amended_by               text,
    amend_reason             bytea,
    addendum                 boolean NOT NULL DEFAULT false,
    PRIMARY KEY (client_key, session_id, version),
    FOREIGN KEY (client_key, session_id) REFERENCES sessions (client_key, session_id)`)}

  ${clientTable(layout, 'goals', `
    client_key            uuid NOT NULL REFERENCES clients (client_key),
    goal_id               text NOT NULL,
    description           bytea NOT NULL,
    target_date           date,
    completion_percentage double precision NOT NULL CHECK (completion_percentage BETWEEN 0 AND 100),
    status                text NOT NULL CHECK (status IN ('active', 'achieved', 'paused', 'discontinued')),
    notes                 bytea NOT NULL,
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    PRIMARY KEY (client_key, goal_id)`)}
  CREATE INDEX goals_by_client ON goals (client_key, created_at);

  -- Every change of a goal's percentage or status, oldest first; the first is the creation.
  ${clientTable(layout, 'goal_history', `
    client_key            uuid NOT NULL,
    goal_id               text NOT NULL,
    seq                   integer NOT NULL CHECK (seq >= 1),
    at                    timestamptz NOT NULL,
    completion_percentage double precision NOT NULL CHECK (completion_percentage BETWEEN 0 AND 100),
    status                text NOT NULL,
    note                  bytea NOT NULL,
    actor                 text NOT NULL,
    PRIMARY KEY (client_key, goal_id, seq),
    FOREIGN KEY (client_key, goal_id) REFERENCES goals (client_key, goal_id)`)}

  -- Edits of a goal's description, target or notes: changes is the sealed JSON {field: [before, after]}.
  ${clientTable(layout, 'goal_edits', `
    client_key uuid NOT NULL,
    goal_id    text NOT NULL,
    seq        integer NOT NULL CHECK (seq >= 1),
    at         timestamptz NOT NULL,
    actor      text NOT NULL,
    reason     bytea NOT NULL,
    changes    bytea NOT NULL,
    PRIMARY KEY (client_key, goal_id, seq),
    FOREIGN KEY (client_key, goal_id) REFERENCES goals (client_key, goal_id)`)}

  ${clientTable(layout, 'milestones', `
    client_key    uuid NOT NULL REFERENCES clients (client_key),
    milestone_id  text NOT NULL,
    goal_id       text NOT NULL,
    description   bytea NOT NULL,
    achieved_date date NOT NULL,
    significance  text NOT NULL CHECK (significance IN ('low', 'medium', 'high')),
    created_at    timestamptz NOT NULL,
    voided_at     timestamptz,
    voided_by     text,
    void_reason   bytea,
    PRIMARY KEY (client_key, milestone_id),
    FOREIGN KEY (client_key, goal_id) REFERENCES goals (client_key, goal_id)`)}
  CREATE INDEX milestones_by_client ON milestones (client_key, achieved_date);
  CREATE INDEX milestones_by_goal ON milestones (client_key, goal_id, achieved_date);
  CREATE VIEW live_milestones AS SELECT * FROM milestones WHERE voided_at IS NULL;

  ${clientTable(layout, 'milestone_edits', `
    client_key   uuid NOT NULL,
    milestone_id text NOT NULL,
    seq          integer NOT NULL CHECK (seq >= 1),
    at           timestamptz NOT NULL,
    actor        text NOT NULL,
    reason       bytea NOT NULL,
    changes      bytea NOT NULL,
    PRIMARY KEY (client_key, milestone_id, seq),
    FOREIGN KEY (client_key, milestone_id) REFERENCES milestones (client_key, milestone_id)`)}

  -- Outcome measures: items are the answers as given (NULL when only the total is known).
  ${clientTable(layout, 'measures', `
    client_key   uuid NOT NULL REFERENCES clients (client_key),
    measure_id   text NOT NULL,
    measure      text NOT NULL CHECK (measure IN ('phq9', 'gad7', 'core10')),
    "timestamp"  timestamptz NOT NULL,
    session_id   text,
    items        smallint[],
    total        smallint NOT NULL CHECK (total BETWEEN 0 AND 40),
    created_at   timestamptz NOT NULL,
    version      integer NOT NULL DEFAULT 1 CHECK (version >= 1),
    amended_at   timestamptz,
    amended_by   text,
    amend_reason bytea,
    voided_at    timestamptz,
    voided_by    text,
    void_reason  bytea,
    PRIMARY KEY (client_key, measure_id),
    FOREIGN KEY (client_key, session_id) REFERENCES sessions (client_key, session_id)`)}
  CREATE INDEX measures_by_client_time ON measures (client_key, "timestamp");
  CREATE INDEX measures_by_session ON measures (client_key, session_id) WHERE session_id IS NOT NULL;
  CREATE VIEW live_measures AS SELECT * FROM measures WHERE voided_at IS NULL;

  -- Earlier versions of a measure, oldest first; its kind and client are not amended.
  ${clientTable(layout, 'measure_versions', `
    client_key   uuid NOT NULL,
    measure_id   text NOT NULL,
    version      integer NOT NULL CHECK (version >= 1),
    "timestamp"  timestamptz NOT NULL,
    session_id   text,
    items        smallint[],
    total        smallint NOT NULL CHECK (total BETWEEN 0 AND 40),
    amended_at   timestamptz,
    amended_by   text,
    amend_reason bytea,
    PRIMARY KEY (client_key, measure_id, version),
    FOREIGN KEY (client_key, measure_id) REFERENCES measures (client_key, measure_id)`)}

  -- A risk per client and kind (kinds are tpt's fixed vocabulary; a flag's own words are sealed
  -- in risk_events.flag), open until a person resolves it.
  ${clientTable(layout, 'risks', `
    client_key      uuid NOT NULL REFERENCES clients (client_key),
    kind            text NOT NULL,
    status          text NOT NULL CHECK (status IN ('open', 'resolved')),
    opened_at       timestamptz NOT NULL,
    last_flagged_at timestamptz NOT NULL,
    resolved_at     timestamptz,
    resolved_by     text,
    resolution_note bytea,
    PRIMARY KEY (client_key, kind)`)}
  CREATE INDEX risks_by_status ON risks (status, client_key);

  ${clientTable(layout, 'risk_events', `
    client_key  uuid NOT NULL,
    kind        text NOT NULL,
    seq         integer NOT NULL CHECK (seq >= 1),
    event       text NOT NULL CHECK (event IN ('opened', 'flagged', 'reopened', 'resolved')),
    at          timestamptz NOT NULL,
    source_type text,
    source_id   text,
    flag        bytea,
    note        bytea NOT NULL,
    actor       text NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (client_key, kind, seq),
    FOREIGN KEY (client_key, kind) REFERENCES risks (client_key, kind)`)}
  CREATE TRIGGER risk_events_no_update BEFORE UPDATE ON risk_events
    FOR EACH ROW EXECUTE FUNCTION tpt_reseal_only('flag', 'note');

  -- The audit log: one hash chain per client (chain_key is the client's key; the nil uuid is the
  -- chain of entries about no client), so writers of different clients never wait on one head.
  -- audit_heads holds each chain's last entry (seq 0 and the genesis hash before the first): a
  -- writer locks its chain's head row, and a verify finds a chain whose tail was cut (see
  -- src/pg/audit-chain.ts). client_id is the id the client had when the entry was made.
  ${clientTable(layout, 'audit_heads', `
    chain_key uuid NOT NULL PRIMARY KEY,
    seq       bigint NOT NULL CHECK (seq >= 0),
    hash      text NOT NULL`, 'chain_key')}
  ${clientTable(layout, 'audit_log', `
    chain_key uuid NOT NULL,
    seq       bigint NOT NULL CHECK (seq >= 1),
    at        timestamptz NOT NULL,
    actor     text NOT NULL,
    action    text NOT NULL,
    client_id text,
    object_id text,
    outcome   text NOT NULL,
    -- The audit key the hash was made with (an HMAC: whoever lacks tpt's key cannot forge one).
    key_id    text NOT NULL,
    prev_hash text NOT NULL,
    hash      text NOT NULL,
    PRIMARY KEY (chain_key, seq)`, 'chain_key')}
  CREATE INDEX audit_by_chain_time ON audit_log (chain_key, at);
  CREATE INDEX audit_by_time ON audit_log (at);
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION tpt_append_only();
  CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION tpt_append_only();

  -- Bearer tokens of the HTTP service, stored only as SHA-256 hashes.
  CREATE TABLE api_tokens (
    token_id   text PRIMARY KEY,
    name       text NOT NULL,
    hash       text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz,
    scope      text NOT NULL DEFAULT 'admin' CHECK (scope IN ('read', 'write', 'admin'))
  );

  -- Settings of the whole database, such as the retention policy (src/core/retention.ts).
  CREATE TABLE settings (
    key   text PRIMARY KEY,
    value text NOT NULL
  );
  `,
  // Step 2 (issue 23): the practice. Accounts, caseloads and supervisions; row-level security
  // forced on every client table, for an application role (tpt_app) that owns nothing and cannot
  // bypass it; the caller named per transaction by set_config('tpt.account', id, true). The rule
  // is src/access/model.ts's readableClients (reads) and own caseload (writes), written again here.
  () => `
  CREATE TABLE accounts (
    account_id    text PRIMARY KEY,
    role          text NOT NULL CHECK (role IN
      ('clinician', 'clinician_all_clients', 'supervisor', 'practice_manager', 'auditor', 'administrator')),
    password_hash text,
    created_at    timestamptz NOT NULL,
    disabled_at   timestamptz
  );
  -- A client may be on more than one caseload (co-therapy); the key, never the id a person sees.
  CREATE TABLE caseload (
    account_id  text NOT NULL REFERENCES accounts (account_id),
    client_key  uuid NOT NULL REFERENCES clients (client_key),
    assigned_at timestamptz NOT NULL,
    PRIMARY KEY (account_id, client_key)
  );
  CREATE INDEX caseload_by_client ON caseload (client_key);
  CREATE TABLE supervisions (
    supervisor_id text NOT NULL REFERENCES accounts (account_id),
    clinician_id  text NOT NULL REFERENCES accounts (account_id),
    since         timestamptz NOT NULL,
    PRIMARY KEY (supervisor_id, clinician_id),
    CHECK (supervisor_id <> clinician_id)
  );
  -- Login sessions, stored only as SHA-256 hashes of their tokens (src/access/sessions.ts).
  CREATE TABLE account_sessions (
    hash       text PRIMARY KEY,
    account_id text NOT NULL REFERENCES accounts (account_id),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
  );
  -- The login throttle's state per login name as typed (src/access/throttle.ts).
  CREATE TABLE login_throttle (
    login      text PRIMARY KEY,
    failures   integer NOT NULL CHECK (failures >= 0),
    not_before timestamptz NOT NULL,
    locked     boolean NOT NULL
  );

  -- The caller of this transaction, if set and active (an empty setting is no caller).
  CREATE FUNCTION tpt_caller() RETURNS accounts LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public AS $f$
    SELECT * FROM accounts
    WHERE account_id = nullif(current_setting('tpt.account', true), '') AND disabled_at IS NULL
  $f$;
  -- Keys of the clients on these active clinicians' caseloads, with the keys merged into them.
  CREATE FUNCTION tpt_caseload_keys(clinicians text[]) RETURNS uuid[] LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public AS $f$
    WITH RECURSIVE assigned(k) AS (
      SELECT c.client_key FROM caseload c JOIN accounts a USING (account_id)
      WHERE c.account_id = ANY (clinicians) AND a.disabled_at IS NULL
        AND a.role IN ('clinician', 'clinician_all_clients', 'supervisor')
      UNION
      SELECT m.client_key FROM clients m JOIN assigned ON m.merged_into = assigned.k
    )
    SELECT coalesce(array_agg(k), '{}') FROM assigned
  $f$;
  -- The clients whose records the caller may read: their caseload, their supervisees', or all.
  CREATE FUNCTION my_clients() RETURNS uuid[] LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public AS $f$
    SELECT coalesce((SELECT CASE
      WHEN me.role = 'clinician_all_clients' THEN (SELECT coalesce(array_agg(client_key), '{}') FROM clients)
      WHEN me.role = 'supervisor' THEN tpt_caseload_keys(array_append(
        ARRAY(SELECT clinician_id FROM supervisions WHERE supervisor_id = me.account_id), me.account_id))
      ELSE tpt_caseload_keys(ARRAY[me.account_id])
    END FROM tpt_caller() me WHERE me.account_id IS NOT NULL), '{}')
  $f$;
  -- The clients whose records the caller may write: their own caseload only.
  CREATE FUNCTION my_writable_clients() RETURNS uuid[] LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, public AS $f$
    SELECT coalesce((SELECT tpt_caseload_keys(ARRAY[me.account_id]) FROM tpt_caller() me WHERE me.account_id IS NOT NULL), '{}')
  $f$;

  -- The application's role: owns nothing, is no superuser, cannot bypass row-level security.
  -- Roles belong to the whole server: made once, whichever database migrates first.
  DO $d$ BEGIN
    CREATE ROLE tpt_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END $d$;
  GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO tpt_app;
  REVOKE INSERT, UPDATE, DELETE ON tpt_schema_migrations FROM tpt_app;
  ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO tpt_app;
  -- A view runs with its owner's rights (and the owner may bypass the policies) unless told not to.
  ALTER VIEW live_sessions SET (security_invoker = true);

  -- A locked note takes no change but a rekey's new seal; the database refuses it to everyone.
  ALTER TABLE sessions ADD COLUMN locked_at timestamptz;
  CREATE TRIGGER sessions_locked BEFORE UPDATE ON sessions FOR EACH ROW WHEN (OLD.locked_at IS NOT NULL)
    EXECUTE FUNCTION tpt_reseal_only('conversation_summary', 'therapeutic_goals', 'progress_notes',
      'therapist_observations', 'next_session_focus', 'techniques_used', 'homework_assigned', 'crisis_flags',
      'metadata', 'amend_reason', 'void_reason');

  ${['sessions', 'session_versions', 'goals', 'goal_history', 'goal_edits', 'milestones', 'milestone_edits',
    'measures', 'measure_versions', 'risks', 'risk_events'].map((table) => `
  ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY;
  ALTER TABLE ${table} FORCE ROW LEVEL SECURITY;
  CREATE POLICY ${table}_read ON ${table} FOR SELECT USING (client_key = ANY ((SELECT my_clients())::uuid[]));
  CREATE POLICY ${table}_insert ON ${table} FOR INSERT WITH CHECK (client_key = ANY ((SELECT my_writable_clients())::uuid[]));
  CREATE POLICY ${table}_update ON ${table} FOR UPDATE USING (client_key = ANY ((SELECT my_writable_clients())::uuid[]));
  CREATE POLICY ${table}_delete ON ${table} FOR DELETE USING (client_key = ANY ((SELECT my_writable_clients())::uuid[]));`).join('')}
  `,
  // Courses of treatment and measure schedules (src/pg/migration-care.ts).
  (layout) => careMigration(layout, clientTable),
  // What `tpt ingest` took (src/pg/migration-ingest.ts).
  (layout) => ingestMigration(layout, clientTable),
  // Row-level security on the clients, record ids and ingested line ids (src/pg/migration-access.ts).
  () => accessMigration(),
  // Machine-written sessions and their estimated moods (src/pg/migration-labels.ts).
  () => labelsMigration(),
];
