import type { RecordStore } from '../store/port.js';
import type { AuditVerification } from './audit.js';

export interface CheckResult {
  ok: boolean;
  /** What the engine's checks of its storage found (SQLite's integrity and foreign-key checks); empty when sound. */
  integrity_problems: string[];
  audit: AuditVerification;
}

/**
 * `tpt check`: the store's integrity and the audit chain, together (the port's maintenance
 * member: src/store/port-admin.ts). Writes nothing; `leftovers` is what killed runs left that the
 * open removed or finished.
 */
export async function checkDatabase(records: RecordStore, givenHead?: string): Promise<{ check: CheckResult; leftovers: string[] }> {
  const found = await records.maintenance.check(givenHead);
  return {
    check: { ok: found.integrity_problems.length === 0 && found.audit.intact, integrity_problems: found.integrity_problems, audit: found.audit },
    leftovers: found.leftovers_removed,
  };
}
