import { integrityProblems } from '../db/maintenance.js';
import type { Store } from '../db/store.js';
import { AuditUnreadableError, verifyAuditSync, type AuditVerification } from './audit.js';

export interface CheckResult {
  ok: boolean;
  /** What SQLite's integrity and foreign-key checks found; empty when the file is sound. */
  integrity_problems: string[];
  audit: AuditVerification;
}

/** `tpt check`: the file's integrity and the audit chain, together. Writes nothing. */
export function checkDatabase(store: Store, givenHead?: string): CheckResult {
  const integrity = integrityProblems(store.db);
  let audit: AuditVerification;
  try {
    audit = verifyAuditSync(store, givenHead);
  } catch (error) {
    if (!(error instanceof AuditUnreadableError)) throw error;
    audit = { intact: false, entries: 0, head: '', head_seq: 0, broken_seq: null, problem: error.message };
  }
  return { ok: integrity.length === 0 && audit.intact, integrity_problems: integrity, audit };
}
