import { InputError } from './errors.js';

/** The 5-point emotional scale of SPEC §1, from most negative to most positive. */
export const EMOTIONAL_STATES = [
  'very_negative',
  'negative',
  'neutral',
  'positive',
  'very_positive',
] as const;

export type EmotionalState = (typeof EMOTIONAL_STATES)[number];

export function scoreOf(state: EmotionalState): number {
  return EMOTIONAL_STATES.indexOf(state) - 2;
}

export function stateOf(score: number): EmotionalState {
  const state = EMOTIONAL_STATES[score + 2];
  if (state === undefined) throw new RangeError(`emotional score ${score} is outside -2..2`);
  return state;
}

/** Accepts a state name (any case, `-` or `_`) or a score -2..2. */
export function parseMood(input: string | number): EmotionalState {
  const text = String(input).trim().toLowerCase().replace(/-(?=[a-z])/g, '_');
  if (/^[+-]?\d+$/.test(text)) {
    const score = Number(text);
    if (score >= -2 && score <= 2) return stateOf(score);
  } else if ((EMOTIONAL_STATES as readonly string[]).includes(text)) {
    return text as EmotionalState;
  }
  throw new InputError(
    `unknown mood "${input}": use one of ${EMOTIONAL_STATES.join(', ')} (or -2..2)`,
  );
}
