import type { Store } from '../db/store.js';
import {
  courseAt, coursesOf, endCourseRow, insertCourse, openCourseOf, type CourseRow,
} from '../db/course-queries.js';
import { baselineMeasures } from '../db/measure-queries.js';
import { stopAllSchedules } from '../db/schedule-queries.js';
import { logRead, recordAudit } from './audit.js';
import { requireClient } from './clients.js';
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

export function startCourse(store: Store, input: CourseStart, who: Actor): Course {
  const courseId = input.course_id === undefined ? newId('crs') : checkId(input.course_id, 'course');
  const startedAt = input.at === undefined ? who.now : parseDateTime(input.at, '--at');
  refuseFarFuture(startedAt, who.now, 'the course start', input.at);
  return store.transaction(() => {
    requireClient(store, input.client_id);
    const open = openCourseOf(store, input.client_id);
    if (open) {
      throw new InputError(
        `${input.client_id} has a course open since ${localDateTimeString(new Date(open.started_at))} (${open.course_id}): ` +
        `end it first with \`tpt course end ${input.client_id} --reason completed|dropped_out|referred_on|declined|other\``,
      );
    }
    const last = coursesOf(store, input.client_id).at(-1);
    if (last?.ended_at && startedAt.toISOString() < last.ended_at) {
      throw new InputError(
        `a course cannot start before the previous one ended (${localDateTimeString(new Date(last.ended_at))}): give a later --at`,
      );
    }
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

export function endCourse(store: Store, input: CourseEnd, who: Actor): Course {
  const reason = parseEndReason(input.reason);
  const note = input.note?.trim() ? input.note.trim() : null;
  if (reason === 'other' && note === null) throw new InputError('--reason other needs --note: say why the course ended');
  const typed = input.at === undefined ? undefined : parseDateTime(input.at, '--at');
  // A date alone ends the course at the end of that day, so the day's session belongs to it.
  const endedAt = typed === undefined ? who.now : isDateOnly(input.at!) ? endOfLocalDay(typed) : typed;
  refuseFarFuture(endedAt, who.now, 'the course end', input.at);
  return store.transaction(() => {
    requireClient(store, input.client_id);
    const open = openCourseOf(store, input.client_id);
    if (!open) {
      throw new InputError(`${input.client_id} has no open course: start one with \`tpt course start ${input.client_id}\``);
    }
    if (endedAt.toISOString() < open.started_at) {
      throw new InputError(
        `the course started ${localDateTimeString(new Date(open.started_at))}: give an --at on or after it`,
      );
    }
    const end = { ended_at: endedAt.toISOString(), ended_by: who.actor, end_reason: reason, end_note: note };
    endCourseRow(store, open.course_id, end);
    // Nothing is due from a client whose treatment has ended: the schedules stop with the course.
    stopAllSchedules(store, input.client_id, who.now.toISOString(), who.actor);
    recordAudit(store, { action: 'course.end', client_id: input.client_id, object_id: open.course_id }, who);
    return { ...open, ...end };
  });
}

/** A client's courses, oldest first. */
export function listCourses(store: Store, clientId: string, who: Actor): Course[] {
  return logRead(store, { action: 'course.list', client_id: clientId }, who, () => {
    requireClient(store, clientId);
    return coursesOf(store, clientId);
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
export function courseBaselines(store: Store, clientId: string, end: string): { course: CourseRef | null; baselines: Measure[] } {
  const row = courseAt(store, clientId, end);
  const course = row ? { course_id: row.course_id, started_at: row.started_at, ended_at: row.ended_at, end_reason: row.end_reason } : null;
  return { course, baselines: baselineMeasures(store, clientId, end, row?.started_at ?? '') };
}

