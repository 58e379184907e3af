import type { Role } from '../access/model.js';
import { ConflictError as StoreConflictError } from '../store/errors.js';
import type { AccountRow, PracticeWrites } from '../store/port-practice.js';
import type { RecordStore } from '../store/port.js';
import { appendAudit } from './audit.js';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import type { Actor } from './model.js';

/**
 * The accounts of a group practice (issue 23): one role each, a password kept only as its scrypt
 * hash (src/access/password.ts), disabled rather than deleted so the audit's names stay whole.
 * On the command line whoever holds the key is the practice's administrator and may run these;
 * once `tpt serve` has logins, the practice manager's role is the one that may (docs/practice.md).
 */

/**
 * The roles as the command line names them, each with the access model's name (src/access/model.ts,
 * the database's). Output shows the command line's word, so what is printed can be typed back.
 */
export const ROLE_WORDS = {
  clinician: 'clinician',
  'clinician-full': 'clinician_all_clients',
  supervisor: 'supervisor',
  manager: 'practice_manager',
  auditor: 'auditor',
  admin: 'administrator',
} as const satisfies Record<string, Role>;
export type RoleWord = keyof typeof ROLE_WORDS;

/** Roles that carry a caseload of their own (they log and sign notes), as src/access/model.ts has it. */
export const CASELOAD_ROLES: ReadonlySet<Role> = new Set<Role>(['clinician', 'clinician_all_clients', 'supervisor']);

export function parseRole(text: string): Role {
  const word = text.trim().toLowerCase();
  const role = (ROLE_WORDS as Record<string, Role>)[word] ?? Object.values(ROLE_WORDS).find((name) => name === word);
  if (role === undefined) {
    throw new InputError(`unknown role "${text}": use one of ${Object.keys(ROLE_WORDS).join(', ')}`);
  }
  return role;
}

export function roleWord(role: Role): RoleWord {
  return (Object.keys(ROLE_WORDS) as RoleWord[]).find((word) => ROLE_WORDS[word] === role)!;
}

/** An account as listed: never its password hash. */
export interface AccountInfo {
  account_id: string;
  role: RoleWord;
  created_at: string;
  disabled_at: string | null;
  /** The clients on its caseload, by id. */
  clients: string[];
  /** The accounts it supervises, and those supervising it. */
  supervises: string[];
  supervised_by: string[];
}

const NAME = /^[A-Za-z0-9][\w.@-]{0,63}$/;

export function checkAccountName(name: string): string {
  if (!NAME.test(name)) {
    throw new InputError(`invalid account name "${name}": use 1-64 letters, digits, ".", "_", "-" or "@", starting with a letter or digit`);
  }
  return name;
}

export function noAccount(name: string): NotFoundError {
  return new NotFoundError(`no account "${name}": see \`tpt account list\` for the accounts on record`);
}

/** The account of this name, its row locked for the rest of the write; refused when there is none. */
export async function lockedAccount(practice: PracticeWrites, name: string): Promise<AccountRow> {
  const account = await practice.lockAccount(name);
  if (account === undefined) throw noAccount(name);
  return account;
}

/**
 * A new account. `hash` makes the stored form of the password (src/access/password.ts's
 * hashNewPassword with core's strength check): it runs before the write, which is then one
 * insert, so a name taken is the unique key's to refuse.
 */
export async function createAccount(
  records: RecordStore, input: { name: string; role: string; password: string },
  hash: (password: string, context: string[]) => Promise<string>, who: Actor,
): Promise<AccountInfo> {
  const name = checkAccountName(input.name);
  const role = parseRole(input.role);
  const passwordHash = await hash(input.password, [name, 'tpt', 'therapy', 'clinic', 'practice']);
  const row: AccountRow = { account_id: name, role, password_hash: passwordHash, created_at: who.now.toISOString(), disabled_at: null };
  try {
    await records.write(async (tx) => {
      await tx.practice.insertAccount(row);
      await appendAudit(tx, { action: 'account.create', object_id: name }, who);
    });
  } catch (error) {
    if (error instanceof StoreConflictError) {
      throw new ConflictError(`account "${name}" exists already: choose another name (see \`tpt account list\`)`);
    }
    throw error;
  }
  return { account_id: name, role: roleWord(role), created_at: row.created_at, disabled_at: null, clients: [], supervises: [], supervised_by: [] };
}

/** Every account with its caseload and supervisions, by name. */
export async function listAccounts(records: RecordStore): Promise<AccountInfo[]> {
  return records.read(async (tx) => {
    // One after another: a PostgreSQL transaction is one connection, which runs one query at a time.
    const accounts = await tx.practice.accounts();
    const caseload = await tx.practice.caseload();
    const supervisions = await tx.practice.supervisions();
    return accounts.map((account) => ({
      account_id: account.account_id,
      role: roleWord(account.role),
      created_at: account.created_at,
      disabled_at: account.disabled_at,
      clients: caseload.filter((row) => row.account_id === account.account_id).map((row) => row.client_id),
      supervises: supervisions.filter((row) => row.supervisor_id === account.account_id).map((row) => row.clinician_id),
      supervised_by: supervisions.filter((row) => row.clinician_id === account.account_id).map((row) => row.supervisor_id),
    }));
  });
}

/**
 * Disables an account (`disabled` true) or enables it again. A disabled account is refused
 * everything once access is checked (src/access/model.ts); its caseload and supervisions stay.
 */
export async function setAccountDisabled(records: RecordStore, name: string, disabled: boolean, who: Actor): Promise<{ account_id: string; disabled_at: string | null }> {
  return records.write(async (tx) => {
    const account = await lockedAccount(tx.practice, name);
    if ((account.disabled_at !== null) === disabled) {
      throw new InputError(`account "${name}" is ${disabled ? 'disabled' : 'enabled'} already; nothing changed`);
    }
    const at = disabled ? who.now.toISOString() : null;
    await tx.practice.setDisabled(name, at);
    await appendAudit(tx, { action: disabled ? 'account.disable' : 'account.enable', object_id: name }, who);
    return { account_id: name, disabled_at: at };
  });
}

/**
 * Gives an account another role. Refused while it would leave a caseload or a supervision with
 * an account whose role has none: those are moved or ended first, so the rules never see one.
 */
export async function changeRole(records: RecordStore, name: string, roleText: string, who: Actor): Promise<{ account_id: string; role: RoleWord }> {
  const role = parseRole(roleText);
  return records.write(async (tx) => {
    const account = await lockedAccount(tx.practice, name);
    if (account.role === role) throw new InputError(`account "${name}" has the role ${roleWord(role)} already; nothing changed`);
    if (!CASELOAD_ROLES.has(role)) {
      const clients = await tx.practice.caseload(name);
      if (clients.length > 0) {
        throw new InputError(
          `account "${name}" has ${clients.length} client${clients.length === 1 ? '' : 's'} on its caseload and the role ${roleWord(role)} has none: ` +
          `move them first (tpt caseload transfer <client> --from ${name} --to <account>); nothing changed`);
      }
    }
    const supervisions = await tx.practice.supervisions();
    const supervised = supervisions.filter((row) => row.supervisor_id === name);
    if (role !== 'supervisor' && supervised.length > 0) {
      throw new InputError(
        `account "${name}" supervises ${supervised.map((row) => row.clinician_id).join(', ')}: ` +
        `end that first (tpt supervision remove ${name} --of <clinician>); nothing changed`);
    }
    const supervisors = supervisions.filter((row) => row.clinician_id === name);
    if (!CASELOAD_ROLES.has(role) && supervisors.length > 0) {
      throw new InputError(
        `account "${name}" is supervised by ${supervisors.map((row) => row.supervisor_id).join(', ')} and the role ${roleWord(role)} writes no notes: ` +
        `end that first (tpt supervision remove <supervisor> --of ${name}); nothing changed`);
    }
    await tx.practice.setRole(name, role);
    await appendAudit(tx, { action: 'account.role', object_id: name }, who);
    return { account_id: name, role: roleWord(role) };
  });
}
