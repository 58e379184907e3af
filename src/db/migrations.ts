import type { Database } from './driver.js';
import { TptError } from '../domain/errors.js';

/**
 * Schema steps, applied in order and tracked by `PRAGMA user_version`. A step that has shipped is
 * never edited: add the next one. Lists and metadata are JSON text; timestamps are UTC ISO 8601
 * (`2026-03-01T09:30:00.000Z`, which sorts as text); target and achieved dates are calendar dates.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE clients (
    client_id  TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE sessions (
    session_id               TEXT PRIMARY KEY,
    client_id                TEXT NOT NULL REFERENCES clients (client_id),
    timestamp                TEXT NOT NULL,
    conversation_summary     TEXT NOT NULL,
    emotional_score          INTEGER NOT NULL CHECK (emotional_score BETWEEN -2 AND 2),
    therapeutic_goals        TEXT NOT NULL DEFAULT '[]',
    progress_notes           TEXT NOT NULL DEFAULT '',
    therapist_observations   TEXT NOT NULL DEFAULT '',
    next_session_focus       TEXT NOT NULL DEFAULT '',
    session_duration_minutes INTEGER CHECK (session_duration_minutes BETWEEN 1 AND 1440),
    techniques_used          TEXT NOT NULL DEFAULT '[]',
    homework_assigned        TEXT NOT NULL DEFAULT '',
    crisis_flags             TEXT NOT NULL DEFAULT '[]',
    metadata                 TEXT NOT NULL DEFAULT '{}'
  ) STRICT;
  CREATE INDEX sessions_by_client_time ON sessions (client_id, timestamp);
  -- Sessions with crisis flags are few; this keeps "the client's last crisis" an index look-up.
  CREATE INDEX sessions_with_crisis ON sessions (client_id, timestamp) WHERE crisis_flags <> '[]';

  CREATE TABLE goals (
    goal_id               TEXT PRIMARY KEY,
    client_id             TEXT NOT NULL REFERENCES clients (client_id),
    description           TEXT NOT NULL,
    target_date           TEXT,
    completion_percentage REAL NOT NULL CHECK (completion_percentage BETWEEN 0 AND 100),
    status                TEXT NOT NULL
                          CHECK (status IN ('active', 'achieved', 'paused', 'discontinued')),
    notes                 TEXT NOT NULL DEFAULT '',
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
  ) STRICT;
  CREATE INDEX goals_by_client ON goals (client_id, created_at);

  -- Every change of percentage or status, oldest first; the first entry is the creation.
  CREATE TABLE goal_history (
    goal_id               TEXT NOT NULL REFERENCES goals (goal_id),
    seq                   INTEGER NOT NULL,
    at                    TEXT NOT NULL,
    completion_percentage REAL NOT NULL CHECK (completion_percentage BETWEEN 0 AND 100),
    status                TEXT NOT NULL,
    note                  TEXT NOT NULL DEFAULT '',
    actor                 TEXT NOT NULL,
    PRIMARY KEY (goal_id, seq)
  ) STRICT, WITHOUT ROWID;

  CREATE TABLE milestones (
    milestone_id  TEXT PRIMARY KEY,
    goal_id       TEXT NOT NULL REFERENCES goals (goal_id),
    client_id     TEXT NOT NULL REFERENCES clients (client_id),
    description   TEXT NOT NULL,
    achieved_date TEXT NOT NULL,
    significance  TEXT NOT NULL CHECK (significance IN ('low', 'medium', 'high')),
    created_at    TEXT NOT NULL
  ) STRICT;
  CREATE INDEX milestones_by_client ON milestones (client_id, achieved_date);
  CREATE INDEX milestones_by_goal ON milestones (goal_id, achieved_date);

  -- Append-only and hash-chained (see src/core/audit.ts); it never holds client text.
  CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    client_id TEXT,
    object_id TEXT,
    outcome   TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
  ) STRICT;
  CREATE INDEX audit_by_client ON audit_log (client_id, at);
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

  -- Bearer tokens of the HTTP service, stored only as SHA-256 hashes.
  CREATE TABLE api_tokens (
    token_id   TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  ) STRICT;

  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;
  `,
  // 2: token scopes (issue 15). Tokens made before scopes could do everything: they keep that.
  `
  ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'admin'
    CHECK (scope IN ('read', 'write', 'admin'));
  `,
  // 3: standardized outcome measures (PHQ-9, GAD-7, CORE-10). `items` is the JSON list of answers as
  // given, or NULL when only the total is known; the total is computed by the core from the items.
  `
  CREATE TABLE measures (
    measure_id TEXT PRIMARY KEY,
    client_id  TEXT NOT NULL REFERENCES clients (client_id),
    measure    TEXT NOT NULL CHECK (measure IN ('phq9', 'gad7', 'core10')),
    timestamp  TEXT NOT NULL,
    session_id TEXT REFERENCES sessions (session_id),
    items      TEXT,
    total      INTEGER NOT NULL CHECK (total BETWEEN 0 AND 40),
    created_at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX measures_by_client_time ON measures (client_id, timestamp);
  CREATE INDEX measures_by_session ON measures (session_id) WHERE session_id IS NOT NULL;
  `,
  // 4. Risks: a crisis flag opens a risk for its client (one per kind) that stays open until a
  // person resolves it; every opening, flag, resolution and reopening is kept in risk_events.
  // Sessions recorded before this step open their risks here; their flags are read, never
  // changed. The spellings are a frozen copy of the vocabulary of src/core/crisis-flags.ts as it
  // was when this step was written; a flag outside them is kind "other", its words kept in `flag`.
  `
  CREATE TABLE risks (
    client_id       TEXT NOT NULL REFERENCES clients (client_id),
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    -- The time of the flag that opened (or last reopened) it, and of its latest flag.
    opened_at       TEXT NOT NULL,
    last_flagged_at TEXT NOT NULL,
    resolved_at     TEXT,
    resolved_by     TEXT,
    resolution_note TEXT,
    PRIMARY KEY (client_id, kind)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX risks_by_status ON risks (status, client_id);

  -- Append-only history of each risk, in the order it was recorded.
  CREATE TABLE risk_events (
    client_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    event       TEXT NOT NULL CHECK (event IN ('opened', 'flagged', 'reopened', 'resolved')),
    -- A flag: the time of its session (or measure). A resolution: when it was resolved.
    at          TEXT NOT NULL,
    source_type TEXT,
    source_id   TEXT,
    flag        TEXT,
    note        TEXT NOT NULL DEFAULT '',
    actor       TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    PRIMARY KEY (client_id, kind, seq),
    FOREIGN KEY (client_id, kind) REFERENCES risks (client_id, kind)
  ) STRICT, WITHOUT ROWID;
  CREATE TRIGGER risk_events_no_update BEFORE UPDATE ON risk_events
    BEGIN SELECT RAISE(ABORT, 'risk history is append-only'); END;

  CREATE TABLE migration_flag_spellings (spelling TEXT PRIMARY KEY, kind TEXT NOT NULL) STRICT;
  INSERT INTO migration_flag_spellings (spelling, kind) VALUES
    ('suicidal_ideation', 'suicidal_ideation'), ('si', 'suicidal_ideation'),
    ('suicidal_thoughts', 'suicidal_ideation'), ('suicidality', 'suicidal_ideation'),
    ('passive_suicidal_ideation', 'suicidal_ideation'),
    ('active_suicidal_ideation', 'suicidal_ideation'), ('passive_si', 'suicidal_ideation'),
    ('active_si', 'suicidal_ideation'), ('suicidal', 'suicidal_ideation'),
    ('suicide_plan', 'suicide_plan'), ('suicidal_plan', 'suicide_plan'),
    ('suicidal_intent', 'suicide_plan'), ('suicide_intent', 'suicide_plan'),
    ('suicide_plan_or_intent', 'suicide_plan'), ('suicidal_plan_or_intent', 'suicide_plan'),
    ('plan_or_intent', 'suicide_plan'), ('suicide_attempt', 'suicide_attempt'),
    ('attempted_suicide', 'suicide_attempt'), ('suicidal_attempt', 'suicide_attempt'),
    ('attempt', 'suicide_attempt'), ('self_harm', 'self_harm'), ('selfharm', 'self_harm'),
    ('self_injury', 'self_harm'), ('nssi', 'self_harm'), ('self_harm_urge', 'self_harm'),
    ('self_harm_urges', 'self_harm'), ('self_harm_risk', 'self_harm'), ('self_injurious_behaviour', 'self_harm'),
    ('self_injurious_behavior', 'self_harm'), ('deliberate_self_harm', 'self_harm'),
    ('dsh', 'self_harm'), ('harm_to_others', 'harm_to_others'),
    ('homicidal_ideation', 'harm_to_others'), ('hi', 'harm_to_others'),
    ('risk_to_others', 'harm_to_others'), ('threat_to_others', 'harm_to_others'),
    ('violence', 'harm_to_others'), ('violence_risk', 'harm_to_others'),
    ('harm_to_other', 'harm_to_others'), ('danger_to_others', 'harm_to_others'),
    ('safeguarding', 'safeguarding'), ('safeguarding_concern', 'safeguarding'),
    ('child_protection', 'safeguarding'), ('abuse', 'safeguarding'),
    ('domestic_violence', 'safeguarding'), ('domestic_abuse', 'safeguarding'), ('dv', 'safeguarding'),
    ('ipv', 'safeguarding'), ('elder_abuse', 'safeguarding'), ('neglect', 'safeguarding'),
    ('substance_crisis', 'substance_crisis'), ('substance', 'substance_crisis'),
    ('substance_abuse', 'substance_crisis'), ('overdose', 'substance_crisis'),
    ('intoxication', 'substance_crisis'), ('withdrawal', 'substance_crisis'),
    ('substance_use_crisis', 'substance_crisis'), ('medical_emergency', 'medical_emergency'),
    ('medical', 'medical_emergency'), ('emergency', 'medical_emergency'),
    ('medical_crisis', 'medical_emergency'), ('other', 'other');
  CREATE TABLE migration_flags AS
    SELECT s.client_id, s.session_id, s.timestamp, f.key AS position, f.value AS flag,
           coalesce((SELECT kind FROM migration_flag_spellings
                      WHERE spelling = trim(replace(replace(replace(replace(replace(replace(
                              lower(trim(f.value)), ' ', '_'), '-', '_'), char(9), '_'), '__', '_'), '__', '_'), '__', '_'), '_')),
                    'other') AS kind
      FROM sessions s, json_each(s.crisis_flags) f
     WHERE s.crisis_flags <> '[]';
  INSERT INTO risks (client_id, kind, status, opened_at, last_flagged_at)
    SELECT client_id, kind, 'open', min(timestamp), max(timestamp) FROM migration_flags GROUP BY client_id, kind;
  INSERT INTO risk_events (client_id, kind, seq, event, at, source_type, source_id, flag, note, actor, recorded_at)
    SELECT client_id, kind, row_number() OVER w,
           CASE row_number() OVER w WHEN 1 THEN 'opened' ELSE 'flagged' END,
           timestamp, 'session', session_id, flag, 'opened from the session''s crisis flags when risks were introduced',
           'tpt (migration)', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
      FROM migration_flags
    WINDOW w AS (PARTITION BY client_id, kind ORDER BY timestamp, session_id, position);
  DROP TABLE migration_flags;
  DROP TABLE migration_flag_spellings;
  `,
  // Corrections by amendment (issue 12). The sessions table keeps the current version, so every
  // read of the current record stays as it was; earlier versions move to session_versions whole,
  // each with who made it, when and why. A voided session stays in the table: live_sessions is
  // the one place where analytics and listings leave voided sessions out.
  `
  ALTER TABLE sessions ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
  ALTER TABLE sessions ADD COLUMN amended_at TEXT;
  ALTER TABLE sessions ADD COLUMN amended_by TEXT;
  ALTER TABLE sessions ADD COLUMN amend_reason TEXT;
  ALTER TABLE sessions ADD COLUMN addendum INTEGER NOT NULL DEFAULT 0 CHECK (addendum IN (0, 1));
  ALTER TABLE sessions ADD COLUMN voided_at TEXT;
  ALTER TABLE sessions ADD COLUMN voided_by TEXT;
  ALTER TABLE sessions ADD COLUMN void_reason TEXT;
  ALTER TABLE sessions ADD COLUMN signed_at TEXT;
  ALTER TABLE sessions ADD COLUMN signed_by TEXT;

  -- Earlier versions of a session, oldest first; version N of a session with current version M > N.
  CREATE TABLE session_versions (
    session_id               TEXT NOT NULL REFERENCES sessions (session_id),
    version                  INTEGER NOT NULL CHECK (version >= 1),
    client_id                TEXT NOT NULL REFERENCES clients (client_id),
    timestamp                TEXT NOT NULL,
    conversation_summary     TEXT NOT NULL,
    emotional_score          INTEGER NOT NULL CHECK (emotional_score BETWEEN -2 AND 2),
    therapeutic_goals        TEXT NOT NULL,
    progress_notes           TEXT NOT NULL,
    therapist_observations   TEXT NOT NULL,
    next_session_focus       TEXT NOT NULL,
    session_duration_minutes INTEGER CHECK (session_duration_minutes BETWEEN 1 AND 1440),
    techniques_used          TEXT NOT NULL,
    homework_assigned        TEXT NOT NULL,
    crisis_flags             TEXT NOT NULL,
    metadata                 TEXT NOT NULL,
    amended_at               TEXT,
    amended_by               TEXT,
    amend_reason             TEXT,
    addendum                 INTEGER NOT NULL DEFAULT 0 CHECK (addendum IN (0, 1)),
    PRIMARY KEY (session_id, version)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX session_versions_by_client ON session_versions (client_id);

  CREATE VIEW live_sessions AS SELECT * FROM sessions WHERE voided_at IS NULL;
  `,
  // Goals and milestones corrected the same way (issue 12): every edit of a goal's description,
  // target or notes, and of a milestone, is a row with who, when, why and the values before and
  // after (\`changes\`: JSON {field: [before, after]}); a voided milestone stays in the table and
  // live_milestones leaves it out.
  `
  CREATE TABLE goal_edits (
    goal_id   TEXT NOT NULL REFERENCES goals (goal_id),
    client_id TEXT NOT NULL REFERENCES clients (client_id),
    seq       INTEGER NOT NULL,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,
    reason    TEXT NOT NULL,
    changes   TEXT NOT NULL,
    PRIMARY KEY (goal_id, seq)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX goal_edits_by_client ON goal_edits (client_id);

  CREATE TABLE milestone_edits (
    milestone_id TEXT NOT NULL REFERENCES milestones (milestone_id),
    client_id    TEXT NOT NULL REFERENCES clients (client_id),
    seq          INTEGER NOT NULL,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    reason       TEXT NOT NULL,
    changes      TEXT NOT NULL,
    PRIMARY KEY (milestone_id, seq)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX milestone_edits_by_client ON milestone_edits (client_id);

  ALTER TABLE milestones ADD COLUMN voided_at TEXT;
  ALTER TABLE milestones ADD COLUMN voided_by TEXT;
  ALTER TABLE milestones ADD COLUMN void_reason TEXT;
  CREATE VIEW live_milestones AS SELECT * FROM milestones WHERE voided_at IS NULL;
  `,
  // Measures corrected as sessions are (issue 11 on issue 12's model): the measures table keeps
  // each measure's current version and its state; earlier versions go whole to measure_versions,
  // each with who made it, when and why. A voided measure stays in the table: live_measures is
  // the one place where analytics and listings leave voided measures out.
  `
  ALTER TABLE measures ADD COLUMN version INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1);
  ALTER TABLE measures ADD COLUMN amended_at TEXT;
  ALTER TABLE measures ADD COLUMN amended_by TEXT;
  ALTER TABLE measures ADD COLUMN amend_reason TEXT;
  ALTER TABLE measures ADD COLUMN voided_at TEXT;
  ALTER TABLE measures ADD COLUMN voided_by TEXT;
  ALTER TABLE measures ADD COLUMN void_reason TEXT;

  -- Earlier versions of a measure, oldest first; its kind and client are not amended.
  CREATE TABLE measure_versions (
    measure_id   TEXT NOT NULL REFERENCES measures (measure_id),
    version      INTEGER NOT NULL CHECK (version >= 1),
    client_id    TEXT NOT NULL REFERENCES clients (client_id),
    timestamp    TEXT NOT NULL,
    session_id   TEXT REFERENCES sessions (session_id),
    items        TEXT,
    total        INTEGER NOT NULL CHECK (total BETWEEN 0 AND 40),
    amended_at   TEXT,
    amended_by   TEXT,
    amend_reason TEXT,
    PRIMARY KEY (measure_id, version)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX measure_versions_by_client ON measure_versions (client_id);

  CREATE VIEW live_measures AS SELECT * FROM measures WHERE voided_at IS NULL;
  `,

  // 8: the listings count and date the sessions that are not voided (live_sessions). The indexes
  // above do not hold voided_at, so each such count read every row of the client's sessions;
  // this one answers `tpt clients` from the index alone again (voided_at is a column of it too,
  // or SQLite would not see that it covers the view's condition).
  `
  CREATE INDEX live_sessions_by_client_time ON sessions (client_id, timestamp, voided_at) WHERE voided_at IS NULL;
  CREATE INDEX live_sessions_with_crisis ON sessions (client_id, timestamp)
    WHERE crisis_flags <> '[]' AND voided_at IS NULL;
  `,

  // 9: what `tpt ingest` took, by the id the sending program gave each line: a resend of the same
  // line is then a no-op, the same id with other content is refused. The digest is of the line's
  // content (SHA-256 of its canonical JSON); client_id lets a purge remove a client's rows.
  `
  CREATE TABLE ingested (
    line_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    digest TEXT NOT NULL,
    record_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    ingested_at TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX ingested_by_client ON ingested (client_id);
  `,

  // 10: courses of treatment and measure schedules (issue 24). A course is the unit of outcome
  // (NHS Talking Therapies counts outcomes per course): at most one open course per client, so
  // "the current course" is never ambiguous. A schedule says how often a measure is due; a new
  // schedule of the same measure stops the one before, which stays as history.
  `
  CREATE TABLE courses (
    course_id   TEXT PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients (client_id),
    started_at  TEXT NOT NULL,
    started_by  TEXT NOT NULL,
    ended_at    TEXT,
    ended_by    TEXT,
    end_reason  TEXT,
    end_note    TEXT,
    CHECK ((ended_at IS NULL) = (end_reason IS NULL)),
    CHECK (ended_at IS NULL OR ended_at >= started_at)
  ) STRICT;
  CREATE INDEX courses_by_client ON courses (client_id, started_at);
  CREATE UNIQUE INDEX one_open_course ON courses (client_id) WHERE ended_at IS NULL;

  CREATE TABLE measure_schedules (
    schedule_id INTEGER PRIMARY KEY,
    client_id   TEXT NOT NULL REFERENCES clients (client_id),
    measure     TEXT NOT NULL CHECK (measure IN ('phq9', 'gad7', 'core10')),
    every       TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    started_by  TEXT NOT NULL,
    stopped_at  TEXT,
    stopped_by  TEXT
  ) STRICT;
  CREATE INDEX measure_schedules_by_client ON measure_schedules (client_id, measure, started_at);
  CREATE UNIQUE INDEX one_live_schedule ON measure_schedules (client_id, measure) WHERE stopped_at IS NULL;
  `,

  // 11: the index of `tpt search` (issue 24), inside the encrypted file. An FTS5 table without
  // content of its own (the words live only in its index, reached through search_docs' ids), kept
  // by triggers, so no write path of core changes: a session's current version, a goal's
  // description and notes, a milestone's description. An amendment replaces the session's words,
  // so earlier versions are not found. A change or a deletion takes the old words out with FTS5's
  // 'delete' command, given the values that were indexed, and secure-delete removes them from the
  // index's pages themselves (a contentless_delete table would only mark the row gone, its words
  // left in the file until a merge): with secure_delete=ON and the VACUUM of a purge, no word of a
  // purged client stays in the file. search_docs has no client_id column, so a purge does not
  // delete from it by hand: the records' triggers do.
  `
  CREATE TABLE search_docs (
    doc       INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('session', 'goal', 'milestone')),
    record_id TEXT NOT NULL,
    UNIQUE (kind, record_id)
  ) STRICT;
  CREATE VIRTUAL TABLE search_text USING fts5(a, b, c, d, content = '', tokenize = 'unicode61 remove_diacritics 2');
  INSERT INTO search_text (search_text, rank) VALUES ('secure-delete', 1);

  CREATE TRIGGER search_session_insert AFTER INSERT ON sessions BEGIN
    INSERT INTO search_docs (kind, record_id) VALUES ('session', new.session_id);
    INSERT INTO search_text (rowid, a, b, c, d) VALUES (last_insert_rowid(), new.conversation_summary,
      new.progress_notes, new.therapist_observations, new.next_session_focus);
  END;
  CREATE TRIGGER search_session_update AFTER UPDATE OF session_id, conversation_summary, progress_notes,
      therapist_observations, next_session_focus ON sessions BEGIN
    INSERT INTO search_text (search_text, rowid, a, b, c, d)
      SELECT 'delete', doc, old.conversation_summary, old.progress_notes, old.therapist_observations, old.next_session_focus
        FROM search_docs WHERE kind = 'session' AND record_id = old.session_id;
    UPDATE search_docs SET record_id = new.session_id WHERE kind = 'session' AND record_id = old.session_id;
    INSERT INTO search_text (rowid, a, b, c, d)
      SELECT doc, new.conversation_summary, new.progress_notes, new.therapist_observations, new.next_session_focus
        FROM search_docs WHERE kind = 'session' AND record_id = new.session_id;
  END;
  CREATE TRIGGER search_session_delete AFTER DELETE ON sessions BEGIN
    INSERT INTO search_text (search_text, rowid, a, b, c, d)
      SELECT 'delete', doc, old.conversation_summary, old.progress_notes, old.therapist_observations, old.next_session_focus
        FROM search_docs WHERE kind = 'session' AND record_id = old.session_id;
    DELETE FROM search_docs WHERE kind = 'session' AND record_id = old.session_id;
  END;

  CREATE TRIGGER search_goal_insert AFTER INSERT ON goals BEGIN
    INSERT INTO search_docs (kind, record_id) VALUES ('goal', new.goal_id);
    INSERT INTO search_text (rowid, a, b, c, d) VALUES (last_insert_rowid(), new.description, new.notes, '', '');
  END;
  CREATE TRIGGER search_goal_update AFTER UPDATE OF goal_id, description, notes ON goals BEGIN
    INSERT INTO search_text (search_text, rowid, a, b, c, d)
      SELECT 'delete', doc, old.description, old.notes, '', '' FROM search_docs WHERE kind = 'goal' AND record_id = old.goal_id;
    UPDATE search_docs SET record_id = new.goal_id WHERE kind = 'goal' AND record_id = old.goal_id;
    INSERT INTO search_text (rowid, a, b, c, d)
      SELECT doc, new.description, new.notes, '', '' FROM search_docs WHERE kind = 'goal' AND record_id = new.goal_id;
  END;
  CREATE TRIGGER search_goal_delete AFTER DELETE ON goals BEGIN
    INSERT INTO search_text (search_text, rowid, a, b, c, d)
      SELECT 'delete', doc, old.description, old.notes, '', '' FROM search_docs WHERE kind = 'goal' AND record_id = old.goal_id;
    DELETE FROM search_docs WHERE kind = 'goal' AND record_id = old.goal_id;
  END;

  CREATE TRIGGER search_milestone_insert AFTER INSERT ON milestones BEGIN
    INSERT INTO search_docs (kind, record_id) VALUES ('milestone', new.milestone_id);
    INSERT INTO search_text (rowid, a, b, c, d) VALUES (last_insert_rowid(), new.description, '', '', '');
  END;
  CREATE TRIGGER search_milestone_update AFTER UPDATE OF milestone_id, description ON milestones BEGIN
    INSERT INTO search_text (search_text, rowid, a, b, c, d)
      SELECT 'delete', doc, old.description, '', '', '' FROM search_docs WHERE kind = 'milestone' AND record_id = old.milestone_id;
    UPDATE search_docs SET record_id = new.milestone_id WHERE kind = 'milestone' AND record_id = old.milestone_id;
    INSERT INTO search_text (rowid, a, b, c, d)
      SELECT doc, new.description, '', '', '' FROM search_docs WHERE kind = 'milestone' AND record_id = new.milestone_id;
  END;
  CREATE TRIGGER search_milestone_delete AFTER DELETE ON milestones BEGIN
    INSERT INTO search_text (search_text, rowid, a, b, c, d)
      SELECT 'delete', doc, old.description, '', '', '' FROM search_docs WHERE kind = 'milestone' AND record_id = old.milestone_id;
    DELETE FROM search_docs WHERE kind = 'milestone' AND record_id = old.milestone_id;
  END;

  INSERT INTO search_docs (kind, record_id) SELECT 'session', session_id FROM sessions;
  INSERT INTO search_docs (kind, record_id) SELECT 'goal', goal_id FROM goals;
  INSERT INTO search_docs (kind, record_id) SELECT 'milestone', milestone_id FROM milestones;
  INSERT INTO search_text (rowid, a, b, c, d)
    SELECT d.doc, s.conversation_summary, s.progress_notes, s.therapist_observations, s.next_session_focus
      FROM search_docs d JOIN sessions s ON d.kind = 'session' AND s.session_id = d.record_id;
  INSERT INTO search_text (rowid, a, b, c, d)
    SELECT d.doc, g.description, g.notes, '', '' FROM search_docs d JOIN goals g ON d.kind = 'goal' AND g.goal_id = d.record_id;
  INSERT INTO search_text (rowid, a, b, c, d)
    SELECT d.doc, m.description, '', '', '' FROM search_docs d JOIN milestones m ON d.kind = 'milestone' AND m.milestone_id = d.record_id;
  `,

  // 12: The group practice (issue 23): accounts, caseloads and supervisions, as PostgreSQL's step 2
  // has them, inside the encrypted file. A caseload is filed by the client's id, so a purge, a
  // rename or a merge moves or removes it with the client's other rows (every table with a
  // client_id column). The roles are src/access/model.ts's ROLES.
  `
  CREATE TABLE accounts (
    account_id    TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN
      ('clinician', 'clinician_all_clients', 'supervisor', 'practice_manager', 'auditor', 'administrator')),
    password_hash TEXT,
    created_at    TEXT NOT NULL,
    disabled_at   TEXT
  ) STRICT;
  CREATE TABLE caseload (
    account_id  TEXT NOT NULL REFERENCES accounts (account_id),
    client_id   TEXT NOT NULL REFERENCES clients (client_id),
    assigned_at TEXT NOT NULL,
    PRIMARY KEY (account_id, client_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX caseload_by_client ON caseload (client_id);
  CREATE TABLE supervisions (
    supervisor_id TEXT NOT NULL REFERENCES accounts (account_id),
    clinician_id  TEXT NOT NULL REFERENCES accounts (account_id),
    since         TEXT NOT NULL,
    PRIMARY KEY (supervisor_id, clinician_id),
    CHECK (supervisor_id <> clinician_id)
  ) STRICT, WITHOUT ROWID;
  CREATE INDEX supervisions_by_clinician ON supervisions (clinician_id);
  `,

  // 13: Machine-written sessions (issue 25): an ingest line marked "source": "machine", or any
  // session written with an API token. Its mood is an estimate until a clinician signs it
  // (docs/machine-entries.md); the partial index finds the few machine rows.
  `
  ALTER TABLE sessions ADD COLUMN source TEXT NOT NULL DEFAULT 'person' CHECK (source IN ('person', 'machine'));
  CREATE INDEX sessions_by_machine ON sessions (client_id, timestamp) WHERE source = 'machine';
  `,
];

export function migrate(db: Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new TptError(
      `this database has schema version ${current}, newer than this tpt knows (${MIGRATIONS.length}): upgrade tpt`,
    );
  }
  if (current === MIGRATIONS.length) return;
  db.transaction(() => {
    for (let version = current; version < MIGRATIONS.length; version++) {
      db.exec(MIGRATIONS[version]!);
    }
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  }).immediate();
}
