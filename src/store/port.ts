import type {
  Amendment, AuditEvent, ClientSummary, MachineEntry, AuditRecord, Goal, GoalHistoryEntry, GoalStatus, ListedSession, Measure, MeasureState, MeasureVersion, MilestoneWithState, Milestone, RiskEvent, RiskRow, TokenRow, Session, SessionState, SessionVersion,
} from '../domain/records.js';
import type { AdminReads, AdminWrites, StoreMaintenance } from './port-admin.js';
import type { CareReads, CareWrites } from './port-care.js';
import type { ExchangeReads, ExchangeWrites } from './port-exchange.js';
import type { IngestReads, IngestWrites } from './port-ingest.js';
import type { SearchReads } from './port-search.js';
import type { PracticeReads, PracticeWrites } from './port-practice.js';
import type { StoreBulk } from './port-layers.js';

/**
 * The store port (issue 22): the one way to the records, whatever engine holds them. Work runs
 * in a transaction, `write(async tx => …)` or `read(async tx => …)`: it commits when the work
 * resolves and rolls back when it throws. Every check that decides a write is made inside that
 * write, on rows the write has locked (`lock`), or left to a rule the engine enforces (an id
 * taken is a ConflictError from src/store/errors.ts, decided by a unique key, never by a look
 * first). Engines raise only the errors of src/store/errors.ts.
 *
 * This is the first slice: clients, sessions and their void and signature, goals and their
 * history, and the audit log, which is what both engines implement and the contract suite
 * (test/store/contract.test.ts) runs over both. The rest of core's operations join it when core
 * moves onto it (docs/postgres-engine.md, "What remains").
 */
export type EngineName = 'sqlite' | 'postgres';

export interface RecordStore {
  readonly engine: EngineName;
  write<T>(work: (tx: WriteTx) => Promise<T>): Promise<T>;
  read<T>(work: (tx: ReadTx) => Promise<T>): Promise<T>;
  /** The upkeep of the whole store, outside any transaction: check, backup, rekey (port-admin.ts). */
  readonly maintenance: StoreMaintenance;
  /** Export's and import's tuning and a second reader, where the engine has any (port-layers.ts). */
  readonly bulk?: StoreBulk;
  close(): Promise<void>;
  /**
   * The same records, each transaction run for this account (issue 23): on PostgreSQL as the
   * application role with the caller set, so row-level security applies. Core's checks wrap it
   * (src/core/access-store.ts, asCaller); an engine without a second layer leaves it out.
   */
  as?(caller: string): RecordStore;
}

export interface ReadTx {
  readonly clients: ClientReads;
  readonly sessions: SessionReads;
  readonly goals: GoalReads;
  readonly milestones: MilestoneReads;
  readonly measures: MeasureReads;
  readonly risks: RiskReads;
  readonly tokens: TokenReads;
  readonly audit: AuditReads;
  readonly settings: SettingsReads;
  /** Purge, retention and the other upkeep of the whole record (src/store/port-admin.ts). */
  readonly admin: AdminReads;
  /** Courses, measure schedules and the caseload's and practice's figures (port-care.ts). */
  readonly care: CareReads;
  /** Export, import and ingestion in bulk (port-exchange.ts). */
  readonly exchange: ExchangeReads;
  /** What `tpt ingest` took, a batch of lines at a time (port-ingest.ts). */
  readonly ingest: IngestReads;
  /** The records `tpt search` may match, with their text (port-search.ts). */
  readonly search: SearchReads;
  /** Accounts, caseloads and supervisions of a group practice (port-practice.ts). */
  readonly practice: PracticeReads;
}

export interface WriteTx {
  readonly clients: ClientReads & ClientWrites;
  readonly sessions: SessionReads & SessionWrites;
  readonly goals: GoalReads & GoalWrites;
  readonly milestones: MilestoneReads & MilestoneWrites;
  readonly measures: MeasureReads & MeasureWrites;
  readonly risks: RiskReads & RiskWrites;
  readonly tokens: TokenReads & TokenWrites;
  readonly audit: AuditReads & AuditWrites;
  readonly settings: SettingsReads & SettingsWrites;
  readonly admin: AdminReads & AdminWrites;
  readonly care: CareReads & CareWrites;
  readonly exchange: ExchangeReads & ExchangeWrites;
  readonly ingest: IngestReads & IngestWrites;
  readonly search: SearchReads;
  readonly practice: PracticeReads & PracticeWrites;
}

/** Settings of the whole database (the retention policy, the demo mark), as text. */
export interface SettingsReads {
  get(key: string): Promise<string | undefined>;
}

export interface SettingsWrites {
  set(key: string, value: string): Promise<void>;
}

export interface ClientReads {
  exists(clientId: string): Promise<boolean>;
  /** Every client's id, in order. */
  ids(): Promise<string[]>;
  /**
   * Every client with its figures, by id (`tpt clients`): live sessions, the latest one and the
   * latest with crisis flags, active goals, mean progress of the goals not discontinued, and the
   * kinds of its open risks in order.
   */
  summaries(): Promise<ClientFigures[]>;
}

/** A client's figures as `tpt clients` lists them: the domain's ClientSummary, one shape for every layer. */
export type ClientFigures = ClientSummary;

export interface ClientWrites {
  /** Makes the client unless it exists; true when it was made. */
  ensure(clientId: string, createdAt: string): Promise<boolean>;
}

export interface SessionWithState {
  session: Session;
  state: SessionState;
}

export interface SessionReads {
  /** A session, voided or not, with its state. */
  get(sessionId: string): Promise<SessionWithState | undefined>;
  /**
   * A client's sessions, newest first (time, then id); voided ones only when asked. With `start`
   * and `end` (UTC ISO 8601, both included) only those inside; with `limit` at most that many.
   */
  ofClient(clientId: string, options?: SessionRange): Promise<ListedSession[]>;
  /** The techniques a client's live sessions used, most used first, then by name (byte order). */
  techniques(clientId: string): Promise<string[]>;
  /** A session's earlier versions, oldest first (the current one is `get`'s). */
  versions(sessionId: string): Promise<SessionVersion[]>;
  /**
   * A client's machine-written sessions (issue 25), oldest first (time, then id), in the range and
   * with voided ones as `ofClient` takes them (`limit` aside). Few: a partial index finds them.
   */
  machineWritten(clientId: string, options?: SessionRange): Promise<MachineEntry[]>;
}

export interface SessionRange {
  includeVoid?: boolean;
  start?: string | null;
  end?: string;
  limit?: number;
}

export interface VoidMark {
  at: string;
  by: string;
  reason: string;
}

export interface SessionWrites {
  /** A new session of an existing client; an id any session has is a ConflictError. */
  insert(session: Session): Promise<void>;
  /** As `get`, with the session's row locked until the transaction ends: check its state on this. */
  lock(sessionId: string): Promise<SessionWithState | undefined>;
  /**
   * Voids a session that is neither signed nor voided (or, with null, restores a voided one);
   * false when the session was not in that state. The guard is in the update itself.
   */
  setVoided(sessionId: string, mark: VoidMark | null): Promise<boolean>;
  /** Signs a session that is neither signed nor voided; false when it was one of them. */
  setSigned(sessionId: string, at: string, by: string): Promise<boolean>;
  /**
   * Makes `next` the current version of its session, keeping the current one whole among the
   * earlier versions: an amendment never overwrites. Guarded like the state changes: false, and
   * nothing written, unless the session is live and at version `amendment.version - 1`.
   */
  amend(next: Session, amendment: Amendment): Promise<boolean>;
  /** Marks new sessions of this transaction as written by a machine (issue 25). */
  markMachineWritten(sessionIds: readonly string[]): Promise<void>;
}

export interface GoalReads {
  get(goalId: string): Promise<Goal | undefined>;
  /** A client's goals, oldest first. */
  ofClient(clientId: string): Promise<Goal[]>;
  /** A goal's progress entries, oldest first. */
  history(goalId: string): Promise<GoalHistoryEntry[]>;
  /** A goal's edit log (corrections of its description, target, notes, set time), oldest first. */
  edits(goalId: string): Promise<RecordEdit[]>;
}

/** One edit of a goal or a milestone: who, when, why, and each changed field's [before, after]. */
export interface RecordEdit {
  at: string;
  actor: string;
  reason: string;
  changes: Record<string, [string | null, string | null]>;
}

/** The words and target of a goal, as an edit corrects them. */
export interface GoalText {
  description: string;
  target_date: string | null;
  notes: string;
}

export interface GoalWrites {
  /** A new goal of an existing client (milestones ignored); an id any goal has is a ConflictError. */
  insert(goal: Goal): Promise<void>;
  /** As `get`, with the goal's row locked until the transaction ends. */
  lock(goalId: string): Promise<Goal | undefined>;
  /** Appends a progress entry: its place is decided in the write, so two at once both land. */
  appendHistory(goalId: string, entry: GoalHistoryEntry): Promise<void>;
  setProgress(goalId: string, percentage: number, status: GoalStatus, updatedAt: string): Promise<void>;
  /** Writes a goal's description, target date and notes (read with `lock`), and when it was updated. */
  setText(goalId: string, text: GoalText, updatedAt: string): Promise<void>;
  /** Moves the time a goal was set: its created_at and the progress entry that opened it. */
  moveSetTime(goalId: string, setAt: string): Promise<void>;
  /** Appends to a goal's edit log: its place is decided under the goal's lock, so two at once both land. */
  appendEdit(goalId: string, edit: RecordEdit): Promise<void>;
}

export interface MilestoneReads {
  /** A milestone, voided or not, with its state. */
  get(milestoneId: string): Promise<MilestoneWithState | undefined>;
  /**
   * A client's milestones (one goal's, with `goalId`) in the order of a goal's milestone list:
   * achieved, then recorded, then id; voided ones only when asked.
   */
  ofClient(clientId: string, options?: { goalId?: string; includeVoid?: boolean }): Promise<MilestoneWithState[]>;
  /** A milestone's edit log, oldest first. */
  edits(milestoneId: string): Promise<RecordEdit[]>;
  /** When a milestone was recorded (not its day: when it was written), or undefined. */
  recordedAt(milestoneId: string): Promise<string | undefined>;
}

/** What an edit of a milestone corrects. */
export interface MilestoneFields {
  description: string;
  achieved_date: string;
  significance: Milestone['significance'];
}

export interface MilestoneWrites {
  /**
   * A new milestone of an existing goal of its client; an id any milestone has is a
   * ConflictError, a goal that is not there a NotFoundError.
   */
  insert(milestone: Milestone, createdAt: string): Promise<void>;
  /** As `get`, with the milestone's row locked until the transaction ends. */
  lock(milestoneId: string): Promise<MilestoneWithState | undefined>;
  /** Voids a live milestone (or, with null, restores a voided one); false when it was not so. */
  setVoided(milestoneId: string, mark: VoidMark | null): Promise<boolean>;
  /** Writes a milestone's description, day and significance (read with `lock`). */
  setFields(milestoneId: string, fields: MilestoneFields): Promise<void>;
  /** Appends to a milestone's edit log: its place is decided under the milestone's lock. */
  appendEdit(milestoneId: string, edit: RecordEdit): Promise<void>;
}

export interface MeasureWithState {
  measure: Measure;
  state: MeasureState;
}

/** The mark an amendment of a measure leaves on the version it makes. */
export interface MeasureAmendment {
  /** The new version's number: the current one's plus one. */
  version: number;
  amended_at: string;
  amended_by: string;
  amend_reason: string;
}

export interface MeasureReads {
  /** A measure, voided or not, with its state. */
  get(measureId: string): Promise<MeasureWithState | undefined>;
  /** A client's measures, oldest first (taken, recorded, id); voided ones only when asked. */
  ofClient(clientId: string, options?: { includeVoid?: boolean }): Promise<MeasureWithState[]>;
  /** A measure's earlier versions, oldest first (the current one is `get`'s). */
  versions(measureId: string): Promise<MeasureVersion[]>;
}

export interface MeasureWrites {
  /**
   * A new measure of an existing client, of one of its sessions or none; an id any measure has
   * is a ConflictError, a session that is not the client's a NotFoundError.
   */
  insert(measure: Measure): Promise<void>;
  /** As `get`, with the measure's row locked until the transaction ends. */
  lock(measureId: string): Promise<MeasureWithState | undefined>;
  /** Voids a live measure (or, with null, restores a voided one); false when it was not so. */
  setVoided(measureId: string, mark: VoidMark | null): Promise<boolean>;
  /**
   * Makes `next` (its time, session, items and total) the measure's current version, keeping the
   * current one whole; false, and nothing written, unless it is live and at `version - 1`.
   */
  amend(next: Measure, amendment: MeasureAmendment): Promise<boolean>;
}

export interface RiskReads {
  /** A client's risk of one kind. */
  get(clientId: string, kind: string): Promise<RiskRow | undefined>;
  /** A client's risks (or its open ones): open first, then by latest flag, newest first, then kind. */
  ofClient(clientId: string, options?: { openOnly?: boolean }): Promise<RiskRow[]>;
  /** A risk's whole history, in the order it was recorded. */
  events(clientId: string, kind: string): Promise<RiskEvent[]>;
}

export interface RiskWrites {
  /** As `get`, with the risk's row locked until the transaction ends: decide its state on this. */
  lock(clientId: string, kind: string): Promise<RiskRow | undefined>;
  /** A client's first risk of a kind; a second of the same client and kind is a ConflictError. */
  insert(risk: RiskRow): Promise<void>;
  /** Writes the state of a risk read with `lock` (status, times, resolution). */
  update(risk: RiskRow): Promise<void>;
  /** Appends to a risk's history: its place is decided under the risk's lock, so two at once both land. */
  appendEvent(clientId: string, kind: string, event: RiskEvent): Promise<void>;
}

export interface TokenReads {
  /** Every token, revoked ones too, oldest first. */
  all(): Promise<TokenRow[]>;
  /** The tokens not revoked: what a request's token is checked against. */
  active(): Promise<Pick<TokenRow, 'token_id' | 'name' | 'hash' | 'scope'>[]>;
}

export interface TokenWrites {
  /** A new token; an id or a hash any token has is a ConflictError. */
  insert(token: TokenRow): Promise<void>;
  /** Revokes an active token; false when there is no such active token (the guard is in the update). */
  revoke(tokenId: string, at: string): Promise<boolean>;
}

export interface AuditCheck {
  intact: boolean;
  entries: number;
  /** The first problem found, in one line with what to do; null when intact. */
  problem: string | null;
}

/** An entry as `tpt audit` lists it: with the hashes that chain it. */
export interface AuditListed extends AuditRecord {
  prev_hash: string;
  hash: string;
}

export interface AuditRange {
  /** The entries about this client, under its present id and the ids it had; null: every entry. */
  clientId: string | null;
  /** UTC ISO 8601, both ends included; a null start is the first entry. */
  start: string | null;
  end: string;
}

export interface AuditReads {
  /** The entries about one client (null: every entry), oldest first. */
  entries(clientId: string | null): Promise<AuditRecord[]>;
  /** The entries of a range, in the log's order (SQLite: seq; PostgreSQL: time, chain, seq), with their hashes. */
  listed(range: AuditRange): Promise<AuditListed[]>;
  /**
   * A client or token on record that no entry names (each was written with one), as "client
   * \"c1\"" or "token tok_1"; undefined when there is none. Entries deleted from the start of a
   * log leave a valid chain: the records they named give it away.
   */
  unrecorded(): Promise<string | undefined>;
  /** Recomputes every chain: an edited, missing, reordered or cut entry is a problem. */
  verify(): Promise<AuditCheck>;
}

export interface AuditWrites {
  /** Appends an entry to its chain, in this transaction: it commits with the write it records. */
  append(event: AuditEvent): Promise<void>;
}
