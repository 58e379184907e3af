import { describe, expect, it } from 'vitest';
import { randomBytes } from '../../src/core/random.js';

describe('randomBytes', () => {
  it('gives as many bytes as asked, different each time', () => {
    expect(randomBytes(0)).toHaveLength(0);
    expect(randomBytes(32)).toHaveLength(32);
    const seen = new Set(Array.from({ length: 50 }, () => randomBytes(16).toString('hex')));
    expect(seen.size).toBe(50);
  });
});
