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
