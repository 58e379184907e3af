import { describe, expect, it } from 'vitest';
import { refuseWeakPassphrase } from '../../src/core/passphrase-strength.js';
import { hashNewPassword, needsRehash, SCRYPT_PARAMS, verifyPassword } from '../../src/access/password.js';

const STRONG = 'ochre lantern tributary quietly hums';
/** Cheap parameters for the tests that are not about cost. */
const FAST = { ln: 10, r: 8, p: 1 };

describe('account passwords', () => {
  it('refuse a weak password with core\'s passphrase judgement, naming the account as context', async () => {
    await expect(hashNewPassword('password1', ['ana'], refuseWeakPassphrase, FAST)).rejects.toThrow(/too weak/);
    await expect(hashNewPassword('ana-tpt-2024', ['ana', 'tpt'], refuseWeakPassphrase, FAST)).rejects.toThrow(/too weak/);
  });

  it('store today\'s scrypt parameters, a fresh salt each time, and verify only the right password', async () => {
    const one = await hashNewPassword(STRONG, ['ana'], refuseWeakPassphrase);
    const two = await hashNewPassword(STRONG, ['ana'], refuseWeakPassphrase, FAST);
    expect(one).toMatch(new RegExp(`^scrypt\\$ln=${SCRYPT_PARAMS.ln},r=${SCRYPT_PARAMS.r},p=${SCRYPT_PARAMS.p}\\$`));
    expect(one).not.toContain(STRONG);
    expect(one.split('$')[2]).not.toBe(two.split('$')[2]);
    expect(await verifyPassword(STRONG, one)).toBe(true);
    expect(await verifyPassword(`${STRONG}.`, one)).toBe(false);
    expect(await verifyPassword(STRONG, two)).toBe(true);
    expect(needsRehash(one)).toBe(false);
    expect(needsRehash(two)).toBe(true);
  });

  it('refuse an absent, malformed or outrageous stored hash, after the same work', async () => {
    expect(await verifyPassword(STRONG, undefined)).toBe(false);
    expect(await verifyPassword(STRONG, 'plain')).toBe(false);
    const stored = await hashNewPassword(STRONG, [], async () => {}, FAST);
    expect(await verifyPassword(STRONG, stored.replace('ln=10', 'ln=30'))).toBe(false);
  });

  it('time a verify with today\'s parameters (measured, recorded in docs/practice.md)', async () => {
    const stored = await hashNewPassword(STRONG, [], async () => {});
    const start = performance.now();
    await verifyPassword(STRONG, stored);
    const ms = performance.now() - start;
    // A floor, not a ceiling: cheaper than this and the parameters have been weakened.
    expect(ms).toBeGreaterThan(50);
    console.log(`scrypt ln=${SCRYPT_PARAMS.ln} r=${SCRYPT_PARAMS.r} p=${SCRYPT_PARAMS.p}: ${ms.toFixed(0)} ms a verify`);
  });
});
