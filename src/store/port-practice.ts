/**
 * The store port's practice facet (issue 23): the accounts of the people of a practice, the
 * clients on each one's caseload, and who supervises whom. On SQLite these are tables of the
 * encrypted file; on PostgreSQL the tables of step 2 that its row-level security reads (a
 * caseload is filed there by the client's key, never its id). Times are UTC ISO 8601 text;
 * lists come ordered by their ids, compared byte by byte, on both engines.
 */

/**
 * The roles as stored: src/access/model.ts's ROLES, spelled again here because the store stands
 * below the access model (test/pg/boundaries.test.ts); core passes the model's Role, the same union.
 */
export type AccountRole = 'clinician' | 'clinician_all_clients' | 'supervisor' | 'practice_manager' | 'auditor' | 'administrator';

/** An account as stored: the password only as its scrypt hash (src/access/password.ts). */
export interface AccountRow {
  account_id: string;
  role: AccountRole;
  password_hash: string | null;
  created_at: string;
  disabled_at: string | null;
}

/** A client on an account's caseload, under the client's present id. */
export interface CaseloadRow {
  account_id: string;
  client_id: string;
  assigned_at: string;
}

export interface SupervisionRow {
  supervisor_id: string;
  clinician_id: string;
  since: string;
}

export interface PracticeReads {
  /** Every account, disabled ones too, by id. */
  accounts(): Promise<AccountRow[]>;
  account(accountId: string): Promise<AccountRow | undefined>;
  /** The caseload of one account, or of every account: by account, then client. */
  caseload(accountId?: string): Promise<CaseloadRow[]>;
  /** Every supervision, by supervisor, then clinician. */
  supervisions(): Promise<SupervisionRow[]>;
}

export interface PracticeWrites {
  /** A new account; an id any account has is a ConflictError. */
  insertAccount(account: AccountRow): Promise<void>;
  /** As `account`, with its row locked until the transaction ends: decide a change on this. */
  lockAccount(accountId: string): Promise<AccountRow | undefined>;
  /** Disables an account (or, with null, enables it); read it with `lockAccount` first. */
  setDisabled(accountId: string, at: string | null): Promise<void>;
  setRole(accountId: string, role: AccountRole): Promise<void>;
  /**
   * Puts an existing client on an existing account's caseload; a client already on it is a
   * ConflictError, a client or account that is not there a NotFoundError.
   */
  assign(row: CaseloadRow): Promise<void>;
  /** Takes a client off an account's caseload; false when it was not on it. */
  unassign(accountId: string, clientId: string): Promise<boolean>;
  /** A supervision of two existing accounts; one that exists already is a ConflictError. */
  addSupervision(row: SupervisionRow): Promise<void>;
  /** Ends a supervision; false when there was none. */
  removeSupervision(supervisorId: string, clinicianId: string): Promise<boolean>;
}
