import type { Role } from '../access/model.js';
import { ConflictError as StoreConflictError } from '../store/errors.js';
import type { AccountRow, PracticeWrites } from '../store/port-practice.js';
import type { RecordStore } from '../store/port.js';
import { CASELOAD_ROLES, checkAccountName, lockedAccount, roleWord } from './accounts.js';
import { appendAudit } from './audit.js';
import { requireClientIn } from './clients.js';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import type { Actor } from './model.js';

/**
 * Who has which client, and who supervises whom (issue 23): the caseloads and supervisions that
 * src/access/model.ts decides on. Each change is one write whose checks run inside it, on the
 * accounts' rows locked (in name order, so two changes of the same pair cannot deadlock); a
 * pair already there is the unique key's to refuse.
 */

export interface CaseloadMove {
  client_id: string;
  /** The account the client left, and the one it joined (null where the move has none). */
  from: string | null;
  to: string | null;
  at: string;
}

export interface SupervisionChange {
  supervisor_id: string;
  clinician_id: string;
  supervising: boolean;
  at: string;
}

/** Locks the accounts named, in name order, and gives them back by name. */
async function lockAll(practice: PracticeWrites, names: string[]): Promise<Map<string, AccountRow>> {
  const locked = new Map<string, AccountRow>();
  for (const name of [...names].sort()) locked.set(name, await lockedAccount(practice, name));
  return locked;
}

function requireCaseloadHolder(account: AccountRow): void {
  if (!CASELOAD_ROLES.has(account.role)) {
    throw new InputError(
      `account "${account.account_id}" has the role ${roleWord(account.role)}, which has no caseload: ` +
      'assign clients to a clinician, clinician-full or supervisor; nothing changed');
  }
  if (account.disabled_at !== null) {
    throw new InputError(`account "${account.account_id}" is disabled: enable it first (tpt account enable ${account.account_id}); nothing changed`);
  }
}

const alreadyOn = (clientId: string, account: string) =>
  new ConflictError(`client "${clientId}" is on ${account}'s caseload already: see \`tpt account list\``);

const notOn = (clientId: string, account: string) =>
  new NotFoundError(`client "${clientId}" is not on ${account}'s caseload: see \`tpt account list\`; nothing changed`);

/** Runs a write, its unique-key conflict told as `conflict` says. */
async function writeRefusingConflict<T>(records: RecordStore, work: Parameters<RecordStore['write']>[0], conflict: () => Error): Promise<T> {
  try {
    return await records.write(work) as T;
  } catch (error) {
    if (error instanceof StoreConflictError) throw conflict();
    throw error;
  }
}

/** Puts a client on an account's caseload (a client may be on several: co-therapy). */
export async function assignClient(records: RecordStore, clientId: string, to: string, who: Actor): Promise<CaseloadMove> {
  checkAccountName(to);
  const at = who.now.toISOString();
  await writeRefusingConflict(records, async (tx) => {
    await requireClientIn(tx, clientId);
    requireCaseloadHolder((await lockAll(tx.practice, [to])).get(to)!);
    await tx.practice.assign({ account_id: to, client_id: clientId, assigned_at: at });
    await appendAudit(tx, { action: 'caseload.assign', client_id: clientId, object_id: to }, who);
  }, () => alreadyOn(clientId, to));
  return { client_id: clientId, from: null, to, at };
}

/** Takes a client off an account's caseload. */
export async function unassignClient(records: RecordStore, clientId: string, from: string, who: Actor): Promise<CaseloadMove> {
  checkAccountName(from);
  const at = who.now.toISOString();
  await records.write(async (tx) => {
    await requireClientIn(tx, clientId);
    await lockAll(tx.practice, [from]);
    if (!await tx.practice.unassign(from, clientId)) throw notOn(clientId, from);
    await appendAudit(tx, { action: 'caseload.unassign', client_id: clientId, object_id: from }, who);
  });
  return { client_id: clientId, from, to: null, at };
}

/**
 * Moves a client from one caseload to another in one write: never on neither, never on both.
 * The audit entry names both accounts in its object, as "from>to".
 */
export async function transferClient(records: RecordStore, clientId: string, from: string, to: string, who: Actor): Promise<CaseloadMove> {
  checkAccountName(from);
  checkAccountName(to);
  if (from === to) throw new InputError(`--from and --to are both "${from}": name the account the client moves to`);
  const at = who.now.toISOString();
  await writeRefusingConflict(records, async (tx) => {
    await requireClientIn(tx, clientId);
    const accounts = await lockAll(tx.practice, [from, to]);
    requireCaseloadHolder(accounts.get(to)!);
    if (!await tx.practice.unassign(from, clientId)) throw notOn(clientId, from);
    await tx.practice.assign({ account_id: to, client_id: clientId, assigned_at: at });
    await appendAudit(tx, { action: 'caseload.transfer', client_id: clientId, object_id: `${from}>${to}` }, who);
  }, () => new ConflictError(
    `client "${clientId}" is on ${to}'s caseload already: take it off ${from}'s with \`tpt caseload unassign ${clientId} --from ${from}\``));
  return { client_id: clientId, from, to, at };
}

const SUPERVISES: ReadonlySet<Role> = new Set<Role>(['supervisor']);

/** `supervisor` starts supervising `clinician`: reading their caseload and reviewing their notes. */
export async function addSupervision(records: RecordStore, supervisor: string, clinician: string, who: Actor): Promise<SupervisionChange> {
  checkAccountName(supervisor);
  checkAccountName(clinician);
  if (supervisor === clinician) throw new InputError(`"${supervisor}" cannot supervise themselves: name another clinician with --of`);
  const at = who.now.toISOString();
  await writeRefusingConflict(records, async (tx) => {
    const accounts = await lockAll(tx.practice, [supervisor, clinician]);
    const head = accounts.get(supervisor)!;
    if (!SUPERVISES.has(head.role)) {
      throw new InputError(
        `account "${supervisor}" has the role ${roleWord(head.role)}, which cannot supervise: ` +
        `make it a supervisor first (tpt account role ${supervisor} supervisor); nothing changed`);
    }
    if (head.disabled_at !== null) {
      throw new InputError(`account "${supervisor}" is disabled: enable it first (tpt account enable ${supervisor}); nothing changed`);
    }
    const supervisee = accounts.get(clinician)!;
    if (!CASELOAD_ROLES.has(supervisee.role)) {
      throw new InputError(
        `account "${clinician}" has the role ${roleWord(supervisee.role)}, which writes no notes to supervise: ` +
        'name a clinician, clinician-full or supervisor with --of; nothing changed');
    }
    await tx.practice.addSupervision({ supervisor_id: supervisor, clinician_id: clinician, since: at });
    await appendAudit(tx, { action: 'supervision.add', object_id: `${supervisor}>${clinician}` }, who);
  }, () => new ConflictError(`${supervisor} supervises ${clinician} already: see \`tpt account list\``));
  return { supervisor_id: supervisor, clinician_id: clinician, supervising: true, at };
}

/** Ends a supervision. */
export async function removeSupervision(records: RecordStore, supervisor: string, clinician: string, who: Actor): Promise<SupervisionChange> {
  checkAccountName(supervisor);
  checkAccountName(clinician);
  const at = who.now.toISOString();
  await records.write(async (tx) => {
    await lockAll(tx.practice, supervisor === clinician ? [supervisor] : [supervisor, clinician]);
    if (!await tx.practice.removeSupervision(supervisor, clinician)) {
      throw new NotFoundError(`${supervisor} does not supervise ${clinician}: see \`tpt account list\`; nothing changed`);
    }
    await appendAudit(tx, { action: 'supervision.remove', object_id: `${supervisor}>${clinician}` }, who);
  });
  return { supervisor_id: supervisor, clinician_id: clinician, supervising: false, at };
}
