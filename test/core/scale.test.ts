import { describe, expect, it } from 'vitest';
import { parseMood, scoreOf, stateOf } from '../../src/core/scale.js';
import { InputError } from '../../src/core/errors.js';

describe('the emotional scale', () => {
  it('maps names to scores -2..2 and back', () => {
    expect(scoreOf('very_negative')).toBe(-2);
    expect(scoreOf('neutral')).toBe(0);
    expect(scoreOf('very_positive')).toBe(2);
    expect(stateOf(-1)).toBe('negative');
    expect(stateOf(1)).toBe('positive');
  });

  it('accepts a name in any case, with - or _, or a number -2..2', () => {
    expect(parseMood('Very-Positive')).toBe('very_positive');
    expect(parseMood('-2')).toBe('very_negative');
    expect(parseMood('+1')).toBe('positive');
    expect(parseMood(0)).toBe('neutral');
  });

  it('refuses anything else with the list of valid moods', () => {
    expect(() => parseMood('happy')).toThrow(InputError);
    expect(() => parseMood('happy')).toThrow(/use one of very_negative, negative, neutral, positive, very_positive/);
    expect(() => parseMood('3')).toThrow(InputError);
    expect(() => parseMood('1.5')).toThrow(InputError);
  });
});
