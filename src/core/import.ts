import { z } from 'zod';
import type { MilestoneRecord } from '../db/export-queries.js';
import {
  clientCreatedAt, enlargeCacheForImport, deferForeignKeys, insertGoalRecord, insertMilestoneRecord,
  insertSessionRecord, milestoneRecordById, replaceGoalRecord, replaceMilestoneRecord, replaceSessionRecord,
  type GoalRecord,
} from '../db/import-writes.js';
import type { Store } from '../db/store.js';
import { recordAudit } from './audit.js';
import { InputError, TptError } from './errors.js';
import { EXPORT_FORMAT, EXPORT_VERSION } from './export.js';
import { JsonStreamError, JsonStreamReader } from './json-stream.js';
import type { Actor, GoalHistoryEntry, Session } from './model.js';
import { EMOTIONAL_STATES, scoreOf, type EmotionalState } from './scale.js';
import { ID_PATTERN } from './ids.js';
import {
  goalCreateInput, goalStatus, id, milestoneInput, percentage, sessionInput, significance,
} from './schemas.js';
import { localDateString, parseDateOnly, parseDateTime } from './time.js';

/**
 * `tpt import`: reads a document of `tpt export` as a stream, twice. The first pass checks every
 * record against the rules and against the database and writes nothing; only a document that
 * passes whole is written, by the second pass, inside the same transaction (so nothing can change
 * in between). A record already present as it is in the file is skipped; a record whose id is
 * present with other content is a conflict, which stops the import unless the caller chose to
 * skip or replace such records.
 */

export const CONFLICT_MODES = ['skip', 'replace'] as const;
export type ConflictMode = (typeof CONFLICT_MODES)[number];

export type RecordKind = 'session' | 'goal' | 'milestone';

export interface KindCounts {
  added: number;
  skipped: number;
  replaced: number;
}

export interface ImportSummary {
  clients: number;
  sessions: KindCounts;
  goals: KindCounts;
  milestones: KindCounts;
  /** Records whose id was on record with other content (skipped or replaced as asked). */
  conflicts: number;
  dry_run: boolean;
}

export interface Conflict {
  kind: RecordKind;
  id: string;
  client_id: string;
  /** The fields whose values differ. */
  fields: string[];
}

/** Conflicts with the database and no --on-conflict: nothing was written (exit 1). */
export class ImportConflictError extends TptError {
  constructor(readonly conflicts: Conflict[], readonly total: number) {
    super(
      `${total} record(s) in the file differ from records with the same id in the database; nothing was written: ` +
      'rerun with --on-conflict skip (keep the database\'s) or --on-conflict replace (take the file\'s)',
    );
  }
}

/** At most this many conflicts are kept to be listed; the rest are counted. */
const LISTED_CONFLICTS = 50;

export interface ImportOptions {
  onConflict?: string;
  dryRun?: boolean;
  /** How the file is named in messages. */
  label: string;
}

/** Opens a fresh pass over the document: each call returns a reader of chunks (null at the end). */
export type TextSource = () => () => string | null;

export function importDocument(store: Store, open: TextSource, options: ImportOptions, who: Actor): ImportSummary {
  const given = options.onConflict?.trim().toLowerCase();
  if (given !== undefined && !(CONFLICT_MODES as readonly string[]).includes(given)) {
    throw new InputError(`unknown --on-conflict "${options.onConflict}": use skip or replace`);
  }
  const mode = given as ConflictMode | undefined;
  enlargeCacheForImport(store);
  const write = () => {
    const check = checkPass(store, open, options.label);
    if (check.conflicts.length > 0 && mode === undefined) {
      throw new ImportConflictError(check.conflicts, check.conflictCount);
    }
    const summary: ImportSummary = {
      clients: check.clients,
      sessions: countsOf(check.sessions, mode),
      goals: countsOf(check.goals, mode),
      milestones: countsOf(check.milestones, mode),
      conflicts: check.conflictCount,
      dry_run: options.dryRun === true,
    };
    if (options.dryRun) {
      for (const clientId of check.clientIds) {
        recordAudit(store, { action: 'import.check', client_id: clientId }, who);
      }
      return summary;
    }
    deferForeignKeys(store);
    const written = writePass(store, open, options.label, check, mode ?? 'skip', who);
    for (const kind of ['sessions', 'goals', 'milestones'] as const) {
      if (written[kind].added !== summary[kind].added || written[kind].replaced !== summary[kind].replaced) {
        throw new InputError(
          `${options.label} holds the same ${kind.slice(0, -1)} id more than once: every record needs its own id`,
        );
      }
    }
    return summary;
  };
  return store.transaction(write);
}

/** What the first pass found, per kind: new records, records present as they are, conflicts. */
interface Found {
  fresh: number;
  same: number;
  differ: number;
}

interface CheckResult {
  clients: number;
  clientIds: string[];
  sessions: Found;
  goals: Found;
  milestones: Found;
  conflicts: Conflict[];
  conflictCount: number;
}

function countsOf(found: Found, mode: ConflictMode | undefined): KindCounts {
  return mode === 'replace'
    ? { added: found.fresh, skipped: found.same, replaced: found.differ }
    : { added: found.fresh, skipped: found.same + found.differ, replaced: 0 };
}

// ── the records as a file holds them ───────────────────────────────────────

const dateTime = (what: string) => z.string({ error: `${what} must be an ISO 8601 date and time` })
  .transform((text, ctx) => {
    try {
      return parseDateTime(text, what).toISOString();
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const calendarDate = (what: string) => z.string({ error: `${what} must be a date, YYYY-MM-DD` })
  .transform((text, ctx) => {
    try {
      return localDateString(parseDateOnly(text, what));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const clientHeader = z.strictObject({
  client_id: id('client id'),
  created_at: dateTime('client created_at').optional(),
});

const sessionRecord = z.strictObject({
  ...sessionInput.shape,
  session_id: id('session id'),
  timestamp: dateTime('session timestamp'),
  emotional_score: z.number({ error: 'emotional_score must be a number from -2 to 2' }).int().min(-2, {
    error: (issue) => `emotional score ${String(issue.input)} is outside -2..2`,
  }).max(2, { error: (issue) => `emotional score ${String(issue.input)} is outside -2..2` }).optional(),
});

const historyEntry = z.strictObject({
  at: dateTime('history time'),
  completion_percentage: percentage,
  status: goalStatus,
  note: z.string({ error: 'history note must be text' }).default(''),
  actor: z.string({ error: 'history actor is required' }).min(1, { error: 'history actor cannot be empty' }),
});

const goalRecord = z.strictObject({
  goal_id: id('goal id'),
  client_id: id('client id'),
  description: goalCreateInput.shape.description,
  target_date: calendarDate('target date').nullable().default(null),
  completion_percentage: percentage,
  status: goalStatus,
  // Derived from the milestones' own goal ids: read for the shape, not stored.
  milestones: z.array(id('milestone id')).default([]),
  notes: goalCreateInput.shape.notes,
  created_at: dateTime('goal created_at'),
  updated_at: dateTime('goal updated_at'),
  history: z.array(historyEntry).min(1, { error: 'a goal needs its history (at least the entry of its creation)' }),
});

const milestoneRecord = z.strictObject({
  milestone_id: id('milestone id'),
  goal_id: id('goal id'),
  client_id: id('client id'),
  description: milestoneInput.shape.description,
  achieved_date: calendarDate('achieved date'),
  significance,
  created_at: dateTime('milestone created_at').optional(),
});

interface GoalWithHistory {
  goal: GoalRecord;
  history: GoalHistoryEntry[];
}

function parseRecord<S extends z.ZodType>(schema: S, raw: unknown, name: () => string): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new InputError(`${name()}: ${issueText(result.error.issues[0]!)}`);
}

function issueText(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return `unknown field ${issue.keys.map((key) => `"${key}"`).join(', ')}${path ? ` in ${path}` : ''}: ` +
      `remove it (export version ${EXPORT_VERSION} has no such field)`;
  }
  return issue.path.length > 1 ? `${path}: ${issue.message}` : issue.message;
}

function toSession(raw: unknown, name: () => string): Session {
  return canonicalSession(raw) ?? checkedSession(raw, name);
}

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SESSION_KEYS = 15;

/**
 * The fast path for a session exactly as `tpt export` writes it: every field present, already in
 * its stored form (an ISO time in UTC, a state name, trimmed text), and within every rule. It
 * accepts only what the schema accepts unchanged, and returns undefined for anything else, which
 * then goes through the schema (whose messages name what is wrong). Validating a million
 * sessions with zod alone costs several seconds; this costs a fraction.
 */
export function canonicalSession(raw: unknown): Session | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  let keys = 0;
  for (const _key in r) keys++;
  if (keys !== SESSION_KEYS) return undefined;
  const state = r.emotional_state;
  const score = typeof state === 'string' ? (EMOTIONAL_STATES as readonly string[]).indexOf(state) - 2 : -3;
  const duration = r.session_duration_minutes;
  if (
    !isId(r.session_id) || !isId(r.client_id) || !isUtcTime(r.timestamp) ||
    !isTrimmed(r.conversation_summary) || score < -2 || r.emotional_score !== score ||
    !isIdList(r.therapeutic_goals) || typeof r.progress_notes !== 'string' ||
    typeof r.therapist_observations !== 'string' || typeof r.next_session_focus !== 'string' ||
    !(duration === null || (Number.isInteger(duration) && (duration as number) >= 1 && (duration as number) <= 1440)) ||
    !isLabelList(r.techniques_used) || typeof r.homework_assigned !== 'string' || !isLabelList(r.crisis_flags) ||
    !isTextMap(r.metadata)
  ) {
    return undefined;
  }
  return {
    session_id: r.session_id as string,
    client_id: r.client_id as string,
    timestamp: r.timestamp as string,
    conversation_summary: r.conversation_summary as string,
    emotional_state: state as EmotionalState,
    emotional_score: score,
    therapeutic_goals: r.therapeutic_goals as string[],
    progress_notes: r.progress_notes as string,
    therapist_observations: r.therapist_observations as string,
    next_session_focus: r.next_session_focus as string,
    session_duration_minutes: duration as number | null,
    techniques_used: r.techniques_used as string[],
    homework_assigned: r.homework_assigned as string,
    crisis_flags: r.crisis_flags as string[],
    metadata: r.metadata as Record<string, string>,
  };
}

function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

function isTrimmed(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.trim() === value;
}

/** Distinct goal ids (the schema would drop a repeated one). */
function isIdList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    if (!isId(value[i]) || value.indexOf(value[i]) !== i) return false;
  }
  return true;
}

/** Techniques and crisis flags: trimmed, 1 to 200 characters. */
function isLabelList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) {
    if (!isTrimmed(item) || item.length > 200) return false;
  }
  return true;
}

function isTextMap(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  for (const key in value) {
    if (typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  }
  return true;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** `YYYY-MM-DDTHH:MM:SS.mmmZ` naming an instant that exists (as toISOString writes it). */
function isUtcTime(value: unknown): boolean {
  if (typeof value !== 'string' || value.length !== 24 || !ISO_UTC.test(value)) return false;
  const number = (at: number, length: number) => {
    let n = 0;
    for (let i = at; i < at + length; i++) n = n * 10 + value.charCodeAt(i) - 48;
    return n;
  };
  const year = number(0, 4);
  const month = number(5, 2);
  const day = number(8, 2);
  if (month < 1 || month > 12 || day < 1 || number(11, 2) > 23 || number(14, 2) > 59 || number(17, 2) > 59) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1]!);
}

function checkedSession(raw: unknown, name: () => string): Session {
  const fields = parseRecord(sessionRecord, raw, name);
  const score = scoreOf(fields.emotional_state);
  if (fields.emotional_score !== undefined && fields.emotional_score !== score) {
    throw new InputError(
      `${name()}: emotional_score ${fields.emotional_score} does not match emotional_state "${fields.emotional_state}" ` +
      `(${score}): correct one of them`,
    );
  }
  return {
    session_id: fields.session_id,
    client_id: fields.client_id,
    timestamp: fields.timestamp,
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

function toGoal(raw: unknown, name: () => string): GoalWithHistory {
  const { history, milestones: _derived, ...goal } = parseRecord(goalRecord, raw, name);
  return { goal, history };
}

function toMilestone(raw: unknown, name: () => string, now: string): MilestoneRecord {
  const fields = parseRecord(milestoneRecord, raw, name);
  return { ...fields, created_at: fields.created_at ?? now };
}

// ── walking the document ───────────────────────────────────────────────────

interface ClientStart {
  client_id: string;
  created_at?: string;
}

interface Visitor {
  client(client: ClientStart): void;
  record(kind: RecordKind, raw: unknown, name: () => string): void;
  clientEnd(clientId: string): void;
}

const ARRAYS: Record<string, RecordKind> = { sessions: 'session', goals: 'goal', milestones: 'milestone' };

/** How a record is named in a message: by its id when it has one, else by its place. */
function recordName(kind: RecordKind, raw: unknown, index: number, clientId: string): string {
  const idValue = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[`${kind}_id`] : undefined;
  const which = typeof idValue === 'string' ? `"${idValue}"` : `#${index + 1}`;
  return `${kind} ${which} of client "${clientId}"`;
}

function walkDocument(open: TextSource, label: string, visit: Visitor): void {
  const reader = new JsonStreamReader(open());
  let lastGood: () => string = () => 'at the start';
  const notAnExport = () =>
    new InputError(`${label} is not a tpt export: give a JSON file written by \`tpt export\``);
  try {
    if (reader.peek() !== '{') throw notAnExport();
    reader.expect('{', 'the document');
    let format: unknown;
    let version: unknown;
    let clientsSeen = false;
    if (!reader.closes('}')) {
      do {
        const key = reader.key('in the document');
        if (key !== 'format' && format === undefined) throw notAnExport();
        switch (key) {
          case 'format':
            format = reader.value();
            if (format !== EXPORT_FORMAT) throw notAnExport();
            break;
          case 'version':
            version = reader.value();
            if (version !== EXPORT_VERSION) {
              throw new InputError(
                `${label} is export version ${JSON.stringify(version)}; this tpt reads version ${EXPORT_VERSION}: ` +
                'import it with the tpt that wrote it, or upgrade tpt',
              );
            }
            break;
          case 'exported_at':
            if (typeof reader.value() !== 'string') {
              throw new InputError(`${label}: exported_at must be an ISO 8601 date and time`);
            }
            break;
          case 'clients': {
            if (version === undefined) {
              throw new InputError(`${label} names no export version before its clients: it is not a file of \`tpt export\``);
            }
            clientsSeen = true;
            reader.expect('[', 'the list of clients');
            if (reader.closes(']')) break;
            const seen = new Set<string>();
            do {
              walkClient(reader, visit, seen, (where) => {
                lastGood = where;
              });
            } while (reader.more(']', 'after a client'));
            break;
          }
          default:
            throw new InputError(`${label}: unknown field "${key}" in the document: remove it (export version ${EXPORT_VERSION})`);
        }
      } while (reader.more('}', 'in the document'));
    }
    if (format === undefined) throw notAnExport();
    if (version === undefined) throw new InputError(`${label} names no export version: it is not a file of \`tpt export\``);
    if (!clientsSeen) throw new InputError(`${label} holds no "clients" list: it is not a whole export`);
    if (!reader.atEnd()) throw new JsonStreamError('text follows the end of the document', false);
  } catch (error) {
    if (!(error instanceof JsonStreamError)) throw error;
    throw new InputError(error.truncated
      ? `${label} ends too early (truncated?) ${lastGood()}: ${error.message}; export it again`
      : `${label} is not valid JSON ${lastGood()}: ${error.message}`);
  }
}

function walkClient(reader: JsonStreamReader, visit: Visitor, seen: Set<string>, progress: (where: () => string) => void): void {
  reader.expect('{', 'a client');
  let header: Partial<ClientStart> = {};
  let started = false;
  const start = () => {
    if (started) return;
    const parsed = parseRecord(clientHeader, header, () => `client #${seen.size + 1}`);
    if (seen.has(parsed.client_id)) {
      throw new InputError(`client "${parsed.client_id}" appears twice in the file: merge its records into one entry`);
    }
    seen.add(parsed.client_id);
    visit.client(parsed);
    started = true;
    progress(() => `in client "${parsed.client_id}"`);
  };
  if (!reader.closes('}')) {
    do {
      const key = reader.key('in a client');
      const kind = ARRAYS[key];
      if (kind === undefined) {
        if (started) throw new InputError(`client "${header.client_id}": "${key}" must come before its records`);
        header = { ...header, [key]: reader.value() };
        continue;
      }
      start();
      const clientId = header.client_id!;
      reader.expect('[', `the ${key} of client "${clientId}"`);
      if (reader.closes(']')) continue;
      let index = 0;
      do {
        const raw = reader.value();
        const at = index++;
        const name = () => recordName(kind, raw, at, clientId);
        visit.record(kind, raw, name);
        progress(() => `after ${name()}`);
      } while (reader.more(']', `after a record of client "${clientId}"`));
    } while (reader.more('}', 'in a client'));
  }
  start();
  visit.clientEnd(header.client_id!);
}

// ── pass 1: check ──────────────────────────────────────────────────────────

function checkPass(store: Store, open: TextSource, label: string): CheckResult {
  const result: CheckResult = {
    clients: 0,
    clientIds: [],
    sessions: { fresh: 0, same: 0, differ: 0 },
    goals: { fresh: 0, same: 0, differ: 0 },
    milestones: { fresh: 0, same: 0, differ: 0 },
    conflicts: [],
    conflictCount: 0,
  };
  const now = new Date(0).toISOString();
  // Per client: ids of its goals and milestones in the file, and the goals its records name.
  let clientId = '';
  let goalIds = new Set<string>();
  let milestoneIds = new Set<string>();
  let namedGoals = new Map<string, string>();

  const conflict = (kind: RecordKind, recordId: string, ownerInDb: string, fields: string[], name: string) => {
    if (ownerInDb !== clientId) {
      throw new TptError(
        `${name}: the database holds ${kind} "${recordId}" for client "${ownerInDb}"; ids are unique across clients: ` +
        'give the record another id in the file',
      );
    }
    result.conflictCount++;
    if (result.conflicts.length < LISTED_CONFLICTS) result.conflicts.push({ kind, id: recordId, client_id: clientId, fields });
  };
  const belongs = (kind: RecordKind, owner: string, name: () => string) => {
    if (owner !== clientId) {
      throw new InputError(`${name()}: it names client "${owner}" but sits in the records of client "${clientId}": move it`);
    }
  };

  walkDocument(open, label, {
    client(client) {
      clientId = client.client_id;
      result.clients++;
      result.clientIds.push(clientId);
      goalIds = new Set();
      milestoneIds = new Set();
      namedGoals = new Map();
    },
    record(kind, raw, name) {
      if (kind === 'session') {
        const session = toSession(raw, name);
        belongs(kind, session.client_id, name);
        for (const goalId of session.therapeutic_goals) {
          if (!namedGoals.has(goalId)) namedGoals.set(goalId, name());
        }
        const existing = store.sessionById(session.session_id);
        if (!existing) result.sessions.fresh++;
        else {
          const fields = sessionDifferences(existing, session);
          if (fields.length === 0) result.sessions.same++;
          else {
            result.sessions.differ++;
            conflict(kind, session.session_id, existing.client_id, fields, name());
          }
        }
      } else if (kind === 'goal') {
        const { goal, history } = toGoal(raw, name);
        belongs(kind, goal.client_id, name);
        if (goalIds.has(goal.goal_id)) throw new InputError(`${name()} appears twice in the file: every goal needs its own id`);
        goalIds.add(goal.goal_id);
        const existing = store.goalById(goal.goal_id);
        if (!existing) result.goals.fresh++;
        else {
          const fields = goalDifferences({ goal: existing, history: store.goalHistory(goal.goal_id) }, { goal, history });
          if (fields.length === 0) result.goals.same++;
          else {
            result.goals.differ++;
            conflict(kind, goal.goal_id, existing.client_id, fields, name());
          }
        }
      } else {
        const milestone = toMilestone(raw, name, now);
        belongs(kind, milestone.client_id, name);
        if (milestoneIds.has(milestone.milestone_id)) {
          throw new InputError(`${name()} appears twice in the file: every milestone needs its own id`);
        }
        milestoneIds.add(milestone.milestone_id);
        if (!namedGoals.has(milestone.goal_id)) namedGoals.set(milestone.goal_id, name());
        const existing = milestoneRecordById(store, milestone.milestone_id);
        if (!existing) result.milestones.fresh++;
        else {
          const given = (raw as { created_at?: unknown }).created_at === undefined
            ? { ...milestone, created_at: existing.created_at }
            : milestone;
          const fields = differences(existing, given, MILESTONE_FIELDS);
          if (fields.length === 0) result.milestones.same++;
          else {
            result.milestones.differ++;
            conflict(kind, milestone.milestone_id, existing.client_id, fields, name());
          }
        }
      }
    },
    clientEnd() {
      for (const [goalId, name] of namedGoals) {
        if (goalIds.has(goalId)) continue;
        const goal = store.goalById(goalId);
        if (!goal) {
          throw new InputError(`${name}: goal "${goalId}" is neither in the file nor in the database: add the goal to the file`);
        }
        if (goal.client_id !== clientId) {
          throw new InputError(`${name}: goal "${goalId}" belongs to client "${goal.client_id}", not "${clientId}"`);
        }
      }
    },
  });
  return result;
}

const SESSION_FIELDS = [
  'client_id', 'timestamp', 'conversation_summary', 'emotional_state', 'emotional_score', 'therapeutic_goals',
  'progress_notes', 'therapist_observations', 'next_session_focus', 'session_duration_minutes', 'techniques_used',
  'homework_assigned', 'crisis_flags', 'metadata',
] as const;
const GOAL_FIELDS = [
  'client_id', 'description', 'target_date', 'completion_percentage', 'status', 'notes', 'created_at', 'updated_at',
] as const;
const MILESTONE_FIELDS = ['goal_id', 'client_id', 'description', 'achieved_date', 'significance', 'created_at'] as const;

/** The fields in which two records differ (metadata compared without regard to key order). */
function differences<T>(a: T, b: T, fields: readonly (keyof T & string)[]): string[] {
  return fields.filter((field) => canonical(a[field]) !== canonical(b[field]));
}

function canonical(value: unknown): string {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return JSON.stringify(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return JSON.stringify(value);
}

function sessionDifferences(a: Session, b: Session): string[] {
  return differences(a, b, SESSION_FIELDS);
}

function goalDifferences(a: GoalWithHistory, b: GoalWithHistory): string[] {
  const fields = differences(a.goal as GoalRecord, b.goal, GOAL_FIELDS);
  if (JSON.stringify(a.history) !== JSON.stringify(b.history.map(orderedEntry))) fields.push('history');
  return fields;
}

function orderedEntry(entry: GoalHistoryEntry): GoalHistoryEntry {
  return {
    at: entry.at, completion_percentage: entry.completion_percentage, status: entry.status, note: entry.note,
    actor: entry.actor,
  };
}

// ── pass 2: write ──────────────────────────────────────────────────────────

function writePass(
  store: Store,
  open: TextSource,
  label: string,
  check: CheckResult,
  mode: ConflictMode,
  who: Actor,
): { sessions: KindCounts; goals: KindCounts; milestones: KindCounts } {
  const written = {
    sessions: { added: 0, skipped: 0, replaced: 0 },
    goals: { added: 0, skipped: 0, replaced: 0 },
    milestones: { added: 0, skipped: 0, replaced: 0 },
  };
  const now = who.now.toISOString();
  // When no session of the file is on record, each can be inserted without a look-up first.
  const sessionsAllNew = check.sessions.same + check.sessions.differ === 0;
  walkDocument(open, label, {
    client(client) {
      if (clientCreatedAt(store, client.client_id) === undefined) {
        store.ensureClient(client.client_id, client.created_at ?? now);
      }
    },
    record(kind, raw, name) {
      if (kind === 'session') {
        const session = toSession(raw, name);
        if (sessionsAllNew) {
          try {
            insertSessionRecord(store, session);
          } catch (error) {
            if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
              throw new InputError(`${name()} appears twice in the file: every session needs its own id`);
            }
            throw error;
          }
          written.sessions.added++;
          return;
        }
        const existing = store.sessionById(session.session_id);
        if (!existing) {
          insertSessionRecord(store, session);
          written.sessions.added++;
        } else if (mode === 'replace' && sessionDifferences(existing, session).length > 0) {
          replaceSessionRecord(store, session);
          written.sessions.replaced++;
        } else written.sessions.skipped++;
      } else if (kind === 'goal') {
        const { goal, history } = toGoal(raw, name);
        const existing = store.goalById(goal.goal_id);
        if (!existing) {
          insertGoalRecord(store, goal, history);
          written.goals.added++;
        } else if (
          mode === 'replace' &&
          goalDifferences({ goal: existing, history: store.goalHistory(goal.goal_id) }, { goal, history }).length > 0
        ) {
          replaceGoalRecord(store, goal, history);
          written.goals.replaced++;
        } else written.goals.skipped++;
      } else {
        const milestone = toMilestone(raw, name, now);
        const existing = milestoneRecordById(store, milestone.milestone_id);
        if (!existing) {
          insertMilestoneRecord(store, milestone);
          written.milestones.added++;
        } else {
          const given = (raw as { created_at?: unknown }).created_at === undefined
            ? { ...milestone, created_at: existing.created_at }
            : milestone;
          if (mode === 'replace' && differences(existing, given, MILESTONE_FIELDS).length > 0) {
            replaceMilestoneRecord(store, given);
            written.milestones.replaced++;
          } else written.milestones.skipped++;
        }
      }
    },
    clientEnd(clientId) {
      recordAudit(store, { action: 'import', client_id: clientId }, who);
    },
  });
  return written;
}
