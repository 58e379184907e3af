import { describe, expect, it } from 'vitest';
import { RefusalLimiter } from '../../src/server/rate-limit.js';

describe('RefusalLimiter', () => {
  it('allows a burst, then one refusal per 6 s (10 a minute), per address', () => {
    const limiter = new RefusalLimiter(10, 10);
    const verdicts = Array.from({ length: 12 }, () => limiter.take('a', 0));
    expect(verdicts).toEqual([...Array(10).fill('allowed'), 'started', 'limited']);
    expect(limiter.take('b', 0)).toBe('allowed');
    expect(limiter.retryAfter('a')).toBe(6);
    expect(limiter.take('a', 5_999)).toBe('limited');
    expect(limiter.take('a', 6_500)).toBe('allowed'); // 6.5 s refill a little over one
    expect(limiter.take('a', 6_500)).toBe('started');
    const later = Array.from({ length: 11 }, () => limiter.take('a', 600_000)); // full again after a minute
    expect(later).toEqual([...Array(10).fill('allowed'), 'started']);
  });

  it('forgets the address refused longest ago past its size', () => {
    const limiter = new RefusalLimiter(1, 1, 2);
    expect(limiter.take('a', 0)).toBe('allowed');
    expect(limiter.take('b', 0)).toBe('allowed');
    expect(limiter.take('c', 0)).toBe('allowed'); // a is forgotten
    expect(limiter.take('a', 0)).toBe('allowed');
    expect(limiter.take('c', 0)).toBe('started');
  });
});
