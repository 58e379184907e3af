import { InputError } from './errors.js';

/**
 * A correction (an amendment, an edit, a void) says why: the reason is kept with the record, so
 * that a reader of the record later sees who changed what, when and why.
 */
export function requireReason(reason: string | undefined, what: string, keptWith = 'the record'): string {
  const why = reason?.trim() ?? '';
  if (why === '') throw new InputError(`${what} needs a reason: add --reason "why" (it is kept with ${keptWith})`);
  return why;
}
