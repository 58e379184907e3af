import type { ChalkInstance } from 'chalk';
import { renderColumns, type Cell } from './columns.js';
import type { BackupResult } from '../core/backup.js';
import type { PurgeResult } from '../core/purge.js';
import type { RekeyResult } from '../core/rekey.js';
import type { RetentionPlan, RetentionPolicy } from '../core/retention.js';
import { day } from './format.js';

export function renderRetention(policy: RetentionPolicy): string {
  if (policy.retention_years === null) {
    return 'No retention policy: records are kept until you delete them. Set one with `tpt retention set --years N`.';
  }
  return `Records are kept ${policy.retention_years} years after a client's last contact: ` +
    `clients with no contact since ${day(policy.cutoff!)} are past the policy (\`tpt retention apply --dry-run\` lists them).`;
}

export function renderRetentionPlan(plan: RetentionPlan, style: ChalkInstance): string {
  if (plan.clients.length === 0) {
    return `No client is past the ${plan.retention_years}-year policy (last contact before ${day(plan.cutoff)}).`;
  }
  const rowsHead = ['Client', 'Last contact'];
  const rows: Cell[][] = [];
  for (const client of plan.clients) rows.push([client.client_id, day(client.last_contact)]);
  const count = plan.clients.length;
  return `${count} client${count === 1 ? ' is' : 's are'} past the ${plan.retention_years}-year policy ` +
    `(last contact before ${day(plan.cutoff)}):\n${renderColumns(rowsHead, rows, style)}`;
}

const RECORD_NAMES: Record<string, [string, string]> = {
  sessions: ['session', 'sessions'],
  goals: ['goal', 'goals'],
  goal_history: ['goal history entry', 'goal history entries'],
  milestones: ['milestone', 'milestones'],
};

export function renderPurge(result: PurgeResult): string {
  if (result.purged.length === 0) return 'Nothing was deleted.';
  return result.purged.map((client) => {
    const rows = Object.entries(client.deleted)
      .filter(([table, count]) => count > 0 && table !== 'clients')
      .map(([table, count]) => {
        const [one, many] = RECORD_NAMES[table] ?? [`${table} row`, `${table} rows`];
        return `${count} ${count === 1 ? one : many}`;
      });
    return `Purged client ${client.client_id} (${rows.join(', ') || 'no records but the client'}); the audit log keeps that it happened.`;
  }).join('\n');
}

export function renderRekey(result: RekeyResult, keyFileGiven = false): string {
  const now = result.key_file
    ? `The database ${result.database} now opens only with the new key in ${result.key_file}` +
      (keyFileGiven ? ': give it as --key-file (or TPT_KEY_FILE) from now on.' : ' (tpt finds it there by itself).')
    : `The database ${result.database} now opens only with the new passphrase.`;
  const before = result.previous_key_file
    ? `The old key file ${result.previous_key_file} is kept: other databases on it and backups made before now still open with it; tpt never deletes a key file.`
    : 'The old passphrase no longer opens the database; backups made before now still need it.';
  const next = result.key_file
    ? 'Back up the new key file apart from the data, and make a new backup with `tpt backup`.'
    : 'Make a new backup with `tpt backup`.';
  return [now, before, next].join('\n');
}

export function renderBackup(result: BackupResult): string {
  const rows = Object.values(result.tables).reduce((sum, count) => sum + count, 0);
  const opens = result.key_file
    ? `It opens with the key file ${result.key_file}, as the database does now; keep the backup apart from that key.`
    : "It opens with the database's present passphrase; keep a note of which passphrase that is.";
  return `Backed up to ${result.backup} (${result.bytes} bytes, ${rows} rows in ${Object.keys(result.tables).length} tables, encrypted, mode 0600).\n${opens}`;
}

/** Which key opens the database: `tpt check` and `tpt rekey` name it. */
export function renderKeyInUse(keyFile: string | null): string {
  return keyFile ? `key: the key file ${keyFile}` : 'key: a passphrase';
}
