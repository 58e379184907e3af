import type { RowCounts } from '../store/port-admin.js';
import type { ReadTx, RecordStore, WriteTx } from '../store/port.js';
import { ConflictError as StoreConflictError } from '../store/errors.js';
import { appendAudit } from './audit.js';
import { combineRisksForMerge, refuseMergeConflicts } from './client-merge.js';
import { ConflictError, InputError, NotFoundError, TptError } from './errors.js';
import { checkId } from './ids.js';
import type { Actor } from './model.js';

/**
 * A mistyped client id, fixed: `rename` gives a client a new id, `merge` makes every record of one
 * client another's. Either is one write of the store port that records one audit entry under the
 * new id whose object is the old id. On SQLite every row that names the client moves (sessions
 * and their earlier versions, goals, milestones, risks, and any later table with a client_id);
 * on PostgreSQL the rows keep their client key and only the id changes (docs/postgres-engine.md).
 * Earlier audit entries keep the id of their time (the log is append-only and hash-chained:
 * rewriting them would break the chain); `tpt audit <client>` follows the rename to them.
 */

/** Rows moved, by table. */
export type MovedRows = RowCounts;

export interface ClientMove {
  from: string;
  to: string;
  /** Rows moved, by table. */
  moved: MovedRows;
}

export async function renameClient(records: RecordStore, from: string, to: string, who: Actor): Promise<ClientMove> {
  checkId(from, 'client');
  checkId(to, 'client');
  if (from === to) throw new InputError(`"${from}" is already the client's id: give the new id`);
  const taken = () => new ConflictError(
    `client "${to}" exists already: to put the records of both together, use \`tpt client merge ${from} --into ${to}\``);
  return records.write(async (tx) => {
    await requireLocked(tx, from);
    if (await tx.clients.exists(to)) throw taken();
    let moved: MovedRows;
    try {
      moved = await tx.admin.renameClient(from, to);
    } catch (error) {
      // Another writer took the id between the look and the rename: the unique key decided.
      if (error instanceof StoreConflictError) throw taken();
      throw error;
    }
    await appendAudit(tx, { action: 'client.rename', client_id: to, object_id: from }, who);
    return { from, to, moved };
  });
}

export async function mergeClients(records: RecordStore, from: string, into: string, who: Actor): Promise<ClientMove> {
  checkId(from, 'client');
  checkId(into, 'client');
  if (from === into) throw new InputError(`a client cannot be merged into itself: give two different ids`);
  return records.write(async (tx) => {
    // Both rows locked in one order, so two merges of the same pair at once never deadlock.
    const [first, second] = [from, into].sort();
    const locked = new Map([[first!, await tx.admin.lockClient(first!)], [second!, await tx.admin.lockClient(second!)]]);
    for (const clientId of [from, into]) if (!locked.get(clientId)) throw noClient(clientId);
    await refuseMergeConflicts(tx, from, into);
    // A risk register holds one risk per client and kind: two of a kind become one.
    const combined = await combineRisksForMerge(tx, from, into);
    let moved: MovedRows;
    try {
      moved = await tx.admin.mergeClient(from, into);
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
      throw new TptError(
        `"${from}" and "${into}" both hold a record that can be held only once per client (${error.message}); ` +
        'nothing was moved: resolve one of them first',
      );
    }
    moved.risks = (moved.risks ?? 0) + combined.risks;
    moved.risk_events = (moved.risk_events ?? 0) + combined.events;
    await appendAudit(tx, { action: 'client.merge', client_id: into, object_id: from }, who);
    return { from, to: into, moved };
  });
}

function noClient(clientId: string): NotFoundError {
  return new NotFoundError(`no client "${clientId}": see \`tpt clients\` for the ids on record`);
}

async function requireLocked(tx: WriteTx, clientId: string): Promise<void> {
  if (!(await tx.admin.lockClient(clientId))) throw noClient(clientId);
}

/**
 * Existing clients a new id may be a typo of: the same but for letter case, or one character
 * added, removed or changed (`F1` beside `f1`, `c42` beside `c24` is not: that is two changes).
 */
export async function lookAlikeClients(tx: ReadTx, clientId: string): Promise<string[]> {
  const wanted = clientId.toLowerCase();
  return (await tx.clients.ids()).filter((id) => id !== clientId && (id.toLowerCase() === wanted || withinOneEdit(id, clientId)));
}

/** True when `a` becomes `b` by at most one insertion, deletion or substitution. */
export function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}
