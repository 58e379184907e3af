import type { ExchangeReads, ExchangeWrites, BulkKind } from '../store/port-exchange.js';
import {
  allClients, clientById, goalHistoryRowsOfClient, milestoneRecordsOfClient, sessionCount, sessionJsonOfClient, sessionRecordOf,
  sessionValuesOfClient,
} from './export-queries.js';
import {
  deferForeignKeys, goalRecordById, highestRowids, insertGoalRecord, insertMilestoneRecord, insertNewSession, ownerOf,
  replaceGoalRecord, replaceMilestoneRecord, replaceSessionRecord,
} from './import-writes.js';
import { editsOf, milestoneWithState, setMilestoneVoided, writeEdits } from './record-edits.js';
import { insertMeasure, replaceMeasure, writeMeasureCorrections } from './measure-queries.js';
import { deleteRisk } from './risk-queries.js';
import { courseById, coursesOf, insertCourse, openCourseOf, replaceCourse } from './course-queries.js';
import { insertSchedule, liveScheduleOf, replaceSchedule, scheduleStartedAt, schedulesOf } from './schedule-queries.js';
import { writeEarlierVersions, writeState } from './session-versions.js';
import { rowToSession, type SessionRow, type Store } from './store.js';
import { pauseIndexing } from './engine-search.js';

const TABLES: Record<BulkKind, [table: string, key: string]> = {
  session: ['sessions', 'session_id'], goal: ['goals', 'goal_id'], milestone: ['milestones', 'milestone_id'], measure: ['measures', 'measure_id'],
};

/**
 * The exchange facet of the port on SQLite, over today's queries. A bulk load tells the rows it
 * wrote from the rows that were there by their rowid, which only grows.
 */
export function sqliteExchange(store: Store): ExchangeReads & ExchangeWrites {
  let before: Record<BulkKind, number> = { session: 0, goal: 0, milestone: 0, measure: 0 };
  let fillIndex: (() => void) | undefined;
  return {
    clients: async () => allClients(store),
    client: async (clientId) => clientById(store, clientId),
    sessionCount: async (clientIds) => sessionCount(store, clientIds),
    sessionValues: (clientId) => asAsync(sessionValuesOfClient(store, clientId)),
    sessionJson: (clientId) => asAsync(sessionJsonOfClient(store, clientId)),
    sessionRecord: async (sessionId) => (ownerOf(store, 'session', sessionId) === undefined ? undefined : sessionRecordOf(store, sessionId)),
    milestoneRecords: async (clientId) => [...milestoneRecordsOfClient(store, clientId)],
    goalHistoryRows: async (clientId) => [...goalHistoryRowsOfClient(store, clientId)],
    edits: async (log, recordId) => editsOf(store, log, recordId),
    courses: async (clientId) => coursesOf(store, clientId),
    schedules: async (clientId) => schedulesOf(store, clientId),
    ownerOf: async (kind, recordId) => ownerOf(store, kind, recordId),
    sessionFields: async (sessionId) => {
      const row = store.statement('SELECT * FROM sessions WHERE session_id = ?').get(sessionId) as SessionRow | undefined;
      return row && rowToSession(row);
    },
    goalRecord: async (goalId) => {
      const row = goalRecordById(store, goalId);
      if (!row) return undefined;
      const { row_order: _order, ...goal } = row;
      return goal;
    },
    milestoneRecord: async (milestoneId) => milestoneWithState(store, milestoneId),
    course: async (courseId) => courseById(store, courseId),
    openCourse: async (clientId) => openCourseOf(store, clientId),
    schedule: async (clientId, measure, startedAt) => scheduleStartedAt(store, clientId, measure, startedAt),
    liveSchedule: async (clientId, measure) => liveScheduleOf(store, clientId, measure),

    beginBulk: async () => {
      deferForeignKeys(store);
      before = highestRowids(store);
      fillIndex = pauseIndexing(store, before);
    },
    endBulk: async () => {
      fillIndex?.();
      fillIndex = undefined;
    },
    writtenInBulk: async (kind, recordId) => {
      const [table, key] = TABLES[kind];
      const row = store.statement(`SELECT rowid AS n FROM ${table} WHERE ${key} = ?`).get(recordId) as { n: number } | undefined;
      return row !== undefined && row.n > before[kind];
    },
    insertSessions: async (batch) => batch.map(({ session, corrections }) => {
      if (!insertNewSession(store, session)) return false;
      if (corrections) {
        writeState(store, session.session_id, corrections.state);
        writeEarlierVersions(store, session.session_id, corrections.versions);
      }
      return true;
    }),
    replaceSession: async (session) => replaceSessionRecord(store, session),
    writeSessionCorrections: async (sessionId, state, versions) => {
      writeState(store, sessionId, state);
      writeEarlierVersions(store, sessionId, versions);
    },
    insertGoal: async (goal, history) => insertGoalRecord(store, goal, history),
    replaceGoal: async (goal, history) => replaceGoalRecord(store, goal, history),
    writeEdits: async (log, recordId, clientId, edits) => writeEdits(store, log, recordId, clientId, edits as never),
    insertMilestone: async (milestone) => insertMilestoneRecord(store, milestone),
    replaceMilestone: async (milestone) => replaceMilestoneRecord(store, milestone),
    setMilestoneState: async (milestoneId, state) => setMilestoneVoided(store, milestoneId, state),
    insertMeasure: async (measure) => insertMeasure(store, measure),
    replaceMeasure: async (measure) => replaceMeasure(store, measure),
    writeMeasureCorrections: async (measureId, clientId, state, versions) => writeMeasureCorrections(store, measureId, clientId, state, versions),
    deleteRisk: async (clientId, kind) => deleteRisk(store, clientId, kind),
    insertCourse: async (course) => insertCourse(store, course),
    replaceCourse: async (course) => replaceCourse(store, course),
    insertSchedule: async (schedule) => insertSchedule(store, schedule),
    replaceSchedule: async (schedule) => replaceSchedule(store, schedule),
  };
}

/** A database cursor as an async iterable: read on demand, inside the transaction that asked. */
async function* asAsync<T>(rows: Iterable<T>): AsyncGenerator<T> {
  yield* rows;
}
