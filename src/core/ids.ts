import { randomBytes } from './random.js';
import { InputError } from './errors.js';

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export type IdKind = 'session' | 'goal' | 'milestone' | 'client' | 'measure' | 'course';

export function checkId(value: string, kind: IdKind): string {
  if (!ID_PATTERN.test(value)) {
    throw new InputError(
      `invalid ${kind} id "${value}": use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit`,
    );
  }
  return value;
}

// Lower-case letters and digits without the look-alikes 0/o and 1/l/i, so an id read aloud or
// copied from paper survives.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A short readable id such as `goal_7k2m9q`: 8 characters of 31 give 8.5e11 values per kind. */
export function newId(prefix: 'ses' | 'goal' | 'ms' | 'msr' | 'tok' | 'crs', length = 8): string {
  let suffix = '';
  while (suffix.length < length) {
    for (const byte of randomBytes(length)) {
      // Reject the top of the byte range so every character is equally likely.
      if (byte < 248 && suffix.length < length) suffix += ALPHABET[byte % ALPHABET.length];
    }
  }
  return `${prefix}_${suffix}`;
}
