import type { AuditListed, RecordStore } from '../store/port.js';
import { readLogged } from './audit.js';
import { checkId } from './ids.js';
import type { Actor } from './model.js';
import type { Timeframe } from './timeframe.js';

/**
 * The access log (issue 23): who read or wrote which client's clinical text, and when, drawn
 * from the audit log (every read of clinical text and every write appends an entry there, in
 * its own transaction, under the account of the caller: src/core/access-store.ts). It holds no
 * clinical text: the audit entries hold none. Under asCaller only the practice manager and the
 * auditor may list it (their roles' 'access-log.read'); the local owner may, as always.
 */

export type AccessKind = 'read' | 'write';

export interface AccessEntry {
  at: string;
  actor: string;
  access: AccessKind;
  action: string;
  client_id: string | null;
  object_id: string | null;
  outcome: string;
}

/** Acts on the practice, not on a client's clinical text: not in the access log. */
const PRACTICE_ACTIONS = /^(account|audit|access-log|caseload|supervision|token|retention|database|migrate|client\.list|client\.rename|client\.merge|import\.check)(\.|$)/;
/** Reads of clinical text: listings, views, reports, searches and exports. */
const READ_ACTIONS = /(\.(list|read)$|^search$|^export$)/;

/** Whether an audit entry is an access of clinical text, and which kind. */
export function accessOf(action: string): AccessKind | undefined {
  if (PRACTICE_ACTIONS.test(action)) return undefined;
  return READ_ACTIONS.test(action) ? 'read' : 'write';
}

/** The audit entries of one actor (`tpt audit --actor A`), in the log's order. */
export function byActor<T extends { actor: string }>(entries: readonly T[], actor: string | undefined): T[] {
  return actor === undefined ? [...entries] : entries.filter((entry) => entry.actor === actor);
}

/**
 * `tpt access-log [client]`: each read and write of clinical text (of one client, or of all) in
 * the timeframe, oldest first; the listing is itself an entry of the audit log.
 */
export async function listAccessLog(
  records: RecordStore, clientId: string | null, timeframe: Timeframe, who: Actor, actor?: string,
): Promise<AccessEntry[]> {
  if (clientId !== null) checkId(clientId, 'client');
  const listed: AuditListed[] = await readLogged(records, { action: 'access-log.list', client_id: clientId }, who, (tx) => tx.audit.listed({
    clientId, start: timeframe.start?.toISOString() ?? null, end: timeframe.end.toISOString(),
  }));
  const entries: AccessEntry[] = [];
  for (const entry of byActor(listed, actor)) {
    const access = accessOf(entry.action);
    if (access === undefined) continue;
    entries.push({
      at: entry.at, actor: entry.actor, access, action: entry.action,
      client_id: entry.client_id, object_id: entry.object_id, outcome: entry.outcome,
    });
  }
  return entries;
}
