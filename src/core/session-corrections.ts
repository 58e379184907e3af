import type { ReadTx, RecordStore, SessionWithState, WriteTx } from '../store/port.js';
import { appendAudit, readLogged } from './audit.js';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { checkId } from './ids.js';
import type { SessionSource } from '../domain/records.js';
import type { Actor, Session, SessionAddendum, SessionDetail, SessionState, SessionVersion } from './model.js';
import { requireReason } from './reasons.js';
import { recordRiskFlagsIn, sessionRiskFlags } from './risks.js';
import type { SessionInput } from './schemas.js';
import { validateSessionIn } from './sessions.js';
import { localDateTimeString } from './time.js';

/**
 * Corrections by amendment (45 CFR 164.526; every EHR's addenda): nothing is overwritten. An
 * amendment makes a new version and keeps the earlier one whole; a void takes a session out of
 * analytics and listings and keeps it in the record; a signed session takes only amendments,
 * each marked as an addendum, and can no longer be voided.
 */

/** The fields an amendment may change: every field of log-session but the id and the client. */
export type SessionChange = Partial<Omit<SessionInput, 'session_id' | 'client_id' | 'emotional_score'>>;

const CONTENT_FIELDS = [
  'timestamp', 'conversation_summary', 'emotional_state', 'therapeutic_goals', 'progress_notes',
  'therapist_observations', 'next_session_focus', 'session_duration_minutes', 'techniques_used',
  'homework_assigned', 'crisis_flags', 'metadata',
] as const;

export async function requireSession(tx: ReadTx, sessionId: string, lock = false): Promise<SessionWithState> {
  const id = checkId(sessionId, 'session');
  const found = lock ? await (tx as WriteTx).sessions.lock(id) : await tx.sessions.get(id);
  if (!found) throw new NotFoundError(`no session "${sessionId}": see \`tpt sessions <client> --include-void\` for the ids`);
  return found;
}

/** Makes a new version of the session from the changed fields; the current one is kept whole. */
export async function amendSession(
  records: RecordStore, sessionId: string, change: SessionChange, reason: string | undefined, who: Actor,
): Promise<SessionDetail> {
  const why = requireReason(reason, 'an amendment');
  const given = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
  // The state read, the checks and the write share one transaction, on the session's locked row:
  // a void or a signature by another writer between them would otherwise be overwritten unseen.
  return records.write(async (tx) => {
    const { session, state } = await requireSession(tx, sessionId, true);
    if (state.voided_at !== null) {
      throw new ConflictError(`session ${session.session_id} is voided: restore it first (\`tpt session restore ${session.session_id}\`)`);
    }
    if (Object.keys(given).length === 0) {
      throw new InputError('nothing to amend: give the fields that change, as in log-session (--mood, --summary, --at, …)');
    }
    const next = await validateSessionIn(tx, {
      ...contentOf(session), ...given, session_id: session.session_id, client_id: session.client_id,
    }, who);
    if (CONTENT_FIELDS.every((field) => JSON.stringify(next[field]) === JSON.stringify(session[field]))) {
      throw new InputError('the amendment changes nothing: every value given is already the session\'s');
    }
    const amended = await tx.sessions.amend(next, {
      version: state.version + 1,
      amended_at: who.now.toISOString(),
      amended_by: who.actor,
      amend_reason: why,
      addendum: state.signed_at !== null,
    });
    if (!amended) throw changedMeanwhile(session.session_id);
    await appendAudit(tx, { action: 'session.amend', client_id: session.client_id, object_id: session.session_id }, who);
    // A crisis flag the amendment adds opens a risk as a logged one does. One it takes away
    // leaves the risk as it is: only a person's resolution closes a risk.
    const added = next.crisis_flags.filter((flag) => !session.crisis_flags.includes(flag));
    await recordRiskFlagsIn(tx, session.client_id, sessionRiskFlags({ ...next, crisis_flags: added }), who);
    return detail(tx, session.session_id, false);
  });
}

/** Takes a session out of analytics and listings; it stays in the record, the export and the audit log. */
export async function voidSession(records: RecordStore, sessionId: string, reason: string | undefined, who: Actor): Promise<SessionDetail> {
  const why = requireReason(reason, 'voiding a session');
  return records.write(async (tx) => {
    const { session, state } = await requireSession(tx, sessionId, true);
    if (state.signed_at !== null) {
      throw new ConflictError(
        `session ${session.session_id} is signed and cannot be voided: correct it with \`tpt session amend ${session.session_id} … --reason\` (an addendum)`,
      );
    }
    if (state.voided_at !== null) throw new ConflictError(`session ${session.session_id} is voided already`);
    if (!await tx.sessions.setVoided(session.session_id, { at: who.now.toISOString(), by: who.actor, reason: why })) {
      throw changedMeanwhile(session.session_id);
    }
    await appendAudit(tx, { action: 'session.void', client_id: session.client_id, object_id: session.session_id }, who);
    return detail(tx, session.session_id, false);
  });
}

/** Undoes a void: the audit log keeps both. */
export async function restoreSession(records: RecordStore, sessionId: string, who: Actor): Promise<SessionDetail> {
  return records.write(async (tx) => {
    const { session, state } = await requireSession(tx, sessionId, true);
    if (state.voided_at === null) throw new ConflictError(`session ${session.session_id} is not voided: there is nothing to restore`);
    if (!await tx.sessions.setVoided(session.session_id, null)) throw changedMeanwhile(session.session_id);
    await appendAudit(tx, { action: 'session.restore', client_id: session.client_id, object_id: session.session_id }, who);
    return detail(tx, session.session_id, false);
  });
}

/** Locks a session: from now on only amendments, each an addendum. */
export async function signSession(records: RecordStore, sessionId: string, who: Actor): Promise<SessionDetail> {
  return records.write(async (tx) => {
    const { session, state } = await requireSession(tx, sessionId, true);
    checkSignable(session.session_id, state);
    if (!await tx.sessions.setSigned(session.session_id, who.now.toISOString(), who.actor)) throw changedMeanwhile(session.session_id);
    await appendAudit(tx, { action: 'session.sign', client_id: session.client_id, object_id: session.session_id }, who);
    return detail(tx, session.session_id, false);
  });
}

function checkSignable(sessionId: string, state: SessionState): void {
  if (state.voided_at !== null) {
    throw new ConflictError(`session ${sessionId} is voided: restore it before signing (\`tpt session restore ${sessionId}\`)`);
  }
  if (state.signed_at !== null) {
    throw new ConflictError(`session ${sessionId} was signed already, by ${state.signed_by} at ${localDateTimeString(new Date(state.signed_at))}`);
  }
}

/** The guarded update found another state than the checks did: only a second writer does that. */
function changedMeanwhile(sessionId: string): ConflictError {
  return new ConflictError(`session ${sessionId} was changed by another writer meanwhile: see \`tpt session show ${sessionId}\` and run the command again`);
}

/** A session as `tpt session show` gives it: with who wrote it and whether its mood is an estimate (issue 25). */
export interface LabelledSessionDetail extends SessionDetail {
  source: SessionSource;
  mood_estimated: boolean;
}

/** A session in full with its state (voided ones too), its label, and with `history` every version. */
export async function showSessionDetail(records: RecordStore, sessionId: string, history: boolean, who: Actor): Promise<LabelledSessionDetail> {
  const { session } = await records.read((tx) => requireSession(tx, sessionId));
  return readLogged(records, { action: 'session.read', client_id: session.client_id, object_id: session.session_id }, who, async (tx) => {
    const shown = await detail(tx, session.session_id, history);
    // The machine-written sessions at this very time: the port finds them by client and range, and
    // the same instant holds few sessions (voided ones count: a voided entry was still a machine's).
    const machine = await tx.sessions.machineWritten(shown.client_id, { start: shown.timestamp, end: shown.timestamp, includeVoid: true });
    const byMachine = machine.some((entry) => entry.session_id === shown.session_id);
    return { ...shown, source: byMachine ? 'machine' : 'person', mood_estimated: byMachine && shown.signed_at === null };
  });
}

async function detail(tx: ReadTx, sessionId: string, withHistory: boolean): Promise<SessionDetail> {
  const { session, state } = (await tx.sessions.get(sessionId))!;
  const { version, ...rest } = state;
  const result: SessionDetail = { ...session, version, amendments: version - 1, ...rest };
  const needsVersions = withHistory || (state.signed_at !== null && state.addendum);
  if (!needsVersions) return result;
  const { session_id: _id, ...current } = session;
  const versions = [
    ...await tx.sessions.versions(sessionId),
    {
      ...current, version: state.version, amended_at: state.amended_at, amended_by: state.amended_by,
      amend_reason: state.amend_reason, addendum: state.addendum,
    },
  ];
  if (withHistory) result.history = versions;
  Object.assign(result, signedWithAddenda(versions));
  return result;
}

/**
 * A signed note stays the note: its addenda follow it, each with what it changed, as on paper
 * (an addendum is written under the signed note, never over it).
 */
function signedWithAddenda(versions: SessionVersion[]): Pick<SessionDetail, 'as_signed' | 'addenda'> {
  const first = versions.findIndex((version) => version.addendum);
  if (first < 1) return {};
  const addenda: SessionAddendum[] = [];
  for (let index = first; index < versions.length; index++) {
    const before = versions[index - 1]!;
    const after = versions[index]!;
    const changes: Record<string, unknown> = {};
    for (const field of CONTENT_FIELDS) {
      if (JSON.stringify(after[field]) !== JSON.stringify(before[field])) changes[field] = after[field];
    }
    if ('emotional_state' in changes) changes.emotional_score = after.emotional_score;
    addenda.push({
      version: after.version, amended_at: after.amended_at!, amended_by: after.amended_by!, amend_reason: after.amend_reason!,
      changes: changes as SessionAddendum['changes'],
    });
  }
  return { as_signed: versions[first - 1], addenda };
}

function contentOf(session: Session): SessionInput {
  return {
    client_id: session.client_id,
    timestamp: session.timestamp,
    conversation_summary: session.conversation_summary,
    emotional_state: session.emotional_state,
    therapeutic_goals: session.therapeutic_goals,
    progress_notes: session.progress_notes,
    therapist_observations: session.therapist_observations,
    next_session_focus: session.next_session_focus,
    session_duration_minutes: session.session_duration_minutes,
    techniques_used: session.techniques_used,
    homework_assigned: session.homework_assigned,
    crisis_flags: session.crisis_flags,
    metadata: session.metadata,
  };
}
