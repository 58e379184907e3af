import { integrityProblems } from '../db/maintenance.js';
import type { Store } from '../db/store.js';
import { verifyAudit, type AuditVerification } from './audit.js';

export interface CheckResult {
  ok: boolean;
  /** What SQLite's integrity and foreign-key checks found; empty when the file is sound. */
  integrity_problems: string[];
  audit: AuditVerification;
}

/** `tpt check`: the file's integrity and the audit chain, together. Writes nothing. */
export function checkDatabase(store: Store, givenHead?: string): CheckResult {
  const integrity = integrityProblems(store.db);
  const audit = verifyAudit(store, givenHead);
  return { ok: integrity.length === 0 && audit.intact, integrity_problems: integrity, audit };
}
