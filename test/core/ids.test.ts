import { describe, expect, it } from 'vitest';
import { checkId, ID_PATTERN, newId } from '../../src/core/ids.js';

describe('ids', () => {
  it('generates short readable ids with a prefix, never a bare number', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newId('goal')));
    expect(ids.size).toBe(2000);
    for (const id of ids) {
      expect(id).toMatch(/^goal_[a-z2-9]{8}$/);
      expect(id.slice(5)).not.toMatch(/[01ilo]/); // no look-alike characters
      expect(ID_PATTERN.test(id)).toBe(true);
    }
  });

  it('accepts user ids of the SPEC pattern and refuses others', () => {
    expect(checkId('client_123', 'client')).toBe('client_123');
    expect(checkId('a.b-c_d', 'client')).toBe('a.b-c_d');
    expect(() => checkId('-leading', 'client')).toThrow(/invalid client id/);
    expect(() => checkId('has space', 'goal')).toThrow(/invalid goal id/);
    expect(() => checkId('x'.repeat(65), 'session')).toThrow(/1-64/);
    expect(checkId('x'.repeat(64), 'session')).toHaveLength(64);
  });
});
