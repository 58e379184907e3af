import {
  BusyError,
  ConflictError,
  DamagedError,
  DeniedError,
  FullError,
  NotFoundError,
  ReadOnlyError,
  SchemaMissingError,
  StoreError,
  StoreFailure,
  UnreachableError,
} from '../store/errors.js';

/** Where the engine was asked to go, as the messages name it (never with the password). */
export interface PgTarget {
  host: string;
  port: number;
  database: string;
  user: string;
}

interface DriverError {
  code?: unknown;
  message?: unknown;
  constraint?: unknown;
  detail?: unknown;
  errors?: unknown;
}

/** Node's codes for a network that did not get us to the server. */
const REFUSED = new Set(['ECONNREFUSED']);
const UNKNOWN_HOST = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);
const NO_ROUTE = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN']);
const LOST = new Set(['ECONNRESET', 'EPIPE']);
/** SQLSTATEs (PostgreSQL's Appendix A) that mean "someone else holds it, or try once more". */
const BUSY: Record<string, string> = {
  '40001': 'a concurrent write made this one unserializable',
  '40P01': 'a deadlock with a concurrent write',
  '55P03': 'a lock was not granted in time',
  '57014': 'the statement ran past its time limit',
  '57P03': 'the server is starting or stopping',
};
/** SQLSTATEs that mean the schema tpt needs is not (all) there. */
const SCHEMA_MISSING = new Set(['42P01', '42703', '42883', '3F000']);

/**
 * The store error for anything the driver (node-postgres) or the network raised, with a
 * one-line message that tells the fix. A StoreError passes through unchanged.
 */
export function toStoreError(error: unknown, target: PgTarget): StoreError {
  if (error instanceof StoreError) return error;
  const driver = (typeof error === 'object' && error !== null ? error : {}) as DriverError;
  const code = codeOf(driver);
  const message = oneLine(typeof driver.message === 'string' ? driver.message : String(error));
  const where = `${target.host}:${target.port}`;
  const options = { cause: error };
  // Only errors from the network or the driver itself are read by their words; the server's
  // errors carry a SQLSTATE, and its words (a "statement timeout") could mislead.
  const fromServer = code !== undefined && /^[0-9A-Z]{5}$/.test(code);

  if (code !== undefined && REFUSED.has(code)) {
    return new UnreachableError(
      `nothing answers at ${where} (connection refused): start PostgreSQL there, or fix the host and port of the database URL`,
      'refused', options);
  }
  if (code !== undefined && UNKNOWN_HOST.has(code)) {
    return new UnreachableError(
      `the host "${target.host}" of the database URL is not known (${code}): fix the host name, or the machine's DNS`,
      'host', options);
  }
  if (!fromServer && /timeout exceeded when trying to connect/i.test(message)) {
    // pg-pool's own: every connection of the pool was in use for the whole wait.
    return new BusyError(
      `every connection of tpt's pool to ${where} stayed in use while this waited: retry, or give the pool more connections`,
      options);
  }
  if ((code !== undefined && NO_ROUTE.has(code)) || (!fromServer && /timeout/i.test(message))) {
    return new UnreachableError(
      `PostgreSQL at ${where} did not answer in time: check that the server is up and that the network lets its port through`,
      'timeout', options);
  }
  if ((code !== undefined && LOST.has(code)) || code === '57P01' || code === '57P02' || code?.startsWith('08')
      || (!fromServer && /Connection terminated|not queryable/i.test(message))) {
    return new UnreachableError(
      `the connection to PostgreSQL at ${where} was lost (${message}): try again once the server is back`,
      'lost', options);
  }
  if (!fromServer && /does not support SSL/i.test(message)) {
    return new UnreachableError(
      `PostgreSQL at ${where} offers no TLS but the database URL asks for it: enable ssl on the server, or use sslmode=disable on a trusted network only`,
      'tls', options);
  }
  if (!fromServer && isTlsCheck(code, message)) {
    return new UnreachableError(
      `PostgreSQL at ${where} failed the TLS check (${code ?? message}): give its CA as sslrootcert=FILE in the URL, or use the host name its certificate names`,
      'tls', options);
  }

  if (!fromServer && /password must be a (non-empty )?string/i.test(message)) {
    return new DeniedError(
      `PostgreSQL at ${where} asks a password of user "${target.user}" and none was given: set PGPASSWORD or a ~/.pgpass line, or put it in the database URL`,
      options);
  }

  switch (code) {
    case '28P01':
      return new DeniedError(
        `PostgreSQL at ${where} refused the password of user "${target.user}": set PGPASSWORD or a ~/.pgpass line, or fix the user in the database URL`,
        options);
    case '28000':
      return new DeniedError(
        `PostgreSQL at ${where} admits no user "${target.user}" to database "${target.database}" from here (${message}): have its administrator add the role or a pg_hba.conf rule`,
        options);
    case '42501':
      return new DeniedError(
        `user "${target.user}" may not do this in database "${target.database}" (${message}): grant that role the rights on tpt's tables`,
        options);
    case '3D000':
      return new UnreachableError(
        `PostgreSQL at ${where} has no database "${target.database}": create it (createdb ${target.database}) or fix the database name in the URL`,
        'database', options);
    case '23505':
    case '23P01':
      return new ConflictError(
        `that record exists already (${constraintOf(driver) ?? code}): use another id, or read the record again and retry`,
        constraintOf(driver), options);
    case '23503':
      if (/still referenced/i.test(typeof driver.detail === 'string' ? driver.detail : '')) {
        return new ConflictError(
          `other records still refer to this one (${constraintOf(driver) ?? code}): remove or move them first`,
          constraintOf(driver), options);
      }
      return new NotFoundError(
        `a record this write refers to does not exist (${constraintOf(driver) ?? code}): create it first, or fix the id`,
        constraintOf(driver), options);
    case '25006':
      return new ReadOnlyError(
        `PostgreSQL at ${where} takes no writes (a read-only standby or transaction): point the database URL at the primary server`,
        options);
    case '53100':
      return new FullError(
        `PostgreSQL at ${where} has no disk space left: free space on the server's data volume, then retry`,
        options);
    case '53300':
      return new BusyError(
        `PostgreSQL at ${where} has no free connection for user "${target.user}" (max_connections or the role's limit): retry, or lower tpt's pool size or raise the limit`,
        options);
    case 'XX001':
    case 'XX002':
      return new DamagedError(
        `PostgreSQL at ${where} reports damaged data (${message}): have its administrator check the disk and restore from a backup`,
        options);
  }
  if (code !== undefined && BUSY[code] !== undefined) {
    return new BusyError(`PostgreSQL at ${where} asked to retry (${BUSY[code]}): try again`, options);
  }
  if (code !== undefined && SCHEMA_MISSING.has(code)) {
    return new SchemaMissingError(
      `database "${target.database}" does not hold tpt's schema as this tpt knows it (${message}): run tpt's migrations on it (tpt init --database URL)`,
      options);
  }
  return new StoreFailure(
    `PostgreSQL at ${where} failed${code === undefined ? '' : ` with SQLSTATE ${code}`}: ${message}; if it persists, report it with this line`,
    code, options);
}

/** The error's code; Node's connection errors may come as an AggregateError of one per address. */
function codeOf(error: DriverError): string | undefined {
  if (typeof error.code === 'string') return error.code;
  if (Array.isArray(error.errors)) {
    for (const inner of error.errors as DriverError[]) {
      if (typeof inner?.code === 'string') return inner.code;
    }
  }
  return undefined;
}

function constraintOf(error: DriverError): string | undefined {
  return typeof error.constraint === 'string' ? error.constraint : undefined;
}

/** Node's TLS verification codes (tls.TLSSocket#authorizationError) and the host name check. */
function isTlsCheck(code: string | undefined, message: string): boolean {
  return code === 'ERR_TLS_CERT_ALTNAME_INVALID' || code === 'DEPTH_ZERO_SELF_SIGNED_CERT'
    || code === 'SELF_SIGNED_CERT_IN_CHAIN' || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
    || code === 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' || code === 'CERT_HAS_EXPIRED'
    || /certificate/i.test(message);
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
