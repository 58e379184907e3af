import type { Store } from './store.js';
import type {
  CrisisSession, GoalHeader, GoalHistoryPoint, MilestoneRow, ReportSessionRow, ScorePoint,
} from '../store/port-care.js';

export type { CrisisSession, GoalHeader, GoalHistoryPoint, MilestoneRow, ReportSessionRow, ScorePoint };

/**
 * The reads behind `tpt trends` and `tpt report`. Each is narrowed by an index (sessions by
 * (client_id, timestamp), goals by client, goal history by goal, milestones by (client_id,
 * achieved_date)), so a report touches one client's rows in its window and nothing else.
 */

/** The statements, by the function that runs them (tests check their query plans). */
export const ANALYTICS_SQL = {
  scoresInRange: `
    SELECT timestamp, emotional_score FROM live_sessions
     WHERE client_id = ? AND timestamp >= ? AND timestamp <= ?
     ORDER BY timestamp`,
  reportSessionsInRange: `
    SELECT session_id, timestamp, emotional_score, session_duration_minutes, crisis_flags, conversation_summary, signed_at
      FROM live_sessions
     WHERE client_id = ? AND timestamp >= ? AND timestamp <= ?
     ORDER BY timestamp, session_id`,
  crisisSessionsInRange: `
    SELECT session_id, timestamp, crisis_flags FROM live_sessions
     WHERE client_id = ? AND timestamp >= ? AND timestamp <= ? AND crisis_flags <> '[]'
     ORDER BY timestamp, session_id`,
  firstSessionTimestamp: 'SELECT min(timestamp) AS at FROM live_sessions WHERE client_id = ?',
  lastSessionAtOrBefore: 'SELECT max(timestamp) AS at FROM live_sessions WHERE client_id = ? AND timestamp <= ?',
  goalHistoryOfClient: `
    SELECT h.goal_id, h.at, h.completion_percentage, h.status
      FROM goals g JOIN goal_history h ON h.goal_id = g.goal_id
     WHERE g.client_id = ? AND h.at <= ?
     ORDER BY g.created_at, g.goal_id, h.at, h.seq`,
  goalsCreatedBy: `
    SELECT goal_id, description, target_date, created_at FROM goals
     WHERE client_id = ? AND created_at <= ?
     ORDER BY created_at, goal_id`,
  milestonesBetween: `
    SELECT milestone_id, goal_id, description, achieved_date, significance FROM live_milestones
     WHERE client_id = ? AND achieved_date >= ? AND achieved_date <= ?
     ORDER BY achieved_date, created_at, milestone_id`,
} as const;


/** A client's scores in [start, end], oldest first, streamed. */
export function scoresInRange(store: Store, clientId: string, start: string, end: string): IterableIterator<ScorePoint> {
  return store.statement(ANALYTICS_SQL.scoresInRange).iterate(clientId, start, end) as IterableIterator<ScorePoint>;
}


/**
 * What a report needs of each session in [start, end], oldest first, streamed (the report keeps
 * the summaries of the newest few and of those with crisis flags).
 */
export function reportSessionsInRange(
  store: Store, clientId: string, start: string, end: string,
): IterableIterator<ReportSessionRow> {
  return store.statement(ANALYTICS_SQL.reportSessionsInRange).iterate(clientId, start, end) as IterableIterator<ReportSessionRow>;
}


/** The client's sessions with crisis flags in [start, end], oldest first (a partial index keeps this cheap). */
export function crisisSessionsInRange(store: Store, clientId: string, start: string, end: string): CrisisSession[] {
  const rows = store.statement(ANALYTICS_SQL.crisisSessionsInRange).all(clientId, start, end) as
    { session_id: string; timestamp: string; crisis_flags: string }[];
  return rows.map((row) => ({ ...row, crisis_flags: JSON.parse(row.crisis_flags) as string[] }));
}

/** The client's first session time, or undefined when there is none. */
export function firstSessionTimestamp(store: Store, clientId: string): string | undefined {
  const row = store.statement(ANALYTICS_SQL.firstSessionTimestamp)
    .get(clientId) as { at: string | null };
  return row.at ?? undefined;
}

/** The client's last session at or before `end`, or undefined. */
export function lastSessionAtOrBefore(store: Store, clientId: string, end: string): string | undefined {
  const row = store.statement(ANALYTICS_SQL.lastSessionAtOrBefore)
    .get(clientId, end) as { at: string | null };
  return row.at ?? undefined;
}


/** The history of every goal of the client up to `end`, by goal and then oldest first. */
export function goalHistoryOfClient(store: Store, clientId: string, end: string): GoalHistoryPoint[] {
  return store.statement(ANALYTICS_SQL.goalHistoryOfClient).all(clientId, end) as GoalHistoryPoint[];
}


/** The client's goals created at or before `end`, oldest first. */
export function goalsCreatedBy(store: Store, clientId: string, end: string): GoalHeader[] {
  return store.statement(ANALYTICS_SQL.goalsCreatedBy).all(clientId, end) as GoalHeader[];
}


/** The client's milestones achieved on local dates [fromDate, toDate], oldest first. */
export function milestonesBetween(store: Store, clientId: string, fromDate: string, toDate: string): MilestoneRow[] {
  return store.statement(ANALYTICS_SQL.milestonesBetween).all(clientId, fromDate, toDate) as MilestoneRow[];
}
