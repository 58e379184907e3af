import { refuseFarFuture } from './date-rules.js';
import { canonicalSession, isId, isUtcTime } from './import-canonical.js';
import { MEASURE_KINDS, measureDefinition, totalOf, type MeasureKind } from './measure-scoring.js';
import type { Actor, Measure, Session } from './model.js';
import { EMOTIONAL_STATES } from './scale.js';

/** The fields a session line may have besides type and id (sessionInput's, the id aside). */
const SESSION_FIELDS = new Set([
  'client_id', 'timestamp', 'conversation_summary', 'emotional_state', 'emotional_score', 'therapeutic_goals',
  'progress_notes', 'therapist_observations', 'next_session_focus', 'session_duration_minutes', 'techniques_used',
  'homework_assigned', 'crisis_flags', 'metadata',
]);

/**
 * The fast path of a session line, as the import has one (src/core/import-canonical.ts): a line
 * whose fields are already in their stored form (a UTC time as toISOString writes it, a mood word
 * in lower case, trimmed text) and that names no goal and no crisis flag is taken as it is, with
 * the one rule of validateSession left to check (not more than a day ahead). Anything else
 * returns undefined and goes through validateSession, whose schema then accepts or refuses it,
 * so a line is refused or accepted exactly as it would be without this (test/core/ingest-fast.test.ts).
 * zod's parse of each line was a quarter of an ingest's time, and most of its garbage.
 */
export function fastSession(fields: Record<string, unknown>, sessionId: string, who: Actor): Session | undefined {
  for (const key in fields) if (!SESSION_FIELDS.has(key)) return undefined;
  const state = fields.emotional_state;
  if (typeof state !== 'string') return undefined;
  const goals = fields.therapeutic_goals ?? [];
  const flags = fields.crisis_flags ?? [];
  if (!Array.isArray(goals) || goals.length > 0 || !Array.isArray(flags) || flags.length > 0) return undefined;
  const session = canonicalSession({
    session_id: sessionId,
    client_id: fields.client_id,
    timestamp: fields.timestamp,
    conversation_summary: fields.conversation_summary,
    emotional_state: state,
    emotional_score: fields.emotional_score ?? (EMOTIONAL_STATES as readonly string[]).indexOf(state) - 2,
    therapeutic_goals: [],
    progress_notes: fields.progress_notes ?? '',
    therapist_observations: fields.therapist_observations ?? '',
    next_session_focus: fields.next_session_focus ?? '',
    session_duration_minutes: fields.session_duration_minutes ?? null,
    techniques_used: fields.techniques_used ?? [],
    homework_assigned: fields.homework_assigned ?? '',
    crisis_flags: [],
    metadata: fields.metadata ?? {},
  });
  if (!session) return undefined;
  refuseFarFuture(new Date(session.timestamp), who.now, 'session time', session.timestamp);
  return session;
}

/**
 * The fast path of a measure line, as fastSession is of a session line: a measure of a known kind
 * written as stored (lower case), every answer a whole number in range (none left out), a UTC time
 * as toISOString writes it, and nothing else (no session, no total), is planned as planMeasure
 * would plan it, without its schema. Anything else returns undefined and goes through planMeasure.
 */
export function fastMeasure(fields: Record<string, unknown>, measureId: string, who: Actor): Measure | undefined {
  let keys = 0;
  for (const key in fields) {
    if (key !== 'client_id' && key !== 'measure' && key !== 'items' && key !== 'timestamp') return undefined;
    keys += 1;
  }
  const { client_id: clientId, measure: kind, items, timestamp } = fields;
  if (keys !== 4 || !isId(clientId) || !isId(measureId) || !isUtcTime(timestamp)) return undefined;
  if (typeof kind !== 'string' || !(MEASURE_KINDS as readonly string[]).includes(kind)) return undefined;
  const definition = measureDefinition(kind as MeasureKind);
  if (!Array.isArray(items) || items.length !== definition.items) return undefined;
  for (const item of items) {
    if (typeof item !== 'number' || !Number.isInteger(item) || item < 0 || item > definition.itemMax) return undefined;
  }
  refuseFarFuture(new Date(timestamp), who.now, 'measure time', timestamp);
  const answers = items as number[];
  return {
    measure_id: measureId, client_id: clientId, measure: kind as MeasureKind, timestamp, session_id: null, items: answers,
    total: totalOf(definition, answers), created_at: who.now.toISOString(),
  };
}
