import type { Store } from '../db/store.js';
import type { ReadTx, RecordStore } from '../store/port.js';
import { readLogged } from './audit.js';
import { NotFoundError } from './errors.js';
import type { Actor, ClientSummary } from './model.js';

/** Every client with its figures (`tpt clients`), by id; the reading is logged. */
export async function listClients(records: RecordStore, who: Actor): Promise<ClientSummary[]> {
  return readLogged(records, { action: 'client.list' }, who, (tx) => tx.clients.summaries());
}

/** Refuses a client that has no record yet: a mistyped id must not read as "no sessions". */
export function requireClient(store: Store, clientId: string): void {
  if (!store.clientExists(clientId)) {
    throw new NotFoundError(`no client "${clientId}": see \`tpt clients\` for the ids on record`);
  }
}

/** requireClient inside a transaction of the store port. */
export async function requireClientIn(tx: ReadTx, clientId: string): Promise<void> {
  if (!(await tx.clients.exists(clientId))) {
    throw new NotFoundError(`no client "${clientId}": see \`tpt clients\` for the ids on record`);
  }
}
