import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RecordStore } from '../store/port.js';
import { appendAudit } from './audit.js';
import { InputError, NotFoundError } from './errors.js';
import { newId } from './ids.js';
import type { Actor } from './model.js';

/** A token as listed: never its secret, which exists only in the answer to `token create`. */
export interface TokenInfo {
  token_id: string;
  name: string;
  created_at: string;
  revoked_at: string | null;
  scope: TokenScope;
}

/**
 * What a token may do over HTTP, each scope including the one before it: `read` the records of a
 * client, `write` sessions, goals and milestones, `admin` export a client's whole record.
 */
export const TOKEN_SCOPES = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** A new token can read, unless given more: the least a dashboard needs. */
export const DEFAULT_SCOPE: TokenScope = 'read';

export function parseScope(text: string): TokenScope {
  const scope = text.trim().toLowerCase();
  if (!(TOKEN_SCOPES as readonly string[]).includes(scope)) {
    throw new InputError(`invalid --scope "${text}": use read, write or admin`);
  }
  return scope as TokenScope;
}

/** Whether a token of scope `has` may do what needs `needs`. */
export function scopeAllows(has: TokenScope, needs: TokenScope): boolean {
  return TOKEN_SCOPES.indexOf(has) >= TOKEN_SCOPES.indexOf(needs);
}

const hashOf = (secret: string) => createHash('sha256').update(secret, 'utf8').digest();

/** Creates a bearer token: 256 random bits, shown once; only its SHA-256 hash is stored. */
export async function createToken(
  records: RecordStore, name: string, who: Actor, scopeText: string = DEFAULT_SCOPE,
): Promise<TokenInfo & { token: string }> {
  const scope = parseScope(scopeText);
  const label = name.trim();
  if (!/^[\w.@-]{1,64}$/.test(label)) {
    throw new InputError(`invalid token name "${name}": use 1-64 letters, digits, ".", "_", "-" or "@"`);
  }
  const secret = `tpt_${randomBytes(32).toString('base64url')}`;
  const info: TokenInfo = { token_id: newId('tok'), name: label, created_at: who.now.toISOString(), revoked_at: null, scope };
  await records.write(async (tx) => {
    await tx.tokens.insert({ ...info, hash: hashOf(secret).toString('hex') });
    await appendAudit(tx, { action: 'token.create', object_id: info.token_id }, who);
  });
  return { ...info, token: secret };
}

export async function listTokens(records: RecordStore): Promise<TokenInfo[]> {
  const tokens = await records.read((tx) => tx.tokens.all());
  return tokens.map(({ hash: _hash, ...info }) => ({ ...info, scope: info.scope as TokenScope }));
}

export async function revoke(records: RecordStore, tokenId: string, who: Actor): Promise<void> {
  await records.write(async (tx) => {
    if (!await tx.tokens.revoke(tokenId, who.now.toISOString())) {
      throw new NotFoundError(`no active token "${tokenId}": see \`tpt token list\``);
    }
    await appendAudit(tx, { action: 'token.revoke', object_id: tokenId }, who);
  });
}

/**
 * The active token whose hash matches `secret`, or undefined. Every stored hash is compared, each
 * in constant time, so the answer's timing says nothing about which bytes matched.
 */
export async function authenticate(records: RecordStore, secret: string): Promise<{ token_id: string; name: string; scope: TokenScope } | undefined> {
  const presented = hashOf(secret);
  let match: { token_id: string; name: string; scope: TokenScope } | undefined;
  for (const token of await records.read((tx) => tx.tokens.active())) {
    if (timingSafeEqual(presented, Buffer.from(token.hash, 'hex'))) {
      match ??= { token_id: token.token_id, name: token.name, scope: token.scope as TokenScope };
    }
  }
  return match;
}
