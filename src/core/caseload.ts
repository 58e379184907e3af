import type { ReadTx, RecordStore } from '../store/port.js';
import { readLogged } from './audit.js';
import { InputError } from './errors.js';
import type { Actor } from './model.js';
import { offTrackAlerts, type OffTrackRule } from './off-track.js';
import { openRisksIn } from './risks.js';
import { statusesIn } from './schedules.js';
import { localDateString } from './time.js';

/**
 * `tpt caseload` (README, "The caseload"): every client, most pressing first, each with why.
 * The reasons rank as a clinician triages: safety first (open risks, a risk item endorsed), then
 * treatment that is going wrong (a reliable deterioration, no improvement), then the gaps in care
 * (an overdue measure, no session for 21 days), then the paperwork (goals past their target, a
 * measure due, notes left unsigned).
 */

export type CaseloadReasonKind =
  | 'open_risk' | OffTrackRule | 'measure_overdue' | 'no_recent_session' | 'goals_past_target' | 'measure_due' | 'notes_unsigned';

/** Each reason's rank: lower is more pressing. */
export const REASON_RANK: Record<CaseloadReasonKind, number> = {
  open_risk: 1,
  risk_item_endorsed: 2,
  reliable_deterioration: 3,
  no_reliable_improvement: 4,
  measure_overdue: 5,
  no_recent_session: 6,
  goals_past_target: 7,
  measure_due: 8,
  notes_unsigned: 9,
};

/** Days without a session after which a client in treatment is listed (issue 24's 21 days: three missed weekly sessions). */
export const NO_SESSION_DAYS = 21;
/** Days after which an unsigned note is listed, unless `--unsigned-days` says otherwise. */
export const UNSIGNED_DAYS = 3;

const DAY_MS = 86_400_000;

export interface CaseloadReason {
  reason: CaseloadReasonKind;
  /** In words, with the dates and numbers. */
  text: string;
  /** The date it rests on (UTC ISO 8601), or null. */
  date: string | null;
  /** Orders reasons of one rank: larger is more pressing (missed occasions, days, count). */
  weight: number;
  /** For off-track alerts, the rule's source. */
  source?: string;
}

export interface CaseloadEntry {
  client_id: string;
  last_session: string | null;
  reasons: CaseloadReason[];
}

export interface CaseloadOptions {
  /** Unsigned notes older than this many days are listed. */
  unsignedDays?: number;
}

/** `name` is how the caller gave it: `--unsigned-days` on the command line, `unsigned_days` over HTTP. */
export function parseUnsignedDays(text: string | undefined, name = '--unsigned-days'): number {
  if (text === undefined) return UNSIGNED_DAYS;
  if (!/^\d{1,4}$/.test(text.trim())) {
    throw new InputError(`invalid ${name} "${text}": give a whole number of days, 0 or more (default ${UNSIGNED_DAYS})`);
  }
  return Number(text);
}

const day = (iso: string) => localDateString(new Date(iso));

/** Sorts a client's reasons, most pressing first. */
function byUrgency(a: CaseloadReason, b: CaseloadReason): number {
  return REASON_RANK[a.reason] - REASON_RANK[b.reason] || b.weight - a.weight;
}

/**
 * Orders two clients: reason by reason, the more pressing reason first; where one list runs out,
 * the client with more reasons; then the client id, so the order never depends on entry.
 */
export function compareEntries(a: CaseloadEntry, b: CaseloadEntry): number {
  for (let index = 0; index < Math.min(a.reasons.length, b.reasons.length); index++) {
    const order = byUrgency(a.reasons[index]!, b.reasons[index]!);
    if (order !== 0) return order;
  }
  return b.reasons.length - a.reasons.length || (a.client_id < b.client_id ? -1 : a.client_id > b.client_id ? 1 : 0);
}

/** One client's reasons at `now` (no audit entry). */
export async function reasonsOf(
  tx: ReadTx, clientId: string, lastSession: string | null, now: Date, unsignedDays: number,
): Promise<CaseloadReason[]> {
  const reasons: CaseloadReason[] = [];
  const nowIso = now.toISOString();
  const risks = await openRisksIn(tx, clientId);
  if (risks.length > 0) {
    reasons.push({
      reason: 'open_risk', weight: risks.length, date: risks.map((risk) => risk.last_flagged_at).sort().at(-1)!,
      text: `open risk: ${risks.map((risk) => `${risk.kind} (since ${day(risk.opened_at)}, last flagged ${day(risk.last_flagged_at)})`).join(', ')}`,
    });
  }
  for (const alert of await offTrackAlerts(tx, clientId, now)) {
    reasons.push({ reason: alert.rule, weight: 0, date: alert.date, text: `off track: ${alert.detail}`, source: alert.source });
  }
  for (const status of await statusesIn(tx, clientId, now)) {
    if (status.status === 'overdue') {
      reasons.push({
        reason: 'measure_overdue', weight: status.missed_in_a_row, date: status.due_since,
        text: `${status.name} overdue since ${day(status.due_since!)}, missed ${status.missed_in_a_row} in a row`,
      });
    } else if (status.status === 'due') {
      reasons.push({ reason: 'measure_due', weight: 0, date: status.due_since, text: `${status.name} due since ${day(status.due_since!)}` });
    }
  }
  // A client whose last course has ended is out of treatment: a gap in sessions is no concern then.
  const course = await tx.care.courseAt(clientId, nowIso);
  const inTreatment = !(course?.ended_at != null && course.ended_at <= nowIso);
  if (inTreatment) {
    const days = lastSession === null ? null : Math.floor((now.getTime() - Date.parse(lastSession)) / DAY_MS);
    if (days === null || days >= NO_SESSION_DAYS) {
      reasons.push({
        reason: 'no_recent_session', weight: days ?? Number.MAX_SAFE_INTEGER, date: lastSession,
        text: days === null ? 'no session on record' : `no session for ${days} days (last ${day(lastSession!)})`,
      });
    }
  }
  const goals = await tx.care.goalsPastTarget(clientId, localDateString(now));
  if (goals.length > 0) {
    reasons.push({
      reason: 'goals_past_target', weight: goals.length, date: null,
      text: `${goals.length === 1 ? 'goal' : `${goals.length} goals`} past target: ${goals.map((goal) => `${goal.goal_id} (${goal.target_date})`).join(', ')}`,
    });
  }
  const unsigned = await tx.care.unsignedBefore(clientId, new Date(now.getTime() - unsignedDays * DAY_MS).toISOString());
  if (unsigned.count > 0) {
    reasons.push({
      reason: 'notes_unsigned', weight: unsigned.count, date: unsigned.oldest,
      text: `${unsigned.count} ${unsigned.count === 1 ? 'note' : 'notes'} unsigned for more than ${unsignedDays} days (oldest ${day(unsigned.oldest!)})`,
    });
  }
  return reasons.sort(byUrgency);
}

/** `tpt caseload`: every client, most pressing first (one audit entry). */
export async function caseload(records: RecordStore, options: CaseloadOptions, who: Actor): Promise<CaseloadEntry[]> {
  const unsignedDays = options.unsignedDays ?? UNSIGNED_DAYS;
  return readLogged(records, { action: 'caseload.read' }, who, async (tx) => {
    const entries: CaseloadEntry[] = [];
    for (const client of await tx.care.clientFigures()) {
      entries.push({
        client_id: client.client_id, last_session: client.last_session,
        reasons: await reasonsOf(tx, client.client_id, client.last_session, who.now, unsignedDays),
      });
    }
    return entries.sort(compareEntries);
  });
}
