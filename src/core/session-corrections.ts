import {
  earlierVersions, replaceWithAmendment, sessionWithState, setSigned, setVoided,
} from '../db/session-versions.js';
import type { Store } from '../db/store.js';
import { logRead, recordAudit } from './audit.js';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { checkId } from './ids.js';
import type { Actor, Session, SessionAddendum, SessionDetail, SessionState, SessionVersion } from './model.js';
import { requireReason } from './reasons.js';
import { recordRiskFlags, sessionRiskFlags } from './risks.js';
import type { SessionInput } from './schemas.js';
import { validateSession } from './sessions.js';
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

export function requireSession(store: Store, sessionId: string): { session: Session; state: SessionState } {
  const found = sessionWithState(store, checkId(sessionId, 'session'));
  if (!found) throw new NotFoundError(`no session "${sessionId}": see \`tpt sessions <client> --include-void\` for the ids`);
  return found;
}

/** Makes a new version of the session from the changed fields; the current one is kept whole. */
export function amendSession(store: Store, sessionId: string, change: SessionChange, reason: string | undefined, who: Actor): SessionDetail {
  const why = requireReason(reason, 'an amendment');
  const given = Object.fromEntries(Object.entries(change).filter(([, value]) => value !== undefined));
  // The state read, the checks and the write share one transaction: a void or a signature by
  // another writer between them would otherwise be overwritten unseen.
  const session = store.transaction(() => {
    const { session, state } = requireSession(store, sessionId);
    if (state.voided_at !== null) {
      throw new ConflictError(`session ${session.session_id} is voided: restore it first (\`tpt session restore ${session.session_id}\`)`);
    }
    if (Object.keys(given).length === 0) {
      throw new InputError('nothing to amend: give the fields that change, as in log-session (--mood, --summary, --at, …)');
    }
    const next = validateSession(store, {
      ...contentOf(session), ...given, session_id: session.session_id, client_id: session.client_id,
    }, who);
    if (CONTENT_FIELDS.every((field) => JSON.stringify(next[field]) === JSON.stringify(session[field]))) {
      throw new InputError('the amendment changes nothing: every value given is already the session\'s');
    }
    replaceWithAmendment(store, next, {
      version: state.version + 1,
      amended_at: who.now.toISOString(),
      amended_by: who.actor,
      amend_reason: why,
      addendum: state.signed_at !== null,
    });
    recordAudit(store, { action: 'session.amend', client_id: session.client_id, object_id: session.session_id }, who);
    // A crisis flag the amendment adds opens a risk as a logged one does. One it takes away
    // leaves the risk as it is: only a person's resolution closes a risk.
    const added = next.crisis_flags.filter((flag) => !session.crisis_flags.includes(flag));
    recordRiskFlags(store, session.client_id, sessionRiskFlags({ ...next, crisis_flags: added }), who);
    return session;
  });
  return detail(store, session.session_id, false);
}

/** Takes a session out of analytics and listings; it stays in the record, the export and the audit log. */
export function voidSession(store: Store, sessionId: string, reason: string | undefined, who: Actor): SessionDetail {
  const why = requireReason(reason, 'voiding a session');
  const session = store.transaction(() => {
    const { session, state } = requireSession(store, sessionId);
    if (state.signed_at !== null) {
      throw new ConflictError(
        `session ${session.session_id} is signed and cannot be voided: correct it with \`tpt session amend ${session.session_id} … --reason\` (an addendum)`,
      );
    }
    if (state.voided_at !== null) throw new ConflictError(`session ${session.session_id} is voided already`);
    if (!setVoided(store, session.session_id, { at: who.now.toISOString(), by: who.actor, reason: why })) throw changedMeanwhile(session.session_id);
    recordAudit(store, { action: 'session.void', client_id: session.client_id, object_id: session.session_id }, who);
    return session;
  });
  return detail(store, session.session_id, false);
}

/** Undoes a void: the audit log keeps both. */
export function restoreSession(store: Store, sessionId: string, who: Actor): SessionDetail {
  const session = store.transaction(() => {
    const { session, state } = requireSession(store, sessionId);
    if (state.voided_at === null) throw new ConflictError(`session ${session.session_id} is not voided: there is nothing to restore`);
    if (!setVoided(store, session.session_id, null)) throw changedMeanwhile(session.session_id);
    recordAudit(store, { action: 'session.restore', client_id: session.client_id, object_id: session.session_id }, who);
    return session;
  });
  return detail(store, session.session_id, false);
}

/** Locks a session: from now on only amendments, each an addendum. */
export function signSession(store: Store, sessionId: string, who: Actor): SessionDetail {
  const session = store.transaction(() => {
    const { session, state } = requireSession(store, sessionId);
    if (state.voided_at !== null) {
      throw new ConflictError(`session ${session.session_id} is voided: restore it before signing (\`tpt session restore ${session.session_id}\`)`);
    }
    if (state.signed_at !== null) {
      throw new ConflictError(`session ${session.session_id} was signed already, by ${state.signed_by} at ${localDateTimeString(new Date(state.signed_at))}`);
    }
    if (!setSigned(store, session.session_id, who.now.toISOString(), who.actor)) throw changedMeanwhile(session.session_id);
    recordAudit(store, { action: 'session.sign', client_id: session.client_id, object_id: session.session_id }, who);
    return session;
  });
  return detail(store, session.session_id, false);
}

/** The guarded update found another state than the checks did: only a second writer does that. */
function changedMeanwhile(sessionId: string): ConflictError {
  return new ConflictError(`session ${sessionId} was changed by another writer meanwhile: see \`tpt session show ${sessionId}\` and run the command again`);
}

/** A session in full with its state (voided ones too), and with `history` every version. */
export function showSessionDetail(store: Store, sessionId: string, history: boolean, who: Actor): SessionDetail {
  const { session } = requireSession(store, sessionId);
  return logRead(store, { action: 'session.read', client_id: session.client_id, object_id: session.session_id }, who,
    () => detail(store, session.session_id, history));
}

function detail(store: Store, sessionId: string, withHistory: boolean): SessionDetail {
  const { session, state } = sessionWithState(store, sessionId)!;
  const { version, ...rest } = state;
  const result: SessionDetail = { ...session, version, amendments: version - 1, ...rest };
  const needsVersions = withHistory || (state.signed_at !== null && state.addendum);
  if (!needsVersions) return result;
  const { session_id: _id, ...current } = session;
  const versions = [
    ...earlierVersions(store, sessionId),
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
