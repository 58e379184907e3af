import { ensureClientRecord } from './new-client.js';
import { setSigned } from '../db/session-versions.js';
import type { Store } from '../db/store.js';
import { logRead, recordAudit } from './audit.js';
import { refuseFarFuture } from './date-rules.js';
import { requireClient } from './clients.js';
import { ConflictError, InputError } from './errors.js';
import { normalizeCrisisFlag } from './crisis-flags.js';
import { checkId, newId } from './ids.js';
import type { Actor, ListedSession, Session } from './model.js';
import { recordRiskFlags, sessionRiskFlags } from './risks.js';
import { scoreOf } from './scale.js';
import { parseInput, sessionInput, type SessionFields, type SessionInput } from './schemas.js';
import { parseDateTime } from './time.js';
import type { Timeframe } from './timeframe.js';

/** Checks a session against the rules and the database, without writing anything. */
export function validateSession(store: Store, input: SessionInput, who: Actor): Session {
  const fields = parseInput(sessionInput, input);
  const at = fields.timestamp === undefined
    ? who.now
    : fields.timestamp instanceof Date ? fields.timestamp : parseDateTime(fields.timestamp, 'session time');
  refuseFarFuture(at, who.now, 'session time', typeof fields.timestamp === 'string' ? fields.timestamp : undefined);
  for (const goalId of fields.therapeutic_goals) {
    const goal = store.goalById(goalId);
    if (!goal) {
      throw new InputError(`goal "${goalId}" does not exist: see \`tpt goal list ${fields.client_id}\``);
    }
    if (goal.client_id !== fields.client_id) {
      throw new InputError(
        `goal "${goalId}" belongs to client "${goal.client_id}", not "${fields.client_id}": name one of this client's goals`,
      );
    }
  }
  // Crisis flags in the vocabulary's words (README, "Crisis flags and risks"); given twice, one flag.
  return sessionFromFields(
    { ...fields, crisis_flags: [...new Set(fields.crisis_flags.map(normalizeCrisisFlag))] },
    fields.session_id ?? newId('ses'),
    at.toISOString(),
  );
}

/**
 * A session from checked fields (log-session, the HTTP service, import): the score follows from
 * the state, and a score given beside it must agree. The caller sets the id and the time.
 */
export function sessionFromFields(fields: SessionFields, sessionId: string, timestamp: string): Session {
  const score = scoreOf(fields.emotional_state);
  if (fields.emotional_score !== undefined && fields.emotional_score !== score) {
    throw new InputError(
      `emotional_score ${fields.emotional_score} does not match emotional_state "${fields.emotional_state}" ` +
      `(${score}): give only one of them, or make them agree`,
    );
  }
  return {
    session_id: sessionId,
    client_id: fields.client_id,
    timestamp,
    conversation_summary: fields.conversation_summary,
    emotional_state: fields.emotional_state,
    emotional_score: score,
    therapeutic_goals: [...new Set(fields.therapeutic_goals)],
    progress_notes: fields.progress_notes,
    therapist_observations: fields.therapist_observations,
    next_session_focus: fields.next_session_focus,
    session_duration_minutes: fields.session_duration_minutes ?? null,
    techniques_used: fields.techniques_used,
    homework_assigned: fields.homework_assigned,
    crisis_flags: fields.crisis_flags,
    metadata: fields.metadata,
  };
}

/**
 * Records one session (and its client, the first time), with its audit entry, atomically;
 * `sign` signs it in the same transaction (log-session --sign).
 */
export function logSession(store: Store, input: SessionInput, who: Actor, sign = false): Session {
  const session = validateSession(store, input, who);
  store.transaction(() => {
    if (store.sessionExists(session.session_id)) {
      throw new ConflictError(`a session with id "${session.session_id}" already exists: choose another --id`);
    }
    ensureClientRecord(store, session.client_id, who.now.toISOString());
    store.insertSession(session);
    recordAudit(store, { action: 'session.create', client_id: session.client_id, object_id: session.session_id }, who);
    recordRiskFlags(store, session.client_id, sessionRiskFlags(session), who);
    if (sign) {
      setSigned(store, session.session_id, who.now.toISOString(), who.actor);
      recordAudit(store, { action: 'session.sign', client_id: session.client_id, object_id: session.session_id }, who);
    }
  });
  return session;
}

/** A client's sessions inside the timeframe, newest first; voided ones only when asked for. */
export function listSessions(
  store: Store,
  clientId: string,
  timeframe: Timeframe,
  who: Actor,
  limit?: number,
  includeVoid = false,
): ListedSession[] {
  requireClient(store, checkId(clientId, 'client'));
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new InputError(`invalid limit "${limit}": give a whole number from 1 up (leave the limit out for no limit)`);
  }
  return logRead(store, { action: 'session.list', client_id: clientId }, who, () => store.sessionsInRange(
    clientId, timeframe.start?.toISOString() ?? null, timeframe.end.toISOString(), limit, includeVoid,
  ));
}

/** The techniques a client's sessions used, most used first, for a prompt's choices; logged. */
export function techniquesOfClient(store: Store, clientId: string, who: Actor): string[] {
  return logRead(store, { action: 'technique.list', client_id: clientId }, who, () => store.techniquesOfClient(clientId));
}
