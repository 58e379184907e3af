import { auditHash, GENESIS_HASH, verifyAuditChain } from '../domain/audit-chain.js';
import type { Amendment, AuditEntry, AuditEvent, AuditRecord, Goal, GoalHistoryEntry, GoalStatus, ListedSession, Session } from '../domain/records.js';
import type {
  AuditCheck, AuditListed, ReadTx, RecordStore, SessionWithState, VoidMark, WriteTx,
} from '../store/port.js';
import { auditEntriesMatching } from './audit-queries.js';
import { sqliteAdmin, sqliteMaintenance } from './engine-admin.js';
import { sqliteCare } from './engine-care.js';
import { sqliteBulk } from './engine-layers.js';
import { sqliteExchange } from './engine-exchange.js';
import { sqliteIngest } from './engine-ingest.js';
import { sqliteSearch } from './engine-search.js';
import { sqlitePractice } from './engine-practice.js';
import { sqliteMeasures } from './measure-rows.js';
import { sqliteMilestones } from './milestone-rows.js';
import { sqliteGoalEdits } from './record-edits.js';
import { activeTokenHashes, allTokens, insertToken, revokeToken } from './token-queries.js';
import { appendRiskEvent, insertRisk, riskEvents, riskRow, risksOfClient, updateRisk } from './risk-queries.js';
import { openDatabase, type DatabaseKey } from './connection.js';
import { fromSqliteError } from './engine-errors.js';
import { ReadOnlyError } from '../store/errors.js';
import type { StoreMaintenance } from '../store/port-admin.js';
import {
  earlierVersions, machineWritten, markMachineWritten, replaceWithAmendment, sessionWithState, setSigned, setVoided,
} from './session-versions.js';
import { Store } from './store.js';
import { TransactionQueue } from './writer-queue.js';

/**
 * The SQLite engine behind the store port: today's file, schema and queries (src/db), reached
 * through async transactions. One connection, so every transaction of this process queues
 * (TransactionQueue); across processes, a write takes SQLite's write lock with BEGIN IMMEDIATE
 * before its first read, so every check it makes holds until it commits.
 */
export class SqliteRecordStore implements RecordStore {
  readonly engine = 'sqlite';
  private readonly queue = new TransactionQueue();
  private readonly tx: WriteTx;
  /** Check, backup, rekey and a purge's compaction: queued behind this process's transactions. */
  readonly maintenance: StoreMaintenance;

  /** `busyMs`: how long a write waits for another process's write lock before a BusyError. */
  constructor(private readonly store: Store, private readonly busyMs = 5000) {
    this.tx = sqliteTransaction(store);
    this.maintenance = sqliteMaintenance(store, (work) => this.queue.run(work));
  }

  get bulk(): ReturnType<typeof sqliteBulk> { return sqliteBulk(this.store, (reader) => new SqliteRecordStore(reader)); }

  write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      // A file marked damaged takes no writes until `tpt check` passes (src/db/damage-mark.ts).
      const refusal = this.store.writeRefusal;
      if (refusal !== undefined) throw new ReadOnlyError(refusal);
      await this.beginImmediate();
      return this.finish(work);
    });
  }

  read<T>(work: (tx: ReadTx) => Promise<T>): Promise<T> {
    return this.queue.run(async () => {
      this.store.db.exec('BEGIN DEFERRED');
      return this.finish(work);
    });
  }

  async close(): Promise<void> {
    await this.queue.run(async () => this.store.close());
  }

  private async finish<T>(work: (tx: WriteTx) => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await work(this.tx);
    } catch (error) {
      this.rollback();
      throw fromSqliteError(error);
    }
    try {
      this.store.db.exec('COMMIT');
    } catch (error) {
      this.rollback();
      throw fromSqliteError(error);
    }
    return result;
  }

  private rollback(): void {
    // SQLite may have rolled back already (a full disk does): then there is nothing to end.
    if (this.store.db.inTransaction) this.store.db.exec('ROLLBACK');
  }

  /**
   * BEGIN IMMEDIATE, waiting for another process's write lock between ticks: the connection's
   * own busy handler would sleep inside the call and stop this process's event loop, so that a
   * transaction of a second connection in this process could never finish (a deadlock until
   * the timeout).
   */
  private async beginImmediate(): Promise<void> {
    const db = this.store.db;
    const deadline = Date.now() + this.busyMs;
    const previous = db.pragma('busy_timeout', { simple: true }) as number;
    db.pragma('busy_timeout = 0');
    try {
      for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
        try {
          db.exec('BEGIN IMMEDIATE');
          return;
        } catch (error) {
          const code = (error as { code?: string }).code ?? '';
          if (!code.startsWith('SQLITE_BUSY') || Date.now() >= deadline) throw fromSqliteError(error);
        }
        await new Promise((resolve) => setTimeout(resolve, pause));
      }
    } finally {
      db.pragma(`busy_timeout = ${Number(previous)}`);
    }
  }
}

/** Opens an encrypted SQLite file (or, with `create`, makes a new one) as a store of the port. */
export function openSqliteStore(path: string, key: DatabaseKey, options: { create?: boolean; busyMs?: number } = {}): SqliteRecordStore {
  return new SqliteRecordStore(new Store(openDatabase(path, key, { create: options.create ?? false })), options.busyMs);
}

/** Far past any record's time: a range "up to now" for the queries that take one. */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

function sqliteTransaction(store: Store): WriteTx {
  const getSession = async (sessionId: string): Promise<SessionWithState | undefined> => sessionWithState(store, sessionId);
  const getGoal = async (goalId: string): Promise<Goal | undefined> => store.goalById(goalId);
  return {
    clients: {
      exists: async (clientId) => store.clientExists(clientId),
      ids: async () => (store.statement('SELECT client_id FROM clients ORDER BY client_id').all() as { client_id: string }[])
        .map((row) => row.client_id),
      summaries: async () => store.clientSummaries(),
      ensure: async (clientId, createdAt) =>
        store.statement('INSERT OR IGNORE INTO clients (client_id, created_at) VALUES (?, ?)').run(clientId, createdAt).changes === 1,
    },
    sessions: {
      get: getSession,
      // The transaction holds SQLite's write lock from its BEGIN IMMEDIATE: every row is locked.
      lock: getSession,
      ofClient: async (clientId, options = {}): Promise<ListedSession[]> => store.sessionsInRange(
        clientId, options.start ?? null, options.end ?? END_OF_TIME, options.limit ?? -1, options.includeVoid ?? false),
      techniques: async (clientId) => store.techniquesOfClient(clientId),
      insert: async (session: Session) => store.insertSession(session),
      setVoided: async (sessionId: string, mark: VoidMark | null) => setVoided(store, sessionId, mark),
      setSigned: async (sessionId: string, at: string, by: string) => setSigned(store, sessionId, at, by),
      versions: async (sessionId: string) => earlierVersions(store, sessionId),
      amend: async (next: Session, amendment: Amendment) => amend(store, next, amendment),
      machineWritten: async (clientId, options = {}) => machineWritten(
        store, clientId, options.start ?? null, options.end ?? END_OF_TIME, options.includeVoid ?? false),
      markMachineWritten: async (sessionIds) => markMachineWritten(store, sessionIds),
    },
    goals: {
      ...sqliteGoalEdits(store),
      get: getGoal,
      lock: getGoal,
      ofClient: async (clientId) => store.goalsOfClient(clientId),
      history: async (goalId) => store.goalHistory(goalId),
      insert: async (goal: Goal) => store.insertGoal(goal),
      appendHistory: async (goalId: string, entry: GoalHistoryEntry) => store.appendGoalHistory(goalId, entry),
      setProgress: async (goalId: string, percentage: number, status: GoalStatus, updatedAt: string) =>
        store.updateGoalProgress(goalId, percentage, status, updatedAt),
    },
    milestones: sqliteMilestones(store),
    measures: sqliteMeasures(store),
    risks: {
      get: async (clientId, kind) => riskRow(store, clientId, kind),
      // The transaction holds SQLite's write lock from its BEGIN IMMEDIATE: every row is locked.
      lock: async (clientId, kind) => riskRow(store, clientId, kind),
      ofClient: async (clientId, options = {}) => risksOfClient(store, clientId, options.openOnly ?? false),
      events: async (clientId, kind) => riskEvents(store, clientId, kind),
      insert: async (risk) => insertRisk(store, risk),
      update: async (risk) => updateRisk(store, risk),
      appendEvent: async (clientId, kind, event) => appendRiskEvent(store, clientId, kind, event),
    },
    tokens: {
      all: async () => allTokens(store),
      active: async () => activeTokenHashes(store),
      insert: async (token) => insertToken(store, token),
      revoke: async (tokenId, at) => revokeToken(store, tokenId, at),
    },
    audit: {
      append: async (event: AuditEvent) => {
        // One chain for the file; the write lock of this transaction keeps its head still.
        const last = store.lastAuditEntry();
        const unsigned = { seq: (last?.seq ?? 0) + 1, ...event, prev_hash: last?.hash ?? GENESIS_HASH };
        store.insertAuditEntry({ ...unsigned, hash: auditHash(unsigned) });
      },
      entries: async (clientId) => {
        const entries = clientId === null
          ? store.statement('SELECT * FROM audit_log ORDER BY seq').all() as AuditEntry[]
          : auditEntriesMatching(store, { clientId, start: null, end: END_OF_TIME });
        return entries.map(toRecord);
      },
      listed: async (range) => auditEntriesMatching(store, range) as AuditListed[],
      unrecorded: async () => store.recordWithoutAuditEntry(),
      verify: async (): Promise<AuditCheck> => {
        const result = verifyAuditChain(store.auditEntries());
        return {
          intact: result.intact,
          entries: result.entries,
          problem: result.problem === null ? null : `audit entry ${result.broken_seq}: ${result.problem}: compare the file with a backup`,
        };
      },
    },
    settings: {
      get: async (key) => store.setting(key),
      set: async (key, value) => store.setSetting(key, value),
    },
    admin: sqliteAdmin(store),
    care: sqliteCare(store),
    exchange: sqliteExchange(store),
    ingest: sqliteIngest(store),
    search: sqliteSearch(store),
    practice: sqlitePractice(store),
  };
}

/**
 * The guarded amendment: the state is read under the write lock this transaction has held since
 * its BEGIN IMMEDIATE, so no other writer can change it before the copy and the update.
 */
function amend(store: Store, next: Session, amendment: Amendment): boolean {
  const current = store.statement('SELECT version, voided_at FROM sessions WHERE session_id = ?').get(next.session_id) as
    { version: number; voided_at: string | null } | undefined;
  if (!current || current.voided_at !== null || current.version !== amendment.version - 1) return false;
  replaceWithAmendment(store, next, amendment);
  return true;
}

function toRecord(entry: AuditEntry): AuditRecord {
  return {
    seq: entry.seq, at: entry.at, actor: entry.actor, action: entry.action, client_id: entry.client_id,
    object_id: entry.object_id, outcome: entry.outcome as AuditRecord['outcome'],
  };
}
