import type { CourseRow } from '../store/port-care.js';
import type { Store } from './store.js';

/** The reads and writes of courses of treatment (README, "Courses of treatment"). */

export type { CourseRow };

const COLUMNS = 'course_id, client_id, started_at, started_by, ended_at, ended_by, end_reason, end_note';

export function insertCourse(store: Store, course: CourseRow): void {
  store.statement(`INSERT INTO courses (${COLUMNS}) VALUES (@course_id, @client_id, @started_at, @started_by, @ended_at, @ended_by, @end_reason, @end_note)`)
    .run(course);
}

export function endCourseRow(store: Store, courseId: string, end: { ended_at: string; ended_by: string; end_reason: string; end_note: string | null }): void {
  store.statement('UPDATE courses SET ended_at = @ended_at, ended_by = @ended_by, end_reason = @end_reason, end_note = @end_note WHERE course_id = @course_id')
    .run({ ...end, course_id: courseId });
}

/** The client's open course, if any (at most one: a unique index holds it). */
export function openCourseOf(store: Store, clientId: string): CourseRow | undefined {
  return store.statement(`SELECT ${COLUMNS} FROM courses WHERE client_id = ? AND ended_at IS NULL`).get(clientId) as CourseRow | undefined;
}

/** The client's courses, oldest first (ties by id, so the order never depends on entry). */
export function coursesOf(store: Store, clientId: string): CourseRow[] {
  return store.statement(`SELECT ${COLUMNS} FROM courses WHERE client_id = ? ORDER BY started_at, course_id`).all(clientId) as CourseRow[];
}

/**
 * The course a view ending at `at` belongs to: one running at `at` (started by then, not ended
 * before it), else the last one started by then. (Courses overlap only after a merge of clients.)
 */
export function courseAt(store: Store, clientId: string, at: string): CourseRow | undefined {
  return store.statement(`SELECT ${COLUMNS} FROM courses WHERE client_id = ? AND started_at <= ?
     ORDER BY (ended_at IS NULL OR ended_at > ?) DESC, started_at DESC, course_id DESC LIMIT 1`)
    .get(clientId, at, at) as CourseRow | undefined;
}

/** Every course of every client, oldest first: the practice's outcomes read them. */
export function allCourses(store: Store): CourseRow[] {
  return store.statement(`SELECT ${COLUMNS} FROM courses ORDER BY client_id, started_at, course_id`).all() as CourseRow[];
}

/** How many live sessions the client had in [start, end], and when the `nth` of them (1-based) was. */
export function sessionsSince(store: Store, clientId: string, start: string, end: string, nth: number): { count: number; nth_at: string | null } {
  const { count } = store.statement('SELECT count(*) AS count FROM live_sessions WHERE client_id = ? AND timestamp >= ? AND timestamp <= ?')
    .get(clientId, start, end) as { count: number };
  const row = store.statement(`SELECT timestamp FROM live_sessions WHERE client_id = ? AND timestamp >= ? AND timestamp <= ?
     ORDER BY timestamp, session_id LIMIT 1 OFFSET ?`).get(clientId, start, end, nth - 1) as { timestamp: string } | undefined;
  return { count, nth_at: row?.timestamp ?? null };
}

/**
 * The courses that ended in [start, end] and those still open at `end` (started by then, ended
 * after it or not at all), oldest first: what `tpt outcomes` judges.
 */
export function coursesForOutcomes(store: Store, start: string, end: string): CourseRow[] {
  return store.statement(`SELECT ${COLUMNS} FROM courses
     WHERE (ended_at >= ? AND ended_at <= ?) OR (started_at <= ? AND (ended_at IS NULL OR ended_at > ?))
     ORDER BY started_at, course_id`).all(start, end, end, end) as CourseRow[];
}

/** A course by its id, whoever's it is (for `tpt import`). */
export function courseById(store: Store, courseId: string): CourseRow | undefined {
  return store.statement(`SELECT ${COLUMNS} FROM courses WHERE course_id = ?`).get(courseId) as CourseRow | undefined;
}

/** Rewrites a course whole, as a file of `tpt export` holds it (`tpt import --on-conflict replace`). */
export function replaceCourse(store: Store, course: CourseRow): void {
  store.statement(`UPDATE courses SET client_id = @client_id, started_at = @started_at, started_by = @started_by,
     ended_at = @ended_at, ended_by = @ended_by, end_reason = @end_reason, end_note = @end_note WHERE course_id = @course_id`)
    .run(course);
}
