import { createHmac, hkdfSync } from 'node:crypto';
import type pg from 'pg';
import type { FieldKey } from './field-cipher.js';

/**
 * The audit log on PostgreSQL: one hash chain per client, so that writers of different clients
 * never wait on one global head (the bottleneck a single chain would be on a busy server, and
 * across shards). Each chain's head row in audit_heads is locked FOR UPDATE by the writer that
 * appends to it, inside the transaction of the write it records: writers of one client queue
 * there, writers of others do not meet at all.
 *
 * An entry's hash is HMAC-SHA256, under the audit key, of the JSON array [chain_key, seq, at,
 * actor, action, client_id, object_id, outcome, key_id, prev_hash] (`at` as ISO 8601 UTC with
 * milliseconds). So an entry edited, or moved to another chain or place, no longer matches;
 * prev_hash links it to the entry before; the head (last seq and hash) shows a chain whose tail
 * was cut. Keyed, unlike SQLite's SHA-256 chain inside an encrypted file: the database's
 * administrator can rewrite rows, but without tpt's key cannot make hashes that verify.
 */
export const NO_CLIENT_CHAIN = '00000000-0000-0000-0000-000000000000';
export const GENESIS_HASH = '0'.repeat(64);

/** The key of the audit hashes, derived from the field key and named by the same id. */
export interface AuditKey {
  readonly id: string;
  readonly secret: Buffer;
}

export function auditKeyFrom(fieldKey: FieldKey): AuditKey {
  return { id: fieldKey.id, secret: Buffer.from(hkdfSync('sha256', fieldKey.secret, 'tpt', 'tpt audit chain v1', 32)) };
}

export interface AuditEvent {
  /** The client's key, or NO_CLIENT_CHAIN for an entry about no client (a token made, an export). */
  chainKey: string;
  at: Date;
  actor: string;
  action: string;
  /** The client's id as a person sees it now (a later rename does not change the entry). */
  clientId: string | null;
  objectId: string | null;
  outcome: 'ok' | 'refused' | 'failed';
}

export interface AuditEntry extends AuditEvent {
  seq: number;
  keyId: string;
  prevHash: string;
  hash: string;
}

export function entryHash(entry: Omit<AuditEntry, 'hash'>, key: AuditKey): string {
  const canonical = JSON.stringify([
    entry.chainKey, entry.seq, entry.at.toISOString(), entry.actor, entry.action, entry.clientId,
    entry.objectId, entry.outcome, entry.keyId, entry.prevHash,
  ]);
  return createHmac('sha256', key.secret).update(canonical).digest('hex');
}

/**
 * Appends one entry to its chain. Call it with the client of the transaction of the write it
 * records: the entry commits or rolls back with that write, and the chain's head stays locked
 * until then.
 */
export async function appendAudit(client: pg.ClientBase, event: AuditEvent, key: AuditKey): Promise<AuditEntry> {
  // A chain's first writer makes its head; a second writer of a new chain waits for the first's
  // row and then inserts nothing (no error), so neither reads "no head" and starts a second chain.
  await client.query(
    `INSERT INTO audit_heads (chain_key, seq, hash) VALUES ($1, 0, $2) ON CONFLICT (chain_key) DO NOTHING`,
    [event.chainKey, GENESIS_HASH]);
  const head = (await client.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_heads WHERE chain_key = $1 FOR UPDATE', [event.chainKey])).rows[0]!;
  const at = new Date(event.at.getTime());
  const unsigned = { ...event, at, seq: Number(head.seq) + 1, keyId: key.id, prevHash: head.hash };
  const entry: AuditEntry = { ...unsigned, hash: entryHash(unsigned, key) };
  await client.query(
    `INSERT INTO audit_log (chain_key, seq, at, actor, action, client_id, object_id, outcome, key_id, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [entry.chainKey, entry.seq, entry.at.toISOString(), entry.actor, entry.action, entry.clientId, entry.objectId,
      entry.outcome, entry.keyId, entry.prevHash, entry.hash]);
  await client.query('UPDATE audit_heads SET seq = $2, hash = $3 WHERE chain_key = $1', [entry.chainKey, entry.seq, entry.hash]);
  return entry;
}

export type ChainProblem =
  | { kind: 'changed'; seq: number }
  | { kind: 'unknown-key'; seq: number; keyId: string }
  | { kind: 'missing'; seq: number }
  | { kind: 'unlinked'; seq: number }
  | { kind: 'truncated'; lastSeq: number; headSeq: number }
  | { kind: 'head'; lastSeq: number };

export interface ChainReport {
  chainKey: string;
  entries: number;
  /** The head as verified: keep it elsewhere to catch a tail cut together with its head. */
  head: { seq: number; hash: string };
  problem?: ChainProblem;
}

/** Entries read per round trip: a chain of any length is verified in bounded memory. */
const PAGE = 1000;

/**
 * Verifies one chain from its first entry to its head, stopping at the first problem. `keys` are
 * every audit key the chain may use: the current one and those before a rekey.
 */
export async function verifyChain(db: pg.Pool | pg.ClientBase, chainKey: string, keys: readonly AuditKey[]): Promise<ChainReport> {
  const byId = new Map(keys.map((key) => [key.id, key]));
  const headRow = (await db.query<{ seq: number; hash: string }>(
    'SELECT seq, hash FROM audit_heads WHERE chain_key = $1', [chainKey])).rows[0];
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let entries = 0;
  const report = (problem?: ChainProblem): ChainReport => ({
    chainKey, entries, head: { seq: expectedSeq - 1, hash: prevHash }, ...(problem ? { problem } : {}),
  });
  for (;;) {
    const page = (await db.query<{
      seq: number; at: Date; actor: string; action: string; client_id: string | null; object_id: string | null;
      outcome: AuditEvent['outcome']; key_id: string; prev_hash: string; hash: string;
    }>(
      `SELECT seq, at, actor, action, client_id, object_id, outcome, key_id, prev_hash, hash FROM audit_log
        WHERE chain_key = $1 AND seq >= $2 ORDER BY seq LIMIT ${PAGE}`, [chainKey, expectedSeq])).rows;
    for (const row of page) {
      // bigint: a number through openPool's parsers, a string through a plain pool.
      row.seq = Number(row.seq);
      if (row.seq !== expectedSeq) return report({ kind: 'missing', seq: expectedSeq });
      const key = byId.get(row.key_id);
      if (key === undefined) return report({ kind: 'unknown-key', seq: row.seq, keyId: row.key_id });
      const recomputed = entryHash({
        chainKey, seq: row.seq, at: row.at, actor: row.actor, action: row.action, clientId: row.client_id,
        objectId: row.object_id, outcome: row.outcome, keyId: row.key_id, prevHash: row.prev_hash,
      }, key);
      if (recomputed !== row.hash) return report({ kind: 'changed', seq: row.seq });
      if (row.prev_hash !== prevHash) return report({ kind: 'unlinked', seq: row.seq });
      prevHash = row.hash;
      expectedSeq++;
      entries++;
    }
    if (page.length < PAGE) break;
  }
  const lastSeq = expectedSeq - 1;
  if (headRow === undefined) return report({ kind: 'head', lastSeq });
  const headSeq = Number(headRow.seq);
  if (headSeq > lastSeq) return report({ kind: 'truncated', lastSeq, headSeq });
  if (headSeq !== lastSeq || headRow.hash !== prevHash) return report({ kind: 'head', lastSeq });
  return report();
}

/** Every chain that has a head or an entry, each verified. */
export async function verifyAllChains(db: pg.Pool, keys: readonly AuditKey[]): Promise<ChainReport[]> {
  const chains = (await db.query<{ chain_key: string }>(
    `SELECT chain_key FROM audit_heads UNION SELECT DISTINCT chain_key FROM audit_log ORDER BY chain_key`)).rows;
  const reports: ChainReport[] = [];
  for (const { chain_key } of chains) reports.push(await verifyChain(db, chain_key, keys));
  return reports;
}

/** A problem in one line, with what to do about it. */
export function describeProblem(report: ChainReport): string | undefined {
  const problem = report.problem;
  if (problem === undefined) return undefined;
  const chain = report.chainKey === NO_CLIENT_CHAIN ? 'the audit chain of no client' : `the audit chain of client key ${report.chainKey}`;
  const fix = 'the log was altered outside tpt: compare it with a backup to see what changed';
  switch (problem.kind) {
    case 'changed':
      return `${chain}: entry ${problem.seq} does not match its hash (changed, or moved from another place): ${fix}`;
    case 'unknown-key':
      return `${chain}: entry ${problem.seq} was hashed under key ${problem.keyId}, which was not given: give that key file to verify it`;
    case 'missing':
      return `${chain}: entry ${problem.seq} is missing: ${fix}`;
    case 'unlinked':
      return `${chain}: entry ${problem.seq} does not follow the entry before it (one removed, inserted or reordered): ${fix}`;
    case 'truncated':
      return `${chain}: ends at entry ${problem.lastSeq} but its head says ${problem.headSeq} (entries cut from the end): ${fix}`;
    case 'head':
      return `${chain}: its head does not match its last entry ${problem.lastSeq}: ${fix}`;
  }
}
