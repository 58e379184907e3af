import type pg from 'pg';
import type { Measure, Session } from '../domain/records.js';
import { ConflictError, NotFoundError } from '../store/errors.js';
import type { IngestedLine, IngestedRow, IngestReads, IngestWrites } from '../store/port-ingest.js';
import type { FieldCipher } from './field-cipher.js';
import { RowSealer } from './sealer.js';
import { SEALED_COLUMNS, sealContent } from './session-rows.js';

/**
 * The ingest facet of the port on PostgreSQL (src/pg/migration-ingest.ts): a batch's ids looked up
 * in one query, its rows written a few statements a batch (unnest of one array a column), free
 * text sealed as every session's is. Ids are claimed first, in record_ids and ingested_ids, so
 * that two writers of one id collide on a primary key: a ConflictError, and the sender's retry.
 */
export function pgIngest(client: pg.ClientBase, cipher: FieldCipher): IngestReads & IngestWrites {
  /** The keys of these clients, by id; a client not there is a NotFoundError. */
  const keysOf = async (clientIds: Iterable<string>): Promise<Map<string, string>> => {
    const wanted = [...new Set(clientIds)];
    const { rows } = await client.query<{ client_id: string; client_key: string }>(
      'SELECT client_id, client_key FROM clients WHERE client_id = ANY ($1::text[])', [wanted]);
    const keys = new Map(rows.map((row) => [row.client_id, row.client_key]));
    const missing = wanted.find((clientId) => !keys.has(clientId));
    if (missing !== undefined) throw new NotFoundError(`no client "${missing}": create the client first`);
    return keys;
  };
  const claim = async (kind: 'session' | 'measure', ids: string[], keys: string[]): Promise<void> => {
    await unique(`a ${kind} of one of these ids exists already: give the entry another id`, () => client.query(
      `INSERT INTO record_ids (kind, record_id, client_key) SELECT $1, * FROM unnest($2::text[], $3::uuid[])`, [kind, ids, keys]));
  };
  return {
    taken: async (lineIds) => {
      const { rows } = await client.query<IngestedLine & { line_id: string }>(
        'SELECT line_id, kind, digest, record_id FROM ingested WHERE line_id = ANY ($1::text[])', [lineIds]);
      return new Map(rows.map(({ line_id: lineId, ...line }) => [lineId, line]));
    },
    existing: async (kind, ids) => {
      const { rows } = await client.query<{ record_id: string }>(
        'SELECT record_id FROM record_ids WHERE kind = $1 AND record_id = ANY ($2::text[])', [kind, ids]);
      return new Set(rows.map((row) => row.record_id));
    },
    insertSessions: async (sessions: readonly Session[]) => {
      if (sessions.length === 0) return;
      const keys = await keysOf(sessions.map((session) => session.client_id));
      const key = (session: Session) => keys.get(session.client_id)!;
      await claim('session', sessions.map((session) => session.session_id), sessions.map(key));
      const sealed = sessions.map((session) => sealContent(new RowSealer(cipher, 'sessions', [key(session), session.session_id]), session));
      await client.query(
        `INSERT INTO sessions (client_key, session_id, "timestamp", emotional_score, session_duration_minutes, has_crisis_flags,
           ${SEALED_COLUMNS.join(', ')})
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::int[], $5::int[], $6::bool[],
           ${SEALED_COLUMNS.map((_, index) => `$${index + 7}::bytea[]`).join(', ')})`,
        [
          sessions.map(key), sessions.map((session) => session.session_id), sessions.map((session) => session.timestamp),
          sessions.map((session) => session.emotional_score), sessions.map((session) => session.session_duration_minutes),
          sessions.map((session) => session.crisis_flags.length > 0),
          ...SEALED_COLUMNS.map((_, index) => sealed.map((values) => values[index])),
        ]);
    },
    insertMeasures: async (measures: readonly Measure[]) => {
      if (measures.length === 0) return;
      const keys = await keysOf(measures.map((measure) => measure.client_id));
      const key = (measure: Measure) => keys.get(measure.client_id)!;
      await claim('measure', measures.map((measure) => measure.measure_id), measures.map(key));
      // Items as the JSON text of their list: a column of int arrays of unequal lengths is no 2-D array.
      await client.query(
        `INSERT INTO measures (client_key, measure_id, measure, "timestamp", session_id, items, total, created_at)
         SELECT k, i, m, t, NULL, CASE WHEN a IS NULL THEN NULL ELSE ARRAY(SELECT e::smallint FROM json_array_elements_text(a::json) WITH ORDINALITY AS x (e, n) ORDER BY n) END, s, c
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::int[], $7::timestamptz[]) AS u (k, i, m, t, a, s, c)`,
        [
          measures.map(key), measures.map((measure) => measure.measure_id), measures.map((measure) => measure.measure),
          measures.map((measure) => measure.timestamp), measures.map((measure) => (measure.items === null ? null : JSON.stringify(measure.items))),
          measures.map((measure) => measure.total), measures.map((measure) => measure.created_at),
        ]);
    },
    record: async (rows: readonly IngestedRow[]) => {
      if (rows.length === 0) return;
      const keys = await keysOf(rows.map((row) => row.client_id));
      const key = (row: IngestedRow) => keys.get(row.client_id)!;
      await unique('a line of one of these ids was taken already: send the stream again', () => client.query(
        'INSERT INTO ingested_ids (line_id, client_key) SELECT * FROM unnest($1::text[], $2::uuid[])', [rows.map((row) => row.line_id), rows.map(key)]));
      await client.query(
        `INSERT INTO ingested (client_key, line_id, kind, digest, record_id, ingested_at)
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])`,
        [rows.map(key), rows.map((row) => row.line_id), rows.map((row) => row.kind), rows.map((row) => row.digest),
          rows.map((row) => row.record_id), rows.map((row) => row.ingested_at)]);
    },
  };
}

/** Runs an insert whose unique violation is a ConflictError saying `message`. */
async function unique(message: string, insert: () => Promise<unknown>): Promise<void> {
  try {
    await insert();
  } catch (error) {
    if ((error as { code?: unknown }).code === '23505') throw new ConflictError(message, undefined, { cause: error });
    throw error;
  }
}
