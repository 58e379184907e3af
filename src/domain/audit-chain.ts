/**
 * The audit log's hash chain on the floor below core and the engines (issue 22): how an entry is
 * hashed, and how a chain read back is verified. core/audit.ts re-exports these.
 */
import { InputError, TptError } from './errors.js';
import type { AuditEntry } from './records.js';
import { sha256Hex } from './sha256.js';

/** The hash that stands before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

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
