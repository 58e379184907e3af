import type { Store } from '../db/store.js';
import { DamagedError, FullError, ReadOnlyError } from '../store/errors.js';
import type { AuditListed, ReadTx, RecordStore, WriteTx } from '../store/port.js';
import { InputError, TptError } from './errors.js';
import { checkId } from './ids.js';
import { sha256Hex } from './sha256.js';
import type { Actor, AuditEntry } from './model.js';
import type { Timeframe } from './timeframe.js';

/** The hash that stands before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditOutcome = 'ok' | 'refused' | 'failed';

export interface AuditEvent {
  action: string;
  client_id?: string | null;
  object_id?: string | null;
  outcome?: AuditOutcome;
}

/**
 * SHA-256 over a canonical form of the entry (a JSON array in a fixed field order) and the hash
 * of the entry before it, so that editing, reordering or deleting any entry breaks the chain.
 */
export function auditHash(entry: Omit<AuditEntry, 'hash'>): string {
  const canonical = JSON.stringify([
    entry.seq, entry.at, entry.actor, entry.action, entry.client_id, entry.object_id,
    entry.outcome, entry.prev_hash,
  ]);
  return sha256Hex(canonical);
}

/** Appends one entry. Call it inside the transaction of the write it records. */
export function recordAudit(store: Store, event: AuditEvent, who: Actor): AuditEntry {
  const last = store.lastAuditEntry();
  const unsigned = {
    seq: (last?.seq ?? 0) + 1,
    at: who.now.toISOString(),
    actor: who.actor,
    action: event.action,
    client_id: event.client_id ?? null,
    object_id: event.object_id ?? null,
    outcome: event.outcome ?? 'ok',
    prev_hash: last?.hash ?? GENESIS_HASH,
  };
  const entry = { ...unsigned, hash: auditHash(unsigned) };
  store.insertAuditEntry(entry);
  return entry;
}

/**
 * Appends one entry through the store port, in the transaction of the write it records (the
 * engine places it in its chain). The async counterpart of recordAudit, for core on the port.
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
 * logRead on the store port: the read and its audit entries in one write transaction. When the
 * store takes no writes (a full disk, a read-only file, a file marked damaged) the read still
 * goes ahead in a read transaction, so the records can be got out, and the entries it could not
 * write are kept for the caller to report (`takeUnloggedPortReads`): never a silent read.
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

/** A write the database cannot take: the disk is full, the file is read-only, or marked damaged. */
function cannotWrite(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code === 'SQLITE_FULL' || code.startsWith('SQLITE_READONLY') || code === 'TPT_WRITES_REFUSED');
}

const unlogged = new WeakMap<Store, AuditEntryUnwritten[]>();

/** A read that went ahead although its audit entry could not be written. */
export interface AuditEntryUnwritten extends AuditEvent {
  actor: string;
  at: string;
}

/**
 * Runs a read with its audit entries, in one transaction. When the database cannot take the
 * entries (a full disk, a read-only file), the read still goes ahead, so the records can be got
 * out (to an export or a backup on another disk), and the entries it could not write are kept
 * for the caller to report (`takeUnloggedReads`): an unlogged read is never a silent one.
 */
export function logRead<T>(store: Store, events: AuditEvent | AuditEvent[], who: Actor, read: () => T): T {
  const list = Array.isArray(events) ? events : [events];
  try {
    return store.transaction(() => {
      for (const event of list) recordAudit(store, event, who);
      return read();
    });
  } catch (error) {
    if (!cannotWrite(error)) throw error;
  }
  const value = store.readTransaction(read);
  const pending = unlogged.get(store) ?? [];
  for (const event of list) pending.push({ ...event, actor: who.actor, at: who.now.toISOString() });
  unlogged.set(store, pending);
  return value;
}

/** The reads whose audit entries could not be written since the last call (and forgets them). */
export function takeUnloggedReads(store: Store): AuditEntryUnwritten[] {
  const pending = unlogged.get(store) ?? [];
  unlogged.delete(store);
  return pending;
}

/** What `tpt audit verify` finds: an intact chain, or the first entry where it breaks. */
export interface AuditVerification {
  intact: boolean;
  /** Entries read. */
  entries: number;
  /** The hash of the last entry (GENESIS_HASH for an empty log). */
  head: string;
  head_seq: number;
  /** The first entry that does not check out, with why; null when intact. */
  broken_seq: number | null;
  problem: string | null;
  /** With --head: the entry that hash names (null when the log holds no such entry). */
  given_head_seq?: number | null;
}

const HEX_HASH = /^[0-9a-f]{64}$/;

/** The log's pages themselves fail to decrypt: there is no chain to verify. */
export class AuditUnreadableError extends TptError {
  override name = 'AuditUnreadableError';
}

/**
 * Recomputes the chain in log order. An edited entry no longer matches its own hash; a deleted
 * one leaves a gap in the sequence; a reordered one carries another seq or links to the wrong
 * predecessor. A log cut at its end is still a valid chain: only a head kept elsewhere catches
 * that (`givenHead`), when the log holds no entry with that hash.
 */
export function verifyAuditChain(entries: Iterable<AuditEntry>, givenHead?: string): AuditVerification {
  const wanted = parseHead(givenHead);
  let count = 0;
  let previous: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH };
  let givenHeadSeq: number | null = null;
  let broken: { seq: number; problem: string } | null = null;
  for (const entry of entries) {
    count++;
    if (broken) continue;
    broken = entryProblem(entry, previous);
    if (!broken && entry.hash === wanted) givenHeadSeq = entry.seq;
    previous = { seq: entry.seq, hash: entry.hash };
  }
  if (!broken && wanted !== undefined && givenHeadSeq === null) {
    broken = {
      seq: previous.seq + 1,
      problem: `no entry has the head hash you gave: the log was cut short (it now ends at entry ${previous.seq}; the entries after it are missing) or the hash is mistyped`,
    };
  }
  const result: AuditVerification = {
    intact: broken === null,
    entries: count,
    head: previous.hash,
    head_seq: previous.seq,
    broken_seq: broken?.seq ?? null,
    problem: broken?.problem ?? null,
  };
  if (wanted !== undefined) result.given_head_seq = givenHeadSeq;
  return result;
}

/** A head as the user typed it: 64 hex digits, any case. */
export function parseHead(givenHead: string | undefined): string | undefined {
  const wanted = givenHead?.trim().toLowerCase();
  if (wanted !== undefined && !HEX_HASH.test(wanted)) {
    throw new InputError(`invalid --head "${givenHead}": give the 64 hex digits \`tpt audit verify\` printed as the head`);
  }
  return wanted;
}

function entryProblem(entry: AuditEntry, previous: { seq: number; hash: string }): { seq: number; problem: string } | null {
  const expected = previous.seq + 1;
  if (entry.seq !== expected) {
    const missing = entry.seq === expected + 1 ? `entry ${expected} is` : `entries ${expected} to ${entry.seq - 1} are`;
    return { seq: entry.seq, problem: `${missing} missing before it (deleted)` };
  }
  if (entry.hash !== auditHash(entry)) {
    return { seq: entry.seq, problem: 'its contents do not match its hash (edited, or moved from another place)' };
  }
  if (entry.prev_hash !== previous.hash) {
    return { seq: entry.seq, problem: `it does not link to entry ${previous.seq} before it (reordered or replaced)` };
  }
  return null;
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

// until src/core/check.ts moves onto the port
export function verifyAuditSync(store: Store, givenHead?: string): AuditVerification {
  // Checked before the log is opened for reading: a statement left open would keep the
  // connection busy for the audit entry of the refusal.
  const wanted = parseHead(givenHead);
  try {
    const result = verifyAuditChain(store.auditEntries(), wanted);
    // Every client and token was written with an entry naming it, in the same transaction. An
    // emptied log is a valid chain (and the next entry starts it again at 1): the records that
    // no entry names are what give it away.
    const unrecorded = result.intact ? store.recordWithoutAuditEntry() : undefined;
    if (unrecorded) {
      return {
        ...result,
        intact: false,
        problem: `audit log broken: ${unrecorded} is on record but no entry names it, so entries were deleted (the log was emptied, or cut at its start)`,
      };
    }
    return result;
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (!code.startsWith('SQLITE_CORRUPT')) throw error;
    throw new AuditUnreadableError(
      `the audit log cannot be read: a page does not decrypt or authenticate (${(error as Error).message}), so the file was changed or damaged; restore it from a backup`,
    );
  }
}

/** The entries of one client (or all) inside a timeframe, oldest first; the reading is logged. */
export async function listAudit(records: RecordStore, clientId: string | null, timeframe: Timeframe, who: Actor): Promise<AuditListed[]> {
  if (clientId !== null) checkId(clientId, 'client');
  return readLogged(records, { action: 'audit.list', client_id: clientId }, who, (tx) => tx.audit.listed({
    clientId,
    start: timeframe.start?.toISOString() ?? null,
    end: timeframe.end.toISOString(),
  }));
}
