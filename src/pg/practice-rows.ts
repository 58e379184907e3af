import type pg from 'pg';
import type { AccountRole, AccountRow, CaseloadRow, PracticeReads, PracticeWrites, SupervisionRow } from '../store/port-practice.js';
import { clientKeysOf, currentClientId, requireClientKey } from './client-keys.js';
import { isoOrNull } from './sealer.js';

/**
 * The practice facet of the port on PostgreSQL: step 2's tables, which row-level security reads
 * (src/pg/migrations.ts). Nothing here is clinical text, so nothing is sealed. A caseload row
 * holds the client's key: a client's present id is looked up through src/pg/client-keys.ts, and
 * a merged client's rows follow the client it was merged into. Races are the engine's: a taken
 * id is a unique violation, a change of an account is decided on its row locked FOR UPDATE.
 */

interface AccountDbRow extends Omit<AccountRow, 'created_at' | 'disabled_at'> {
  created_at: Date;
  disabled_at: Date | null;
}

const toAccount = (row: AccountDbRow): AccountRow => ({
  ...row, created_at: row.created_at.toISOString(), disabled_at: isoOrNull(row.disabled_at),
});

const CASELOAD = `
  SELECT account_id, client_id, min(assigned_at) AS assigned_at
  FROM (SELECT c.account_id, ${currentClientId('c.client_key')} AS client_id, c.assigned_at FROM caseload c
        WHERE $1::text IS NULL OR c.account_id = $1) moved
  GROUP BY account_id, client_id
  ORDER BY account_id COLLATE "C", client_id COLLATE "C"`;

export function pgPractice(client: pg.ClientBase): PracticeReads & PracticeWrites {
  const account = async (accountId: string, lock = false): Promise<AccountRow | undefined> => {
    const { rows } = await client.query<AccountDbRow>(
      `SELECT * FROM accounts WHERE account_id = $1${lock ? ' FOR UPDATE' : ''}`, [accountId]);
    return rows[0] === undefined ? undefined : toAccount(rows[0]);
  };
  return {
    accounts: async () => (await client.query<AccountDbRow>('SELECT * FROM accounts ORDER BY account_id COLLATE "C"')).rows.map(toAccount),
    account: (accountId) => account(accountId),
    caseload: async (accountId?: string) => (await client.query<Omit<CaseloadRow, 'assigned_at'> & { assigned_at: Date }>(
      CASELOAD, [accountId ?? null])).rows.map((row) => ({ ...row, assigned_at: row.assigned_at.toISOString() })),
    supervisions: async () => (await client.query<Omit<SupervisionRow, 'since'> & { since: Date }>(
      'SELECT supervisor_id, clinician_id, since FROM supervisions ORDER BY supervisor_id COLLATE "C", clinician_id COLLATE "C"'))
      .rows.map((row) => ({ ...row, since: row.since.toISOString() })),
    insertAccount: async (row: AccountRow) => {
      await client.query(
        'INSERT INTO accounts (account_id, role, password_hash, created_at, disabled_at) VALUES ($1, $2, $3, $4, $5)',
        [row.account_id, row.role, row.password_hash, row.created_at, row.disabled_at]);
    },
    lockAccount: (accountId) => account(accountId, true),
    setDisabled: async (accountId: string, at: string | null) => {
      await client.query('UPDATE accounts SET disabled_at = $2 WHERE account_id = $1', [accountId, at]);
    },
    setRole: async (accountId: string, role: AccountRole) => {
      await client.query('UPDATE accounts SET role = $2 WHERE account_id = $1', [accountId, role]);
    },
    assign: async (row: CaseloadRow) => {
      const key = await requireClientKey(client, row.client_id);
      await client.query('INSERT INTO caseload (account_id, client_key, assigned_at) VALUES ($1, $2, $3)',
        [row.account_id, key, row.assigned_at]);
    },
    unassign: async (accountId: string, clientId: string) => (await client.query(
      'DELETE FROM caseload WHERE account_id = $1 AND client_key = ANY ($2::uuid[])',
      [accountId, await clientKeysOf(client, clientId)])).rowCount! > 0,
    addSupervision: async (row: SupervisionRow) => {
      await client.query('INSERT INTO supervisions (supervisor_id, clinician_id, since) VALUES ($1, $2, $3)',
        [row.supervisor_id, row.clinician_id, row.since]);
    },
    removeSupervision: async (supervisorId: string, clinicianId: string) => (await client.query(
      'DELETE FROM supervisions WHERE supervisor_id = $1 AND clinician_id = $2', [supervisorId, clinicianId])).rowCount === 1,
  };
}
