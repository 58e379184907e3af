import { describe, expect, it } from 'vitest';
import { admit, FRESH, recordFailure, recordSuccess, type ThrottleState } from '../../src/access/throttle.js';

/** Fails once at `now`, which must be admitted; returns the new state. */
function fail(state: ThrottleState, now: number): ThrottleState {
  const heard = admit(state, now);
  if (!heard.admit) throw new Error(`refused at ${now}, retry at ${heard.retryAt}`);
  return recordFailure(heard.state, now);
}

describe('the login throttle', () => {
  it('slows a brute force, then locks it out for 15 minutes, at hand-computed times', () => {
    let state = FRESH;
    // Failures 1 and 2 are free; the 3rd asks 1 s, then 2, 4, 8, 16, 32 s, then 60 s (the cap).
    state = fail(state, 0);
    state = fail(state, 0);
    expect(admit(state, 0).admit).toBe(true);
    state = fail(state, 0); // 3rd: next at 1,000
    expect(admit(state, 999)).toEqual({ admit: false, retryAt: 1_000, locked: false });
    state = fail(state, 1_000); // 4th: next at 3,000
    expect(admit(state, 2_999)).toEqual({ admit: false, retryAt: 3_000, locked: false });
    state = fail(state, 3_000); // 5th: 7,000
    state = fail(state, 7_000); // 6th: 15,000
    state = fail(state, 15_000); // 7th: 31,000
    state = fail(state, 31_000); // 8th: 63,000
    expect(admit(state, 62_999)).toEqual({ admit: false, retryAt: 63_000, locked: false });
    state = fail(state, 63_000); // 9th: 64 s capped at 60 s: 123,000
    expect(admit(state, 122_999)).toEqual({ admit: false, retryAt: 123_000, locked: false });
    state = fail(state, 123_000); // 10th: locked until 123,000 + 900,000 = 1,023,000
    expect(admit(state, 123_001)).toEqual({ admit: false, retryAt: 1_023_000, locked: true });
    expect(admit(state, 1_022_999)).toEqual({ admit: false, retryAt: 1_023_000, locked: true });
    // The lock-out lifts at 1,023,000 and the count starts again: two free failures.
    const lifted = admit(state, 1_023_000);
    expect(lifted).toEqual({ admit: true, state: FRESH });
    state = fail(state, 1_023_000);
    state = fail(state, 1_023_000);
    expect(state.failures).toBe(2);
    expect(admit(state, 1_023_000).admit).toBe(true);
  });

  it('a success clears the count', () => {
    let state = FRESH;
    for (let i = 0; i < 3; i++) state = fail(state, 0);
    expect(admit(state, 1_000).admit).toBe(true);
    state = recordSuccess();
    expect(state).toEqual(FRESH);
    state = fail(state, 1_000);
    expect(admit(state, 1_000).admit).toBe(true);
  });
});
