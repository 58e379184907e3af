import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { setCaller } from '../access/caller.js';
import { accessLayers } from '../access/layers.js';
import { StoreError } from '../store/errors.js';
import type { StoreMaintenance } from '../store/port-admin.js';
import type { ReadTx, RecordStore, WriteTx } from '../store/port.js';
import { auditKeyFrom, type AuditKey } from './audit-chain.js';
import { pgAdmin, pgMaintenance } from './admin-rows.js';
import { PgAudit } from './audit-rows.js';
import { pgCare } from './care-rows.js';
import { pgExchange } from './exchange-rows.js';
import { pgIngest } from './ingest-rows.js';
import { pgSearch } from './search-rows.js';
import { openPool, type PgPool, type PgPoolOptions } from './connect.js';
import { FieldCipher, type FieldKey, type KeyMaterial } from './field-cipher.js';
import { fieldKeysFor } from './field-keys.js';
import { PgGoals } from './goal-rows.js';
import { requireSchema } from './migrate.js';
import { PgMeasures } from './measure-rows.js';
import { PgMilestones } from './milestone-rows.js';
import { pgPractice } from './practice-rows.js';
import { PgRisks } from './risk-rows.js';
import { pgTokens } from './token-rows.js';
import { clientSummaries, PgSessions } from './session-rows.js';
import { inTransaction, type Isolation } from './transaction.js';

/**
 * The PostgreSQL engine behind the store port. Each `write` or `read` is one transaction on one
 * pooled connection (READ COMMITTED): races are decided by the engine, not by looks first (an id
 * taken is a unique violation; a state change locks its row FOR UPDATE before it is checked; an
 * audit chain's head is locked by its appender). Free text is sealed before it leaves the process.
 */
export class PgRecordStore implements RecordStore {
  readonly engine = 'postgres';
  private readonly cipher: FieldCipher;
  private readonly auditKeys: [AuditKey, ...AuditKey[]];
  /** Check, rekey, and why a backup is the server's tools' (src/pg/admin-rows.ts). */
  readonly maintenance: StoreMaintenance;

  /**
   * `keys`: the field key that seals first, then any that older values may be under. `caller`:
   * the account every transaction runs for (`as`), or none: the local owner, as before issue 23.
   */
  constructor(private readonly db: PgPool, private readonly keys: readonly [FieldKey, ...FieldKey[]], readonly caller?: string) {
    this.cipher = new FieldCipher(keys);
    const [first, ...rest] = keys.map(auditKeyFrom);
    this.auditKeys = [first!, ...rest];
    this.maintenance = pgMaintenance({
      db, keys, read: (work) => this.read(work), underKeys: (others) => new PgRecordStore(db, others),
    });
  }

  /**
   * These records for one account of the practice: each transaction becomes the application's
   * role (tpt_app: owns nothing, cannot bypass row-level security), whatever role connected, and
   * names the account in the transaction-local setting the policies read (src/access/caller.ts).
   */
  as(caller: string): PgRecordStore {
    return new PgRecordStore(this.db, this.keys, caller);
  }

  write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    return this.run(work, 'read committed');
  }

  read<T>(work: (tx: ReadTx) => Promise<T>): Promise<T> {
    // One snapshot for the whole read, as SQLite's read transaction gives.
    return this.run(work, 'repeatable read');
  }

  /**
   * The work's own errors (a rule of the caller's that refused) roll the transaction back and
   * come back as they were thrown; only what the driver raised becomes a store error.
   */
  private async run<T>(work: (tx: WriteTx) => Promise<T>, isolation: Isolation): Promise<T> {
    const fromDriver = new WeakSet<object>();
    let own: { error: unknown } | undefined;
    try {
      return await inTransaction(this.db, async (client) => {
        if (this.caller !== undefined) await this.becomeCaller(client);
        try {
          return await work(this.transaction(trackingErrors(client, fromDriver)));
        } catch (error) {
          if (!(error instanceof StoreError) && !(typeof error === 'object' && error !== null && fromDriver.has(error))) own = { error };
          throw error;
        }
      }, isolation);
    } catch (error) {
      if (own) throw own.error;
      throw error;
    }
  }

  /** Row-level security for this transaction; off only under the test-only TPT_TEST_ACCESS_LAYERS=app. */
  private async becomeCaller(client: pg.PoolClient): Promise<void> {
    if (accessLayers() === 'app') return;
    await client.query('SET LOCAL ROLE tpt_app');
    await setCaller(client, this.caller!);
  }

  async close(): Promise<void> {
    // A store bound to a caller shares its opener's pool: ending it is the opener's.
    if (this.caller === undefined) await this.db.pool.end();
  }

  private transaction(client: pg.PoolClient): WriteTx {
    const sessions = new PgSessions(client, this.cipher);
    const goals = new PgGoals(client, this.cipher);
    const milestones = new PgMilestones(client, this.cipher);
    const measures = new PgMeasures(client, this.cipher);
    const risks = new PgRisks(client, this.cipher);
    const audit = new PgAudit(client, this.auditKeys);
    return {
      clients: {
        exists: async (clientId) => (await client.query('SELECT 1 FROM clients WHERE client_id = $1', [clientId])).rowCount === 1,
        ids: async () => (await client.query<{ client_id: string }>(
          'SELECT client_id FROM clients WHERE client_id IS NOT NULL ORDER BY client_id COLLATE "C"')).rows.map((row) => row.client_id),
        summaries: () => clientSummaries(client),
        // A second writer of the same new client waits for the first's row, then makes none. A
        // client already there is not inserted at all: row-level security refuses a caller's
        // insert of a client even when it would conflict, and a caller writes only existing ones.
        ensure: async (clientId, createdAt) => (await client.query(
          `INSERT INTO clients (client_key, client_id, created_at) SELECT $1::uuid, $2::text, $3::timestamptz
           WHERE NOT EXISTS (SELECT 1 FROM clients WHERE client_id = $2) ON CONFLICT (client_id) DO NOTHING`,
          [randomUUID(), clientId, createdAt])).rowCount === 1,
      },
      sessions: {
        get: (sessionId) => sessions.get(sessionId),
        lock: (sessionId) => sessions.get(sessionId, true),
        ofClient: (clientId, options = {}) => sessions.ofClient(clientId, options),
        techniques: (clientId) => sessions.techniques(clientId),
        insert: (session) => sessions.insert(session),
        setVoided: (sessionId, mark) => sessions.setVoided(sessionId, mark),
        setSigned: (sessionId, at, by) => sessions.setSigned(sessionId, at, by),
        versions: (sessionId) => sessions.versions(sessionId),
        amend: (next, amendment) => sessions.amend(next, amendment),
        machineWritten: (clientId, options = {}) => sessions.machineWritten(clientId, options),
        markMachineWritten: (sessionIds) => sessions.markMachineWritten(sessionIds),
      },
      goals: {
        get: (goalId) => goals.get(goalId),
        lock: (goalId) => goals.get(goalId, true),
        ofClient: (clientId) => goals.ofClient(clientId),
        history: (goalId) => goals.history(goalId),
        insert: (goal) => goals.insert(goal),
        appendHistory: (goalId, entry) => goals.appendHistory(goalId, entry),
        setProgress: (goalId, percentage, status, updatedAt) => goals.setProgress(goalId, percentage, status, updatedAt),
        edits: (goalId) => goals.edits(goalId),
        setText: (goalId, text, updatedAt) => goals.setText(goalId, text, updatedAt),
        moveSetTime: (goalId, setAt) => goals.moveSetTime(goalId, setAt),
        appendEdit: (goalId, edit) => goals.appendEdit(goalId, edit),
      },
      milestones: {
        get: (milestoneId) => milestones.get(milestoneId),
        lock: (milestoneId) => milestones.get(milestoneId, true),
        ofClient: (clientId, options = {}) => milestones.ofClient(clientId, options),
        insert: (milestone, createdAt) => milestones.insert(milestone, createdAt),
        setVoided: (milestoneId, mark) => milestones.setVoided(milestoneId, mark),
        edits: (milestoneId) => milestones.edits(milestoneId),
        recordedAt: (milestoneId) => milestones.recordedAt(milestoneId),
        setFields: (milestoneId, fields) => milestones.setFields(milestoneId, fields),
        appendEdit: (milestoneId, edit) => milestones.appendEdit(milestoneId, edit),
      },
      measures: {
        get: (measureId) => measures.get(measureId),
        lock: (measureId) => measures.get(measureId, true),
        ofClient: (clientId, options = {}) => measures.ofClient(clientId, options.includeVoid ?? false),
        versions: (measureId) => measures.versions(measureId),
        insert: (measure) => measures.insert(measure),
        setVoided: (measureId, mark) => measures.setVoided(measureId, mark),
        amend: (next, amendment) => measures.amend(next, amendment),
      },
      risks: {
        get: (clientId, kind) => risks.get(clientId, kind),
        lock: (clientId, kind) => risks.get(clientId, kind, true),
        ofClient: (clientId, options = {}) => risks.ofClient(clientId, options.openOnly ?? false),
        events: (clientId, kind) => risks.events(clientId, kind),
        insert: (risk) => risks.insert(risk),
        update: (risk) => risks.update(risk),
        appendEvent: (clientId, kind, event) => risks.appendEvent(clientId, kind, event),
      },
      tokens: pgTokens(client),
      audit: {
        append: (event) => audit.append(event),
        entries: (clientId) => audit.entries(clientId),
        listed: (range) => audit.listed(range),
        unrecorded: () => audit.unrecorded(),
        verify: () => audit.verify(),
      },
      settings: {
        get: async (key) => (await client.query<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key])).rows[0]?.value,
        set: async (key, value) => {
          await client.query(
            'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
        },
      },
      admin: pgAdmin(client, this.cipher),
      care: pgCare(client, this.cipher),
      exchange: pgExchange(client, this.cipher),
      ingest: pgIngest(client, this.cipher),
      search: pgSearch(client, this.cipher),
      practice: pgPractice(client),
    };
  }
}

/** The connection, with every error its queries raise noted as the driver's. */
function trackingErrors(client: pg.PoolClient, fromDriver: WeakSet<object>): pg.PoolClient {
  const query = (...args: unknown[]): Promise<unknown> =>
    (client.query as (...given: unknown[]) => Promise<unknown>)(...args).catch((error: unknown) => {
      if (typeof error === 'object' && error !== null) fromDriver.add(error);
      throw error;
    });
  return new Proxy(client, { get: (target, name) => (name === 'query' ? query : Reflect.get(target, name, target)) });
}

/** Opens a PostgreSQL database with tpt's schema as a store of the port, under the keys given. */
export async function openPgStore(
  url: string, materials: readonly [KeyMaterial, ...KeyMaterial[]], options: PgPoolOptions = {},
): Promise<PgRecordStore> {
  const db = await openPool(url, options);
  try {
    await requireSchema(db);
    return new PgRecordStore(db, await fieldKeysFor(db, materials));
  } catch (error) {
    await db.pool.end().catch(() => undefined);
    throw error;
  }
}
