import { AuditUnreadableError, parseHead, verifyAuditChain, type AuditVerification } from '../domain/audit-chain.js';
import type { Store } from './store.js';

/**
 * Verifies the SQLite file's one chain on a store already open (the engine's check and rekey):
 * as core's verifyAudit, on the synchronous store. A head kept elsewhere (`givenHead`) also
 * catches a log cut at its end.
 */
export function verifyAuditSync(store: Store, givenHead?: string): AuditVerification {
  // Checked before the log is opened for reading: a statement left open would keep the
  // connection busy for the audit entry of the refusal.
  const wanted = parseHead(givenHead);
  try {
    const result = verifyAuditChain(store.auditEntries(), wanted);
    // Every client and token was written with an entry naming it, in the same transaction. An
    // emptied log is a valid chain (and the next entry starts it again at 1): the records that
    // no entry names are what give it away.
    const unrecorded = result.intact ? store.recordWithoutAuditEntry() : undefined;
    if (unrecorded) {
      return {
        ...result,
        intact: false,
        problem: `audit log broken: ${unrecorded} is on record but no entry names it, so entries were deleted (the log was emptied, or cut at its start)`,
      };
    }
    return result;
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (!code.startsWith('SQLITE_CORRUPT')) throw error;
    throw new AuditUnreadableError(
      `the audit log cannot be read: a page does not decrypt or authenticate (${(error as Error).message}), so the file was changed or damaged; restore it from a backup`,
    );
  }
}
