/** Bad input the user can fix: exit code 2. */
export class InputError extends Error {
  override name = 'InputError';
}

/** Any other failure (duplicate id, wrong key, unreadable database): exit code 1. */
export class TptError extends Error {
  override name = 'TptError';
}
