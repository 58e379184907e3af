import type { ReadTx, RecordStore, WriteTx } from '../store/port.js';
import { appendAudit, readLogged } from './audit.js';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { checkId } from './ids.js';
import { measureRiskFlags, riskItemLevel, scoreMeasure, validateMeasure, type MeasureInput, type ScoredMeasure } from './measures.js';
import type { Actor, Measure, MeasureState, MeasureVersion } from './model.js';
import { requireReason } from './reasons.js';
import { recordRiskFlagsIn } from './risks.js';

/**
 * Measures are corrected as sessions are (src/core/session-corrections.ts): an amendment makes a
 * new version and keeps the earlier one whole; a void takes a measure out of `measures`, trends,
 * reports and the trajectory rule, and keeps it in the record and the exports; a restore undoes
 * the void. A measure's kind and client are not amended: void it and record it again.
 */

/** What an amendment may change; items and total as `measure add` takes them. */
export interface MeasureChange {
  items?: MeasureInput['items'];
  total?: MeasureInput['total'];
  timestamp?: MeasureInput['timestamp'];
  session_id?: string;
}

/** A measure with its scores, its state and, when asked for, every version. */
export interface MeasureDetail extends ScoredMeasure, MeasureState {
  amendments: number;
  history?: MeasureVersion[];
}

async function requireMeasure(tx: ReadTx, measureId: string): Promise<{ measure: Measure; state: MeasureState }> {
  return found(await tx.measures.get(checkId(measureId, 'measure')), measureId);
}

async function lockMeasure(tx: WriteTx, measureId: string): Promise<{ measure: Measure; state: MeasureState }> {
  return found(await tx.measures.lock(checkId(measureId, 'measure')), measureId);
}

function found<T>(measure: T | undefined, measureId: string): T {
  if (!measure) throw new NotFoundError(`no measure "${measureId}": see \`tpt measures <client> --include-void\` for the ids`);
  return measure;
}

/** Makes a new version of the measure from the changed fields; the current one is kept whole. */
export async function amendMeasure(
  records: RecordStore, measureId: string, change: MeasureChange, reason: string | undefined, who: Actor,
): Promise<MeasureDetail> {
  const why = requireReason(reason, 'an amendment');
  return records.write(async (tx) => {
    const { measure, state } = await lockMeasure(tx, measureId);
    if (state.voided_at !== null) {
      throw new ConflictError(`measure ${measure.measure_id} is voided: restore it first (\`tpt measure restore ${measure.measure_id}\`)`);
    }
    if (Object.values(change).every((value) => value === undefined)) {
      throw new InputError('nothing to amend: give what changes (--items, --total, --at or --session)');
    }
    if (change.items !== undefined && change.total !== undefined) {
      throw new InputError('give --items or --total, not both: the total is computed from the items');
    }
    // The answers as they stand unless the amendment gives new ones (or a total alone, items unknown).
    const answers: Pick<MeasureInput, 'items' | 'total'> = change.items !== undefined ? { items: change.items }
      : change.total !== undefined ? { items: null, total: change.total }
        : measure.items !== null ? { items: measure.items } : { total: measure.total };
    const checked = await validateMeasure(tx, {
      measure_id: measure.measure_id, client_id: measure.client_id, measure: measure.measure, ...answers,
      session_id: change.session_id ?? measure.session_id,
      // Moved to a session without a time of its own: taken at that session, as `measure add` does.
      timestamp: change.timestamp ?? (change.session_id !== undefined ? undefined : new Date(measure.timestamp)),
    }, who);
    const next: Measure = { ...checked, created_at: measure.created_at };
    const fields = ['timestamp', 'session_id', 'items', 'total'] as const;
    if (fields.every((field) => JSON.stringify(next[field]) === JSON.stringify(measure[field]))) {
      throw new InputError('the amendment changes nothing: every value given is already the measure\'s');
    }
    const amended = await tx.measures.amend(next, {
      version: state.version + 1, amended_at: who.now.toISOString(), amended_by: who.actor, amend_reason: why,
    });
    // Read under the lock, so the guard holds; a false here is a measure changed under it all the same.
    if (!amended) throw new ConflictError(`measure ${measure.measure_id} changed while it was amended: show it and amend again`);
    await appendAudit(tx, { action: 'measure.amend', client_id: measure.client_id, object_id: measure.measure_id }, who);
    // A risk item raised by the amendment opens (or reopens) its risk, as a new measure's does; one
    // lowered leaves the risk as it is: only a person's resolution closes a risk.
    const before = riskItemLevel(measure);
    const after = riskItemLevel(next);
    if (after > before) await recordRiskFlagsIn(tx, measure.client_id, measureRiskFlags(next), who);
    return measureDetailIn(tx, measure.measure_id, false);
  });
}

/** Takes a measure out of listings and analytics; it stays in the record, the exports and the audit log. */
export async function voidMeasure(records: RecordStore, measureId: string, reason: string | undefined, who: Actor): Promise<MeasureDetail> {
  const why = requireReason(reason, 'voiding a measure');
  // Checked under the measure's lock in the void's own transaction.
  return records.write(async (tx) => {
    const { measure, state } = await lockMeasure(tx, measureId);
    if (state.voided_at !== null) throw new ConflictError(`measure ${measure.measure_id} is voided already`);
    await tx.measures.setVoided(measure.measure_id, { at: who.now.toISOString(), by: who.actor, reason: why });
    await appendAudit(tx, { action: 'measure.void', client_id: measure.client_id, object_id: measure.measure_id }, who);
    return measureDetailIn(tx, measure.measure_id, false);
  });
}

/** Undoes a void: the audit log keeps both. */
export async function restoreMeasure(records: RecordStore, measureId: string, who: Actor): Promise<MeasureDetail> {
  return records.write(async (tx) => {
    const { measure, state } = await lockMeasure(tx, measureId);
    if (state.voided_at === null) throw new ConflictError(`measure ${measure.measure_id} is not voided: there is nothing to restore`);
    await tx.measures.setVoided(measure.measure_id, null);
    await appendAudit(tx, { action: 'measure.restore', client_id: measure.client_id, object_id: measure.measure_id }, who);
    return measureDetailIn(tx, measure.measure_id, false);
  });
}

/** `tpt measure show`: one measure (voided ones too) with its state, and with `history` every version. */
export async function showMeasure(records: RecordStore, measureId: string, history: boolean, who: Actor): Promise<MeasureDetail> {
  const { measure } = await records.read((tx) => requireMeasure(tx, measureId));
  return readLogged(records, { action: 'measure.read', client_id: measure.client_id, object_id: measure.measure_id }, who,
    (tx) => measureDetailIn(tx, measure.measure_id, history));
}

/** A measure with its scores and state (and, with `withHistory`, every version); no audit entry. */
export async function measureDetail(records: RecordStore, measureId: string, withHistory: boolean): Promise<MeasureDetail> {
  return records.read((tx) => measureDetailIn(tx, measureId, withHistory));
}

/** measureDetail inside a transaction of the port. */
export async function measureDetailIn(tx: ReadTx, measureId: string, withHistory: boolean): Promise<MeasureDetail> {
  const { measure, state } = (await tx.measures.get(measureId))!;
  const result: MeasureDetail = { ...scoreMeasure(measure), ...state, amendments: state.version - 1 };
  if (withHistory) {
    result.history = [
      ...await tx.measures.versions(measureId),
      {
        version: state.version, timestamp: measure.timestamp, session_id: measure.session_id, items: measure.items,
        total: measure.total, amended_at: state.amended_at, amended_by: state.amended_by, amend_reason: state.amend_reason,
      },
    ];
  }
  return result;
}
