/**
 * The store port's admin facet: the upkeep of the record (a client's rename, merge and purge,
 * the retention review) and, apart from any transaction, the upkeep of the whole store
 * (`StoreMaintenance`: check, backup, rekey, the compaction after a purge). Every facet
 * operation is async and runs inside the transaction it is called on.
 */

/** Rows by table: a client's rows moved by a rename or merge, or deleted by a purge. */
export type RowCounts = Record<string, number>;

/** The latest trace of a client in each kind of record (UTC ISO 8601, or a date for milestones). */
export interface ClientActivity {
  client_id: string;
  created_at: string;
  last_session: string | null;
  last_goal_change: string | null;
  last_milestone_achieved: string | null;
  last_measure: string | null;
}

export interface AdminReads {
  /** Every client's latest trace (a merged client's records count as its own), by client id. */
  clientActivity(): Promise<ClientActivity[]>;
  /** Whether the client has an open course (never, on an engine that keeps no courses). */
  hasOpenCourse(clientId: string): Promise<boolean>;
  /** The measures the client has a live schedule of, in order (none without schedules). */
  liveSchedules(clientId: string): Promise<string[]>;
}

export interface AdminWrites {
  /** The client's creation time, its row locked until the transaction ends; undefined for no client. */
  lockClient(clientId: string): Promise<{ created_at: string } | undefined>;
  /**
   * Gives client `from` the id `to`: every record follows. An id taken is a ConflictError.
   * Returns the client's rows by table (the tables of the SQLite schema, in name order).
   */
  renameClient(from: string, to: string): Promise<RowCounts>;
  /**
   * Makes every record of `from` one of `into`'s and frees the id `from`; `into` dates from the
   * earlier of the two. Risks are the caller's to fold first (one per client and kind): a rule
   * of one record per client that still collides is a ConflictError. Returns the rows of `from`
   * by table, as `renameClient`.
   */
  mergeClient(from: string, into: string): Promise<RowCounts>;
  /** Removes a risk and its history: only to write them again under another client (a merge). */
  deleteRisk(clientId: string, kind: string): Promise<void>;
  /**
   * Deletes every row of the client (and of the clients merged into it) but the audit log's;
   * returns the rows deleted by table: goal_history, the client tables in name order, clients.
   */
  purgeClient(clientId: string): Promise<RowCounts>;
}

/** The audit log verified (src/core/audit.ts's AuditVerification). */
export interface AuditChainReport {
  intact: boolean;
  entries: number;
  /** The hash of the last entry ('' when the engine keeps one chain per client). */
  head: string;
  head_seq: number;
  broken_seq: number | null;
  problem: string | null;
  given_head_seq?: number | null;
}

/** What `tpt check` finds. */
export interface StoreCheck {
  /** The engine's own checks of its storage; empty when sound. */
  integrity_problems: string[];
  audit: AuditChainReport;
  /** What a killed run left and the open removed (SQLite's work files); empty elsewhere. */
  leftovers_removed: string[];
}

/** The store's key, as its maintenance needs it. */
export type StoreKey = { kind: 'raw'; hex: string } | { kind: 'passphrase'; passphrase: string };

/** The upkeep of the whole store, outside any transaction of the records. */
export interface StoreMaintenance {
  /** Whether deleted text is overwritten where it lay (SQLite's secure_delete; sealed values on PostgreSQL). */
  deletesSecurely(): Promise<boolean>;
  /** Before a purge's transaction: what lets a killed run's compaction be finished later. */
  markPurgePending(): Promise<void>;
  /** After a purge's transaction: leaves no trace of the deleted text; false when another process kept some (SQLite's WAL). */
  finishPurge(): Promise<boolean>;
  /**
   * The storage's own checks and the audit log's (against `givenHead`, a head kept elsewhere);
   * writes nothing but the removal of a killed run's leftovers.
   */
  check(givenHead?: string): Promise<StoreCheck>;
  /**
   * The reason, in one line, that this engine makes no backup file (PostgreSQL's are its
   * server's tools); undefined when `backup` makes one.
   */
  backupRefusal(): string | undefined;
  /**
   * A consistent copy into `target` (never over a file), under the store's key `key`, proven by
   * `prove` before it is kept (a throw removes it): `prove` gets the copy's path and its rows per
   * table as `key` opens them. Returns the copy's size in bytes.
   */
  backup(target: string, key: StoreKey, prove: (copy: string, counts: () => Record<string, number>) => void): Promise<number>;
  /** Rows per table of the store. */
  tableCounts(): Promise<Record<string, number>>;
  /**
   * A new key for the whole store, proven before it is reported: afterwards the store opens with
   * the new key, and the audit entry `event` is in it. Returns the new key file (null for a
   * passphrase). On SQLite a failure leaves the file on the old key and removes the new key file;
   * on PostgreSQL values may be under either key, and the new key file is kept (src/pg/rekey.ts).
   */
  rekey(current: StoreKey, change: RekeyChange, event: MaintenanceEvent): Promise<{ key_file: string | null }>;
}

/** How a rekey changes the store's key. */
export type RekeyChange =
  | { to: 'key_file'; /** the new key file, written and synced already, and its key */ path: string; key: StoreKey }
  | { to: 'passphrase'; passphrase: string };

/** The audit entry a whole-store operation leaves (written where the operation's result is). */
export interface MaintenanceEvent {
  at: string;
  actor: string;
  action: string;
}
