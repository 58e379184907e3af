/**
 * Login sessions (issue 23): a bearer token handed to the person once, stored only as its
 * SHA-256 hash (a random 256-bit token needs no slow hash: nothing to guess), bound to one
 * account, expiring after SESSION_TTL_MS, revocable. A disabled account's sessions are refused.
 */
import { nodeCrypto } from '../node-crypto.js';

export const SESSION_TTL_MS = 12 * 60 * 60_000;
/** Marks the token as tpt's in logs and secret scanners, as GitHub's prefixes do. */
export const SESSION_PREFIX = 'tpts_';

export interface SessionRecord {
  readonly hash: string;
  readonly account: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly revokedAt: number | null;
}

export function hashSessionToken(token: string): string {
  return nodeCrypto().createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new session for `account` at `now`: the token goes to the person, the record to the store. */
export function issueSession(account: string, now: number, ttl = SESSION_TTL_MS): { token: string; record: SessionRecord } {
  const token = SESSION_PREFIX + nodeCrypto().randomBytes(32).toString('base64url');
  return { token, record: { hash: hashSessionToken(token), account, createdAt: now, expiresAt: now + ttl, revokedAt: null } };
}

export function revokeSession(record: SessionRecord, now: number): SessionRecord {
  return record.revokedAt === null ? { ...record, revokedAt: now } : record;
}

/**
 * The account a presented token speaks for at `now`, or undefined: found by its hash (`find`
 * looks a record up by hash), not revoked, not expired, its account still active.
 */
export function sessionAccount(
  token: string, now: number, find: (hash: string) => SessionRecord | undefined, isActive: (account: string) => boolean,
): string | undefined {
  if (!token.startsWith(SESSION_PREFIX)) return undefined;
  const record = find(hashSessionToken(token));
  if (record === undefined || record.revokedAt !== null || now >= record.expiresAt) return undefined;
  return isActive(record.account) ? record.account : undefined;
}
