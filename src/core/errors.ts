/** The errors live on the floor below core and the engines (src/domain/errors.ts). */
export { ConflictError, InputError, NotFoundError, TptError } from '../domain/errors.js';
