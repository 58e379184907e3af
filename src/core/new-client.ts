import type { ReadTx, WriteTx } from '../store/port.js';
import { InputError } from './errors.js';

/** Ids of the demo's synthetic clients; no other client belongs in a demo database. */
export const DEMO_CLIENT_PREFIX = 'demo-';

/** True for a database `tpt demo` made, read in a transaction of the store port. */
export async function isDemoRecord(tx: ReadTx): Promise<boolean> {
  return (await tx.settings.get('demo')) === 'true';
}

/** ensureClientRecord inside a write of the store port: the check and the insert in one transaction. */
export async function ensureClientIn(tx: WriteTx, clientId: string, createdAt: string): Promise<void> {
  if (!(await tx.clients.exists(clientId)) && (await isDemoRecord(tx)) && !clientId.startsWith(DEMO_CLIENT_PREFIX)) {
    throw notInDemo(clientId);
  }
  await tx.clients.ensure(clientId, createdAt);
}

function notInDemo(clientId: string): InputError {
  return new InputError(
    `this is the demo database, which the next \`tpt demo\` replaces: "${clientId}" is not written there; ` +
    `for your own records \`unset TPT_DB TPT_KEY_FILE\` (or drop --db) and run \`tpt init\`, ` +
    `or to try tpt on the demo use an id starting with "${DEMO_CLIENT_PREFIX}"`,
  );
}
