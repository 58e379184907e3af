import type { CareReads, CareWrites, ClientFigures } from '../store/port-care.js';
import {
  crisisSessionsInRange, firstSessionTimestamp, goalHistoryOfClient, goalsCreatedBy, lastSessionAtOrBefore, milestonesBetween,
  reportSessionsInRange, scoresInRange,
} from './analytics-queries.js';
import { goalsPastTarget, unsignedSessionsBefore } from './caseload-queries.js';
import {
  courseAt, coursesForOutcomes, coursesOf, endCourseRow, insertCourse, openCourseOf, sessionsSince,
} from './course-queries.js';
import { fromSqliteError } from './engine-errors.js';
import { baselineMeasures, measuresInRange } from './measure-queries.js';
import { clientCount, openRiskCount, sessionsSince as practiceSessionsSince } from './practice-counts.js';
import {
  insertSchedule, latestSchedulesOf, scoresForSchedule, sessionsForSchedule, stopAllSchedules, stopSchedule,
} from './schedule-queries.js';
import type { Store } from './store.js';

/**
 * The care facet of the port on SQLite, over today's queries. The transaction holds SQLite's
 * write lock from its BEGIN IMMEDIATE, so every row a write reads is locked.
 */
export function sqliteCare(store: Store): CareReads & CareWrites {
  const openCourse = async (clientId: string) => openCourseOf(store, clientId);
  return {
    courses: async (clientId) => coursesOf(store, clientId),
    openCourse,
    lockOpenCourse: openCourse,
    courseAt: async (clientId, at) => courseAt(store, clientId, at),
    coursesForOutcomes: async (start, end) => coursesForOutcomes(store, start, end),
    latestSchedules: async (clientId) => latestSchedulesOf(store, clientId),
    scheduleScores: async (clientId, measure, end) => scoresForSchedule(store, clientId, measure, end),
    scheduleSessions: async (clientId, start, end) => sessionsForSchedule(store, clientId, start, end),
    sessionCount: async (clientId, start, end, nth) => sessionsSince(store, clientId, start, end, nth),
    measuresBetween: async (clientId, start, end) => measuresInRange(store, clientId, start, end),
    baselines: async (clientId, end, from) => baselineMeasures(store, clientId, end, from),
    goalsPastTarget: async (clientId, today) => goalsPastTarget(store, clientId, today),
    unsignedBefore: async (clientId, before) => unsignedSessionsBefore(store, clientId, before),
    clientFigures: async (): Promise<ClientFigures[]> => store.clientSummaries(),
    practiceFigures: async (since) => ({ clients: clientCount(store), open_risks: openRiskCount(store), sessions_since: practiceSessionsSince(store, since) }),
    firstSessionAt: async (clientId) => firstSessionTimestamp(store, clientId),
    lastSessionAtOrBefore: async (clientId, end) => lastSessionAtOrBefore(store, clientId, end),
    scores: async (clientId, start, end) => [...scoresInRange(store, clientId, start, end)],
    reportSessions: async (clientId, start, end) => [...reportSessionsInRange(store, clientId, start, end)],
    crisisSessions: async (clientId, start, end) => crisisSessionsInRange(store, clientId, start, end),
    goalsCreatedBy: async (clientId, end) => goalsCreatedBy(store, clientId, end),
    goalHistoryUpTo: async (clientId, end) => goalHistoryOfClient(store, clientId, end),
    milestonesBetween: async (clientId, from, to) => milestonesBetween(store, clientId, from, to),
    insertCourse: async (course) => {
      try {
        insertCourse(store, course);
      } catch (error) {
        throw fromSqliteError(error);
      }
    },
    endCourse: async (courseId, end) => {
      const open = store.statement('SELECT 1 FROM courses WHERE course_id = ? AND ended_at IS NULL').get(courseId) !== undefined;
      if (open) endCourseRow(store, courseId, end);
      return open;
    },
    insertSchedule: async (schedule) => {
      try {
        insertSchedule(store, schedule);
      } catch (error) {
        throw fromSqliteError(error);
      }
    },
    stopSchedule: async (clientId, measure, at, by) => stopSchedule(store, clientId, measure, at, by),
    stopAllSchedules: async (clientId, at, by) => stopAllSchedules(store, clientId, at, by),
  };
}
