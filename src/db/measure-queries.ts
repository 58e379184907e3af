import type { Measure, MeasureKind, MeasureState, MeasureVersion } from '../domain/records.js';
import type { Store } from './store.js';

/**
 * The reads and writes of outcome measures. Items are stored as JSON text, NULL when unknown.
 * The measures table holds each measure's current version and its state; measure_versions its
 * earlier versions; live_measures leaves voided measures out of analytics and listings.
 */

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

type StateRow = MeasureState;

const COLUMNS = 'measure_id, client_id, measure, timestamp, session_id, items, total, created_at';
const STATE_COLUMNS = 'version, amended_at, amended_by, amend_reason, voided_at, voided_by, void_reason';

function rowToMeasure(row: MeasureRow): Measure {
  return {
    measure_id: row.measure_id, client_id: row.client_id, measure: row.measure, timestamp: row.timestamp,
    session_id: row.session_id, items: itemsOf(row.items), total: row.total, created_at: row.created_at,
  };
}

function rowToState(row: StateRow): MeasureState {
  return {
    version: row.version, amended_at: row.amended_at, amended_by: row.amended_by, amend_reason: row.amend_reason,
    voided_at: row.voided_at, voided_by: row.voided_by, void_reason: row.void_reason,
  };
}

// An unanswered item (a pro-rated CORE-10) is null inside the list.
const itemsOf = (text: string | null) => (text === null ? null : (JSON.parse(text) as (number | null)[]));
const itemsText = (items: readonly (number | null)[] | null) => (items === null ? null : JSON.stringify(items));

function measureToValues(measure: Measure): unknown[] {
  return [
    measure.measure_id, measure.client_id, measure.measure, measure.timestamp, measure.session_id,
    itemsText(measure.items), measure.total, measure.created_at,
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

/** A measure, voided or not. */
export function measureById(store: Store, measureId: string): Measure | undefined {
  const row = store.statement(`SELECT ${COLUMNS} FROM measures WHERE measure_id = ?`).get(measureId) as MeasureRow | undefined;
  return row && rowToMeasure(row);
}

/** A measure (voided or not) with its state, or undefined. */
export function measureWithState(store: Store, measureId: string): { measure: Measure; state: MeasureState } | undefined {
  const row = store.statement(`SELECT ${COLUMNS}, ${STATE_COLUMNS} FROM measures WHERE measure_id = ?`).get(measureId) as
    | (MeasureRow & StateRow)
    | undefined;
  return row && { measure: rowToMeasure(row), state: rowToState(row) };
}

/**
 * A client's measures in [start, end], oldest first, voided ones left out; `start` null means from
 * the first. Measures taken at the same instant (two at one session) come in the order they were
 * recorded, then by id: one order, so no conclusion drawn from first and latest depends on chance.
 */
export function measuresInRange(store: Store, clientId: string, start: string | null, end: string): Measure[] {
  const rows = store.statement(`
    SELECT ${COLUMNS} FROM live_measures
     WHERE client_id = ? AND timestamp >= ? AND timestamp <= ?
     ORDER BY timestamp, created_at, measure_id`).all(clientId, start ?? '', end) as MeasureRow[];
  return rows.map(rowToMeasure);
}

/**
 * Each measure's first live score in [from, end] (the baseline of its course; `from` '' means on
 * record), in the order of `measuresInRange`: one row per kind taken, read by the (client_id,
 * timestamp) index.
 */
export function baselineMeasures(store: Store, clientId: string, end: string, from = ''): Measure[] {
  const rows = store.statement(`
    SELECT ${COLUMNS} FROM (
      SELECT *, row_number() OVER (PARTITION BY measure ORDER BY timestamp, created_at, measure_id) AS place
        FROM live_measures WHERE client_id = ? AND timestamp >= ? AND timestamp <= ?)
     WHERE place = 1 ORDER BY timestamp, created_at, measure_id`).all(clientId, from, end) as MeasureRow[];
  return rows.map(rowToMeasure);
}

/** As `measuresInRange`, voided ones included, each with its state (`tpt measures --include-void`). */
export function measuresWithStateInRange(
  store: Store, clientId: string, start: string | null, end: string,
): { measure: Measure; state: MeasureState }[] {
  const rows = store.statement(`
    SELECT ${COLUMNS}, ${STATE_COLUMNS} FROM measures
     WHERE client_id = ? AND timestamp >= ? AND timestamp <= ?
     ORDER BY timestamp, created_at, measure_id`).all(clientId, start ?? '', end) as (MeasureRow & StateRow)[];
  return rows.map((row) => ({ measure: rowToMeasure(row), state: rowToState(row) }));
}

/** Every measure of a client, voided ones too, oldest first, with its state, streamed (the exports' order). */
export function* measuresOfClient(store: Store, clientId: string): Generator<{ measure: Measure; state: MeasureState }> {
  const rows = store.statement(`
    SELECT ${COLUMNS}, ${STATE_COLUMNS} FROM measures WHERE client_id = ?
     ORDER BY timestamp, created_at, measure_id`).iterate(clientId) as IterableIterator<MeasureRow & StateRow>;
  for (const row of rows) yield { measure: rowToMeasure(row), state: rowToState(row) };
}

interface VersionRow {
  version: number;
  timestamp: string;
  session_id: string | null;
  items: string | null;
  total: number;
  amended_at: string | null;
  amended_by: string | null;
  amend_reason: string | null;
}

/** Every earlier version of a measure, oldest first (the current one is in measures). */
export function earlierMeasureVersions(store: Store, measureId: string): MeasureVersion[] {
  const rows = store.statement(`
    SELECT version, timestamp, session_id, items, total, amended_at, amended_by, amend_reason
      FROM measure_versions WHERE measure_id = ? ORDER BY version`).all(measureId) as VersionRow[];
  return rows.map((row) => ({ ...row, items: itemsOf(row.items) }));
}

/**
 * Makes `next` the current version of its measure: the current one is copied to measure_versions
 * first, so nothing is overwritten. Call inside a transaction.
 */
export function replaceMeasureWithAmendment(
  store: Store, next: Measure, amendment: { version: number; amended_at: string; amended_by: string; amend_reason: string },
): void {
  store.statement(`
    INSERT INTO measure_versions (measure_id, version, client_id, timestamp, session_id, items, total, amended_at, amended_by, amend_reason)
    SELECT measure_id, version, client_id, timestamp, session_id, items, total, amended_at, amended_by, amend_reason
      FROM measures WHERE measure_id = ?`).run(next.measure_id);
  store.statement(`
    UPDATE measures SET timestamp = ?, session_id = ?, items = ?, total = ?,
      version = ?, amended_at = ?, amended_by = ?, amend_reason = ?
    WHERE measure_id = ?`).run(
    next.timestamp, next.session_id, itemsText(next.items), next.total,
    amendment.version, amendment.amended_at, amendment.amended_by, amendment.amend_reason, next.measure_id,
  );
}

/** Sets (or, with null, clears) the void of a measure. */
export function setMeasureVoided(store: Store, measureId: string, voided: { at: string; by: string; reason: string } | null): void {
  store.statement('UPDATE measures SET voided_at = ?, voided_by = ?, void_reason = ? WHERE measure_id = ?')
    .run(voided?.at ?? null, voided?.by ?? null, voided?.reason ?? null, measureId);
}

/** Writes the state and earlier versions of a measure as an import carries them (its content is written already). */
export function writeMeasureCorrections(
  store: Store, measureId: string, clientId: string, state: MeasureState, versions: readonly MeasureVersion[],
): void {
  store.statement(`
    UPDATE measures SET version = ?, amended_at = ?, amended_by = ?, amend_reason = ?, voided_at = ?, voided_by = ?, void_reason = ?
     WHERE measure_id = ?`).run(
    state.version, state.amended_at, state.amended_by, state.amend_reason, state.voided_at, state.voided_by,
    state.void_reason, measureId,
  );
  store.statement('DELETE FROM measure_versions WHERE measure_id = ?').run(measureId);
  const insert = store.statement(`
    INSERT INTO measure_versions (measure_id, version, client_id, timestamp, session_id, items, total, amended_at, amended_by, amend_reason)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  for (const version of versions) {
    insert.run(
      measureId, version.version, clientId, version.timestamp, version.session_id, itemsText(version.items), version.total,
      version.amended_at, version.amended_by, version.amend_reason,
    );
  }
}
