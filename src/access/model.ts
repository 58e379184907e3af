/**
 * The practice's access model (issue 23), on the floor: it imports nothing from core, the store or
 * the engines. Accounts with one role each, caseload assignments (account, client), supervisions
 * (supervisor, clinician), and the one decision every face asks before it reads or writes:
 * `decide(practice, caller, action, client)`. The PostgreSQL engine enforces the same reading
 * rule again, as row-level security (`readableClients` is what `my_clients()` returns there).
 */

/** The roles of a practice, as issue 23 lists them. */
export const ROLES = [
  'clinician', // reads and writes their own caseload
  'clinician_all_clients', // a clinician who also reads (never writes) every client
  'supervisor', // a clinician who also reads their supervisees' caseloads and reviews their notes
  'practice_manager', // accounts, assignments, the access log; no clinical text
  'auditor', // the audit and access logs
  'administrator', // keys, retention, backups
] as const;
export type Role = (typeof ROLES)[number];

/** What a caller asks to do to one client. */
export const CLIENT_ACTIONS = [
  'client.see', // know that the client exists: its id in a list, its name
  'clinical.read', // read clinical text: sessions, goals, measures, risks
  'clinical.write', // log, amend, sign one's own notes
  'note.review', // co-sign or return a supervisee's note
] as const;
/** What a caller asks to do to the practice as a whole (no client). */
export const PRACTICE_ACTIONS = [
  'accounts.manage',
  'caseload.manage',
  'access-log.read',
  'audit.read',
  'keys.manage',
  'retention.manage',
  'backup.run',
] as const;
export type ClientAction = (typeof CLIENT_ACTIONS)[number];
export type PracticeAction = (typeof PRACTICE_ACTIONS)[number];
export type Action = ClientAction | PracticeAction;

export interface Account {
  readonly id: string;
  readonly role: Role;
  /** A disabled account is refused everything, its sessions included. */
  readonly disabled: boolean;
}

export interface Practice {
  readonly accounts: readonly Account[];
  /** Caseload assignments: a client may be assigned to more than one clinician (co-therapy). */
  readonly assignments: readonly { readonly account: string; readonly client: string }[];
  /** Supervisions: `supervisor` supervises `clinician`. */
  readonly supervisions: readonly { readonly supervisor: string; readonly clinician: string }[];
}

/**
 * The answer. A refusal carries nothing: the same value whether the client exists, belongs to
 * someone else, or never did, so no face can leak existence by passing a reason on.
 */
export type Decision = 'allow' | 'deny';

/** Roles that carry a caseload of their own (they log and sign notes). */
const CASELOAD_ROLES: ReadonlySet<Role> = new Set(['clinician', 'clinician_all_clients', 'supervisor']);

const PRACTICE_GRANTS: Readonly<Record<PracticeAction, ReadonlySet<Role>>> = {
  'accounts.manage': new Set(['practice_manager']),
  'caseload.manage': new Set(['practice_manager']),
  'access-log.read': new Set(['practice_manager', 'auditor']),
  'audit.read': new Set(['auditor']),
  'keys.manage': new Set(['administrator']),
  'retention.manage': new Set(['administrator']),
  'backup.run': new Set(['administrator']),
};

function isPracticeAction(action: Action): action is PracticeAction {
  return (PRACTICE_ACTIONS as readonly string[]).includes(action);
}

/** The active account with this id, or undefined (unknown or disabled: both refused alike). */
function activeAccount(practice: Practice, id: string): Account | undefined {
  const account = practice.accounts.find((candidate) => candidate.id === id);
  return account === undefined || account.disabled ? undefined : account;
}

/** The clients assigned to this account (whatever its role: a role change keeps assignments inert). */
function ownCaseload(practice: Practice, account: Account): Set<string> {
  if (!CASELOAD_ROLES.has(account.role)) return new Set();
  return new Set(practice.assignments.filter((row) => row.account === account.id).map((row) => row.client));
}

/** The clients on the caseloads of the active clinicians this supervisor supervises. */
function superviseesCaseload(practice: Practice, account: Account): Set<string> {
  if (account.role !== 'supervisor') return new Set();
  const clients = new Set<string>();
  for (const { supervisor, clinician } of practice.supervisions) {
    if (supervisor !== account.id) continue;
    const supervisee = activeAccount(practice, clinician);
    if (supervisee !== undefined) for (const client of ownCaseload(practice, supervisee)) clients.add(client);
  }
  return clients;
}

/**
 * The clients whose clinical text this caller may read, or 'all'. What `my_clients()` returns on
 * PostgreSQL; empty for an unknown or disabled caller.
 */
export function readableClients(practice: Practice, caller: string): ReadonlySet<string> | 'all' {
  const account = activeAccount(practice, caller);
  if (account === undefined) return new Set();
  if (account.role === 'clinician_all_clients') return 'all';
  return new Set([...ownCaseload(practice, account), ...superviseesCaseload(practice, account)]);
}

/**
 * May `caller` do `action` (to `client`, for a client action)? Decided from the practice's
 * relations alone, never from whether the client exists: a client nobody is assigned gets the
 * same answer as a client that never was.
 */
export function decide(practice: Practice, caller: string, action: Action, client?: string): Decision {
  const account = activeAccount(practice, caller);
  if (account === undefined) return 'deny';
  if (isPracticeAction(action)) return PRACTICE_GRANTS[action].has(account.role) ? 'allow' : 'deny';
  if (client === undefined) return 'deny';
  const own = ownCaseload(practice, account).has(client);
  const supervised = superviseesCaseload(practice, account).has(client);
  switch (action) {
    case 'client.see':
      // The practice manager assigns clients, so sees their ids (never their text).
      if (account.role === 'practice_manager' || account.role === 'clinician_all_clients') return 'allow';
      return own || supervised ? 'allow' : 'deny';
    case 'clinical.read':
      if (account.role === 'clinician_all_clients') return 'allow';
      return own || supervised ? 'allow' : 'deny';
    case 'clinical.write':
      return own ? 'allow' : 'deny';
    case 'note.review':
      return supervised ? 'allow' : 'deny';
  }
}
