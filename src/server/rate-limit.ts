/**
 * Refused requests of callers without a valid token, per remote address: a token bucket of
 * `burst` refusals, refilled at `perMinute`. Past it the service answers 429 without an audit
 * entry, so no one without a token can grow the append-only audit log faster than that.
 *
 * Not @fastify/rate-limit: it counts every request of a key before the request is answered, and
 * what is limited here is refusals only, known once the token is checked and the route looked up
 * (a dashboard with a valid token is never limited, however often it asks, so an attacker on the
 * same host cannot lock it out), refilled continuously rather than in fixed windows; and the audit
 * log's own aggregation (RefusalAudit) has no counterpart in the plugin.
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

const MAX_ADDRESSES = 100_000;

/** What the audit log gets for one refusal of a caller without a valid token. */
export interface RefusalVerdict {
  /** 'entry': the refusal's own entry (the address's first in this window); 'cap': one entry saying the cap is reached; 'none'. */
  write: 'entry' | 'cap' | 'none';
  /** The window before, when some of its refusals were not logged one by one: one entry to say how many. */
  previous?: { refusals: number; addresses: number; window_start: Date };
}

/**
 * Refusals of callers without a valid token, aggregated for the audit log, so that no sender (one
 * address, or many: every address of 127.0.0.0/8 is a loopback one) can grow the append-only log
 * faster than a known rate. Time runs in windows of `windowMs`; in each, an address's first refusal
 * has its own entry and the rest are counted; past `cap` entries in a window, only one more says
 * so. The next window opens with one entry counting what was not logged one by one. So a window
 * gets at most cap + 2 entries, whatever the traffic: 62 a minute with the defaults.
 */
export class RefusalAudit {
  private window = Number.NEGATIVE_INFINITY;
  private readonly addresses = new Set<string>();
  private entries = 0;
  private unlogged = 0;
  private capReached = false;
  private seenAddresses = 0;

  constructor(readonly windowMs = 60_000, readonly cap = 60) {}

  take(address: string, nowMs: number): RefusalVerdict {
    const window = Math.floor(nowMs / this.windowMs);
    let previous: RefusalVerdict['previous'];
    if (window !== this.window) {
      if (this.unlogged > 0) {
        previous = { refusals: this.unlogged, addresses: this.seenAddresses, window_start: new Date(this.window * this.windowMs) };
      }
      this.window = window;
      this.addresses.clear();
      this.entries = 0;
      this.unlogged = 0;
      this.capReached = false;
      this.seenAddresses = 0;
    }
    const known = this.addresses.has(address);
    if (!known) {
      this.seenAddresses++;
      // Remembered up to a bound: past it, an address may be counted twice, never logged twice more than the cap allows.
      if (this.addresses.size < MAX_ADDRESSES) this.addresses.add(address);
    }
    if (!known && this.entries < this.cap) {
      this.entries++;
      return { write: 'entry', ...(previous ? { previous } : {}) };
    }
    this.unlogged++;
    if (!known && !this.capReached) {
      this.capReached = true;
      return { write: 'cap', ...(previous ? { previous } : {}) };
    }
    return { write: 'none', ...(previous ? { previous } : {}) };
  }

  /** What the current window did not log one by one, for the entry written when the service stops. */
  pending(): RefusalVerdict['previous'] {
    return this.unlogged > 0
      ? { refusals: this.unlogged, addresses: this.seenAddresses, window_start: new Date(this.window * this.windowMs) }
      : undefined;
  }
}
