import {
  BusyError, ConflictError, DamagedError, FullError, NotFoundError, ReadOnlyError, StoreError, StoreFailure,
} from '../store/errors.js';

/**
 * An SQLite error as a store error, so nothing above the engine reads an SQLite code. Errors
 * without one (a rule of the caller's work, a store error already) pass as they are.
 */
export function fromSqliteError(error: unknown): unknown {
  if (error instanceof StoreError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return error;
  const options = { cause: error };
  const said = (error as Error).message;
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return new ConflictError(`a record with that id exists already (${said}): choose another id`, undefined, options);
  }
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return new NotFoundError(`a record this write refers to is not there (${said}): create it first`, undefined, options);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new BusyError('another tpt is writing to the database and did not finish in time: run the command again', options);
  }
  if (code === 'SQLITE_FULL') return new FullError('the disk holding the database is full: free some space and run the command again', options);
  if (code.startsWith('SQLITE_READONLY')) {
    return new ReadOnlyError('the database file is read-only: give tpt write access to it (and its directory), or only read', options);
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new DamagedError(`the database file is damaged (${said}): run \`tpt check\`, and restore it from a backup`, options);
  }
  return new StoreFailure(`SQLite refused the operation (${said}): report this with the code`, code, options);
}
