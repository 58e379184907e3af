import { secureDeleteIsOn } from '../db/maintenance.js';
import { compactAfterPurge, markPurgePending } from '../db/purge-pending.js';
import { deleteClientRows, type DeletedRows } from '../db/purge-queries.js';
import type { Store } from '../db/store.js';
import { sweepWork } from '../db/work-files.js';
import { recordAudit } from './audit.js';
import { InputError, TptError } from './errors.js';
import { checkId } from './ids.js';
import type { Actor } from './model.js';

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

/** Refuses an unknown client before anything destructive is asked or done. */
export function requirePurgeable(store: Store, clientId: string): void {
  checkId(clientId, 'client');
  if (!store.clientExists(clientId)) {
    throw new InputError(`no client "${clientId}": see \`tpt clients\` for the ids on record; nothing was deleted`);
  }
}

/**
 * Secure deletion: every row of the clients goes in one transaction (secure_delete is on for
 * every connection, so freed pages are zeroed), with one audit entry per client that names the
 * client id only. Then the WAL, which still holds the old pages, is checkpointed and truncated,
 * and VACUUM rebuilds the file so no free page is left. A mark written before the transaction
 * makes the next open finish a compaction this process could not (killed, or a full disk), and
 * the work files of killed tpt processes (a rekey's copy, a backup or export being written) are
 * removed: no copy tpt made outlives the purge. Backups and exports a person keeps are theirs.
 */
export function purgeClients(store: Store, clientIds: string[], reason: PurgeReason, who: Actor): PurgeResult {
  for (const clientId of clientIds) requirePurgeable(store, clientId);
  if (!secureDeleteIsOn(store.db)) {
    throw new TptError('secure_delete is off on this connection, so deleted text could stay in the file: nothing was deleted (this is a bug)');
  }
  if (clientIds.length === 0) return { purged: [], wal_emptied: true };
  const dbPath = store.db.name;
  markPurgePending(dbPath, 'deleting');
  const purged = store.transaction(() =>
    [...new Set(clientIds)].map((clientId) => {
      const deleted = deleteClientRows(store, clientId);
      recordAudit(store, { action: reason, client_id: clientId }, who);
      return { client_id: clientId, deleted };
    }));
  sweepWork(dbPath);
  try {
    return { purged, wal_emptied: compactAfterPurge(store.db, dbPath) };
  } catch (error) {
    const ids = purged.map((client) => client.client_id).join(', ');
    throw new TptError(
      `purged ${ids} (their rows are gone and the freed space zeroed), but compacting the file failed: ${(error as Error).message}; ` +
      'free some space or stop other tpt processes, then run `tpt check`: every tpt command finishes the compaction when it opens the database',
    );
  }
}
