/**
 * The login throttle (issue 23): pure, the clock passed in. Kept per login name as typed, whether
 * or not an account has it, so a refusal says nothing about existence.
 *
 * - The first FREE_FAILURES consecutive failures cost nothing.
 * - After the n-th consecutive failure, n ≥ FREE_FAILURES, the
 *   next attempt waits BASE_DELAY_MS · 2^(n − FREE_FAILURES), at most MAX_DELAY_MS.
 * - The LOCKOUT_AFTER-th consecutive failure locks the name for LOCKOUT_MS; every attempt in that
 *   time is refused unheard (a right password too). When it lifts, the count starts again at zero.
 * - A success clears everything.
 */
export const FREE_FAILURES = 3;
export const BASE_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 60_000;
export const LOCKOUT_AFTER = 10;
export const LOCKOUT_MS = 15 * 60_000;

export interface ThrottleState {
  /** Consecutive failures since the last success or lifted lock-out. */
  readonly failures: number;
  /** No attempt is heard before this time (ms since the epoch). */
  readonly notBefore: number;
  /** Whether the wait until notBefore is a lock-out. */
  readonly locked: boolean;
}

export const FRESH: ThrottleState = { failures: 0, notBefore: 0, locked: false };

export type Admission = { readonly admit: true; readonly state: ThrottleState } | {
  readonly admit: false;
  readonly retryAt: number;
  readonly locked: boolean;
};

/**
 * May an attempt be heard at `now`? Refused attempts change nothing (a flood while waiting does
 * not lengthen the wait). Admitted, it returns the state to record the outcome on: a lifted
 * lock-out starts the count again.
 */
export function admit(state: ThrottleState, now: number): Admission {
  if (now < state.notBefore) return { admit: false, retryAt: state.notBefore, locked: state.locked };
  return { admit: true, state: state.locked ? FRESH : state };
}

/** The state after a failed attempt heard at `now`. */
export function recordFailure(state: ThrottleState, now: number): ThrottleState {
  const failures = state.failures + 1;
  if (failures >= LOCKOUT_AFTER) return { failures, notBefore: now + LOCKOUT_MS, locked: true };
  if (failures < FREE_FAILURES) return { failures, notBefore: now, locked: false };
  const delay = Math.min(BASE_DELAY_MS * 2 ** (failures - FREE_FAILURES), MAX_DELAY_MS);
  return { failures, notBefore: now + delay, locked: false };
}

/** The state after a successful attempt. */
export function recordSuccess(): ThrottleState {
  return FRESH;
}
