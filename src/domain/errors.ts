/**
 * The errors every layer may throw, on the floor below core and the engines (issue 22): the faces
 * word them by class (exit 2 for InputError, 1 for TptError). core/errors.ts re-exports them.
 */

/** Bad input the user can fix: exit code 2. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Any other failure (duplicate id, wrong key, unreadable database): exit code 1. */
export class TptError extends Error {
  override name = 'TptError';
}

/** A referenced record that does not exist (exit 2; 404 over HTTP). */
export class NotFoundError extends InputError {
  override name = 'NotFoundError';
}

/** A record with that id exists already (exit 1; 409 over HTTP). */
export class ConflictError extends TptError {
  override name = 'ConflictError';
}
