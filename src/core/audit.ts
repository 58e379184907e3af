import { createHash } from 'node:crypto';
import type { Store } from '../db/store.js';
import type { Actor, AuditEntry } from './model.js';

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
  return createHash('sha256').update(canonical).digest('hex');
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
