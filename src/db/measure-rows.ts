import type { Measure } from '../domain/records.js';
import { NotFoundError } from '../store/errors.js';
import type { MeasureAmendment, MeasureReads, MeasureWithState, MeasureWrites, VoidMark } from '../store/port.js';
import {
  earlierMeasureVersions, insertMeasure, measureWithState, replaceMeasureWithAmendment,
} from './measure-queries.js';
import type { Store } from './store.js';

/**
 * The measures of the port on SQLite, over src/db/measure-queries.ts. Every write runs under the
 * write lock its transaction took at BEGIN IMMEDIATE, so `lock` is a read; the guards are still
 * in the writes, so a caller that skipped its check cannot change a measure in the wrong state.
 */
export function sqliteMeasures(store: Store): MeasureReads & MeasureWrites {
  const get = async (measureId: string): Promise<MeasureWithState | undefined> => measureWithState(store, measureId);
  return {
    get,
    lock: get,
    ofClient: async (clientId, options = {}) => {
      const ids = store.statement(`SELECT measure_id FROM measures WHERE client_id = ?${options.includeVoid ? '' : ' AND voided_at IS NULL'}
        ORDER BY timestamp, created_at, measure_id`).all(clientId) as { measure_id: string }[];
      return ids.map((row) => measureWithState(store, row.measure_id)!);
    },
    versions: async (measureId) => earlierMeasureVersions(store, measureId),
    insert: async (measure: Measure) => {
      requireSessionOf(store, measure);
      insertMeasure(store, measure);
    },
    setVoided: async (measureId: string, mark: VoidMark | null) => {
      const guard = mark ? 'voided_at IS NULL' : 'voided_at IS NOT NULL';
      return store.statement(`UPDATE measures SET voided_at = ?, voided_by = ?, void_reason = ? WHERE measure_id = ? AND ${guard}`)
        .run(mark?.at ?? null, mark?.by ?? null, mark?.reason ?? null, measureId).changes === 1;
    },
    amend: async (next: Measure, amendment: MeasureAmendment) => {
      const current = store.statement('SELECT version, voided_at FROM measures WHERE measure_id = ?').get(next.measure_id) as
        { version: number; voided_at: string | null } | undefined;
      if (!current || current.voided_at !== null || current.version !== amendment.version - 1) return false;
      requireSessionOf(store, next);
      replaceMeasureWithAmendment(store, next, amendment);
      return true;
    },
  };
}

/** A measure's session must be its client's: SQLite's foreign key knows only the session's id. */
function requireSessionOf(store: Store, measure: Measure): void {
  if (measure.session_id === null) return;
  const session = store.statement('SELECT client_id FROM sessions WHERE session_id = ?').get(measure.session_id) as { client_id: string } | undefined;
  if (session !== undefined && session.client_id !== measure.client_id) {
    throw new NotFoundError(`no session "${measure.session_id}" of client "${measure.client_id}": see the client's sessions for the ids`);
  }
}
