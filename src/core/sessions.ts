import { ensureClientIn } from './new-client.js';
import { ConflictError as StoreConflictError } from '../store/errors.js';
import type { ReadTx, RecordStore } from '../store/port.js';
import { appendAudit, readLogged } from './audit.js';
import { refuseFarFuture } from './date-rules.js';
import { requireClientIn } from './clients.js';
import { ConflictError, InputError } from './errors.js';
import { normalizeCrisisFlag } from './crisis-flags.js';
import { checkId, newId } from './ids.js';
import type { Actor, ListedSession, Session } from './model.js';
import type { SessionSource } from '../domain/records.js';
import { labelSessions, type LabelledSession } from './labels.js';
import { recordRiskFlagsIn, sessionRiskFlags } from './risks.js';
import { scoreOf } from './scale.js';
import { parseInput, sessionInput, type SessionFields, type SessionInput } from './schemas.js';
import { parseDateTime } from './time.js';
import type { Timeframe } from './timeframe.js';

/** Checks a session against the rules and the records, without writing anything. */
export async function validateSession(records: RecordStore, input: SessionInput, who: Actor): Promise<Session> {
  return records.read((tx) => validateSessionIn(tx, input, who));
}

/** validateSession inside a transaction of the store port (the write that stores the session). */
export async function validateSessionIn(tx: ReadTx, input: SessionInput, who: Actor): Promise<Session> {
  const fields = checkedFields(input, who);
  for (const goalId of fields.therapeutic_goals) checkGoal(goalId, fields.client_id, await tx.goals.get(goalId));
  return sessionOfChecked(fields);
}

function checkGoal(goalId: string, clientId: string, goal: { client_id: string } | undefined): void {
  if (!goal) {
    throw new InputError(`goal "${goalId}" does not exist: see \`tpt goal list ${clientId}\``);
  }
  if (goal.client_id !== clientId) {
    throw new InputError(
      `goal "${goalId}" belongs to client "${goal.client_id}", not "${clientId}": name one of this client's goals`,
    );
  }
}

interface CheckedFields extends SessionFields {
  at: Date;
}

function checkedFields(input: SessionInput, who: Actor): CheckedFields {
  const fields = parseInput(sessionInput, input);
  const at = fields.timestamp === undefined
    ? who.now
    : fields.timestamp instanceof Date ? fields.timestamp : parseDateTime(fields.timestamp, 'session time');
  refuseFarFuture(at, who.now, 'session time', typeof fields.timestamp === 'string' ? fields.timestamp : undefined);
  return { ...fields, at };
}

function sessionOfChecked({ at, ...fields }: CheckedFields): Session {
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
 * `sign` signs it in the same transaction (log-session --sign). A `machine` source (the HTTP
 * service) stores it as a machine's: an unsigned draft whose mood is an estimate (issue 25).
 */
export async function logSession(
  records: RecordStore, input: SessionInput, who: Actor, sign = false, source: SessionSource = 'person',
): Promise<Session> {
  if (sign && source === 'machine') throw machineSigns();
  return records.write(async (tx) => {
    const session = await validateSessionIn(tx, input, who);
    // Looked up for the message; two writers of one id at once are decided by the insert's key.
    if (await tx.sessions.get(session.session_id)) throw sessionIdTaken(session.session_id);
    await ensureClientIn(tx, session.client_id, who.now.toISOString());
    try {
      await tx.sessions.insert(session);
    } catch (error) {
      if (error instanceof StoreConflictError) throw sessionIdTaken(session.session_id);
      throw error;
    }
    if (source === 'machine') await tx.sessions.markMachineWritten([session.session_id]);
    await appendAudit(tx, { action: 'session.create', client_id: session.client_id, object_id: session.session_id }, who);
    await recordRiskFlagsIn(tx, session.client_id, sessionRiskFlags(session), who);
    if (sign) {
      await tx.sessions.setSigned(session.session_id, who.now.toISOString(), who.actor);
      await appendAudit(tx, { action: 'session.sign', client_id: session.client_id, object_id: session.session_id }, who);
    }
    return session;
  });
}

/** A machine's entry is confirmed by a clinician's signature, never by its writer (docs/machine-entries.md). */
export const machineSigns = () =>
  new InputError('a machine-written session is stored as an unsigned draft: a clinician confirms it with `tpt session sign`');

const sessionIdTaken = (sessionId: string) =>
  new ConflictError(`a session with id "${sessionId}" already exists: choose another --id`);

/** A client's sessions inside the timeframe, newest first; voided ones only when asked for. */
export async function listSessions(
  records: RecordStore,
  clientId: string,
  timeframe: Timeframe,
  who: Actor,
  limit?: number,
  includeVoid = false,
): Promise<LabelledSession[]> {
  checkId(clientId, 'client');
  return readLogged(records, { action: 'session.list', client_id: clientId }, who, async (tx) => {
    await requireClientIn(tx, clientId);
    checkLimit(limit);
    const range = { start: timeframe.start?.toISOString() ?? null, end: timeframe.end.toISOString(), includeVoid };
    return labelSessions(await tx.sessions.ofClient(clientId, { ...range, limit }), await tx.sessions.machineWritten(clientId, range));
  });
}

function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new InputError(`invalid limit "${limit}": give a whole number from 1 up (leave the limit out for no limit)`);
  }
}

/** The techniques a client's sessions used, most used first, for a prompt's choices; logged. */
export async function techniquesOfClient(records: RecordStore, clientId: string, who: Actor): Promise<string[]> {
  return readLogged(records, { action: 'technique.list', client_id: clientId }, who, (tx) => tx.sessions.techniques(clientId));
}
