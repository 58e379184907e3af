/**
 * Refused requests of callers without a valid token, per remote address: a token bucket of
 * `burst` refusals, refilled at `perMinute`. Past it the service answers 429 without an audit
 * entry, so no one without a token can grow the append-only audit log faster than that.
 */
export class RefusalLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number; limited: boolean }>();

  constructor(
    readonly burst = 10,
    readonly perMinute = 10,
    /** Addresses remembered; the one refused longest ago is forgotten first. */
    private readonly maxAddresses = 10_000,
  ) {}

  /**
   * Takes one refusal from the address's bucket: 'allowed', 'limited', or 'started' for the
   * first refusal past the limit (the one worth an audit entry).
   */
  take(address: string, nowMs: number): 'allowed' | 'started' | 'limited' {
    let bucket = this.buckets.get(address);
    if (bucket) {
      this.buckets.delete(address); // re-inserted below: the map stays in order of last use
      bucket.tokens = Math.min(this.burst, bucket.tokens + ((nowMs - bucket.at) / 60_000) * this.perMinute);
      bucket.at = nowMs;
    } else {
      bucket = { tokens: this.burst, at: nowMs, limited: false };
      if (this.buckets.size >= this.maxAddresses) this.buckets.delete(this.buckets.keys().next().value!);
    }
    this.buckets.set(address, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.limited = false;
      return 'allowed';
    }
    if (bucket.limited) return 'limited';
    bucket.limited = true;
    return 'started';
  }

  /** Seconds until the address may be refused (and logged) again. */
  retryAfter(address: string): number {
    const bucket = this.buckets.get(address);
    return bucket ? Math.max(1, Math.ceil(((1 - bucket.tokens) / this.perMinute) * 60)) : 1;
  }
}
