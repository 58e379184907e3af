import { allClientIds, clientCreatedAt, moveClientRows, setClientCreatedAt, type MovedRows } from '../db/client-moves.js';
import type { Store } from '../db/store.js';
import { recordAudit } from './audit.js';
import { requireClient } from './clients.js';
import { refuseMergeConflicts } from './courses.js';
import { combineRisksForMerge } from './risks.js';
import { ConflictError, InputError, TptError } from './errors.js';
import { checkId } from './ids.js';
import type { Actor } from './model.js';

/**
 * A mistyped client id, fixed: `rename` gives a client a new id, `merge` moves every record of one
 * client into another. Either moves every row that names the client (sessions and their earlier
 * versions, goals, milestones, risks, and any later table with a client_id) in one transaction, and
 * records one audit entry under the new id whose object is the old id. Earlier audit entries keep
 * the id of their time (the log is append-only and hash-chained: rewriting them would break the
 * chain); `tpt audit <client>` follows the rename to them.
 */

export interface ClientMove {
  from: string;
  to: string;
  /** Rows moved, by table. */
  moved: MovedRows;
}

export function renameClient(store: Store, from: string, to: string, who: Actor): ClientMove {
  checkId(from, 'client');
  checkId(to, 'client');
  if (from === to) throw new InputError(`"${from}" is already the client's id: give the new id`);
  requireClient(store, from);
  if (store.clientExists(to)) {
    throw new ConflictError(`client "${to}" exists already: to put the records of both together, use \`tpt client merge ${from} --into ${to}\``);
  }
  return move(store, from, to, 'client.rename', who, () => {
    store.ensureClient(to, clientCreatedAt(store, from)!);
  });
}

export function mergeClients(store: Store, from: string, into: string, who: Actor): ClientMove {
  checkId(from, 'client');
  checkId(into, 'client');
  if (from === into) throw new InputError(`a client cannot be merged into itself: give two different ids`);
  requireClient(store, from);
  requireClient(store, into);
  refuseMergeConflicts(store, from, into);
  let combined = { risks: 0, events: 0 };
  const merged = move(store, from, into, 'client.merge', who, () => {
    // The merged client dates from the earlier of the two.
    const earlier = [clientCreatedAt(store, from)!, clientCreatedAt(store, into)!].sort()[0]!;
    setClientCreatedAt(store, into, earlier);
    // A risk register holds one risk per client and kind: two of a kind become one.
    combined = combineRisksForMerge(store, from, into);
  });
  merged.moved.risks = (merged.moved.risks ?? 0) + combined.risks;
  merged.moved.risk_events = (merged.moved.risk_events ?? 0) + combined.events;
  return merged;
}

function move(
  store: Store, from: string, to: string, action: 'client.rename' | 'client.merge', who: Actor, prepare: () => void,
): ClientMove {
  try {
    return store.transaction(() => {
      prepare();
      const moved = moveClientRows(store, from, to);
      recordAudit(store, { action, client_id: to, object_id: from }, who);
      return { from, to, moved };
    });
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_CONSTRAINT')) {
      throw new TptError(
        `"${from}" and "${to}" both hold a record that can be held only once per client (${(error as Error).message}); ` +
        'nothing was moved: resolve one of them first',
      );
    }
    throw error;
  }
}

/**
 * Existing clients a new id may be a typo of: the same but for letter case, or one character
 * added, removed or changed (`F1` beside `f1`, `c42` beside `c24` is not: that is two changes).
 */
export function lookAlikeClients(store: Store, clientId: string): string[] {
  const wanted = clientId.toLowerCase();
  return allClientIds(store).filter((id) => id !== clientId && (id.toLowerCase() === wanted || withinOneEdit(id, clientId)));
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
