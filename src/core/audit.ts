import { DamagedError, FullError, ReadOnlyError } from '../store/errors.js';
import type { AuditListed, ReadTx, RecordStore, WriteTx } from '../store/port.js';
import { AuditUnreadableError, parseHead, verifyAuditChain, type AuditVerification } from '../domain/audit-chain.js';
import { InputError } from './errors.js';
import { checkId } from './ids.js';
import type { Actor } from './model.js';
import type { Timeframe } from './timeframe.js';

/** The chain's hash and its verification live on the floor below core and the engines. */
export { AuditUnreadableError, auditHash, GENESIS_HASH, parseHead, verifyAuditChain, type AuditVerification } from '../domain/audit-chain.js';

export type AuditOutcome = 'ok' | 'refused' | 'failed';

export interface AuditEvent {
  action: string;
  client_id?: string | null;
  object_id?: string | null;
  outcome?: AuditOutcome;
}

/**
 * Appends one entry through the store port, in the transaction of the write it records (the
 * engine places it in its chain and hashes it).
 */
export async function appendAudit(tx: WriteTx, event: AuditEvent, who: Actor): Promise<void> {
  await tx.audit.append({
    at: who.now.toISOString(),
    actor: who.actor,
    action: event.action,
    client_id: event.client_id ?? null,
    object_id: event.object_id ?? null,
    outcome: event.outcome ?? 'ok',
  });
}

const unloggedOnPort = new WeakMap<RecordStore, AuditEntryUnwritten[]>();

/**
 * Runs a read with its audit entries, in one write transaction. When the store takes no writes
 * (a full disk, a read-only file, a file marked damaged) the read still goes ahead in a read
 * transaction, so the records can be got out (to an export or a backup on another disk), and
 * the entries it could not write are kept for the caller to report (`takeUnloggedPortReads`):
 * an unlogged read is never a silent one.
 */
export async function readLogged<T>(
  records: RecordStore, events: AuditEvent | AuditEvent[], who: Actor, read: (tx: ReadTx) => Promise<T>,
): Promise<T> {
  const list = Array.isArray(events) ? events : [events];
  try {
    return await records.write(async (tx) => {
      for (const event of list) await appendAudit(tx, event, who);
      return read(tx);
    });
  } catch (error) {
    if (!(error instanceof ReadOnlyError || error instanceof FullError)) throw error;
  }
  const value = await records.read(read);
  const pending = unloggedOnPort.get(records) ?? [];
  for (const event of list) pending.push({ ...event, actor: who.actor, at: who.now.toISOString() });
  unloggedOnPort.set(records, pending);
  return value;
}

/** The port reads whose audit entries could not be written since the last call (and forgets them). */
export function takeUnloggedPortReads(records: RecordStore): AuditEntryUnwritten[] {
  const pending = unloggedOnPort.get(records) ?? [];
  unloggedOnPort.delete(records);
  return pending;
}

/** A read that went ahead although its audit entry could not be written. */
export interface AuditEntryUnwritten extends AuditEvent {
  actor: string;
  at: string;
}

/**
 * Verifies the whole log; writes nothing, so the head it reports stays the head. On SQLite the
 * file's one chain, in seq order (a head kept elsewhere, `givenHead`, also catches a log cut at its
 * end); on PostgreSQL every client's chain, each against the head the database keeps of it.
 */
export async function verifyAudit(records: RecordStore, givenHead?: string): Promise<AuditVerification> {
  const wanted = parseHead(givenHead);
  if (records.engine !== 'sqlite') {
    if (wanted !== undefined) {
      throw new InputError('--head checks the one chain of a SQLite file: PostgreSQL keeps a chain per client, each with its head in the database, so verify without it');
    }
    const check = await records.read((tx) => tx.audit.verify());
    return { intact: check.intact, entries: check.entries, head: '', head_seq: 0, broken_seq: null, problem: check.problem };
  }
  try {
    return await records.read(async (tx) => {
      const result = verifyAuditChain(await tx.audit.listed({ clientId: null, start: null, end: END_OF_TIME }), wanted);
      // Every client and token was written with an entry naming it, in the same transaction. An
      // emptied log is a valid chain (and the next entry starts it again at 1): the records that
      // no entry names are what give it away.
      const unrecorded = result.intact ? await tx.audit.unrecorded() : undefined;
      if (unrecorded) {
        return {
          ...result,
          intact: false,
          problem: `audit log broken: ${unrecorded} is on record but no entry names it, so entries were deleted (the log was emptied, or cut at its start)`,
        };
      }
      return result;
    });
  } catch (error) {
    if (!(error instanceof DamagedError)) throw error;
    const cause = error.cause instanceof Error ? error.cause.message : error.message;
    throw new AuditUnreadableError(
      `the audit log cannot be read: a page does not decrypt or authenticate (${cause}), so the file was changed or damaged; restore it from a backup`,
    );
  }
}

/** Far past any entry's time: the end of "every entry". */
const END_OF_TIME = '9999-12-31T23:59:59.999Z';

/** The entries of one client (or all) inside a timeframe, oldest first; the reading is logged. */
export async function listAudit(records: RecordStore, clientId: string | null, timeframe: Timeframe, who: Actor): Promise<AuditListed[]> {
  if (clientId !== null) checkId(clientId, 'client');
  return readLogged(records, { action: 'audit.list', client_id: clientId }, who, (tx) => tx.audit.listed({
    clientId,
    start: timeframe.start?.toISOString() ?? null,
    end: timeframe.end.toISOString(),
  }));
}
