import type { AccountRole, AccountRow, CaseloadRow, PracticeReads, PracticeWrites, SupervisionRow } from '../store/port-practice.js';
import { fromSqliteError } from './engine-errors.js';
import type { Store } from './store.js';

/**
 * The practice facet of the port on SQLite. The transaction holds SQLite's write lock from its
 * BEGIN IMMEDIATE, so every row a write reads is locked; a taken key is the unique key's to say.
 */
export function sqlitePractice(store: Store): PracticeReads & PracticeWrites {
  const account = async (accountId: string) =>
    store.statement('SELECT * FROM accounts WHERE account_id = ?').get(accountId) as AccountRow | undefined;
  const run = (sql: string, ...values: unknown[]): number => {
    try {
      return store.statement(sql).run(...values).changes;
    } catch (error) {
      throw fromSqliteError(error);
    }
  };
  return {
    accounts: async () => store.statement('SELECT * FROM accounts ORDER BY account_id').all() as AccountRow[],
    account,
    caseload: async (accountId?: string) => (accountId === undefined
      ? store.statement('SELECT account_id, client_id, assigned_at FROM caseload ORDER BY account_id, client_id').all()
      : store.statement('SELECT account_id, client_id, assigned_at FROM caseload WHERE account_id = ? ORDER BY client_id').all(accountId)
    ) as CaseloadRow[],
    supervisions: async () =>
      store.statement('SELECT supervisor_id, clinician_id, since FROM supervisions ORDER BY supervisor_id, clinician_id').all() as SupervisionRow[],
    insertAccount: async (row: AccountRow) => {
      run('INSERT INTO accounts (account_id, role, password_hash, created_at, disabled_at) VALUES (?, ?, ?, ?, ?)',
        row.account_id, row.role, row.password_hash, row.created_at, row.disabled_at);
    },
    lockAccount: account,
    setDisabled: async (accountId: string, at: string | null) => {
      run('UPDATE accounts SET disabled_at = ? WHERE account_id = ?', at, accountId);
    },
    setRole: async (accountId: string, role: AccountRole) => {
      run('UPDATE accounts SET role = ? WHERE account_id = ?', role, accountId);
    },
    assign: async (row: CaseloadRow) => {
      run('INSERT INTO caseload (account_id, client_id, assigned_at) VALUES (?, ?, ?)', row.account_id, row.client_id, row.assigned_at);
    },
    unassign: async (accountId: string, clientId: string) =>
      run('DELETE FROM caseload WHERE account_id = ? AND client_id = ?', accountId, clientId) === 1,
    addSupervision: async (row: SupervisionRow) => {
      run('INSERT INTO supervisions (supervisor_id, clinician_id, since) VALUES (?, ?, ?)', row.supervisor_id, row.clinician_id, row.since);
    },
    removeSupervision: async (supervisorId: string, clinicianId: string) =>
      run('DELETE FROM supervisions WHERE supervisor_id = ? AND clinician_id = ?', supervisorId, clinicianId) === 1,
  };
}
