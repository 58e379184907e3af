import { describe, expect, it } from 'vitest';
import { hashSessionToken, issueSession, revokeSession, sessionAccount, SESSION_TTL_MS, type SessionRecord } from '../../src/access/sessions.js';

describe('login sessions', () => {
  it('store only the hash, expire after the TTL, stop at revocation or a disabled account', () => {
    const { token, record } = issueSession('ana', 1_000);
    expect(token.startsWith('tpts_')).toBe(true);
    expect(JSON.stringify(record)).not.toContain(token.slice(5));
    expect(record.hash).toBe(hashSessionToken(token));
    const store = new Map<string, SessionRecord>([[record.hash, record]]);
    const active = new Set(['ana']);
    const who = (presented: string, now: number) => sessionAccount(presented, now, (hash) => store.get(hash), (a) => active.has(a));
    expect(who(token, 1_000)).toBe('ana');
    expect(who(token, 1_000 + SESSION_TTL_MS - 1)).toBe('ana');
    expect(who(token, 1_000 + SESSION_TTL_MS)).toBeUndefined();
    expect(who(`${token}x`, 2_000)).toBeUndefined();
    expect(who(record.hash, 2_000)).toBeUndefined();
    active.delete('ana');
    expect(who(token, 2_000)).toBeUndefined();
    active.add('ana');
    store.set(record.hash, revokeSession(record, 3_000));
    expect(who(token, 2_000)).toBeUndefined();
  });
});
