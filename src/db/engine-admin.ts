import { AuditUnreadableError, auditHash, GENESIS_HASH, verifyAuditSync } from '../core/audit.js';
import { TptError } from '../core/errors.js';
import { ConflictError } from '../store/errors.js';
import type {
  AdminReads, AdminWrites, MaintenanceEvent, RekeyChange, RowCounts, StoreKey, StoreMaintenance,
} from '../store/port-admin.js';
import { clientCreatedAt, moveClientRows, setClientCreatedAt } from './client-moves.js';
import { leftoversCleaned, restrictMode } from './connection.js';
import { openCourseOf } from './course-queries.js';
import { backupInto, countsWithKey, integrityProblems, opensWith, rekeyByCopy, secureDeleteIsOn, tableCounts } from './maintenance.js';
import { compactAfterPurge, markPurgePending } from './purge-pending.js';
import { clientActivity, deleteClientRows } from './purge-queries.js';
import { deleteRisk } from './risk-queries.js';
import { latestSchedulesOf } from './schedule-queries.js';
import type { Store } from './store.js';
import { sweepWork } from './work-files.js';
import { rmSync } from 'node:fs';

/**
 * The admin facet of the port on SQLite, over today's queries. Every row of a client is filed
 * under its id, so a rename or merge moves the rows (src/db/client-moves.ts); the write lock the
 * transaction holds since its BEGIN IMMEDIATE keeps every row read here still until it commits.
 */
export function sqliteAdmin(store: Store): AdminReads & AdminWrites {
  return {
    clientActivity: async () => clientActivity(store),
    hasOpenCourse: async (clientId) => openCourseOf(store, clientId) !== undefined,
    liveSchedules: async (clientId) => latestSchedulesOf(store, clientId).filter((row) => row.stopped_at === null).map((row) => row.measure),
    lockClient: async (clientId) => {
      const createdAt = clientCreatedAt(store, clientId);
      return createdAt === undefined ? undefined : { created_at: createdAt };
    },
    renameClient: async (from, to) => moving(() => {
      // A plain INSERT: an id taken is the primary key's conflict, never a look first.
      store.statement('INSERT INTO clients (client_id, created_at) VALUES (?, ?)').run(to, clientCreatedAt(store, from)!);
      return moveClientRows(store, from, to);
    }),
    mergeClient: async (from, into) => moving(() => {
      // The merged client dates from the earlier of the two.
      const earlier = [clientCreatedAt(store, from)!, clientCreatedAt(store, into)!].sort()[0]!;
      setClientCreatedAt(store, into, earlier);
      return moveClientRows(store, from, into);
    }),
    deleteRisk: async (clientId, kind) => deleteRisk(store, clientId, kind),
    purgeClient: async (clientId) => deleteClientRows(store, clientId),
  };
}

/** A rule of one row per client that the move broke, as a ConflictError in SQLite's own words. */
function moving(move: () => RowCounts): RowCounts {
  try {
    return move();
  } catch (error) {
    const code = (error as { code?: string }).code ?? '';
    if (code.startsWith('SQLITE_CONSTRAINT')) throw new ConflictError((error as Error).message, undefined, { cause: error });
    throw error;
  }
}

/**
 * The upkeep of the SQLite file: `run` queues each operation behind the transactions of this
 * process (src/db/engine.ts), so none runs inside one.
 */
export function sqliteMaintenance(store: Store, run: <T>(work: () => Promise<T>) => Promise<T>): StoreMaintenance {
  const path = () => store.db.name;
  return {
    deletesSecurely: () => run(async () => secureDeleteIsOn(store.db)),
    markPurgePending: () => run(async () => markPurgePending(path(), 'deleting')),
    finishPurge: () => run(async () => {
      sweepWork(path());
      return compactAfterPurge(store.db, path());
    }),
    check: (givenHead) => run(async () => {
      const leftovers = leftoversCleaned(store.db);
      const integrity = integrityProblems(store.db);
      let audit;
      try {
        audit = verifyAuditSync(store, givenHead);
      } catch (error) {
        if (!(error instanceof AuditUnreadableError)) throw error;
        audit = { intact: false, entries: 0, head: '', head_seq: 0, broken_seq: null, problem: error.message };
      }
      return { integrity_problems: integrity, audit, leftovers_removed: leftovers };
    }),
    backupRefusal: () => undefined,
    backup: (target, key, prove) => run(async () => backupInto(store.db, target, (copy) => prove(copy, () => countsWithKey(copy, key)))),
    tableCounts: () => run(async () => tableCounts(store.db)),
    rekey: (current, change, event) => run(async () => rekey(store, current, change, event)),
  };
}

/**
 * A new random key in a new key file in `dir`, or a new passphrase. The old key file is never
 * replaced or deleted: other databases may share it, and backups made before now need it. The
 * new file is written and synced first; the database is rekeyed through a proven copy that
 * carries the audit entry (src/db/maintenance.ts). Whatever happens, the database opens with
 * one of the two keys; a new key file is removed only when the database is proven still on the old.
 */
function rekey(store: Store, current: StoreKey, change: RekeyChange, event: MaintenanceEvent): { key_file: string | null } {
  const database = store.db.name;
  const made = change.to === 'key_file' ? change : undefined;
  const newKey: StoreKey = made?.key ?? { kind: 'passphrase', passphrase: (change as { passphrase: string }).passphrase };
  try {
    try {
      rekeyByCopy(store.db, database, current, newKey, (rekeyed) => {
        rekeyed.transaction(() => {
          const last = rekeyed.lastAuditEntry();
          const unsigned = {
            seq: (last?.seq ?? 0) + 1, at: event.at, actor: event.actor, action: event.action,
            client_id: null, object_id: null, outcome: 'ok', prev_hash: last?.hash ?? GENESIS_HASH,
          };
          rekeyed.insertAuditEntry({ ...unsigned, hash: auditHash(unsigned) });
        });
      });
    } catch (error) {
      if (error instanceof TptError) throw error;
      throw new TptError(`rekeying failed (${(error as Error).message}): the database still opens with the old key; nothing changed`);
    }
    restrictMode(database);
  } catch (error) {
    if (made && opensWith(database, current)) rmSync(made.path, { force: true });
    throw error;
  }
  return { key_file: made?.path ?? null };
}
