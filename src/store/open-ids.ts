import { idsStartingWith, type IdHint, type IdTable } from '../db/completion-queries.js';
import { readKeyFile } from '../db/key-file.js';

export type { IdHint, IdTable };

/** The key as shell completion has it at hand: a key file's path, or a passphrase. */
export type KeyAtHand = { keyFile: string } | { passphrase: string };

/**
 * Shell completion's lookup (`tpt __complete`), a store-level operation apart from the opener so
 * that its fast path loads no engine: ids starting with `prefix`, in order, at most `limit`.
 * SQLite: a read-only look at the file's primary keys (no migration, no write, no audit entry).
 * PostgreSQL: none, without a connection: a TAB never waits on a network or a server's login.
 */
export async function idsAtHand(location: string, key: KeyAtHand, table: IdTable, prefix: string, limit: number): Promise<IdHint[]> {
  // isDatabaseUrl of ./open.ts, whose import would bring both engines into completion's bundle.
  if (/^postgres(ql)?:\/\//i.test(location)) return [];
  const unlocking = 'keyFile' in key ? readKeyFile(key.keyFile) : { kind: 'passphrase' as const, passphrase: key.passphrase };
  return idsStartingWith(location, unlocking, table, prefix, limit);
}
