import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/core/sha256.js';

describe('sha256Hex', () => {
  it('gives SHA-256 in hex, the same before and after it switches to node:crypto', () => {
    // FIPS 180-2 test vectors.
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const texts = ['["1","2026-01-01T00:00:00.000Z","dr-\u00e9l\u00e8ne"]', 'x'.repeat(1000), '\u{1F600} \u65e5\u672c'];
    for (let round = 0; round < 40; round++) {
      for (const text of texts) expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    }
  });
});
