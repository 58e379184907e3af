import type pg from 'pg';
import { ConflictError } from '../store/errors.js';
import type { AdminReads, AdminWrites, RowCounts, StoreMaintenance } from '../store/port-admin.js';
import type { RecordStore } from '../store/port.js';
import { clientKeyOf, clientKeysOf } from './client-keys.js';
import type { PgPool } from './connect.js';
import { FieldCipher, type FieldKey } from './field-cipher.js';
import { fieldPlace } from './field-place.js';
import { requireSchema } from './migrate.js';
import { pgCare } from './care-rows.js';
import { rekeyDatabase, sealedTables } from './rekey.js';

/**
 * The tables a client's rows are counted in for the report of a rename, merge or purge: those of
 * the SQLite schema (src/db/purge-queries.ts's clientTables), in the same order, so that both
 * engines report the same records alike.
 */
export const SQLITE_CLIENT_TABLES = [
  'caseload', 'courses', 'goal_edits', 'goals', 'ingested', 'measure_schedules', 'measure_versions', 'measures',
  'milestone_edits', 'milestones', 'risk_events', 'risks', 'session_versions', 'sessions',
] as const;

/** Of those, the tables of this schema, keyed by client_key. */
const PG_CLIENT_TABLES = new Set<string>([
  'caseload', 'courses', 'measure_schedules', 'goal_edits', 'goals', 'ingested', 'measure_versions', 'measures', 'milestone_edits', 'milestones', 'risk_events', 'risks',
  'session_versions', 'sessions',
]);

/** Children before parents: the order a purge deletes in (the foreign keys are not deferred). */
const DELETE_ORDER = [
  'goal_history', 'goal_edits', 'milestone_edits', 'milestones', 'measure_versions', 'measures', 'session_versions',
  'sessions', 'goals', 'risk_events', 'risks', 'courses', 'measure_schedules', 'ingested', 'ingested_ids', 'record_ids', 'caseload',
] as const;

/**
 * The admin facet of the port on PostgreSQL (docs/postgres-engine.md, "The schema's key rule").
 * A client's rows are filed under its `client_key`, which never changes: a rename changes
 * `clients.client_id` only, a merge sets `merged_into` and frees the merged client's id, and
 * every read of a client covers its key and the keys merged into it (src/pg/client-keys.ts).
 * The sealed values are bound to their rows' keys, so neither seals anything again.
 */
export function pgAdmin(client: pg.ClientBase, _cipher: FieldCipher): AdminReads & AdminWrites {
  const counts = async (keys: string[], tables: readonly string[]): Promise<RowCounts> => {
    const result: RowCounts = {};
    for (const table of tables) {
      // Names from the lists above, never input.
      result[table] = PG_CLIENT_TABLES.has(table) || table === 'goal_history'
        ? (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE client_key = ANY ($1::uuid[])`, [keys])).rows[0]!.n
        : 0;
    }
    return result;
  };
  return {
    clientActivity: async () => {
      const { rows } = await client.query<{
        client_id: string; created_at: Date; last_session: Date | null; last_goal_change: Date | null;
        last_milestone_achieved: string | null; last_measure: Date | null;
      }>(`
        WITH RECURSIVE tree (root, k) AS (
          SELECT client_key, client_key FROM clients WHERE client_id IS NOT NULL
          UNION
          SELECT t.root, c.client_key FROM clients c JOIN tree t ON c.merged_into = t.k
        ), keys AS (SELECT root, array_agg(k) AS ks FROM tree GROUP BY root)
        SELECT c.client_id, c.created_at,
               (SELECT max("timestamp") FROM sessions s WHERE s.client_key = ANY (keys.ks) AND s.voided_at IS NULL) AS last_session,
               (SELECT max(updated_at) FROM goals g WHERE g.client_key = ANY (keys.ks)) AS last_goal_change,
               (SELECT max(achieved_date)::text FROM milestones m WHERE m.client_key = ANY (keys.ks) AND m.voided_at IS NULL) AS last_milestone_achieved,
               (SELECT max("timestamp") FROM measures o WHERE o.client_key = ANY (keys.ks) AND o.voided_at IS NULL) AS last_measure
          FROM clients c JOIN keys ON keys.root = c.client_key
         ORDER BY c.client_id COLLATE "C"`);
      const iso = (value: Date | null) => (value === null ? null : value.toISOString());
      return rows.map((row) => ({
        client_id: row.client_id,
        created_at: row.created_at.toISOString(),
        last_session: iso(row.last_session),
        last_goal_change: iso(row.last_goal_change),
        last_milestone_achieved: row.last_milestone_achieved,
        last_measure: iso(row.last_measure),
      }));
    },
    // Courses and measure schedules (src/pg/migration-care.ts), read as the care facet reads them.
    hasOpenCourse: async (clientId) => (await pgCare(client, _cipher).openCourse(clientId)) !== undefined,
    liveSchedules: async (clientId) => (await pgCare(client, _cipher).latestSchedules(clientId))
      .filter((row) => row.stopped_at === null).map((row) => row.measure),
    lockClient: async (clientId) => {
      const { rows } = await client.query<{ created_at: Date }>('SELECT created_at FROM clients WHERE client_id = $1 FOR UPDATE', [clientId]);
      return rows[0] === undefined ? undefined : { created_at: rows[0].created_at.toISOString() };
    },
    renameClient: async (from, to) => {
      // The id is unique: another writer's client of that id, committed first, is a ConflictError.
      try {
        await client.query('UPDATE clients SET client_id = $2 WHERE client_id = $1', [from, to]);
      } catch (error) {
        if ((error as { code?: string }).code !== '23505') throw error;
        throw new ConflictError(`client "${to}" exists already`, (error as { constraint?: string }).constraint, { cause: error });
      }
      return counts(await clientKeysOf(client, to), SQLITE_CLIENT_TABLES);
    },
    mergeClient: async (from, into) => {
      const moved = await counts(await clientKeysOf(client, from), SQLITE_CLIENT_TABLES);
      const intoKey = await clientKeyOf(client, into);
      // The merged client dates from the earlier of the two.
      await client.query(`
        UPDATE clients SET created_at = least(created_at, (SELECT created_at FROM clients WHERE client_id = $1))
         WHERE client_key = $2`, [from, intoKey]);
      await client.query(
        'UPDATE clients SET client_id = NULL, merged_into = $2, merged_at = now() WHERE client_id = $1', [from, intoKey]);
      return moved;
    },
    deleteRisk: async (clientId, kind) => {
      const key = await clientKeyOf(client, clientId);
      await client.query('DELETE FROM risk_events WHERE client_key = $1 AND kind = $2', [key, kind]);
      await client.query('DELETE FROM risks WHERE client_key = $1 AND kind = $2', [key, kind]);
    },
    purgeClient: async (clientId) => {
      const keys = await clientKeysOf(client, clientId);
      const deleted: RowCounts = { goal_history: 0, ...(await counts(keys, ['goal_history', ...SQLITE_CLIENT_TABLES])) };
      // Names from the list above, never input. The audit log keeps its entries (append-only).
      for (const table of DELETE_ORDER) await client.query(`DELETE FROM ${table} WHERE client_key = ANY ($1::uuid[])`, [keys]);
      // The client and the clients merged into it, in one statement (merged_into points inside it).
      await client.query('DELETE FROM clients WHERE client_key = ANY ($1::uuid[])', [keys]);
      deleted.clients = 1;
      return deleted;
    },
  };
}

/** Why `tpt backup` writes no file of a PostgreSQL database, in one line. */
export const PG_BACKUP_REFUSAL =
  'a PostgreSQL database is backed up with its server\'s tools (pg_dump, or base backups with WAL archiving): ' +
  'they copy it consistently while it is in use and restore it whole with its roles and settings, which a file of tpt\'s could not; nothing was written';

/** What the PostgreSQL maintenance needs of its store. */
export interface PgMaintenanceParts {
  db: PgPool;
  keys: readonly [FieldKey, ...FieldKey[]];
  /** The store's read, for the audit log's verify. */
  read: RecordStore['read'];
  /** A store of the same database under other keys (the rekey's: the new key first). */
  underKeys(keys: readonly [FieldKey, ...FieldKey[]]): RecordStore;
}

/**
 * The upkeep of a PostgreSQL database. A purge leaves no text behind to compact: every free-text
 * value is sealed (ciphertext only, in the dead rows VACUUM reclaims as in the live ones), so
 * there is no mark to leave and nothing to finish. `check` verifies the schema, every audit
 * chain and that every sealed value opens under the keys given; `rekey` seals every value again
 * under a new key (src/pg/rekey.ts); a backup is the server's tools' work (PG_BACKUP_REFUSAL).
 */
export function pgMaintenance(parts: PgMaintenanceParts): StoreMaintenance {
  return {
    deletesSecurely: async () => true,
    markPurgePending: async () => undefined,
    finishPurge: async () => true,
    check: async (givenHead) => {
      const integrity: string[] = [];
      try {
        await requireSchema(parts.db);
      } catch (error) {
        integrity.push((error as Error).message);
      }
      if (integrity.length === 0) integrity.push(...(await unopenedValues(parts.db, new FieldCipher(parts.keys))));
      const verified = await parts.read((tx) => tx.audit.verify());
      const audit = {
        intact: verified.intact, entries: verified.entries, head: '', head_seq: 0, broken_seq: null, problem: verified.problem,
      };
      if (givenHead !== undefined && audit.intact) {
        // One chain per client: no one head names the whole log.
        return {
          integrity_problems: integrity,
          audit: { ...audit, intact: false, problem: 'a PostgreSQL database keeps one audit chain per client, so no single head names the log: run `tpt check` without --head' },
          leftovers_removed: [],
        };
      }
      return { integrity_problems: integrity, audit, leftovers_removed: [] };
    },
    backupRefusal: () => PG_BACKUP_REFUSAL,
    backup: async () => {
      throw new Error(PG_BACKUP_REFUSAL);
    },
    tableCounts: async () => {
      const counts: Record<string, number> = {};
      const { rows } = await parts.db.pool.query<{ table: string }>(`
        SELECT c.relname AS table FROM pg_class c
         WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition
         ORDER BY c.relname COLLATE "C"`);
      for (const { table } of rows) {
        counts[table] = (await parts.db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${table.replaceAll('"', '""')}"`)).rows[0]!.n;
      }
      return counts;
    },
    rekey: (current, change, event) => rekeyDatabase(parts, change, event),
  };
}

/**
 * Every sealed value opened under the keys given, table by table (the tables from the
 * catalogue, as the rekey reads them): the first value of a table that does not open, in one
 * line each; empty when all do.
 */
async function unopenedValues(db: PgPool, cipher: FieldCipher): Promise<string[]> {
  const problems: string[] = [];
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  for (const { table, sealed, primaryKey } of await sealedTables(db)) {
    const { rows } = await db.pool.query<Record<string, unknown>>(
      `SELECT ${[...primaryKey, ...sealed].map(quote).join(', ')} FROM ${quote(table)}`);
    search: for (const row of rows) {
      const key = primaryKey.map((column) => row[column] as string | number);
      for (const column of sealed) {
        const value = row[column] as Buffer | null;
        if (value === null) continue;
        try {
          cipher.open(value, fieldPlace(table, column, key));
        } catch (error) {
          problems.push((error as Error).message);
          break search;
        }
      }
    }
  }
  return problems;
}
