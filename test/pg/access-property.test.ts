import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_LAYERS_SETTING, type AccessLayers } from '../../src/access/layers.js';
import { decide, ROLES, type Practice, type Role } from '../../src/access/model.js';
import { asCaller } from '../../src/core/access-store.js';
import { listClients } from '../../src/core/clients.js';
import { NotFoundError } from '../../src/core/errors.js';
import { createGoal, listGoals, showGoal, updateGoal } from '../../src/core/goals.js';
import { addMeasure, listMeasures } from '../../src/core/measures.js';
import { listRisks } from '../../src/core/risks.js';
import { searchNotes } from '../../src/core/search.js';
import { showSessionDetail } from '../../src/core/session-corrections.js';
import { listSessions, logSession, techniquesOfClient } from '../../src/core/sessions.js';
import { openPool, type PgPool } from '../../src/pg/connect.js';
import { fieldKeyFrom } from '../../src/pg/field-cipher.js';
import { migrate } from '../../src/pg/migrate.js';
import { PgRecordStore } from '../../src/pg/record-store.js';
import { DeniedError } from '../../src/store/errors.js';
import type { RecordStore } from '../../src/store/port.js';
import { useTestDatabase } from '../support/postgres.js';

/**
 * Issue 23's first done-when: random practices and random requests through the core use cases,
 * on PostgreSQL, three times: both access layers, core's checks alone, row-level security alone
 * (TPT_TEST_ACCESS_LAYERS, src/access/layers.ts). Each outcome must be what src/access/model.ts
 * decides: an allowed request gives what the local owner gets (no wrongful refusal); a refused
 * one gives nothing of the client's records, and, to a caller who may not even see the client,
 * exactly what the same request about a client or record that never was gives (no leak of
 * existence). The last test breaks one policy and shows that row-level security alone is what
 * stood between the caller and the records in the third run.
 */

const database = useTestDatabase();
const KEYS = [fieldKeyFrom({ kind: 'raw', hex: 'ab'.repeat(32) })] as const;
const CLIENTS = ['c1', 'c2', 'c3'] as const;
/** A client, and records, that never were: the twin every refusal must look like. */
const NOPE = 'c9';
const ACCOUNTS = ['a1', 'a2', 'a3', 'a4'] as const;
const T0 = new Date('2026-03-02T10:00:00Z');
const owner = (now = T0) => ({ actor: 'owner', now });
const ALWAYS = { start: null, end: new Date('2027-01-01T00:00:00Z') };

let pool: PgPool;
let records: PgRecordStore;
let fresh = 0;

beforeAll(async () => {
  pool = await openPool(database.url());
  await migrate(pool);
  records = new PgRecordStore(pool, KEYS);
  for (const client of CLIENTS) {
    await logSession(records, {
      client_id: client, session_id: `s-${client}`, timestamp: '2026-03-01T09:00:00Z', emotional_state: -1,
      conversation_summary: `worry about work for ${client}`, techniques_used: ['cbt'], crisis_flags: ['self-harm'],
    }, owner());
    await createGoal(records, { client_id: client, goal_id: `g-${client}`, description: 'walk daily' }, owner());
    await addMeasure(records, { client_id: client, measure_id: `m-${client}`, measure: 'phq9', timestamp: '2026-03-01T09:30:00Z', items: [1, 1, 1, 1, 1, 1, 1, 1, 0] }, owner());
  }
});

afterAll(async () => {
  delete process.env[ACCESS_LAYERS_SETTING];
  await records?.close();
});

afterEach(() => {
  delete process.env[ACCESS_LAYERS_SETTING];
});

/** Replaces the practice's accounts, caseloads and supervisions, as the owner, in one transaction. */
async function setPractice(practice: Practice): Promise<void> {
  const db = await pool.pool.connect();
  try {
    await db.query('BEGIN');
    await db.query('DELETE FROM account_sessions; DELETE FROM supervisions; DELETE FROM caseload; DELETE FROM accounts');
    for (const account of practice.accounts) {
      await db.query('INSERT INTO accounts (account_id, role, created_at, disabled_at) VALUES ($1, $2, now(), $3)',
        [account.id, account.role, account.disabled ? new Date() : null]);
    }
    for (const { account, client } of practice.assignments) {
      await db.query(`INSERT INTO caseload (account_id, client_key, assigned_at)
        SELECT $1, client_key, now() FROM clients WHERE client_id = $2`, [account, client]);
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

const practiceArb: fc.Arbitrary<Practice> = fc.record({
  roles: fc.tuple(...ACCOUNTS.map(() => fc.constantFrom<Role>(...ROLES))),
  disabled: fc.tuple(...ACCOUNTS.map(() => fc.boolean())),
  assignments: fc.subarray(ACCOUNTS.flatMap((account) => CLIENTS.map((client) => ({ account, client })))),
  supervisions: fc.subarray(ACCOUNTS.flatMap((supervisor) => ACCOUNTS.filter((c) => c !== supervisor).map((clinician) => ({ supervisor, clinician })))),
}).map(({ roles, disabled, assignments, supervisions }) => ({
  // Mostly active: a disabled account is refused everything, which teaches little more than once.
  accounts: ACCOUNTS.map((id, i) => ({ id, role: roles[i]!, disabled: disabled[i]! && i === 3 })),
  assignments,
  supervisions,
}));

type Client = string;
/** A request about one client (its records by the client's id or the records' own ids). */
type ClientRequest = { kind: 'sessions' | 'session' | 'goals' | 'goal' | 'measures' | 'risks' | 'techniques' | 'log' | 'goal-new' | 'goal-update' | 'measure-new'; client: Client };
type Request = ClientRequest | { kind: 'clients' | 'search' };

const WRITES = new Set(['log', 'goal-new', 'goal-update', 'measure-new']);

const requestArb: fc.Arbitrary<Request> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('sessions', 'session', 'goals', 'goal', 'measures', 'risks', 'techniques', 'log', 'goal-new', 'goal-update', 'measure-new' as const),
    client: fc.constantFrom<Client>(...CLIENTS, NOPE),
  }) as fc.Arbitrary<ClientRequest>,
  fc.record({ kind: fc.constantFrom('clients', 'search' as const) }),
);

type Outcome = { ok: unknown } | { error: Error };

/** Runs a request through its use case; `id` names what a write makes (fresh every time). */
async function run(store: RecordStore, request: Request, id: string): Promise<Outcome> {
  const who = owner(new Date(T0.getTime() + 60_000));
  try {
    switch (request.kind) {
      case 'clients': return { ok: await listClients(store, who) };
      case 'search': return { ok: await searchNotes(store, 'worry', { clientId: null, timeframe: ALWAYS, includeVoid: false }, who) };
      case 'sessions': return { ok: await listSessions(store, request.client, ALWAYS, who) };
      case 'session': return { ok: await showSessionDetail(store, `s-${request.client}`, false, who) };
      case 'goals': return { ok: await listGoals(store, request.client, who) };
      case 'goal': return { ok: await showGoal(store, `g-${request.client}`, who) };
      case 'measures': return { ok: await listMeasures(store, request.client, ALWAYS, false, who) };
      case 'risks': return { ok: await listRisks(store, request.client, false, who) };
      case 'techniques': return { ok: await techniquesOfClient(store, request.client, who) };
      case 'log': return { ok: await logSession(store, { client_id: request.client, session_id: id, timestamp: '2026-03-02T09:00:00Z', emotional_state: 1, conversation_summary: 'better' }, who) };
      case 'goal-new': return { ok: await createGoal(store, { client_id: request.client, goal_id: id, description: 'sleep' }, who) };
      case 'goal-update': return { ok: await updateGoal(store, `g-${request.client}`, { completion_percentage: 10 + (fresh % 80) }, who) };
      case 'measure-new': return { ok: await addMeasure(store, { client_id: request.client, measure_id: id, measure: 'gad7', timestamp: '2026-03-02T09:10:00Z', items: [0, 0, 1, 1, 0, 0, 1] }, who) };
    }
  } catch (error) {
    return { error: error as Error };
  }
}

/** Did a write make its record (or, for a goal update, change the goal)? Read as the owner. */
async function wrote(request: ClientRequest, id: string, before: number | undefined): Promise<boolean> {
  return records.read(async (tx) => {
    switch (request.kind) {
      case 'log': return (await tx.sessions.get(id)) !== undefined;
      case 'goal-new': return (await tx.goals.get(id)) !== undefined;
      case 'measure-new': return (await tx.measures.get(id)) !== undefined;
      default: return (await tx.goals.history(`g-${request.client}`)).length !== before;
    }
  });
}

const isRefusal = (outcome: Outcome): boolean =>
  'error' in outcome && (outcome.error instanceof NotFoundError || outcome.error instanceof DeniedError);

/** An outcome as compared: a value as JSON, an error as its class and words with `from` as `to`. */
function shape(outcome: Outcome, from?: string, to?: string): string {
  // Whole words only: a client id such as c1 also occurs inside the test database's random name.
  const swap = (text: string) => (from === undefined ? text : text.replace(new RegExp(`\\b${from}\\b`, 'g'), to!));
  if ('ok' in outcome) return swap(JSON.stringify(outcome.ok));
  return `${outcome.error.constructor.name}: ${swap(outcome.error.message)}`;
}

async function checkRequest(practice: Practice, caller: string, given: Request): Promise<void> {
  const store = asCaller(records, caller);
  if (given.kind === 'clients' || given.kind === 'search') {
    const request = given;
    const mine = await run(store, request, '');
    const all = await run(records, request, '');
    const allowed = (clientId: string) => decide(practice, caller, 'clinical.read', clientId) === 'allow';
    const seen = (clientId: string) => decide(practice, caller, 'client.see', clientId) === 'allow';
    expect('ok' in mine, shape(mine)).toBe(true);
    const rows = (all as { ok: { client_id: string }[] }).ok;
    const expected = request.kind === 'search'
      ? rows.filter((row) => allowed(row.client_id))
      // Listed: the clients the caller reads, with figures; those it only sees, without.
      : rows.filter((row) => allowed(row.client_id) || seen(row.client_id)).map((row) => (allowed(row.client_id) ? row : {
        ...row, sessions: 0, last_session: null, last_crisis: null, active_goals: 0, average_goal_progress: null, open_risks: [],
      }));
    expect((mine as { ok: unknown }).ok, `${caller} ${request.kind}`).toEqual(expected);
    return;
  }
  const request = given as ClientRequest;
  const write = WRITES.has(request.kind);
  const action = write ? 'clinical.write' : 'clinical.read';
  const id = `x${++fresh}`;
  const before = request.kind === 'goal-update'
    ? await records.read(async (tx) => (await tx.goals.history(`g-${request.client}`)).length) : undefined;
  const mine = await run(store, request, id);
  const label = `${caller} ${request.kind} ${request.client}: ${shape(mine)}`;
  if (decide(practice, caller, action, request.client) === 'allow') {
    if (write) {
      // A write the model allows lands (on a client that exists; on one that never was, the
      // caller's write is refused like any other: a caller makes no new client).
      if (request.client === NOPE) expect(isRefusal(mine), label).toBe(true);
      else expect(await wrote(request, id, before), label).toBe(true);
    } else {
      expect(shape(mine), label).toBe(shape(await run(records, request, id)));
    }
    return;
  }
  // Refused: no record of the client's in the answer, and nothing written.
  if (write) expect(await wrote(request, id, before), label).toBe(false);
  // An empty answer (a use case that does not ask whether the client is there) or a refusal.
  if ('ok' in mine) expect(JSON.stringify(mine.ok), label).toBe('[]');
  else expect(isRefusal(mine), label).toBe(true);
  if (decide(practice, caller, 'client.see', request.client) === 'deny' && request.client !== NOPE) {
    // Not even existence: the same answer, word for word, as about the client that never was.
    const twin = await run(store, { ...request, client: NOPE }, `x${++fresh}`);
    expect(shape(mine, request.client, NOPE), label).toBe(shape(twin));
  }
}

const callerArb = fc.constantFrom<string>(...ACCOUNTS, 'ghost');

async function property(layers: AccessLayers, numRuns: number): Promise<void> {
  process.env[ACCESS_LAYERS_SETTING] = layers;
  await fc.assert(fc.asyncProperty(practiceArb, fc.array(fc.tuple(callerArb, requestArb), { minLength: 4, maxLength: 8 }), async (practice, requests) => {
    await setPractice(practice);
    for (const [caller, request] of requests) await checkRequest(practice, caller, request);
  }), { numRuns });
}

describe('every read and write checked, twice (a property, on PostgreSQL)', () => {
  it('both layers: no leak, no wrongful refusal', async () => {
    await property('both', 60);
  }, 120_000);

  it('core\'s checks alone: no leak, no wrongful refusal', async () => {
    await property('app', 60);
  }, 120_000);

  it('row-level security alone: no leak, no wrongful refusal', async () => {
    await property('rls', 60);
  }, 120_000);

  it('row-level security alone is a real test: with one policy broken, a caller reads another caseload', async () => {
    const practice: Practice = {
      accounts: [{ id: 'a1', role: 'clinician', disabled: false }, { id: 'a2', role: 'clinician', disabled: false }],
      assignments: [{ account: 'a1', client: 'c1' }, { account: 'a2', client: 'c2' }],
      supervisions: [],
    };
    await setPractice(practice);
    process.env[ACCESS_LAYERS_SETTING] = 'rls';
    const request: Request = { kind: 'session', client: 'c2' };
    expect(isRefusal(await run(asCaller(records, 'a1'), request, ''))).toBe(true);
    // The policies that hide other caseloads' sessions, their ids and their clients, replaced by
    // ones that hide nothing, as policies written carelessly would.
    await pool.pool.query(`ALTER POLICY sessions_read ON sessions USING (true);
      ALTER POLICY record_ids_read ON record_ids USING (true); ALTER POLICY clients_read ON clients USING (true)`);
    try {
      const leaked = await run(asCaller(records, 'a1'), request, '');
      expect(shape(leaked)).toContain('worry about work for c2');
      // The property itself finds it: the check above is the one the three runs make.
      await expect(checkRequest(practice, 'a1', request)).rejects.toThrow();
      // Core's checks, switched back on, stop it alone.
      process.env[ACCESS_LAYERS_SETTING] = 'app';
      await checkRequest(practice, 'a1', request);
    } finally {
      await pool.pool.query(`ALTER POLICY sessions_read ON sessions USING (client_key = ANY ((SELECT my_clients())::uuid[]));
        ALTER POLICY record_ids_read ON record_ids USING (client_key = ANY ((SELECT my_clients())::uuid[]));
        ALTER POLICY clients_read ON clients USING ((SELECT tpt_sees_every_client())
          OR client_key = ANY ((SELECT tpt_seen_keys())::uuid[]) OR merged_into = ANY ((SELECT tpt_seen_keys())::uuid[]))`);
    }
  });

  it('a caller\'s transaction runs as tpt_app, which owns nothing and cannot bypass row-level security', async () => {
    await setPractice({ accounts: [{ id: 'a1', role: 'clinician', disabled: false }], assignments: [], supervisions: [] });
    const seen = await (records.as('a1') as PgRecordStore).read(async (tx) => tx.settings.get('none'));
    expect(seen).toBeUndefined();
    const { rows: [role] } = await pool.pool.query(
      `SELECT rolsuper, rolbypassrls, (SELECT count(*)::int FROM pg_class WHERE relowner = r.oid) AS owns FROM pg_roles r WHERE rolname = 'tpt_app'`);
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, owns: 0 });
  });

  it('refuses the test-only setting outside tests', async () => {
    const { accessLayers } = await import('../../src/access/layers.js');
    expect(() => accessLayers({ [ACCESS_LAYERS_SETTING]: 'rls' })).toThrow(/test-only setting/);
    expect(accessLayers({})).toBe('both');
  });
});
