import { authenticate, scopeAllows, type TokenScope } from '../core/tokens.js';
import type { RecordStore } from '../store/port.js';

/**
 * Who makes a request. Today a service token (`tpt token create`), resolved from
 * `Authorization: Bearer <token>`; the union leaves room for an account's session
 * (src/access/sessions.ts) as a second kind, resolved the same way, so that routes ask
 * `callerMay` and `actorOf` and never look at how the caller proved who they are.
 */
export type Caller = { kind: 'token'; name: string; scope: TokenScope };

/** The bearer credential of an Authorization header, or undefined. */
export function bearerOf(header: string | undefined): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1];
}

/** The caller a bearer credential names, or undefined when it names none (unknown, revoked). */
export async function resolveCaller(records: RecordStore, credential: string | undefined): Promise<Caller | undefined> {
  if (!credential) return undefined;
  const token = await authenticate(records, credential);
  return token ? { kind: 'token', name: token.name, scope: token.scope } : undefined;
}

/** Whether the caller may call a route that needs `scope`. */
export function callerMay(caller: Caller, scope: TokenScope): boolean {
  return scopeAllows(caller.scope, scope);
}

/** The actor the audit log names for the caller's reads and writes. */
export function actorOf(caller: Caller): string {
  return `api:${caller.name}`;
}

/** Why the caller may not call `what` (a method and path), and what to do instead. */
export function scopeRefusal(caller: Caller, needed: TokenScope, what: string): string {
  return `this token's scope is ${caller.scope}; ${what} needs ${needed}: use a token made with \`tpt token create --scope ${needed}\``;
}
