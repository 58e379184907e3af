import { randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setCaller } from '../../src/access/caller.js';
import { ROLES, readableClients, type Practice } from '../../src/access/model.js';
import { openPool, type PgPool } from '../../src/pg/connect.js';
import { migrate } from '../../src/pg/migrate.js';
import { useTestDatabase } from '../support/postgres.js';

const database = useTestDatabase();
const CLIENT_TABLES = [
  'goal_edits', 'goal_history', 'goals', 'measure_versions', 'measures', 'milestone_edits', 'milestones',
  'risk_events', 'risks', 'session_versions', 'sessions',
];
const CLIENTS = ['c1', 'c2', 'c3', 'c4'];
const key: Record<string, string> = Object.fromEntries(CLIENTS.map((id) => [id, randomUUID()]));
const clientOfKey = Object.fromEntries(Object.entries(key).map(([id, k]) => [k, id]));

let owner: PgPool;
/** The application's pool: one connection, so each checkout is the previous one's connection. */
let app: pg.Pool;
const webRole = `tpt_web_${randomBytes(4).toString('hex')}`;
const webPassword = randomBytes(12).toString('hex');

async function insertSession(db: pg.Pool | pg.PoolClient, client: string, id: string): Promise<void> {
  const sealed = Buffer.from('sealed');
  await db.query(
    `INSERT INTO sessions (client_key, session_id, "timestamp", conversation_summary, emotional_score, therapeutic_goals,
       progress_notes, therapist_observations, next_session_focus, techniques_used, homework_assigned, crisis_flags,
       has_crisis_flags, metadata)
     VALUES ($1, $2, now(), $3, 0, $3, $3, $3, $3, $3, $3, $3, false, $3)`, [key[client], id, sealed]);
}

/** Replaces the practice's accounts, caseloads and supervisions, as the owner. */
async function setPractice(practice: Practice): Promise<void> {
  const db = await owner.pool.connect();
  try {
    await db.query('BEGIN');
    await db.query('DELETE FROM account_sessions; DELETE FROM supervisions; DELETE FROM caseload; DELETE FROM accounts');
    for (const account of practice.accounts) {
      await db.query(`INSERT INTO accounts (account_id, role, created_at, disabled_at) VALUES ($1, $2, now(), $3)`,
        [account.id, account.role, account.disabled ? new Date() : null]);
    }
    for (const { account, client } of practice.assignments) {
      await db.query('INSERT INTO caseload (account_id, client_key, assigned_at) VALUES ($1, $2, now())', [account, key[client]]);
    }
    for (const { supervisor, clinician } of practice.supervisions) {
      await db.query('INSERT INTO supervisions (supervisor_id, clinician_id, since) VALUES ($1, $2, now())', [supervisor, clinician]);
    }
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  } finally {
    db.release();
  }
}

/** Runs `work` in one transaction of the application's role with `caller` named (or none). */
async function asApp<T>(caller: string | undefined, work: (db: pg.PoolClient) => Promise<T>): Promise<T> {
  const db = await app.connect();
  try {
    await db.query('BEGIN');
    if (caller !== undefined) await setCaller(db, caller);
    const result = await work(db);
    await db.query('COMMIT');
    return result;
  } catch (error) {
    await db.query('ROLLBACK');
    throw error;
  } finally {
    db.release();
  }
}

async function visibleClients(db: pg.PoolClient, table = 'sessions'): Promise<string[]> {
  const { rows } = await db.query<{ client_key: string }>(`SELECT DISTINCT client_key FROM ${table}`);
  return rows.map((row) => clientOfKey[row.client_key]!).sort();
}

const PRACTICE: Practice = {
  accounts: [
    { id: 'ana', role: 'clinician', disabled: false },
    { id: 'ben', role: 'clinician', disabled: false },
    { id: 'sue', role: 'supervisor', disabled: false },
    { id: 'all', role: 'clinician_all_clients', disabled: false },
    { id: 'pam', role: 'practice_manager', disabled: false },
    { id: 'old', role: 'clinician', disabled: true },
  ],
  assignments: [
    { account: 'ana', client: 'c1' }, { account: 'ben', client: 'c2' }, { account: 'sue', client: 'c3' },
    { account: 'old', client: 'c4' },
  ],
  supervisions: [{ supervisor: 'sue', clinician: 'ana' }],
};

beforeAll(async () => {
  owner = await openPool(database.url());
  await migrate(owner, { partitions: 4 });
  await owner.pool.query(`CREATE ROLE ${webRole} LOGIN PASSWORD '${webPassword}' IN ROLE tpt_app`);
  for (const client of CLIENTS) {
    await owner.pool.query('INSERT INTO clients (client_key, client_id, created_at) VALUES ($1, $2, now())', [key[client], client]);
    await insertSession(owner.pool, client, `s-${client}-1`);
    await insertSession(owner.pool, client, `s-${client}-2`);
  }
  const url = new URL(database.url());
  app = new pg.Pool({ host: url.hostname, port: Number(url.port), database: database.name, user: webRole, password: webPassword, max: 1 });
});

afterAll(async () => {
  await app?.end();
  await owner?.pool.query(`DROP OWNED BY ${webRole}; DROP ROLE IF EXISTS ${webRole}`).catch(() => {});
  await owner?.pool.end();
});

describe('row-level security for the practice (PostgreSQL)', () => {
  it('the application role owns nothing, is no superuser, cannot bypass; every client table forces RLS', async () => {
    const { rows: [role] } = await owner.pool.query(
      `SELECT rolsuper, rolbypassrls, (SELECT count(*)::int FROM pg_class WHERE relowner = r.oid) AS owns
       FROM pg_roles r WHERE rolname = 'tpt_app'`);
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, owns: 0 });
    const { rows: [web] } = await owner.pool.query(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1`, [webRole]);
    expect(web).toEqual({ rolsuper: false, rolbypassrls: false });
    const { rows } = await owner.pool.query<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
      `SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
       WHERE relnamespace = 'public'::regnamespace AND relname = ANY ($1) ORDER BY relname`, [CLIENT_TABLES]);
    expect(rows).toEqual(CLIENT_TABLES.map((relname) => ({ relname, relrowsecurity: true, relforcerowsecurity: true })));
  });

  it('a clinician\'s transaction sees only their caseload; a supervisor adds their supervisees\'', async () => {
    await setPractice(PRACTICE);
    expect(await asApp('ana', (db) => visibleClients(db))).toEqual(['c1']);
    expect(await asApp('ben', (db) => visibleClients(db))).toEqual(['c2']);
    expect(await asApp('sue', (db) => visibleClients(db))).toEqual(['c1', 'c3']);
    expect(await asApp('all', (db) => visibleClients(db))).toEqual(CLIENTS);
    expect(await asApp('pam', (db) => visibleClients(db))).toEqual([]);
    expect(await asApp('old', (db) => visibleClients(db))).toEqual([]);
    expect(await asApp('nobody', (db) => visibleClients(db))).toEqual([]);
    // The view of live sessions runs as its caller, not as its owner.
    expect(await asApp('ana', (db) => visibleClients(db, 'live_sessions'))).toEqual(['c1']);
    // A look-up of another caseload's session by its id finds nothing: the same as no such session.
    expect(await asApp('ana', async (db) => (await db.query(`SELECT 1 FROM sessions WHERE session_id = 's-c2-1'`)).rowCount)).toBe(0);
  });

  it('evaluates the caseload once per query: an InitPlan, not a call per row', async () => {
    await setPractice(PRACTICE);
    const plan = await asApp('ana', async (db) => (await db.query<{ 'QUERY PLAN': string }>(
      'EXPLAIN (COSTS OFF) SELECT count(*) FROM sessions')).rows.map((row) => row['QUERY PLAN']).join('\n'));
    expect(plan).toMatch(/InitPlan/);
    expect(plan).toMatch(/client_key = ANY \(\(InitPlan/);
  });

  it('a pooled connection never carries the caller to its next checkout', async () => {
    await setPractice(PRACTICE);
    expect(await asApp('all', (db) => visibleClients(db))).toEqual(CLIENTS);
    // The same (only) connection, checked out again with no caller named: sees nothing, and no error.
    expect(await asApp(undefined, (db) => visibleClients(db))).toEqual([]);
    const db = await app.connect();
    try {
      expect((await db.query(`SELECT current_setting('tpt.account', true) AS caller`)).rows[0].caller).toBe('');
      // Outside any transaction too (autocommit): nothing.
      expect((await db.query('SELECT count(*)::int AS n FROM sessions')).rows[0].n).toBe(0);
    } finally {
      db.release();
    }
  });

  it('writes only to the caller\'s own caseload; cannot switch the policies off', async () => {
    await setPractice(PRACTICE);
    await asApp('ana', (db) => insertSession(db, 'c1', 's-c1-ana'));
    await expect(asApp('ana', (db) => insertSession(db, 'c2', 's-c2-ana'))).rejects.toThrow(/row-level security/);
    // A supervisor reads a supervisee's client but does not write there.
    await expect(asApp('sue', (db) => insertSession(db, 'c1', 's-c1-sue'))).rejects.toThrow(/row-level security/);
    expect(await asApp('ana', async (db) => (await db.query('UPDATE sessions SET emotional_score = 1 WHERE client_key = $1', [key.c2])).rowCount)).toBe(0);
    expect(await asApp('ana', async (db) => (await db.query('DELETE FROM sessions WHERE client_key = $1', [key.c2])).rowCount)).toBe(0);
    await expect(asApp('ana', (db) => db.query('SET LOCAL row_security = off; SELECT * FROM sessions'))).rejects.toThrow(/row-level security/);
    await expect(asApp('ana', (db) => db.query('ALTER TABLE sessions NO FORCE ROW LEVEL SECURITY'))).rejects.toThrow(/owner/);
    await expect(asApp('ana', (db) => db.query('SELECT set_config($1, $2, false)', ['role', 'postgres']))).rejects.toThrow();
  });

  it('a locked note: the application role\'s UPDATE fails, even on its own caseload; a reseal passes', async () => {
    await setPractice(PRACTICE);
    await owner.pool.query(`UPDATE sessions SET signed_at = now(), signed_by = 'ana', locked_at = now() WHERE session_id = 's-c1-1'`);
    await expect(asApp('ana', (db) => db.query(`UPDATE sessions SET emotional_score = 2 WHERE session_id = 's-c1-1'`)))
      .rejects.toThrow(/append-only/);
    await expect(asApp('ana', (db) => db.query(`UPDATE sessions SET locked_at = NULL WHERE session_id = 's-c1-1'`)))
      .rejects.toThrow(/append-only/);
    // The owner is refused too: the lock is the database's, not a role's.
    await expect(owner.pool.query(`UPDATE sessions SET signed_by = 'ben' WHERE session_id = 's-c1-1'`)).rejects.toThrow(/append-only/);
    await asApp('ana', (db) => db.query(`UPDATE sessions SET progress_notes = '\\x00' WHERE session_id = 's-c1-1'`));
    // An unlocked note of the same caseload still takes an update.
    expect(await asApp('ana', async (db) => (await db.query(`UPDATE sessions SET emotional_score = 1 WHERE session_id = 's-c1-2'`)).rowCount)).toBe(1);
  });

  it('sees exactly what src/access/model.ts says, on random practices (the two layers agree)', async () => {
    const ids = ['a1', 'a2', 'a3', 'a4'];
    const practiceArb: fc.Arbitrary<Practice> = fc.record({
      accounts: fc.uniqueArray(fc.record({ id: fc.constantFrom(...ids), role: fc.constantFrom(...ROLES), disabled: fc.boolean() }),
        { selector: (a) => a.id, minLength: 1, maxLength: ids.length }),
      assignments: fc.uniqueArray(fc.record({ account: fc.constantFrom(...ids), client: fc.constantFrom(...CLIENTS) }),
        { selector: (r) => `${r.account}/${r.client}`, maxLength: 8 }),
      supervisions: fc.uniqueArray(fc.record({ supervisor: fc.constantFrom(...ids), clinician: fc.constantFrom(...ids) })
        .filter((s) => s.supervisor !== s.clinician), { selector: (r) => `${r.supervisor}/${r.clinician}`, maxLength: 4 }),
    }).map((p) => {
      // The database's foreign keys: assignments and supervisions name existing accounts.
      const known = new Set(p.accounts.map((a) => a.id));
      return {
        accounts: p.accounts,
        assignments: p.assignments.filter((r) => known.has(r.account)),
        supervisions: p.supervisions.filter((s) => known.has(s.supervisor) && known.has(s.clinician)),
      };
    });
    await fc.assert(fc.asyncProperty(practiceArb, async (practice) => {
      await setPractice(practice);
      for (const caller of [...ids, 'stranger']) {
        const readable = readableClients(practice, caller);
        const expected = readable === 'all' ? CLIENTS : CLIENTS.filter((c) => readable.has(c));
        expect(await asApp(caller, (db) => visibleClients(db))).toEqual(expected);
      }
    }), { numRuns: 40 });
  });
});
