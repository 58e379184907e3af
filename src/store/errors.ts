/**
 * The errors a store raises, whatever engine is behind it. Nothing above the store sees a driver,
 * an SQLSTATE or an SQLite code: it sees one of these, with a `kind` to branch on, fields for the
 * face that words it (the terminal, the HTTP service), and a one-line message that tells the fix.
 * This module imports nothing, so both the engines and core can stand on it.
 */
export type StoreErrorKind =
  | 'conflict'
  | 'not-found'
  | 'busy'
  | 'damaged'
  | 'read-only'
  | 'full'
  | 'unreachable'
  | 'denied'
  | 'schema-missing'
  | 'wrong-key'
  | 'failed';

export abstract class StoreError extends Error {
  abstract readonly kind: StoreErrorKind;
  /** Whether the same call may succeed if tried again unchanged (a lock, a serialization failure). */
  readonly retryable: boolean = false;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A write collided with a row that exists: an id taken, a version already written. */
export class ConflictError extends StoreError {
  override name = 'ConflictError';
  readonly kind = 'conflict';
  /** The engine's name for the rule that refused it (a unique constraint), when it gives one. */
  readonly constraint: string | undefined;

  constructor(message: string, constraint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.constraint = constraint;
  }
}

/** A row the write depends on is not there (no such client, session or goal). */
export class NotFoundError extends StoreError {
  override name = 'NotFoundError';
  readonly kind = 'not-found';
  readonly constraint: string | undefined;

  constructor(message: string, constraint?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.constraint = constraint;
  }
}

/** Another writer holds what this one needs, or the engine chose this one to give way: retry. */
export class BusyError extends StoreError {
  override name = 'BusyError';
  readonly kind = 'busy';
  override readonly retryable = true;
}

/** What the store holds fails its own checks: a page, an index, or a value whose seal is broken. */
export class DamagedError extends StoreError {
  override name = 'DamagedError';
  readonly kind = 'damaged';
}

/** The store takes no writes (a read-only file or a standby server). */
export class ReadOnlyError extends StoreError {
  override name = 'ReadOnlyError';
  readonly kind = 'read-only';
}

/** The disk (or a quota) is full. */
export class FullError extends StoreError {
  override name = 'FullError';
  readonly kind = 'full';
}

/** Why a store cannot be reached, for a face that words its own fix. */
export type UnreachableReason = 'url' | 'host' | 'refused' | 'timeout' | 'database' | 'tls' | 'lost';

/** The store is not there as given: a malformed address, an unknown host, nothing listening. */
export class UnreachableError extends StoreError {
  override name = 'UnreachableError';
  readonly kind = 'unreachable';
  readonly reason: UnreachableReason;
  override readonly retryable: boolean;

  constructor(message: string, reason: UnreachableReason, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
    // A lost connection or a timeout may pass; a wrong address does not.
    this.retryable = reason === 'lost' || reason === 'timeout';
  }
}

/** The store refused who we are (a wrong password, no such user) or what we asked to do. */
export class DeniedError extends StoreError {
  override name = 'DeniedError';
  readonly kind = 'denied';
}

/** The database is there but holds no tpt schema, or an older or newer one than this tpt. */
export class SchemaMissingError extends StoreError {
  override name = 'SchemaMissingError';
  readonly kind = 'schema-missing';
}

/** A sealed value names a key this process was not given: the caller may give another key. */
export class WrongKeyError extends StoreError {
  override name = 'WrongKeyError';
  readonly kind = 'wrong-key';
  /** The key id the value names (hex), so a message can say which key file is wanted. */
  readonly keyId: string;

  constructor(message: string, keyId: string, options?: { cause?: unknown }) {
    super(message, options);
    this.keyId = keyId;
  }
}

/** Anything else the engine refused; `code` keeps the engine's own code for a bug report. */
export class StoreFailure extends StoreError {
  override name = 'StoreFailure';
  readonly kind = 'failed';
  readonly code: string | undefined;

  constructor(message: string, code?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
