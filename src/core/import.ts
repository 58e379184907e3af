// zod's v3 API, as src/core/schemas.ts uses (the schemas below extend its shapes).
import { z } from 'zod/v3';
import type { WriteTx, RecordStore } from '../store/port.js';
import type {
  CourseRecord as CourseRow, GoalRecord, MilestoneRecord, ScheduleRecord as ScheduleRow,
} from '../store/port-exchange.js';
import { FUTURE_TOLERANCE_MS, refuseFarFuture } from './date-rules.js';
import { appendAudit } from './audit.js';
import { InputError, TptError } from './errors.js';
import { recordRiskFlagsIn, sessionRiskFlags, type RiskFlag } from './risks.js';
import { RISK_KINDS, riskKindOf } from './crisis-flags.js';
import { sessionFromFields } from './sessions.js';
import { END_REASONS } from './courses.js';
import { parseEvery } from './schedules.js';
import { MEASURE_KINDS } from './measure-scoring.js';
import { EXPORT_FORMAT, EXPORT_VERSION, READABLE_EXPORT_VERSIONS } from './export.js';
import { JsonStreamError, JsonStreamReader } from './json-stream.js';
import { checkItems, measureInput, measureRiskFlags, riskItemLevel } from './measures.js';
import { measureDefinition, totalOf, type MeasureKind } from './measure-scoring.js';
import type {
  Actor, GoalHistoryEntry, RiskEvent, RiskRow, Measure, MeasureState, MeasureVersion, RecordEdit, Session, SessionState, SessionVersion,
} from './model.js';
import { canonicalClient, canonicalGoal, canonicalMilestone, canonicalSession } from './import-canonical.js';
import {
  goalCreateInput, goalStatus, id, milestoneInput, percentage, sessionInput, significance,
} from './schemas.js';
import { localDateString, parseDateOnly, parseDateTime } from './time.js';

/**
 * `tpt import`: reads a document of `tpt export` as a stream, in one pass inside one transaction.
 * Each record is checked against the rules (the zod schemas of core) and against the database
 * before it is written; the first bad record anywhere in the file, the last one included, ends the
 * import and the rollback leaves the database exactly as it was, so nothing is ever half-imported.
 * A record already present as it is in the file is skipped; a record whose id is present with
 * other content is a conflict, which stops the import unless the caller chose to skip or replace
 * such records. Reading the file once, not twice (check, then write), is what lets an import of a
 * million sessions run at the speed of the database's own inserts.
 */

export const CONFLICT_MODES = ['skip', 'replace'] as const;
export type ConflictMode = (typeof CONFLICT_MODES)[number];

export type RecordKind = 'session' | 'goal' | 'milestone' | 'measure' | 'risk' | 'course' | 'schedule';

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
  measures: KindCounts;
  /** Risks of the register (export version 3), restored with their history. */
  risks: KindCounts;
  /** Courses of treatment (export version 3, issue 24), with their end. */
  courses: KindCounts;
  /** Measure schedules (export version 3, issue 24), live and stopped. */
  schedules: KindCounts;
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

/** Sessions written by one call of the store (a multi-row insert on PostgreSQL). */
const SESSION_BATCH = 1000;

/** At most this many conflicts are kept to be listed; the rest are counted. */
const LISTED_CONFLICTS = 50;

export interface ImportOptions {
  onConflict?: string;
  dryRun?: boolean;
  /** How the file is named in messages. */
  label: string;
  /** More work for the import's own transaction, once every record is in (a migration's mark). */
  alsoInTransaction?: (tx: WriteTx) => Promise<void>;
}

/** The document's text, chunk by chunk: each call returns the next piece, or null at the end. */
export type TextSource = () => string | null;

/** Ends the transaction of a dry run, taking its summary out past the rollback. */
class DryRunDone extends Error {
  constructor(readonly summary: ImportSummary & { client_ids: string[] }) {
    super('dry run');
  }
}

export async function importDocument(records: RecordStore, source: TextSource, options: ImportOptions, who: Actor): Promise<ImportSummary> {
  const given = options.onConflict?.trim().toLowerCase();
  if (given !== undefined && !(CONFLICT_MODES as readonly string[]).includes(given)) {
    throw new InputError(`unknown --on-conflict "${options.onConflict}": use skip or replace`);
  }
  const mode = given as ConflictMode | undefined;
  let summary: ImportSummary & { client_ids: string[] };
  try {
    summary = await records.write(async (tx) => {
      const result = await importPass(tx, source, options.label, mode, who);
      if (result.conflicts.length > 0 && mode === undefined) {
        throw new ImportConflictError(result.conflicts, result.summary.conflicts);
      }
      if (options.dryRun) throw new DryRunDone({ ...result.summary, dry_run: true });
      await options.alsoInTransaction?.(tx);
      return result.summary;
    });
  } catch (error) {
    if (!(error instanceof DryRunDone)) throw error;
    summary = error.summary;
    const checked = summary.client_ids;
    await records.write(async (tx) => {
      for (const clientId of checked) await appendAudit(tx, { action: 'import.check', client_id: clientId }, who);
    });
  }
  const { client_ids: _ids, ...shown } = summary;
  return shown;
}

// ── the records as a file holds them ───────────────────────────────────────

const dateTime = (what: string) => z.string({
  required_error: `${what} is required`, invalid_type_error: `${what} must be an ISO 8601 date and time`,
})
  .transform((text, ctx) => {
    try {
      return parseDateTime(text, what).toISOString();
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const calendarDate = (what: string) => z.string({
  required_error: `${what} is required`, invalid_type_error: `${what} must be a date, YYYY-MM-DD`,
})
  .transform((text, ctx) => {
    try {
      return localDateString(parseDateOnly(text, what));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const clientHeader = z.object({
  client_id: id('client id'),
  created_at: dateTime('client created_at').optional(),
}).strict();

/** A client's entry through the schema. */
export function checkedClient(header: unknown, name: () => string): ClientStart {
  return parseRecord(clientHeader, header, name);
}

const nullableText = (what: string) => z.string({ invalid_type_error: `${what} must be text` }).nullable();

/** Who made a version, when and why (all null for the version as logged). */
const amendmentFields = {
  version: z.number({ invalid_type_error: 'version must be a whole number' }).int().min(1, { message: 'version starts at 1' }),
  amended_at: dateTime('amended_at').nullable(),
  amended_by: nullableText('amended_by'),
  amend_reason: nullableText('amend_reason'),
  addendum: z.boolean({ invalid_type_error: 'addendum must be true or false' }),
};

const sessionVersionRecord = sessionInput.omit({ session_id: true }).extend({
  timestamp: dateTime('version timestamp'),
  ...amendmentFields,
}).strict();

const sessionRecord = sessionInput.extend({
  session_id: id('session id'),
  timestamp: dateTime('session timestamp'),
  // The state and earlier versions of a corrected session (export version 2), all or none.
  ...amendmentFields,
  signed_at: dateTime('signed_at').nullable(),
  signed_by: nullableText('signed_by'),
  voided_at: dateTime('voided_at').nullable(),
  voided_by: nullableText('voided_by'),
  void_reason: nullableText('void_reason'),
  // A machine-written session (issue 25; docs/machine-entries.md).
  source: z.enum(['person', 'machine'], { invalid_type_error: 'source must be "person" or "machine"' }),
  versions: z.array(sessionVersionRecord, { invalid_type_error: 'versions must be a list' }),
}).partial({ source: true,
  version: true, amended_at: true, amended_by: true, amend_reason: true, addendum: true, signed_at: true,
  signed_by: true, voided_at: true, voided_by: true, void_reason: true, versions: true,
}).strict();

/** A session as a file holds it, with its state and earlier versions when it has them. */
interface SessionInFile {
  session: Session;
  machine?: boolean;
  corrections?: { state: SessionState; versions: SessionVersion[] };
}

const historyEntry = z.object({
  at: dateTime('history time'),
  completion_percentage: percentage,
  status: goalStatus,
  note: z.string({ invalid_type_error: 'history note must be text' }).default(''),
  actor: z.string({ required_error: 'history actor is required', invalid_type_error: 'history actor must be text' })
    .min(1, { message: 'history actor cannot be empty' }),
}).strict();

const recordEdit = z.object({
  at: dateTime('edit time'),
  actor: z.string({ required_error: 'edit actor is required' }).min(1, { message: 'edit actor cannot be empty' }),
  reason: z.string({ required_error: 'edit reason is required' }).min(1, { message: 'edit reason cannot be empty' }),
  changes: z.record(z.string(), z.tuple([z.string().nullable(), z.string().nullable()])),
}).strict();
const recordEdits = z.array(recordEdit, { invalid_type_error: 'edits must be a list' }).optional();

const goalRecord = z.object({
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
  history: z.array(historyEntry, {
    required_error: 'a goal needs its history (at least the entry of its creation)',
    invalid_type_error: 'history must be a list of entries',
  }).min(1, { message: 'a goal needs its history (at least the entry of its creation)' }),
  edits: recordEdits,
}).strict();

const milestoneRecord = z.object({
  milestone_id: id('milestone id'),
  goal_id: id('goal id'),
  client_id: id('client id'),
  description: milestoneInput.shape.description,
  achieved_date: calendarDate('achieved date'),
  significance,
  created_at: dateTime('milestone created_at').optional(),
  voided_at: dateTime('voided_at').nullable().optional(),
  voided_by: z.string().nullable().optional(),
  void_reason: z.string().nullable().optional(),
  edits: recordEdits,
}).strict();

const measureAnswers = {
  items: z.array(z.unknown(), { invalid_type_error: 'items must be a list of answers, or null' }).nullable(),
  total: z.number({ required_error: 'total is required', invalid_type_error: 'total must be a whole number' }),
};

const { addendum: _addendum, ...measureAmendmentFields } = amendmentFields;

const measureVersionRecord = z.object({
  ...measureAmendmentFields,
  timestamp: dateTime('version timestamp'),
  session_id: measureInput.shape.session_id.unwrap().unwrap().nullable(),
  ...measureAnswers,
}).strict();

const measureRecord = measureInput.extend({
  measure_id: measureInput.shape.measure_id.unwrap(),
  timestamp: dateTime('measure timestamp'),
  session_id: measureInput.shape.session_id.unwrap().unwrap().nullable().default(null),
  ...measureAnswers,
  created_at: dateTime('measure created_at').optional(),
  // The state and earlier versions of an amended or voided measure, all or none.
  ...measureAmendmentFields,
  voided_at: dateTime('voided_at').nullable(),
  voided_by: nullableText('voided_by'),
  void_reason: nullableText('void_reason'),
  versions: z.array(measureVersionRecord, { invalid_type_error: 'versions must be a list' }),
}).partial({
  version: true, amended_at: true, amended_by: true, amend_reason: true, voided_at: true, voided_by: true,
  void_reason: true, versions: true,
}).strict();

/** A measure as a file holds it, with its state and earlier versions when it has them. */
interface MeasureInFile {
  measure: Measure;
  corrections?: { state: MeasureState; versions: MeasureVersion[] };
}

const riskEventRecord = z.object({
  event: z.enum(['opened', 'flagged', 'reopened', 'resolved'], { errorMap: () => ({ message: 'event must be opened, flagged, reopened or resolved' }) }),
  at: dateTime('risk event time'),
  source_type: nullableText('source_type'),
  source_id: nullableText('source_id'),
  flag: nullableText('flag'),
  note: z.string({ invalid_type_error: 'note must be text' }),
  actor: z.string({ required_error: 'actor is required' }).min(1, { message: 'actor cannot be empty' }),
  recorded_at: dateTime('risk event recorded_at'),
}).strict();

const riskRecord = z.object({
  client_id: id('client id'),
  kind: z.enum(RISK_KINDS, { errorMap: () => ({ message: `kind must be one of ${RISK_KINDS.join(', ')}` }) }),
  status: z.enum(['open', 'resolved'], { errorMap: () => ({ message: 'status must be open or resolved' }) }),
  opened_at: dateTime('opened_at'),
  last_flagged_at: dateTime('last_flagged_at'),
  resolved_at: dateTime('resolved_at').nullable(),
  resolved_by: nullableText('resolved_by'),
  resolution_note: nullableText('resolution_note'),
  history: z.array(riskEventRecord, { required_error: 'a risk needs its history', invalid_type_error: 'history must be a list' })
    .min(1, { message: 'a risk needs its history (at least its opening)' }),
}).strict();

/** A risk as a file holds it, its state checked against its history. */
function toRisk(raw: unknown, name: () => string): { row: RiskRow; history: RiskEvent[] } {
  const { history, ...row } = parseRecord(riskRecord, raw, name);
  const resolved = row.status === 'resolved';
  const closing = [row.resolved_at, row.resolved_by, row.resolution_note];
  if (resolved ? closing.some((value) => value === null) : closing.some((value) => value !== null)) {
    throw new InputError(`${name()}: a ${row.status} risk ${resolved ? 'needs' : 'has no'} resolved_at, resolved_by and resolution_note`);
  }
  if (history[0]!.event !== 'opened') throw new InputError(`${name()}: its history starts with its opening ("opened")`);
  if ((history.at(-1)!.event === 'resolved') !== resolved) {
    throw new InputError(`${name()}: its status (${row.status}) is not what its history ends with (${history.at(-1)!.event})`);
  }
  return { row, history };
}

const courseRecord = z.object({
  course_id: id('course id'),
  client_id: id('client id'),
  started_at: dateTime('course started_at'),
  started_by: z.string({ required_error: 'started_by is required', invalid_type_error: 'started_by must be text' })
    .min(1, { message: 'started_by cannot be empty' }),
  ended_at: dateTime('course ended_at').nullable(),
  ended_by: nullableText('ended_by'),
  end_reason: z.enum(END_REASONS, { errorMap: () => ({ message: `end_reason must be one of ${END_REASONS.join(', ')}, or null` }) }).nullable(),
  end_note: nullableText('end_note'),
}).strict();

/** A course as a file holds it: an ended course carries when, by whom and why; an open one none of it. */
function toCourse(raw: unknown, name: () => string): CourseRow {
  const course = parseRecord(courseRecord, raw, name);
  const ending = [course.ended_at, course.ended_by, course.end_reason];
  const ended = course.ended_at !== null;
  if (ended ? ending.some((value) => value === null) : [...ending, course.end_note].some((value) => value !== null)) {
    throw new InputError(`${name()}: ${ended ? 'an ended course needs' : 'an open course (ended_at null) has no'} ended_by, end_reason${ended ? '' : ' and end_note'}`);
  }
  if (ended && course.ended_at! < course.started_at) {
    throw new InputError(`${name()}: it ends (${course.ended_at}) before it starts (${course.started_at})`);
  }
  return course;
}

const scheduleRecord = z.object({
  client_id: id('client id'),
  measure: z.enum(MEASURE_KINDS, { errorMap: () => ({ message: `measure must be one of ${MEASURE_KINDS.join(', ')}` }) }),
  every: z.string({ required_error: 'every is required', invalid_type_error: 'every must be text' })
    .superRefine((text, ctx) => {
      try {
        if (text !== text.trim().toLowerCase()) throw new InputError(`invalid every "${text}"`);
        parseEvery(text);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `every: ${(error as Error).message.replace('--every ', '')}` });
      }
    }),
  started_at: dateTime('schedule started_at'),
  started_by: z.string({ required_error: 'started_by is required', invalid_type_error: 'started_by must be text' })
    .min(1, { message: 'started_by cannot be empty' }),
  stopped_at: dateTime('schedule stopped_at').nullable(),
  stopped_by: nullableText('stopped_by'),
}).strict();

/** A schedule as a file holds it: a stopped one carries when and by whom, a live one neither. */
function toSchedule(raw: unknown, name: () => string): ScheduleRow {
  const schedule = parseRecord(scheduleRecord, raw, name);
  if ((schedule.stopped_at === null) !== (schedule.stopped_by === null)) {
    throw new InputError(`${name()}: a stopped schedule carries both stopped_at and stopped_by, a live one neither`);
  }
  return schedule;
}

const MEASURE_STATE_KEYS = [
  'version', 'amended_at', 'amended_by', 'amend_reason', 'voided_at', 'voided_by', 'void_reason', 'versions',
] as const;

interface GoalWithHistory {
  goal: GoalRecord;
  history: GoalHistoryEntry[];
  edits: RecordEdit[];
}

function parseRecord<S extends z.ZodTypeAny>(schema: S, raw: unknown, name: () => string): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  throw new InputError(`${name()}: ${issueText(result.error.issues[0]!)}`);
}

function issueText(issue: z.ZodIssue): string {
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    return `unknown field ${issue.keys.map((key) => `"${key}"`).join(', ')}${path ? ` in ${path}` : ''}: ` +
      `remove it (export version ${EXPORT_VERSION} has no such field)`;
  }
  if (issue.code === 'invalid_type' && issue.received === 'undefined' && issue.message === 'Required') {
    return `${path} is required`;
  }
  return issue.path.length > 1 ? `${path}: ${issue.message}` : issue.message;
}

function toSession(raw: unknown, name: () => string): SessionInFile {
  const fast = canonicalSession(raw);
  return fast ? { session: fast } : checkedSessionRecord(raw, name);
}

const STATE_KEYS = [
  'version', 'amended_at', 'amended_by', 'amend_reason', 'addendum', 'signed_at', 'signed_by', 'voided_at',
  'voided_by', 'void_reason', 'versions',
] as const;

/** A session through the schema, with its state and versions checked against each other. */
function checkedSessionRecord(raw: unknown, name: () => string): SessionInFile {
  const fields = parseRecord(sessionRecord, raw, name);
  const session = checkedSession(fields, name);
  const machine = fields.source === 'machine' ? { machine: true } : {};
  const present = STATE_KEYS.filter((key) => fields[key] !== undefined);
  if (present.length === 0) return { session, ...machine };
  if (present.length < STATE_KEYS.length) {
    const missing = STATE_KEYS.filter((key) => fields[key] === undefined);
    throw new InputError(`${name()}: a corrected session carries all of its state; ${missing.join(', ')} missing`);
  }
  const state = {
    version: fields.version!, amended_at: fields.amended_at!, amended_by: fields.amended_by!,
    amend_reason: fields.amend_reason!, addendum: fields.addendum!, signed_at: fields.signed_at!,
    signed_by: fields.signed_by!, voided_at: fields.voided_at!, voided_by: fields.voided_by!,
    void_reason: fields.void_reason!,
  };
  const versions = fields.versions!.map((version, index) => {
    if (version.version !== index + 1) {
      throw new InputError(`${name()}: versions must be numbered 1, 2, … oldest first (found ${version.version} at place ${index + 1})`);
    }
    const content = checkedSession({ ...version, session_id: session.session_id, version: undefined, amended_at: undefined,
      amended_by: undefined, amend_reason: undefined, addendum: undefined }, name);
    const { session_id: _id, ...rest } = content;
    return {
      ...rest, version: version.version, amended_at: version.amended_at, amended_by: version.amended_by,
      amend_reason: version.amend_reason, addendum: version.addendum,
    };
  });
  if (state.version !== versions.length + 1) {
    throw new InputError(`${name()}: version ${state.version} needs the ${state.version - 1} earlier version(s) in "versions" (found ${versions.length})`);
  }
  return { session, ...machine, corrections: { state, versions } };
}

/** A session through the schema: any accepted form, normalised; the message names a fault. */
export function checkedSession(raw: unknown, name: () => string): Session {
  const { version: _v, amended_at: _a, amended_by: _b, amend_reason: _r, addendum: _d, signed_at: _s, signed_by: _sb,
    voided_at: _va, voided_by: _vb, void_reason: _vr, versions: _vs, source: _so, ...fields } = parseRecord(sessionRecord, raw, name);
  try {
    return sessionFromFields(fields, fields.session_id, fields.timestamp);
  } catch (error) {
    throw error instanceof InputError ? new InputError(`${name()}: ${error.message}`) : error;
  }
}

function toGoal(raw: unknown, name: () => string): GoalWithHistory {
  return canonicalGoal(raw) ?? checkedGoal(raw, name);
}

/** A goal through the schema: any accepted form, normalised; the message names a fault. */
export function checkedGoal(raw: unknown, name: () => string): GoalWithHistory {
  const { history, milestones: _derived, edits, ...goal } = parseRecord(goalRecord, raw, name);
  return { goal, history, edits: edits ?? [] };
}

/** A measure as the file holds it: its total must be what its items add up to. */
function toMeasure(raw: unknown, name: () => string, now: string): MeasureInFile {
  const fields = parseRecord(measureRecord, raw, name);
  const answers = checkedAnswers(fields.measure, fields, name);
  const measure: Measure = {
    measure_id: fields.measure_id, client_id: fields.client_id, measure: fields.measure, timestamp: fields.timestamp,
    session_id: fields.session_id, ...answers, created_at: fields.created_at ?? now,
  };
  const present = MEASURE_STATE_KEYS.filter((key) => fields[key] !== undefined);
  if (present.length === 0) return { measure };
  if (present.length < MEASURE_STATE_KEYS.length) {
    const missing = MEASURE_STATE_KEYS.filter((key) => fields[key] === undefined);
    throw new InputError(`${name()}: an amended or voided measure carries all of its state; ${missing.join(', ')} missing`);
  }
  const state: MeasureState = {
    version: fields.version!, amended_at: fields.amended_at!, amended_by: fields.amended_by!, amend_reason: fields.amend_reason!,
    voided_at: fields.voided_at!, voided_by: fields.voided_by!, void_reason: fields.void_reason!,
  };
  const versions = fields.versions!.map((version, index): MeasureVersion => {
    if (version.version !== index + 1) {
      throw new InputError(`${name()}: versions must be numbered 1, 2, … oldest first (found ${version.version} at place ${index + 1})`);
    }
    return {
      version: version.version, timestamp: version.timestamp, session_id: version.session_id,
      ...checkedAnswers(fields.measure, version, name), amended_at: version.amended_at, amended_by: version.amended_by,
      amend_reason: version.amend_reason,
    };
  });
  if (state.version !== versions.length + 1) {
    throw new InputError(`${name()}: version ${state.version} needs the ${state.version - 1} earlier version(s) in "versions" (found ${versions.length})`);
  }
  return { measure, corrections: { state, versions } };
}

/** A measure's answers as a file holds them: its total must be what its items add up to. */
function checkedAnswers(kind: MeasureKind, fields: { items: unknown[] | null; total: number }, name: () => string): Pick<Measure, 'items' | 'total'> {
  const definition = measureDefinition(kind);
  try {
    const items = fields.items === null ? null : checkItems(kind, fields.items);
    const total = items === null ? fields.total : totalOf(definition, items);
    if (!Number.isInteger(fields.total) || fields.total !== total || total < 0 || total > definition.max) {
      throw new InputError(items === null
        ? `total ${fields.total} is not a ${definition.name} total (0-${definition.max})`
        : `total ${fields.total} does not match the items (${total})`);
    }
    return { items, total };
  } catch (error) {
    throw error instanceof InputError ? new InputError(`${name()}: ${error.message}`) : error;
  }
}

interface MilestoneInFile {
  milestone: Omit<MilestoneRecord, 'created_at'> & { created_at?: string };
  state: { voided_at: string | null; voided_by: string | null; void_reason: string | null };
  edits: RecordEdit[];
}

function toMilestone(raw: unknown, name: () => string): MilestoneInFile {
  const fast = canonicalMilestone(raw);
  if (fast) return { milestone: fast, state: { voided_at: null, voided_by: null, void_reason: null }, edits: [] };
  return checkedMilestone(raw, name);
}

/** A milestone through the schema: any accepted form, normalised; the message names a fault. */
export function checkedMilestone(raw: unknown, name: () => string): MilestoneInFile {
  const { voided_at, voided_by, void_reason, edits, ...milestone } = parseRecord(milestoneRecord, raw, name);
  return {
    milestone,
    state: { voided_at: voided_at ?? null, voided_by: voided_by ?? null, void_reason: void_reason ?? null },
    edits: edits ?? [],
  };
}

// ── walking the document ───────────────────────────────────────────────────

interface ClientStart {
  client_id: string;
  created_at?: string;
}

interface Visitor {
  client(client: ClientStart): Promise<void>;
  record(kind: RecordKind, raw: unknown, name: () => string): Promise<void>;
  clientEnd(clientId: string): Promise<void>;
}

const ARRAYS: Record<string, RecordKind> = {
  sessions: 'session', goals: 'goal', milestones: 'milestone', measures: 'measure', risks: 'risk',
  courses: 'course', schedules: 'schedule',
};

/** How a record is named in a message: by its id when it has one, else by its place. */
function recordName(kind: RecordKind, raw: unknown, index: number, clientId: string): string {
  if (kind === 'schedule') {
    const { measure, started_at } = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    const which = typeof measure === 'string' && typeof started_at === 'string' ? `"${measure}" started ${started_at}` : `#${index + 1}`;
    return `schedule ${which} of client "${clientId}"`;
  }
  const idValue = raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[kind === 'risk' ? 'kind' : `${kind}_id`] : undefined;
  const which = typeof idValue === 'string' ? `"${idValue}"` : `#${index + 1}`;
  return `${kind} ${which} of client "${clientId}"`;
}

async function walkDocument(source: TextSource, label: string, visit: Visitor): Promise<void> {
  const reader = new JsonStreamReader(source);
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
            if (!READABLE_EXPORT_VERSIONS.includes(version)) {
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
              await walkClient(reader, visit, seen, (where) => {
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

async function walkClient(reader: JsonStreamReader, visit: Visitor, seen: Set<string>, progress: (where: () => string) => void): Promise<void> {
  reader.expect('{', 'a client');
  let header: Partial<ClientStart> = {};
  let started = false;
  const start = async () => {
    if (started) return;
    const parsed = canonicalClient(header) ?? checkedClient(header, () => `client #${seen.size + 1}`);
    if (seen.has(parsed.client_id)) {
      throw new InputError(`client "${parsed.client_id}" appears twice in the file: merge its records into one entry`);
    }
    seen.add(parsed.client_id);
    await visit.client(parsed);
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
      await start();
      const clientId = header.client_id!;
      reader.expect('[', `the ${key} of client "${clientId}"`);
      if (reader.closes(']')) continue;
      let index = 0;
      do {
        const raw = reader.value();
        const at = index++;
        const name = () => recordName(kind, raw, at, clientId);
        await visit.record(kind, raw, name);
        progress(() => `after ${name()}`);
      } while (reader.more(']', `after a record of client "${clientId}"`));
    } while (reader.more('}', 'in a client'));
  }
  await start();
  await visit.clientEnd(header.client_id!);
}

// ── the one pass: check each record, then write it ─────────────────────────

interface PassResult {
  summary: ImportSummary & { client_ids: string[] };
  conflicts: Conflict[];
}

/**
 * Reads the document once, checking each record against the rules and the database before it
 * writes it. The caller runs this inside one transaction: a bad record anywhere (the last one
 * too) throws, and the rollback leaves the database as it was. Rows this import wrote are told
 * from rows that were there before by their rowid, which only grows.
 */
async function importPass(
  tx: WriteTx,
  source: TextSource,
  label: string,
  mode: ConflictMode | undefined,
  who: Actor,
): Promise<PassResult> {
  const counts = (): KindCounts => ({ added: 0, skipped: 0, replaced: 0 });
  const summary = {
    clients: 0, sessions: counts(), goals: counts(), milestones: counts(), measures: counts(), risks: counts(),
    courses: counts(), schedules: counts(), conflicts: 0,
    dry_run: false,
    client_ids: [] as string[],
  };
  const conflicts: Conflict[] = [];
  // Ids already on record that this import has met once: a second meeting is a duplicate in the
  // file, which the rowid cannot show (a skipped or replaced row keeps its rowid).
  const settled: Record<RecordKind, Set<string>> = {
    session: new Set(), goal: new Set(), milestone: new Set(), measure: new Set(), risk: new Set(), course: new Set(),
    schedule: new Set(),
  };
  const now = who.now.toISOString();
  // Times as exported sort as text: only a session past this one needs the far-future check.
  const latestAllowed = new Date(who.now.getTime() + FUTURE_TOLERANCE_MS).toISOString();
  await tx.exchange.beginBulk();
  // Per client: the goals its sessions and milestones name, each with the first record naming it.
  let clientId = '';
  let namedGoals = new Map<string, string>();
  // Per client: the sessions its measures name, each with the first measure naming it.
  let namedSessions = new Map<string, string>();
  // Per client: the flags of the sessions and measures this import writes, and the risks the file's
  // register restores. The flags go to the register at the client's end, except for the kinds the
  // file restored whole (export version 3): their history already holds those flags.
  let pendingFlags: RiskFlag[] = [];
  let restoredKinds = new Set<string>();
  const flagLater = (flags: readonly RiskFlag[]) => {
    pendingFlags.push(...flags);
  };

  /** A record whose id is on record: skipped, replaced or a conflict. Returns true to replace. */
  const settle = async (
    kind: Exclude<RecordKind, 'risk' | 'course' | 'schedule'>, recordId: string, owner: string, fields: string[], name: () => string,
  ): Promise<boolean> => {
    const tally = summary[`${kind}s`];
    if (settled[kind].has(recordId) || await tx.exchange.writtenInBulk(kind, recordId)) {
      throw new InputError(`${name()} appears twice in the file: every ${kind} needs its own id`);
    }
    settled[kind].add(recordId);
    if (owner !== clientId) {
      throw new TptError(
        `${name()}: the database holds ${kind} "${recordId}" for client "${owner}"; ids are unique across clients: ` +
        'give the record another id in the file',
      );
    }
    if (fields.length === 0) {
      tally.skipped++;
      return false;
    }
    summary.conflicts++;
    if (conflicts.length < LISTED_CONFLICTS) conflicts.push({ kind, id: recordId, client_id: clientId, fields });
    if (mode === 'replace') {
      tally.replaced++;
      return true;
    }
    tally.skipped++;
    return false;
  };
  const belongs = (owner: string, name: () => string) => {
    if (owner !== clientId) {
      throw new InputError(`${name()}: it names client "${owner}" but sits in the records of client "${clientId}": move it`);
    }
  };
  const names = (goalId: string, name: () => string) => {
    if (!namedGoals.has(goalId)) namedGoals.set(goalId, name());
  };

  /**
   * A course (by its id) or a schedule (by its measure and start) of the file: added, skipped when
   * the database holds it as it is, else a conflict like any record's. A client has at most one
   * open course and one live schedule of each measure: a second is refused in one line.
   */
  const restoreCourseOrSchedule = async (kind: 'course' | 'schedule', raw: unknown, name: () => string) => {
    const tally = kind === 'course' ? summary.courses : summary.schedules;
    let key: string;
    let held: CourseRow | ScheduleRow | undefined;
    let given: CourseRow | ScheduleRow;
    let open: boolean;
    let other: () => Promise<CourseRow | ScheduleRow | undefined>;
    let write: (replace: boolean) => Promise<void>;
    if (kind === 'course') {
      const course = toCourse(raw, name);
      belongs(course.client_id, name);
      key = course.course_id;
      held = await tx.exchange.course(key);
      if (held && held.client_id !== clientId) {
        throw new TptError(
          `${name()}: the database holds course "${key}" for client "${held.client_id}"; ids are unique across clients: ` +
          'give the course another id in the file',
        );
      }
      given = course;
      open = course.ended_at === null;
      other = () => tx.exchange.openCourse(clientId);
      write = (replace) => (replace ? tx.exchange.replaceCourse(course) : tx.exchange.insertCourse(course));
    } else {
      const schedule = toSchedule(raw, name);
      belongs(schedule.client_id, name);
      key = `${schedule.measure} ${schedule.started_at}`;
      held = await tx.exchange.schedule(clientId, schedule.measure, schedule.started_at);
      given = schedule;
      open = schedule.stopped_at === null;
      other = () => tx.exchange.liveSchedule(clientId, schedule.measure);
      write = (replace) => (replace ? tx.exchange.replaceSchedule(schedule) : tx.exchange.insertSchedule(schedule));
    }
    if (settled[kind].has(`${clientId}\u0000${key}`)) {
      throw new InputError(`${name()} appears twice in the file: ${kind === 'course' ? 'every course needs its own id' : 'a schedule is known by its measure and start'}`);
    }
    settled[kind].add(`${clientId}\u0000${key}`);
    const fields = held ? Object.keys(given).filter((field) => canonical((held as unknown as Record<string, unknown>)[field]) !== canonical((given as unknown as Record<string, unknown>)[field])) : [];
    if (held && fields.length === 0) {
      tally.skipped++;
      return;
    }
    if (held) {
      summary.conflicts++;
      if (conflicts.length < LISTED_CONFLICTS) conflicts.push({ kind, id: key, client_id: clientId, fields });
      if (mode !== 'replace') {
        tally.skipped++;
        return;
      }
    }
    if (open) {
      const already = await other();
      const same = already && (kind === 'course'
        ? (already as CourseRow).course_id === (given as CourseRow).course_id
        : already.started_at === given.started_at);
      if (already && !same) {
        // Conflicts not yet settled (no --on-conflict) end the import with their list, not with this.
        if (mode === undefined && summary.conflicts > 0) return;
        throw new InputError(kind === 'course'
          ? `${name()}: client "${clientId}" has course "${(already as CourseRow).course_id}" open already: a client has one open course at a time (end one of them in the file)`
          : `${name()}: client "${clientId}" has a live ${(already as ScheduleRow).measure} schedule already (started ${already.started_at}): a client has one live schedule of each measure (stop one of them in the file)`);
      }
    }
    await write(held !== undefined);
    if (held) tally.replaced++;
    else tally.added++;
  };

  /**
   * The sessions of the file waiting to be written, in its order. They are written a batch at a
   * time (one round trip for many rows on PostgreSQL), always before the next record of another
   * kind and before the client's end, so every check sees what it saw row by row. A session the
   * batch did not write (its id was taken) is settled here, in the file's order. (Of a file with
   * two faults in one batch, one that a session's own checks find is named before one found
   * against the database; either way nothing is written.)
   */
  let pendingSessions: { session: Session; corrections: SessionInFile['corrections']; machine: boolean; name: () => string }[] = [];
  const writeSessions = async () => {
    if (pendingSessions.length === 0) return;
    const batch = pendingSessions;
    pendingSessions = [];
    const written = await tx.exchange.insertSessions(batch);
    const machineWritten = batch.filter((pending, index) => written[index] && pending.machine).map((pending) => pending.session.session_id);
    if (machineWritten.length > 0) await tx.sessions.markMachineWritten(machineWritten);
    for (const [index, { session, corrections, machine, name }] of batch.entries()) {
      if (written[index]) {
        summary.sessions.added++;
        if (session.crisis_flags.length > 0) flagLater(sessionRiskFlags(session));
        continue;
      }
      await settleSession(session, corrections, machine, name);
    }
  };
  /** A session whose id the database holds (or this import wrote already): skipped, replaced, or refused. */
  const settleSession = async (session: Session, corrections: SessionInFile['corrections'], machine: boolean, name: () => string) => {
    const before = (await tx.exchange.sessionFields(session.session_id))!;
    const fields = differences(before, session, SESSION_FIELDS);
    const held = (await tx.exchange.sessionRecord(session.session_id))!;
    const { versions: heldVersions, ...heldState } = held;
    const given = corrections ?? { state: PLAIN_STATE, versions: [] };
    if (canonical(stateOf(heldState)) !== canonical(given.state)) fields.push('state');
    if (JSON.stringify(heldVersions) !== JSON.stringify(given.versions)) fields.push('versions');
    if (await settle('session', session.session_id, before.client_id, fields, name)) {
      if (held.signed_at !== null) {
        throw new TptError(
          `${name()}: session "${session.session_id}" is signed in the database and is corrected only by amendment ` +
          '(`tpt session amend`): import this file with --on-conflict skip, or leave the session out of it',
        );
      }
      await tx.exchange.replaceSession(session);
      await tx.exchange.writeSessionCorrections(session.session_id, given.state, given.versions);
      if (machine) await tx.sessions.markMachineWritten([session.session_id]);
      // Only flags the database did not hold yet are news to the risk register.
      const added = session.crisis_flags.filter((flag) => !before.crisis_flags.includes(flag));
      flagLater(sessionRiskFlags({ ...session, crisis_flags: added }));
    }
  };

  await walkDocument(source, label, {
    async client(client) {
      clientId = client.client_id;
      summary.clients++;
      summary.client_ids.push(clientId);
      namedGoals = new Map();
      namedSessions = new Map();
      pendingFlags = [];
      restoredKinds = new Set();
      await tx.clients.ensure(clientId, client.created_at ?? now);
    },
    async record(kind, raw, name) {
      // Sessions wait in a batch; any other record comes after them, as in the file.
      if (kind !== 'session') await writeSessions();
      if (kind === 'course' || kind === 'schedule') {
        await restoreCourseOrSchedule(kind, raw, name);
        return;
      }
      if (kind === 'risk') {
        const { row, history } = toRisk(raw, name);
        belongs(row.client_id, name);
        if (restoredKinds.has(row.kind) || settled.risk.has(`${clientId}\u0000${row.kind}`)) {
          throw new InputError(`${name()} appears twice in the file: a client has one risk of each kind`);
        }
        settled.risk.add(`${clientId}\u0000${row.kind}`);
        const held = await tx.risks.get(clientId, row.kind);
        const write = async () => {
          if (held) await tx.exchange.deleteRisk(clientId, row.kind);
          await tx.risks.insert(row);
          for (const event of history) await tx.risks.appendEvent(clientId, row.kind, event);
          restoredKinds.add(row.kind);
        };
        if (!held) {
          await write();
          summary.risks.added++;
          return;
        }
        const fields: string[] = [];
        if (canonical(held) !== canonical(row)) fields.push('state');
        if (JSON.stringify(await tx.risks.events(clientId, row.kind)) !== JSON.stringify(history.map(orderedEvent))) fields.push('history');
        if (fields.length === 0) {
          restoredKinds.add(row.kind);
          summary.risks.skipped++;
          return;
        }
        summary.conflicts++;
        if (conflicts.length < LISTED_CONFLICTS) conflicts.push({ kind, id: row.kind, client_id: clientId, fields });
        if (mode === 'replace') {
          await write();
          summary.risks.replaced++;
        } else {
          summary.risks.skipped++;
        }
        return;
      }
      if (kind === 'session') {
        const { session, corrections, machine } = toSession(raw, name);
        belongs(session.client_id, name);
        for (const goalId of session.therapeutic_goals) names(goalId, name);
        if (session.timestamp > latestAllowed) refuseFarFuture(new Date(session.timestamp), who.now, `${name()}: session time`);
        pendingSessions.push({ session, corrections, machine: machine === true, name });
        if (pendingSessions.length >= SESSION_BATCH) await writeSessions();
        return;
      }
      if (kind === 'goal') {
        const { goal, history, edits } = toGoal(raw, name);
        belongs(goal.client_id, name);
        const existing = await tx.exchange.goalRecord(goal.goal_id);
        if (!existing) {
          await tx.exchange.insertGoal(goal, history);
          if (edits.length > 0) await tx.exchange.writeEdits('goal_edits', goal.goal_id, goal.client_id, edits);
          summary.goals.added++;
          return;
        }
        const fields = differences<GoalRecord>(existing, goal, GOAL_FIELDS);
        if (JSON.stringify(await tx.goals.history(goal.goal_id)) !== JSON.stringify(history.map(orderedEntry))) {
          fields.push('history');
        }
        if (canonical(await tx.exchange.edits('goal_edits', goal.goal_id)) !== canonical(edits)) fields.push('edits');
        if (await settle(kind, goal.goal_id, existing.client_id, fields, name)) {
          await tx.exchange.replaceGoal(goal, history);
          await tx.exchange.writeEdits('goal_edits', goal.goal_id, goal.client_id, edits);
        }
      } else if (kind === 'measure') {
        const { measure, corrections } = toMeasure(raw, name, now);
        belongs(measure.client_id, name);
        for (const sessionId of [measure.session_id, ...(corrections?.versions ?? []).map((version) => version.session_id)]) {
          if (sessionId !== null && !namedSessions.has(sessionId)) namedSessions.set(sessionId, name());
        }
        const given = corrections ?? { state: PLAIN_MEASURE_STATE, versions: [] };
        const held = await tx.measures.get(measure.measure_id);
        if (!held) {
          await tx.exchange.insertMeasure(measure);
          if (corrections) await tx.exchange.writeMeasureCorrections(measure.measure_id, measure.client_id, given.state, given.versions);
          flagLater(measureRiskFlags(measure));
          summary.measures.added++;
          return;
        }
        const existing = held.measure;
        const fields = differences<Measure>(existing, measure, MEASURE_FIELDS);
        if (canonical(held.state) !== canonical(given.state)) fields.push('state');
        if (canonical(await tx.measures.versions(measure.measure_id)) !== canonical(given.versions)) fields.push('versions');
        if (await settle(kind, measure.measure_id, existing.client_id, fields, name)) {
          await tx.exchange.replaceMeasure(measure);
          await tx.exchange.writeMeasureCorrections(measure.measure_id, measure.client_id, given.state, given.versions);
          // Only a risk item raised above what the database held is news to the risk register.
          if (riskItemLevel(measure) > riskItemLevel(existing)) flagLater(measureRiskFlags(measure));
        }
      } else {
        const { milestone: given, state, edits } = toMilestone(raw, name);
        belongs(given.client_id, name);
        names(given.goal_id, name);
        const existing = await tx.exchange.milestoneRecord(given.milestone_id);
        const writeCorrections = async () => {
          await tx.exchange.setMilestoneState(given.milestone_id, state);
          await tx.exchange.writeEdits('milestone_edits', given.milestone_id, given.client_id, edits);
        };
        if (!existing) {
          await tx.exchange.insertMilestone({ ...given, created_at: given.created_at ?? now });
          if (state.voided_at !== null || edits.length > 0) await writeCorrections();
          summary.milestones.added++;
          return;
        }
        // A file without the time a milestone was recorded keeps the database's.
        const milestone = { ...given, created_at: given.created_at ?? existing.created_at };
        const fields = differences<MilestoneRecord>(existing, milestone, MILESTONE_FIELDS);
        const held = existing;
        if (canonical([held.voided_at, held.voided_by, held.void_reason]) !== canonical([state.voided_at, state.voided_by, state.void_reason])) {
          fields.push('voided');
        }
        if (canonical(await tx.exchange.edits('milestone_edits', given.milestone_id)) !== canonical(edits)) fields.push('edits');
        if (await settle(kind, milestone.milestone_id, existing.client_id, fields, name)) {
          await tx.exchange.replaceMilestone(milestone);
          await writeCorrections();
        }
      }
    },
    async clientEnd() {
      await writeSessions();
      // Every goal of this client in the file is written by now, so the database answers for both.
      for (const [goalId, name] of namedGoals) {
        const owner = await tx.exchange.ownerOf('goal', goalId);
        if (owner === undefined) {
          throw new InputError(`${name}: goal "${goalId}" is neither in the file nor in the database: add the goal to the file`);
        }
        if (owner !== clientId) {
          throw new InputError(`${name}: goal "${goalId}" belongs to client "${owner}", not "${clientId}"`);
        }
      }
      for (const [sessionId, name] of namedSessions) {
        const owner = await tx.exchange.ownerOf('session', sessionId);
        if (owner === undefined) {
          throw new InputError(`${name}: session "${sessionId}" is neither in the file nor in the database: add the session to the file`);
        }
        if (owner !== clientId) {
          throw new InputError(`${name}: session "${sessionId}" belongs to client "${owner}", not "${clientId}"`);
        }
      }
      // Flags of kinds the file did not restore open, renew or reopen risks as logged ones do (a file
      // of export version 1 or 2 has no register; a risk skipped as a conflict keeps the database's).
      await recordRiskFlagsIn(tx, clientId, pendingFlags.filter((flag) => !restoredKinds.has(flag.kind ?? riskKindOf(flag.flag))), who);
      await appendAudit(tx, { action: 'import', client_id: clientId }, who);
    },
  });
  await tx.exchange.endBulk();
  return { summary, conflicts };
}

/** The state of a measure that was never amended or voided. */
const PLAIN_MEASURE_STATE: MeasureState = {
  version: 1, amended_at: null, amended_by: null, amend_reason: null, voided_at: null, voided_by: null, void_reason: null,
};

/** The state of a session that was never corrected. */
const PLAIN_STATE: SessionState = {
  version: 1, amended_at: null, amended_by: null, amend_reason: null, addendum: false, signed_at: null,
  signed_by: null, voided_at: null, voided_by: null, void_reason: null,
};

function stateOf(record: SessionState): SessionState {
  return {
    version: record.version, amended_at: record.amended_at, amended_by: record.amended_by,
    amend_reason: record.amend_reason, addendum: record.addendum, signed_at: record.signed_at,
    signed_by: record.signed_by, voided_at: record.voided_at, voided_by: record.voided_by,
    void_reason: record.void_reason,
  };
}

const SESSION_FIELDS = [
  'client_id', 'timestamp', 'conversation_summary', 'emotional_state', 'emotional_score', 'therapeutic_goals',
  'progress_notes', 'therapist_observations', 'next_session_focus', 'session_duration_minutes', 'techniques_used',
  'homework_assigned', 'crisis_flags', 'metadata',
] as const;
const GOAL_FIELDS = [
  'client_id', 'description', 'target_date', 'completion_percentage', 'status', 'notes', 'created_at', 'updated_at',
] as const;
const MEASURE_FIELDS = ['client_id', 'measure', 'timestamp', 'session_id', 'items', 'total', 'created_at'] as const;
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

function orderedEvent(event: RiskEvent): RiskEvent {
  return {
    event: event.event, at: event.at, source_type: event.source_type, source_id: event.source_id, flag: event.flag,
    note: event.note, actor: event.actor, recorded_at: event.recorded_at,
  };
}

function orderedEntry(entry: GoalHistoryEntry): GoalHistoryEntry {
  return {
    at: entry.at, completion_percentage: entry.completion_percentage, status: entry.status, note: entry.note,
    actor: entry.actor,
  };
}
