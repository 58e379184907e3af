import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPool, type PgPool } from '../../src/pg/connect.js';
import { MIGRATIONS_TABLE, migrate, requireSchema } from '../../src/pg/migrate.js';
import { PG_MIGRATIONS } from '../../src/pg/migrations.js';
import { SchemaMissingError } from '../../src/store/errors.js';
import { useTestDatabase } from '../support/postgres.js';

const plainDb = useTestDatabase();
const partitionedDb = useTestDatabase();
const emptyDb = useTestDatabase();
const racedDb = useTestDatabase();

const CLIENT_TABLES = [
  'audit_heads', 'audit_log', 'courses', 'goal_edits', 'goal_history', 'goals', 'ingested', 'measure_schedules', 'measure_versions', 'measures',
  'milestone_edits', 'milestones', 'risk_events', 'risks', 'session_versions', 'sessions',
];
const REFERENCE_TABLES = [
  'account_sessions', 'accounts', 'api_tokens', 'caseload', 'clients', 'ingested_ids', 'login_throttle', 'record_ids', 'settings',
  'supervisions', MIGRATIONS_TABLE,
];

/**
 * Every column that holds text in clear, by table: ids, statuses, kinds, who did what, token
 * names and hashes, settings. Written out by hand: a new text column fails this test until it is
 * either sealed (bytea) or added here on purpose.
 */
const CLEAR_TEXT: Record<string, string[]> = {
  account_sessions: ['account_id', 'hash'],
  accounts: ['account_id', 'password_hash', 'role'],
  api_tokens: ['hash', 'name', 'scope', 'token_id'],
  audit_heads: ['hash'],
  audit_log: ['action', 'actor', 'client_id', 'hash', 'key_id', 'object_id', 'outcome', 'prev_hash'],
  clients: ['client_id'],
  courses: ['course_id', 'end_reason', 'ended_by', 'started_by'],
  goal_edits: ['actor', 'goal_id'],
  goal_history: ['actor', 'goal_id', 'status'],
  goals: ['goal_id', 'status'],
  ingested: ['digest', 'kind', 'line_id', 'record_id'],
  ingested_ids: ['line_id'],
  measure_schedules: ['every', 'measure', 'started_by', 'stopped_by'],
  measure_versions: ['amended_by', 'measure_id', 'session_id'],
  measures: ['amended_by', 'measure', 'measure_id', 'session_id', 'voided_by'],
  milestone_edits: ['actor', 'milestone_id'],
  milestones: ['goal_id', 'milestone_id', 'significance', 'voided_by'],
  record_ids: ['kind', 'record_id'],
  risk_events: ['actor', 'event', 'kind', 'source_id', 'source_type'],
  risks: ['kind', 'resolved_by', 'status'],
  session_versions: ['amended_by', 'session_id'],
  sessions: ['amended_by', 'session_id', 'signed_by', 'source', 'voided_by'],
  caseload: ['account_id'],
  login_throttle: ['login'],
  settings: ['key', 'value'],
  supervisions: ['clinician_id', 'supervisor_id'],
};

/** The free text of the records, sealed: hand-listed from the SQLite schema's text columns. */
const SEALED: Record<string, string[]> = {
  courses: ['end_note'],
  goal_edits: ['changes', 'reason'],
  goal_history: ['note'],
  goals: ['description', 'notes'],
  measure_versions: ['amend_reason'],
  measures: ['amend_reason', 'void_reason'],
  milestone_edits: ['changes', 'reason'],
  milestones: ['description', 'void_reason'],
  risk_events: ['flag', 'note'],
  risks: ['resolution_note'],
  session_versions: [
    'amend_reason', 'conversation_summary', 'crisis_flags', 'homework_assigned', 'metadata', 'next_session_focus',
    'progress_notes', 'techniques_used', 'therapeutic_goals', 'therapist_observations',
  ],
  sessions: [
    'amend_reason', 'conversation_summary', 'crisis_flags', 'homework_assigned', 'metadata', 'next_session_focus',
    'progress_notes', 'techniques_used', 'therapeutic_goals', 'therapist_observations', 'void_reason',
  ],
};

let plain: PgPool;
let partitioned: PgPool;
beforeAll(async () => {
  plain = await openPool(plainDb.url());
  partitioned = await openPool(partitionedDb.url());
});
afterAll(async () => {
  await plain?.pool.end();
  await partitioned?.pool.end();
});

async function columnsOfType(db: PgPool, type: string): Promise<Record<string, string[]>> {
  const rows = (await db.pool.query<{ table_name: string; column_name: string }>(
    `SELECT c.table_name, c.column_name FROM information_schema.columns c
       JOIN pg_class t ON t.relname = c.table_name AND NOT t.relispartition AND t.relkind IN ('r', 'p')
      WHERE c.table_schema = 'public' AND c.data_type = $1 ORDER BY 1, 2`, [type])).rows;
  const byTable: Record<string, string[]> = {};
  for (const row of rows) (byTable[row.table_name] ??= []).push(row.column_name);
  return byTable;
}

describe('PostgreSQL migrations', () => {
  it('make every table on a fresh database, and change nothing when run again', async () => {
    expect(await migrate(plain)).toEqual({ from: 0, to: PG_MIGRATIONS.length, layout: { partitions: 0 } });
    const tables = (await plain.pool.query<{ relname: string }>(
      `SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') ORDER BY 1`)).rows;
    expect(tables.map((row) => row.relname)).toEqual([...CLIENT_TABLES, ...REFERENCE_TABLES].sort());

    const before = (await plain.pool.query(`SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace`)).rows[0];
    expect(await migrate(plain)).toEqual({ from: PG_MIGRATIONS.length, to: PG_MIGRATIONS.length, layout: { partitions: 0 } });
    const after = (await plain.pool.query(`SELECT count(*)::int AS n FROM pg_class WHERE relnamespace = 'public'::regnamespace`)).rows[0];
    expect(after).toEqual(before);
    await expect(requireSchema(plain)).resolves.toBeUndefined();
  });

  it('keep the free text sealed (bytea) and only ids, statuses and actors in clear', async () => {
    await migrate(plain);
    expect(await columnsOfType(plain, 'text')).toEqual(CLEAR_TEXT);
    expect(await columnsOfType(plain, 'bytea')).toEqual(SEALED);
  });

  it('key every client table by its client key: in each primary, unique and foreign key', async () => {
    await migrate(plain);
    const keys = (await plain.pool.query<{ table: string; name: string; type: string; columns: string[]; references: string | null }>(
      `SELECT c.conrelid::regclass::text AS table, c.conname AS name, c.contype AS type,
              array(SELECT a.attname::text FROM unnest(c.conkey) k JOIN pg_attribute a
                      ON a.attrelid = c.conrelid AND a.attnum = k ORDER BY a.attname) AS columns,
              c.confrelid::regclass::text AS references
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE t.relnamespace = 'public'::regnamespace AND c.contype IN ('p', 'u', 'f') AND NOT t.relispartition`)).rows;
    const ofClientTables = keys.filter((key) => CLIENT_TABLES.includes(key.table));
    // 16 primary keys, and the foreign keys between client tables or to clients.
    expect(ofClientTables.filter((key) => key.type === 'p')).toHaveLength(16);
    for (const key of ofClientTables) {
      const keyColumn = key.table.startsWith('audit_') ? 'chain_key' : 'client_key';
      expect(key.columns, `${key.table}.${key.name}`).toContain(keyColumn);
      // A foreign key goes to clients or to another client table by the same key.
      if (key.type === 'f') expect([...CLIENT_TABLES, 'clients']).toContain(key.references);
    }
    // The audit log refers to no other table: a purge of a client's records leaves its chain.
    expect(ofClientTables.filter((key) => key.table.startsWith('audit_') && key.type === 'f')).toEqual([]);
  });

  it('refuse to update, delete or truncate the audit log, and to update risk history', async () => {
    await migrate(plain);
    const chain = '00000000-0000-0000-0000-000000000000';
    await plain.pool.query(
      `INSERT INTO audit_log (chain_key, seq, at, actor, action, outcome, key_id, prev_hash, hash)
       VALUES ($1, 1, now(), 'dr a', 'client.create', 'ok', '00', $2, $3)`, [chain, '0'.repeat(64), 'a'.repeat(64)]);
    await expect(plain.pool.query(`UPDATE audit_log SET actor = 'someone else'`)).rejects.toThrow('audit_log is append-only');
    await expect(plain.pool.query(`DELETE FROM audit_log`)).rejects.toThrow('audit_log is append-only');
    await expect(plain.pool.query(`TRUNCATE audit_log`)).rejects.toThrow('audit_log is append-only');
    await plain.pool.query(`INSERT INTO clients (client_key, client_id, created_at) VALUES (gen_random_uuid(), 'c1', now())`);
    await plain.pool.query(
      `INSERT INTO risks (client_key, kind, status, opened_at, last_flagged_at)
       SELECT client_key, 'self_harm', 'open', now(), now() FROM clients WHERE client_id = 'c1'`);
    await plain.pool.query(
      `INSERT INTO risk_events (client_key, kind, seq, event, at, note, actor, recorded_at)
       SELECT client_key, 'self_harm', 1, 'opened', now(), '\\x00', 'dr a', now() FROM clients WHERE client_id = 'c1'`);
    await expect(plain.pool.query(`UPDATE risk_events SET actor = 'x'`)).rejects.toThrow('risk_events is append-only');
  });

  it('lays every client table out as PARTITION BY HASH of its key, and a client query reads one partition', async () => {
    expect(await migrate(partitioned, { partitions: 4 })).toMatchObject({ from: 0, layout: { partitions: 4 } });
    const parents = (await partitioned.pool.query<{ name: string; strategy: string; parts: number; key: string }>(
      `SELECT p.partrelid::regclass::text AS name, p.partstrat AS strategy,
              (SELECT count(*)::int FROM pg_inherits i WHERE i.inhparent = p.partrelid) AS parts,
              (SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]) AS key
         FROM pg_partitioned_table p ORDER BY 1`)).rows;
    expect(parents.map((row) => row.name)).toEqual(CLIENT_TABLES);
    for (const row of parents) {
      expect(row).toMatchObject({ strategy: 'h', parts: 4, key: row.name.startsWith('audit_') ? 'chain_key' : 'client_key' });
    }
    // A client's rows of any client table, and a client's live sessions in time order: one partition.
    const queries = [
      ...CLIENT_TABLES.map((table) => [table, `SELECT * FROM ${table} WHERE ${table.startsWith('audit_') ? 'chain_key' : 'client_key'} = $1`]),
      ['sessions', `SELECT * FROM live_sessions WHERE client_key = $1 ORDER BY "timestamp"`],
    ];
    for (const [table, query] of queries) {
      const plan = (await partitioned.pool.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN ${query!.replace('$1', `'2f1d1f7e-54a9-4d5c-9c55-8a2f0c4b9d11'`)}`))
        .rows.map((row) => row['QUERY PLAN']).join('\n');
      expect(new Set(plan.match(new RegExp(` on ${table}_p\\d+`, 'g'))).size, plan).toBe(1);
    }

    // Run again, asking for another layout: the schema keeps the one it was made with.
    expect(await migrate(partitioned, { partitions: 8 })).toEqual({ from: PG_MIGRATIONS.length, to: PG_MIGRATIONS.length, layout: { partitions: 4 } });
    await expect(requireSchema(partitioned)).resolves.toBeUndefined();
  });

  it('two migrators at once: one makes the schema, the other waits and finds it made', async () => {
    const [one, two] = [await openPool(racedDb.url()), await openPool(racedDb.url())];
    try {
      const results = await Promise.all([migrate(one), migrate(two)]);
      expect(results.map((result) => result.from).sort()).toEqual([0, PG_MIGRATIONS.length]);
    } finally {
      await Promise.all([one.pool.end(), two.pool.end()]);
    }
  });

  it('a database without the schema, or with a newer one, is a one-line error that says what to do', async () => {
    const empty = await openPool(emptyDb.url());
    try {
      await expect(requireSchema(empty)).rejects.toThrow(new SchemaMissingError(
        `database "${emptyDb.name}" holds no tpt schema: create it with tpt init --database URL`));
      // A tpt that knows no steps stands for an older tpt meeting this schema.
      await migrate(empty);
      await expect(migrate(empty, { partitions: 0 }, [])).rejects.toThrow(
        `database "${emptyDb.name}" has tpt schema version ${PG_MIGRATIONS.length}, newer than this tpt knows (0): upgrade tpt`);
      await expect(requireSchema(empty, [...PG_MIGRATIONS, () => 'SELECT 1'])).rejects.toThrow(
        `database "${emptyDb.name}" has tpt schema version ${PG_MIGRATIONS.length}, older than this tpt's ${PG_MIGRATIONS.length + 1}: run tpt init --database URL to bring it up to date`);
    } finally {
      await empty.pool.end();
    }
  });
});
