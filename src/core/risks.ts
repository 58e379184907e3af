import type { Store } from '../db/store.js';
import {
  appendRiskEvent, insertRisk, riskEvents, riskRow, risksOfClient, updateRisk,
} from '../db/risk-queries.js';
import { appendAudit, recordAudit } from './audit.js';
import type { ReadTx, RecordStore, WriteTx } from '../store/port.js';
import { requireClient, requireClientIn } from './clients.js';
import { parseRiskKind, riskKindOf, type RiskKind } from './crisis-flags.js';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { checkId } from './ids.js';
import type { Actor, RiskEvent, RiskRow } from './model.js';
import { requireReason } from './reasons.js';
import { localDateTimeString } from './time.js';

/**
 * The risk register (README, "Crisis flags and risks"). A crisis flag opens a risk of its kind
 * for the client; the risk stays open, and is shown at the top of every report, trend and
 * listing of the client whatever the timeframe, until a person resolves it with a note. A flag
 * recorded after the resolution reopens it: the resolution could not have weighed it.
 *
 * The API for other modules (sessions, measures):
 *
 *   recordRiskFlags(store, clientId, [{ flag, at, source: { type: 'measure', id } }], who)
 *     Call it inside the transaction of the write that carries the flags. `flag` is the words
 *     as recorded (its kind follows from the vocabulary of crisis-flags.ts, or pass `kind`);
 *     `at` is when it happened (UTC ISO 8601). Opening and reopening are audited.
 *   openRisksOf(store, clientId)   the client's open risks, for a display (no audit entry of its own).
 */

export interface RiskFlag {
  /** The words of the flag as recorded, e.g. `suicidal_ideation` or `PHQ-9 item 9 scored 2`. */
  flag: string;
  /** Its kind; by default the kind the vocabulary gives the words. */
  kind?: RiskKind;
  /** When it happened: the session's or measure's time (UTC ISO 8601). */
  at: string;
  source: { type: string; id: string };
}

/** An open risk as `report --json` (`open_risks`), `trends --json` and the HTTP service show it. */
export interface OpenRisk {
  kind: string;
  opened_at: string;
  last_flagged_at: string;
  /** The sessions whose flags opened or renewed it since it was (re)opened, oldest first. */
  session_ids: string[];
  /** The measures that did, likewise. */
  measure_ids: string[];
  /** The distinct words of those flags. */
  flags: string[];
}

/** A risk with its state and whole history, as `tpt risk list` shows it. */
export interface Risk extends OpenRisk {
  client_id: string;
  status: 'open' | 'resolved';
  resolved_at: string | null;
  resolved_by: string | null;
  resolution_note: string | null;
  history: RiskEvent[];
}

/** Opens, renews or reopens the client's risks for these flags. Call inside the write's transaction. */
export function recordRiskFlags(store: Store, clientId: string, flags: readonly RiskFlag[], who: Actor): void {
  for (const given of flags) {
    const kind = given.kind ?? riskKindOf(given.flag);
    const event = {
      at: given.at, source_type: given.source.type, source_id: given.source.id, flag: given.flag,
      note: '', actor: who.actor, recorded_at: who.now.toISOString(),
    };
    const risk = riskRow(store, clientId, kind);
    if (!risk) {
      insertRisk(store, {
        client_id: clientId, kind, status: 'open', opened_at: given.at, last_flagged_at: given.at,
        resolved_at: null, resolved_by: null, resolution_note: null,
      });
      appendRiskEvent(store, clientId, kind, { ...event, event: 'opened' });
      recordAudit(store, { action: 'risk.open', client_id: clientId, object_id: kind }, who);
    } else if (risk.status === 'resolved') {
      updateRisk(store, {
        ...risk, status: 'open', opened_at: given.at, last_flagged_at: given.at,
        resolved_at: null, resolved_by: null, resolution_note: null,
      });
      appendRiskEvent(store, clientId, kind, { ...event, event: 'reopened' });
      recordAudit(store, { action: 'risk.reopen', client_id: clientId, object_id: kind }, who);
    } else {
      updateRisk(store, {
        ...risk,
        opened_at: given.at < risk.opened_at ? given.at : risk.opened_at,
        last_flagged_at: given.at > risk.last_flagged_at ? given.at : risk.last_flagged_at,
      });
      appendRiskEvent(store, clientId, kind, { ...event, event: 'flagged' });
    }
  }
}

/**
 * recordRiskFlags through the store port: opens, renews or reopens the client's risks for these
 * flags, each risk locked before its state is decided. Call inside the write that carries them.
 */
export async function recordRiskFlagsIn(tx: WriteTx, clientId: string, flags: readonly RiskFlag[], who: Actor): Promise<void> {
  for (const given of flags) {
    const kind = given.kind ?? riskKindOf(given.flag);
    const event = {
      at: given.at, source_type: given.source.type, source_id: given.source.id, flag: given.flag,
      note: '', actor: who.actor, recorded_at: who.now.toISOString(),
    };
    const risk = await tx.risks.lock(clientId, kind);
    if (!risk) {
      await tx.risks.insert({
        client_id: clientId, kind, status: 'open', opened_at: given.at, last_flagged_at: given.at,
        resolved_at: null, resolved_by: null, resolution_note: null,
      });
      await tx.risks.appendEvent(clientId, kind, { ...event, event: 'opened' });
      await appendAudit(tx, { action: 'risk.open', client_id: clientId, object_id: kind }, who);
    } else if (risk.status === 'resolved') {
      await tx.risks.update({
        ...risk, status: 'open', opened_at: given.at, last_flagged_at: given.at,
        resolved_at: null, resolved_by: null, resolution_note: null,
      });
      await tx.risks.appendEvent(clientId, kind, { ...event, event: 'reopened' });
      await appendAudit(tx, { action: 'risk.reopen', client_id: clientId, object_id: kind }, who);
    } else {
      await tx.risks.update({
        ...risk,
        opened_at: given.at < risk.opened_at ? given.at : risk.opened_at,
        last_flagged_at: given.at > risk.last_flagged_at ? given.at : risk.last_flagged_at,
      });
      await tx.risks.appendEvent(clientId, kind, { ...event, event: 'flagged' });
    }
  }
}

/** openRisksOf through the store port: the client's open risks, most recently flagged first. */
export async function openRisksIn(tx: ReadTx, clientId: string): Promise<OpenRisk[]> {
  const open: OpenRisk[] = [];
  for (const row of await tx.risks.ofClient(clientId, { openOnly: true })) {
    const { kind, opened_at, last_flagged_at, session_ids, measure_ids, flags } = riskWithHistory(row, await tx.risks.events(clientId, row.kind));
    open.push({ kind, opened_at, last_flagged_at, session_ids, measure_ids, flags });
  }
  return open;
}

/** riskHistoryBetween through the store port. */
export async function riskHistoryIn(tx: ReadTx, clientId: string, start: string, end: string): Promise<RiskHistoryEntry[]> {
  const entries: RiskHistoryEntry[] = [];
  for (const row of await tx.risks.ofClient(clientId)) {
    for (const event of await tx.risks.events(clientId, row.kind)) {
      if (event.at >= start && event.at <= end) entries.push({ kind: row.kind, ...event });
    }
  }
  return entries.sort(byTimeThenRecorded);
}

/** A risk row with its history read through the store port (see riskWithHistory). */
export async function riskWithHistoryIn(tx: ReadTx, row: RiskRow): Promise<Risk> {
  return riskWithHistory(row, await tx.risks.events(row.client_id, row.kind));
}

/** The flags of a session, as risk flags at the session's time. */
export function sessionRiskFlags(session: { session_id: string; timestamp: string; crisis_flags: readonly string[] }): RiskFlag[] {
  return session.crisis_flags.map((flag) => ({
    flag, at: session.timestamp, source: { type: 'session', id: session.session_id },
  }));
}

/** The client's open risks, most recently flagged first. For displays inside an audited read. */
export function openRisksOf(store: Store, clientId: string): OpenRisk[] {
  return risksOfClient(store, clientId, true).map((row) => {
    const { kind, opened_at, last_flagged_at, session_ids, measure_ids, flags } = withHistory(store, row);
    return { kind, opened_at, last_flagged_at, session_ids, measure_ids, flags };
  });
}

/** One event of a client's risk register, as a report lists the timeframe's (README, "The report's parts"). */
export interface RiskHistoryEntry extends RiskEvent {
  kind: string;
}

/**
 * What happened to the client's risks in [start, end]: each opening, renewal by a flag, reopening
 * and resolution (with who, when and the note), oldest first. A flag counts at the time of its
 * session or measure, a resolution when it was made. For displays inside an audited read.
 */
export function riskHistoryBetween(store: Store, clientId: string, start: string, end: string): RiskHistoryEntry[] {
  const entries: RiskHistoryEntry[] = [];
  for (const row of risksOfClient(store, clientId, false)) {
    for (const event of riskEvents(store, clientId, row.kind)) {
      if (event.at >= start && event.at <= end) entries.push({ kind: row.kind, ...event });
    }
  }
  return entries.sort(byTimeThenRecorded);
}

const byTimeThenRecorded = (a: RiskHistoryEntry, b: RiskHistoryEntry) =>
  (a.at < b.at ? -1 : a.at > b.at ? 1 : a.recorded_at < b.recorded_at ? -1 : a.recorded_at > b.recorded_at ? 1 : 0);

/** `tpt risk list [client] [--open]`: the register, with each risk's history; audited. */
export async function listRisks(records: RecordStore, clientId: string | undefined, openOnly: boolean, who: Actor): Promise<Risk[]> {
  if (clientId !== undefined) checkId(clientId, 'client');
  return records.write(async (tx) => {
    if (clientId !== undefined) await requireClientIn(tx, clientId);
    await appendAudit(tx, { action: 'risk.list', client_id: clientId ?? null }, who);
    // Every client's, by client id, each client's in the order of its own listing.
    const rows: RiskRow[] = [];
    for (const id of clientId === undefined ? await tx.clients.ids() : [clientId]) rows.push(...await tx.risks.ofClient(id, { openOnly }));
    const risks: Risk[] = [];
    for (const row of rows) risks.push(await riskWithHistoryIn(tx, row));
    return risks;
  });
}

/** `tpt risk resolve <client> <kind> --note T`: a person's judgement that the risk no longer stands. */
export async function resolveRisk(records: RecordStore, clientId: string, kindText: string, note: string | undefined, who: Actor): Promise<Risk> {
  checkId(clientId, 'client');
  return records.write(async (tx) => {
    await requireClientIn(tx, clientId);
    const kind = parseRiskKind(kindText);
    const reason = resolutionNote(note);
    const risk = await tx.risks.lock(clientId, kind);
    if (!risk) throw noRisk(clientId, kind);
    if (risk.status === 'resolved') throw resolvedAlready(clientId, kind, risk);
    const at = who.now.toISOString();
    await tx.risks.update({ ...risk, status: 'resolved', resolved_at: at, resolved_by: who.actor, resolution_note: reason });
    await tx.risks.appendEvent(clientId, kind, {
      event: 'resolved', at, source_type: null, source_id: null, flag: null, note: reason, actor: who.actor, recorded_at: at,
    });
    await appendAudit(tx, { action: 'risk.resolve', client_id: clientId, object_id: kind }, who);
    return riskWithHistoryIn(tx, (await tx.risks.get(clientId, kind))!);
  });
}

function resolutionNote(note: string | undefined): string {
  const reason = note?.trim() ?? '';
  if (!reason) {
    throw new InputError('a resolution needs --note: say why the risk no longer stands (for example "safety plan reviewed; no ideation for 6 weeks")');
  }
  return reason;
}

const noRisk = (clientId: string, kind: string) =>
  new NotFoundError(`client "${clientId}" has no ${kind} risk: see \`tpt risk list ${clientId}\``);

function resolvedAlready(clientId: string, kind: string, risk: RiskRow): InputError {
  return new InputError(
    `the ${kind} risk of "${clientId}" was already resolved at ${localDateTimeString(new Date(risk.resolved_at!))} by ${risk.resolved_by}: ` +
    `nothing to do (to correct its note: \`tpt risk amend ${clientId} ${kind} --note "…" --reason "…"\`)`,
  );
}

// until src/core/demo.ts moves onto the port
export function resolveRiskSync(store: Store, clientId: string, kindText: string, note: string | undefined, who: Actor): void {
  requireClient(store, checkId(clientId, 'client'));
  const kind = parseRiskKind(kindText);
  const reason = resolutionNote(note);
  store.transaction(() => {
    const risk = riskRow(store, clientId, kind);
    if (!risk) throw noRisk(clientId, kind);
    if (risk.status === 'resolved') throw resolvedAlready(clientId, kind, risk);
    const at = who.now.toISOString();
    updateRisk(store, { ...risk, status: 'resolved', resolved_at: at, resolved_by: who.actor, resolution_note: reason });
    appendRiskEvent(store, clientId, kind, {
      event: 'resolved', at, source_type: null, source_id: null, flag: null, note: reason, actor: who.actor, recorded_at: at,
    });
    recordAudit(store, { action: 'risk.resolve', client_id: clientId, object_id: kind }, who);
  });
}

/** The risk a person means to resolve, as it stands (for a confirmation on the terminal); not audited. */
export async function riskToResolve(records: RecordStore, clientId: string, kindText: string): Promise<Risk> {
  checkId(clientId, 'client');
  return records.read(async (tx) => {
    await requireClientIn(tx, clientId);
    const kind = parseRiskKind(kindText);
    const risk = await tx.risks.get(clientId, kind);
    if (!risk) throw noRisk(clientId, kind);
    return riskWithHistoryIn(tx, risk);
  });
}

/**
 * `tpt risk reopen <client> <kind> --reason T`: a resolution taken back (made in error, or too
 * early): the risk is open again as it was before, with what flagged it. Recorded as a `reopened`
 * event by a person (no source) whose note is the reason; the resolution stays in the history.
 */
export async function reopenRisk(records: RecordStore, clientId: string, kindText: string, reason: string | undefined, who: Actor): Promise<Risk> {
  const why = requireReason(reason, 'reopening a risk', 'the risk');
  return records.write(async (tx) => {
    const { risk, kind } = await resolvedRisk(tx, clientId, kindText, 'reopen');
    await tx.risks.update({ ...risk, status: 'open', resolved_at: null, resolved_by: null, resolution_note: null });
    await tx.risks.appendEvent(clientId, kind, personEvent('reopened', why, who));
    await appendAudit(tx, { action: 'risk.reopen', client_id: clientId, object_id: kind }, who);
    return riskWithHistoryIn(tx, (await tx.risks.get(clientId, kind))!);
  });
}

/**
 * `tpt risk amend <client> <kind> --note T --reason R`: a resolution's note corrected. The note
 * before stays in the history: the resolution is taken back with the reason and made again with
 * the corrected note, both by this person now, in one transaction.
 */
export async function amendRiskResolution(
  records: RecordStore, clientId: string, kindText: string, note: string | undefined, reason: string | undefined, who: Actor,
): Promise<Risk> {
  const why = requireReason(reason, 'a correction', 'the risk');
  const corrected = note?.trim() ?? '';
  if (!corrected) throw new InputError('a correction needs --note: the resolution\'s note as it should read');
  return records.write(async (tx) => {
    const { risk, kind } = await resolvedRisk(tx, clientId, kindText, 'amend');
    if (corrected === risk.resolution_note) throw new InputError('the note is already the resolution\'s: give the corrected one');
    const at = who.now.toISOString();
    await tx.risks.update({ ...risk, resolved_at: at, resolved_by: who.actor, resolution_note: corrected });
    await tx.risks.appendEvent(clientId, kind, personEvent('reopened', `correction: ${why}`, who));
    await tx.risks.appendEvent(clientId, kind, personEvent('resolved', corrected, who));
    await appendAudit(tx, { action: 'risk.amend', client_id: clientId, object_id: kind }, who);
    return riskWithHistoryIn(tx, (await tx.risks.get(clientId, kind))!);
  });
}

/** A resolved risk of the client, locked, or the error that says why there is none to change. */
async function resolvedRisk(tx: WriteTx, clientId: string, kindText: string, verb: string): Promise<{ risk: RiskRow; kind: RiskKind }> {
  await requireClientIn(tx, checkId(clientId, 'client'));
  const kind = parseRiskKind(kindText);
  const risk = await tx.risks.lock(clientId, kind);
  if (!risk) throw noRisk(clientId, kind);
  if (risk.status !== 'resolved') {
    throw new ConflictError(`the ${kind} risk of "${clientId}" is open: there is no resolution to ${verb} (\`tpt risk resolve ${clientId} ${kind} --note "…"\` resolves it)`);
  }
  return { risk, kind };
}

/** An event of a person's judgement (no session or measure behind it): a resolution, or taking one back. */
function personEvent(event: 'resolved' | 'reopened', note: string, who: Actor): RiskEvent {
  const at = who.now.toISOString();
  return { event, at, source_type: null, source_id: null, flag: null, note, actor: who.actor, recorded_at: at };
}

/** A `reopened` event without a session or measure: a person took a resolution back. */
export const isTakenBack = (event: RiskEvent) => event.event === 'reopened' && event.source_type === null;

/**
 * The history without the resolutions a person took back (and those takings-back): what the risk's
 * episodes are made of. A resolution taken back closed nothing.
 */
function standingEvents(history: readonly RiskEvent[]): RiskEvent[] {
  const out: RiskEvent[] = [];
  for (const event of history) {
    if (isTakenBack(event)) {
      const last = out.map((earlier) => earlier.event).lastIndexOf('resolved');
      if (last >= 0) out.splice(last, 1);
      continue;
    }
    out.push(event);
  }
  return out;
}

/** A risk's history split after its latest resolution: what that resolution closed, and what came since. */
function splitAtLastResolution(history: RiskEvent[]): { past: RiskEvent[]; episode: RiskEvent[]; resolvedAt: string } {
  const last = history.map((event) => event.event).lastIndexOf('resolved');
  return { past: history.slice(0, last + 1), episode: history.slice(last + 1), resolvedAt: history[last]?.recorded_at ?? '' };
}

/**
 * A risk row with its history and what flagged it in its latest episode: since its latest
 * resolution while it is open, or what that resolution closed once it is resolved.
 */
function withHistory(store: Store, row: RiskRow): Risk {
  return riskWithHistory(row, riskEvents(store, row.client_id, row.kind));
}

/** A risk row with its history (given), and what flagged it in its latest episode. */
function riskWithHistory(row: RiskRow, history: RiskEvent[]): Risk {
  const standing = standingEvents(history);
  const closed = standing.at(-1)?.event === 'resolved' ? standing.slice(0, -1) : standing;
  const flagged = splitAtLastResolution(closed).episode.filter((event) => event.flag !== null)
    .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const idsOf = (type: string) => [...new Set(flagged.filter((e) => e.source_type === type).map((e) => e.source_id!))];
  return {
    client_id: row.client_id,
    kind: row.kind,
    status: row.status,
    opened_at: row.opened_at,
    last_flagged_at: row.last_flagged_at,
    session_ids: idsOf('session'),
    measure_ids: idsOf('measure'),
    flags: [...new Set(flagged.map((event) => event.flag!))],
    resolved_at: row.resolved_at,
    resolved_by: row.resolved_by,
    resolution_note: row.resolution_note,
    history,
  };
}
