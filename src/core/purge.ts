import type { RowCounts } from '../store/port-admin.js';
import type { RecordStore, WriteTx } from '../store/port.js';
import { appendAudit } from './audit.js';
import { InputError, TptError } from './errors.js';
import { checkId } from './ids.js';
import type { Actor } from './model.js';

/** What a client's records were, by table, for the report of a purge. */
export type DeletedRows = RowCounts;

export interface PurgedClient {
  client_id: string;
  /** Rows deleted, by table. */
  deleted: DeletedRows;
}

export interface PurgeResult {
  purged: PurgedClient[];
  /** False when another process kept the write-ahead log from being emptied (see compact). */
  wal_emptied: boolean;
}

/** Why the clients are purged, for the audit log: an explicit delete or the retention policy. */
export type PurgeReason = 'client.purge' | 'retention.purge';

const notThere = (clientId: string) =>
  new InputError(`no client "${clientId}": see \`tpt clients\` for the ids on record; nothing was deleted`);

/** Refuses an unknown client before anything destructive is asked or done. */
export async function requirePurgeable(records: RecordStore, clientId: string): Promise<void> {
  checkId(clientId, 'client');
  if (!(await records.read((tx) => tx.clients.exists(clientId)))) throw notThere(clientId);
}

export interface PurgeOptions {
  /**
   * Decided inside the purge's write, on the rows it holds: the clients of the list still to be
   * purged (the retention policy leaves out those with contact since it was reviewed).
   */
  stillDue?: (tx: WriteTx) => Promise<Set<string>>;
}

/**
 * Secure deletion: every row of the clients goes in one write of the store port, with one audit
 * entry per client that names the client id only. Each client is checked again inside that
 * write (one purged by another process meanwhile stops it: nothing is deleted). Then the store
 * leaves no trace of the text (`maintenance.finishPurge`): on SQLite secure_delete has zeroed
 * the freed pages, the WAL, which still holds the old pages, is checkpointed and truncated, and
 * VACUUM rebuilds the file so no free page is left; a mark written before the write makes the
 * next open finish a compaction this process could not (killed, or a full disk), and the work
 * files of killed tpt processes (a rekey's copy, a backup or export being written) are removed:
 * no copy tpt made outlives the purge. Backups and exports a person keeps are theirs.
 */
export async function purgeClients(
  records: RecordStore, clientIds: string[], reason: PurgeReason, who: Actor, options: PurgeOptions = {},
): Promise<PurgeResult> {
  for (const clientId of clientIds) await requirePurgeable(records, clientId);
  if (!(await records.maintenance.deletesSecurely())) {
    throw new TptError('secure_delete is off on this connection, so deleted text could stay in the file: nothing was deleted (this is a bug)');
  }
  if (clientIds.length === 0) return { purged: [], wal_emptied: true };
  await records.maintenance.markPurgePending();
  const purged = await records.write(async (tx) => {
    const due = options.stillDue ? await options.stillDue(tx) : undefined;
    const done: PurgedClient[] = [];
    for (const clientId of new Set(clientIds)) {
      if (due && !due.has(clientId)) continue;
      if (!(await tx.admin.lockClient(clientId))) throw notThere(clientId);
      await appendAudit(tx, { action: reason, client_id: clientId }, who);
      done.push({ client_id: clientId, deleted: await tx.admin.purgeClient(clientId) });
    }
    return done;
  });
  try {
    return { purged, wal_emptied: await records.maintenance.finishPurge() };
  } catch (error) {
    const ids = purged.map((client) => client.client_id).join(', ');
    throw new TptError(
      `purged ${ids} (their rows are gone and the freed space zeroed), but compacting the file failed: ${(error as Error).message}; ` +
      'free some space or stop other tpt processes, then run `tpt check`: every tpt command finishes the compaction when it opens the database',
    );
  }
}
