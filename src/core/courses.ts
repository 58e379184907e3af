import type { Store } from '../db/store.js';
import { coursesOf, insertCourse, openCourseOf } from '../db/course-queries.js';
import { ConflictError as StoreConflictError } from '../store/errors.js';
import type { ReadTx, RecordStore } from '../store/port.js';
import type { CourseRow } from '../store/port-care.js';
import { appendAudit, readLogged, recordAudit } from './audit.js';
import { requireClient, requireClientIn } from './clients.js';
import { refuseFarFuture } from './date-rules.js';
import { ConflictError, InputError } from './errors.js';
import { checkId, newId } from './ids.js';
import type { Actor, Measure } from './model.js';
import { endOfLocalDay, isDateOnly, localDateTimeString, parseDateTime } from './time.js';

/**
 * Courses of treatment (README, "Courses of treatment"). A course runs from its start to its end;
 * it is the unit of outcome, as NHS Talking Therapies counts outcomes per course, and each
 * measure's first score of the course is the baseline the report compares with. A client has at
 * most one open course.
 */

/**
 * Why a course ended, after the NHS Talking Therapies ending categories (NHS Digital's IAPT data
 * set, "ending reason"): completed as agreed, dropped out (ended earlier than planned), referred
 * on, declined treatment; `other` needs a note.
 */
export const END_REASONS = ['completed', 'dropped_out', 'referred_on', 'declined', 'other'] as const;
export type EndReason = (typeof END_REASONS)[number];

export type Course = CourseRow;

export interface CourseStart {
  client_id: string;
  course_id?: string;
  /** When it started (default now); a date alone is local midnight. */
  at?: string;
}

export interface CourseEnd {
  client_id: string;
  reason?: string;
  note?: string;
  /** When it ended (default now); a date alone is the end of that local day. */
  at?: string;
}

export async function startCourse(records: RecordStore, input: CourseStart, who: Actor): Promise<Course> {
  const courseId = input.course_id === undefined ? newId('crs') : checkId(input.course_id, 'course');
  const startedAt = input.at === undefined ? who.now : parseDateTime(input.at, '--at');
  refuseFarFuture(startedAt, who.now, 'the course start', input.at);
  return records.write(async (tx) => {
    await requireClientIn(tx, input.client_id);
    const open = await tx.care.lockOpenCourse(input.client_id);
    if (open) throw courseOpenError(input.client_id, open);
    const last = (await tx.care.courses(input.client_id)).at(-1);
    if (last?.ended_at && startedAt.toISOString() < last.ended_at) throw startsBeforeError(last);
    const course: Course = {
      course_id: courseId, client_id: input.client_id, started_at: startedAt.toISOString(), started_by: who.actor,
      ended_at: null, ended_by: null, end_reason: null, end_note: null,
    };
    try {
      await tx.care.insertCourse(course);
    } catch (error) {
      // The id is decided by the unique key (a second open course was refused above, under the lock).
      if (error instanceof StoreConflictError) throw new ConflictError(`a course "${courseId}" exists already: choose another --id`);
      throw error;
    }
    await appendAudit(tx, { action: 'course.start', client_id: input.client_id, object_id: courseId }, who);
    return course;
  });
}

function courseOpenError(clientId: string, open: Course): InputError {
  return new InputError(
    `${clientId} has a course open since ${localDateTimeString(new Date(open.started_at))} (${open.course_id}): ` +
    `end it first with \`tpt course end ${clientId} --reason completed|dropped_out|referred_on|declined|other\``,
  );
}

function startsBeforeError(last: Course): InputError {
  return new InputError(
    `a course cannot start before the previous one ended (${localDateTimeString(new Date(last.ended_at!))}): give a later --at`,
  );
}

/** startCourse in the caller's transaction: for the demo, which writes everything in one. */
// until src/core/demo.ts moves onto the port
export function startCourseSync(store: Store, input: CourseStart, who: Actor): Course {
  const courseId = input.course_id === undefined ? newId('crs') : checkId(input.course_id, 'course');
  const startedAt = input.at === undefined ? who.now : parseDateTime(input.at, '--at');
  refuseFarFuture(startedAt, who.now, 'the course start', input.at);
  return store.transaction(() => {
    requireClient(store, input.client_id);
    const open = openCourseOf(store, input.client_id);
    if (open) throw courseOpenError(input.client_id, open);
    const last = coursesOf(store, input.client_id).at(-1);
    if (last?.ended_at && startedAt.toISOString() < last.ended_at) throw startsBeforeError(last);
    if (store.statement('SELECT 1 FROM courses WHERE course_id = ?').get(courseId) !== undefined) {
      throw new ConflictError(`a course "${courseId}" exists already: choose another --id`);
    }
    const course: Course = {
      course_id: courseId, client_id: input.client_id, started_at: startedAt.toISOString(), started_by: who.actor,
      ended_at: null, ended_by: null, end_reason: null, end_note: null,
    };
    insertCourse(store, course);
    recordAudit(store, { action: 'course.start', client_id: input.client_id, object_id: courseId }, who);
    return course;
  });
}

export function parseEndReason(text: string | undefined): EndReason {
  if (text === undefined || text.trim() === '') {
    throw new InputError(`missing --reason: give one of ${END_REASONS.join(', ')}`);
  }
  const reason = text.trim().toLowerCase().replaceAll('-', '_');
  if (!(END_REASONS as readonly string[]).includes(reason)) {
    throw new InputError(`unknown reason "${text}": use one of ${END_REASONS.join(', ')}`);
  }
  return reason as EndReason;
}

export async function endCourse(records: RecordStore, input: CourseEnd, who: Actor): Promise<Course> {
  const reason = parseEndReason(input.reason);
  const note = input.note?.trim() ? input.note.trim() : null;
  if (reason === 'other' && note === null) throw new InputError('--reason other needs --note: say why the course ended');
  const typed = input.at === undefined ? undefined : parseDateTime(input.at, '--at');
  // A date alone ends the course at the end of that day, so the day's session belongs to it.
  const endedAt = typed === undefined ? who.now : isDateOnly(input.at!) ? endOfLocalDay(typed) : typed;
  refuseFarFuture(endedAt, who.now, 'the course end', input.at);
  return records.write(async (tx) => {
    await requireClientIn(tx, input.client_id);
    const open = await tx.care.lockOpenCourse(input.client_id);
    if (!open) {
      throw new InputError(`${input.client_id} has no open course: start one with \`tpt course start ${input.client_id}\``);
    }
    if (endedAt.toISOString() < open.started_at) {
      throw new InputError(
        `the course started ${localDateTimeString(new Date(open.started_at))}: give an --at on or after it`,
      );
    }
    const end = { ended_at: endedAt.toISOString(), ended_by: who.actor, end_reason: reason, end_note: note };
    await tx.care.endCourse(open.course_id, end);
    // Nothing is due from a client whose treatment has ended: the schedules stop with the course.
    await tx.care.stopAllSchedules(input.client_id, who.now.toISOString(), who.actor);
    await appendAudit(tx, { action: 'course.end', client_id: input.client_id, object_id: open.course_id }, who);
    return { ...open, ...end };
  });
}

/** A client's courses, oldest first. */
export async function listCourses(records: RecordStore, clientId: string, who: Actor): Promise<Course[]> {
  return readLogged(records, { action: 'course.list', client_id: clientId }, who, async (tx) => {
    await requireClientIn(tx, clientId);
    return tx.care.courses(clientId);
  });
}

/** The course a view ending at `end` belongs to, as reports show it. */
export interface CourseRef {
  course_id: string;
  started_at: string;
  ended_at: string | null;
  end_reason: string | null;
}

/**
 * Each measure's baseline for a view ending at `end`: its first score of the course that view
 * belongs to (the last course started by `end`), or, with no course, its first score on record.
 * Scores taken before the course started belong to an earlier course (or to none) and are not
 * its baseline.
 */
export async function courseBaselines(tx: ReadTx, clientId: string, end: string): Promise<{ course: CourseRef | null; baselines: Measure[] }> {
  const row = await tx.care.courseAt(clientId, end);
  const course = row ? { course_id: row.course_id, started_at: row.started_at, ended_at: row.ended_at, end_reason: row.end_reason } : null;
  return { course, baselines: await tx.care.baselines(clientId, end, row?.started_at ?? '') };
}

