import { DatabaseError } from 'pg';
import { describe, expect, it } from 'vitest';
import { toStoreError } from '../../src/pg/error-map.js';
import { DamagedError, FullError, StoreFailure, WrongKeyError } from '../../src/store/errors.js';

const TARGET = { host: 'db.example', port: 5432, database: 'practice', user: 'tpt' };

/** An error as node-postgres raises it for a server's ErrorResponse with this SQLSTATE. */
function serverError(code: string, message: string): DatabaseError {
  const error = new DatabaseError(message, message.length, 'error');
  error.code = code;
  return error;
}

// The conditions a test server cannot be brought to on demand (a full disk, a damaged page);
// every other mapping is shown against the real server in connect.test.ts.
describe('driver errors as store errors, for conditions a test cannot provoke', () => {
  it('a full disk', () => {
    const error = toStoreError(serverError('53100', 'could not extend file "base/16384/16385": No space left on device'), TARGET);
    expect(error).toBeInstanceOf(FullError);
    expect(error.message).toBe('PostgreSQL at db.example:5432 has no disk space left: free space on the server\'s data volume, then retry');
  });

  it('a damaged page or index', () => {
    for (const code of ['XX001', 'XX002']) {
      const error = toStoreError(serverError(code, 'invalid page in block 7 of relation base/16384/16385'), TARGET);
      expect(error).toBeInstanceOf(DamagedError);
      expect(error.message).toBe(
        'PostgreSQL at db.example:5432 reports damaged data (invalid page in block 7 of relation base/16384/16385): have its administrator check the disk and restore from a backup');
    }
  });

  it('a statement timeout is busy, not an unreachable server, though its words say "timeout"', () => {
    const error = toStoreError(serverError('57014', 'canceling statement due to statement timeout'), TARGET);
    expect(error).toMatchObject({ kind: 'busy', retryable: true });
  });

  it('anything else keeps its SQLSTATE, on one line', () => {
    const error = toStoreError(serverError('22P02', 'invalid input syntax for type uuid: "x"\nLINE 1: …'), TARGET);
    expect(error).toBeInstanceOf(StoreFailure);
    expect(error).toMatchObject({ code: '22P02' });
    expect(error.message).toBe(
      'PostgreSQL at db.example:5432 failed with SQLSTATE 22P02: invalid input syntax for type uuid: "x" LINE 1: …; if it persists, report it with this line');
  });

  it('a store error passes through as it is', () => {
    const error = new WrongKeyError('sealed under key 00', '00');
    expect(toStoreError(error, TARGET)).toBe(error);
  });
});
