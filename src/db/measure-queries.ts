import type { Measure } from '../core/model.js';
import type { MeasureKind } from '../core/measure-scoring.js';
import type { Store } from './store.js';

/** The reads and writes of outcome measures. Items are stored as JSON text, NULL when unknown. */

interface MeasureRow {
  measure_id: string;
  client_id: string;
  measure: MeasureKind;
  timestamp: string;
  session_id: string | null;
  items: string | null;
  total: number;
  created_at: string;
}

const COLUMNS = 'measure_id, client_id, measure, timestamp, session_id, items, total, created_at';

function rowToMeasure(row: MeasureRow): Measure {
  return { ...row, items: row.items === null ? null : (JSON.parse(row.items) as number[]) };
}

function measureToValues(measure: Measure): unknown[] {
  return [
    measure.measure_id, measure.client_id, measure.measure, measure.timestamp, measure.session_id,
    measure.items === null ? null : JSON.stringify(measure.items), measure.total, measure.created_at,
  ];
}

export function insertMeasure(store: Store, measure: Measure): void {
  store.statement(`INSERT INTO measures (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).run(...measureToValues(measure));
}

/** Replaces a measure with an imported one (only with --on-conflict replace). */
export function replaceMeasure(store: Store, measure: Measure): void {
  const [id, ...rest] = measureToValues(measure);
  store.statement(`
    UPDATE measures SET client_id = ?, measure = ?, timestamp = ?, session_id = ?, items = ?, total = ?, created_at = ?
     WHERE measure_id = ?`).run(...rest, id);
}

export function measureById(store: Store, measureId: string): Measure | undefined {
  const row = store.statement(`SELECT ${COLUMNS} FROM measures WHERE measure_id = ?`).get(measureId) as MeasureRow | undefined;
  return row && rowToMeasure(row);
}

/** A client's measures in [start, end], oldest first (ties by id); `start` null means from the first. */
export function measuresInRange(store: Store, clientId: string, start: string | null, end: string): Measure[] {
  const rows = store.statement(`
    SELECT ${COLUMNS} FROM measures
     WHERE client_id = ? AND timestamp >= ? AND timestamp <= ?
     ORDER BY timestamp, measure_id`).all(clientId, start ?? '', end) as MeasureRow[];
  return rows.map(rowToMeasure);
}

/** Every measure of a client, oldest first, streamed (the export's order). */
export function* measuresOfClient(store: Store, clientId: string): Generator<Measure> {
  const rows = store.statement(`
    SELECT ${COLUMNS} FROM measures WHERE client_id = ?
     ORDER BY timestamp, measure_id`).iterate(clientId) as IterableIterator<MeasureRow>;
  for (const row of rows) yield rowToMeasure(row);
}
