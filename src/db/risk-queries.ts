import type { Store } from './store.js';
import type { RiskEvent, RiskRow } from '../domain/records.js';

/**
 * The risk register: one row per client and kind in `risks` (its state), and its append-only
 * history in `risk_events`. Reads go by the primary key (client_id, kind), or by
 * `risks_by_status` for the open risks of every client.
 */

const RISK_COLUMNS = 'client_id, kind, status, opened_at, last_flagged_at, resolved_at, resolved_by, resolution_note';

export function riskRow(store: Store, clientId: string, kind: string): RiskRow | undefined {
  return store.statement(`SELECT ${RISK_COLUMNS} FROM risks WHERE client_id = ? AND kind = ?`)
    .get(clientId, kind) as RiskRow | undefined;
}

/** One client's risks, open ones first, then by the time of their latest flag, newest first. */
export function risksOfClient(store: Store, clientId: string, openOnly: boolean): RiskRow[] {
  return (openOnly
    ? store.statement(`SELECT ${RISK_COLUMNS} FROM risks WHERE client_id = ? AND status = 'open'
                        ORDER BY last_flagged_at DESC, kind`).all(clientId)
    : store.statement(`SELECT ${RISK_COLUMNS} FROM risks WHERE client_id = ?
                        ORDER BY status = 'resolved', last_flagged_at DESC, kind`).all(clientId)) as RiskRow[];
}

/** Every client's risks (or only the open ones), by client. */
export function allRisks(store: Store, openOnly: boolean): RiskRow[] {
  return (openOnly
    ? store.statement(`SELECT ${RISK_COLUMNS} FROM risks WHERE status = 'open'
                        ORDER BY client_id, last_flagged_at DESC, kind`).all()
    : store.statement(`SELECT ${RISK_COLUMNS} FROM risks
                        ORDER BY client_id, status = 'resolved', last_flagged_at DESC, kind`).all()) as RiskRow[];
}

export function insertRisk(store: Store, risk: RiskRow): void {
  store.statement(`INSERT INTO risks (${RISK_COLUMNS})
    VALUES (@client_id, @kind, @status, @opened_at, @last_flagged_at, @resolved_at, @resolved_by, @resolution_note)`)
    .run(risk);
}

export function updateRisk(store: Store, risk: RiskRow): void {
  store.statement(`UPDATE risks SET status = @status, opened_at = @opened_at, last_flagged_at = @last_flagged_at,
      resolved_at = @resolved_at, resolved_by = @resolved_by, resolution_note = @resolution_note
    WHERE client_id = @client_id AND kind = @kind`).run(risk);
}

export function appendRiskEvent(store: Store, clientId: string, kind: string, event: RiskEvent): void {
  store.statement(`
    INSERT INTO risk_events (client_id, kind, seq, event, at, source_type, source_id, flag, note, actor, recorded_at)
    VALUES (@client_id, @kind,
      (SELECT coalesce(max(seq), 0) + 1 FROM risk_events WHERE client_id = @client_id AND kind = @kind),
      @event, @at, @source_type, @source_id, @flag, @note, @actor, @recorded_at)`)
    .run({ client_id: clientId, kind, ...event });
}

/** A risk's whole history, in the order it was recorded. */
export function riskEvents(store: Store, clientId: string, kind: string): RiskEvent[] {
  return store.statement(`
    SELECT event, at, source_type, source_id, flag, note, actor, recorded_at FROM risk_events
     WHERE client_id = ? AND kind = ? ORDER BY seq`).all(clientId, kind) as RiskEvent[];
}

/** Removes a risk and its history: only to write them again under another client (a merge). */
export function deleteRisk(store: Store, clientId: string, kind: string): void {
  store.statement('DELETE FROM risk_events WHERE client_id = ? AND kind = ?').run(clientId, kind);
  store.statement('DELETE FROM risks WHERE client_id = ? AND kind = ?').run(clientId, kind);
}
