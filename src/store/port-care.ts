import type { ClientSummary, GoalStatus, Measure, MeasureKind, Significance } from '../domain/records.js';

/**
 * The store port's care facet: courses of treatment, measure schedules, and the reads behind the
 * caseload, the practice's outcomes and figures, the report and the trends. Every operation is
 * async and runs inside the transaction it is called on. Times are UTC ISO 8601 text; every list
 * comes in the order SQLite's queries give it (ids compared byte by byte), on both engines.
 */

/** A course of treatment (README, "Courses of treatment"). */
export interface CourseRow {
  course_id: string;
  client_id: string;
  started_at: string;
  started_by: string;
  ended_at: string | null;
  ended_by: string | null;
  end_reason: string | null;
  end_note: string | null;
}

/** How a course ended. */
export interface CourseEndMark {
  ended_at: string;
  ended_by: string;
  end_reason: string;
  end_note: string | null;
}

/** A measure schedule (README, "Measure schedules"): a stopped one stays as history. */
export interface ScheduleRow {
  client_id: string;
  measure: MeasureKind;
  every: string;
  started_at: string;
  started_by: string;
  stopped_at: string | null;
  stopped_by: string | null;
}

/** A client as `tpt clients` and `tpt caseload` list it: the domain's ClientSummary. */
export type ClientFigures = ClientSummary;

/** Counts over the whole practice, for monitoring: numbers only. */
export interface PracticeFigures {
  clients: number;
  open_risks: number;
  /** Live sessions dated at or after the `since` given. */
  sessions_since: number;
}

export interface ScorePoint {
  timestamp: string;
  emotional_score: number;
}

/** What a report needs of a session. */
export interface ReportSessionRow extends ScorePoint {
  session_id: string;
  session_duration_minutes: number | null;
  /** JSON text of a list; '[]' for most sessions. */
  crisis_flags: string;
  conversation_summary: string;
  /** When the session was signed (locked); null while it is not. */
  signed_at: string | null;
}

export interface CrisisSession {
  session_id: string;
  timestamp: string;
  crisis_flags: string[];
}

export interface GoalHistoryPoint {
  goal_id: string;
  at: string;
  completion_percentage: number;
  status: GoalStatus;
}

export interface GoalHeader {
  goal_id: string;
  description: string;
  target_date: string | null;
  created_at: string;
}

export interface MilestoneRow {
  milestone_id: string;
  goal_id: string;
  description: string;
  achieved_date: string;
  significance: Significance;
}

export interface CareReads {
  /** A client's courses, oldest first (started, then id). */
  courses(clientId: string): Promise<CourseRow[]>;
  /** The client's open course, if any (at most one). */
  openCourse(clientId: string): Promise<CourseRow | undefined>;
  /**
   * The course a view ending at `at` belongs to: one running at `at` (started by then, not ended
   * before it), else the last one started by then.
   */
  courseAt(clientId: string, at: string): Promise<CourseRow | undefined>;
  /** Courses that ended in [start, end] and those open at `end`, every client's, oldest first. */
  coursesForOutcomes(start: string, end: string): Promise<CourseRow[]>;
  /** Each measure's latest schedule of the client (live or stopped), PHQ-9, GAD-7, CORE-10. */
  latestSchedules(clientId: string): Promise<ScheduleRow[]>;
  /** A measure's live scores of the client up to `end`, oldest first. */
  scheduleScores(clientId: string, measure: MeasureKind, end: string): Promise<{ timestamp: string; session_id: string | null }[]>;
  /** The client's live sessions in [start, end], newest first. */
  scheduleSessions(clientId: string, start: string, end: string): Promise<{ session_id: string; timestamp: string }[]>;
  /** How many live sessions the client had in [start, end], and when the `nth` (1-based) was. */
  sessionCount(clientId: string, start: string, end: string, nth: number): Promise<{ count: number; nth_at: string | null }>;
  /** The client's live measures taken in [start, end] ('' for no start), oldest first (taken, recorded, id). */
  measuresBetween(clientId: string, start: string, end: string): Promise<Measure[]>;
  /** Each measure's first live score in [from, end], in the order of `measuresBetween`. */
  baselines(clientId: string, end: string, from: string): Promise<Measure[]>;
  /** The client's active goals whose target date is before `today` (a local date), earliest first. */
  goalsPastTarget(clientId: string, today: string): Promise<{ goal_id: string; target_date: string }[]>;
  /** The client's unsigned live sessions held before `before`: how many, and the oldest. */
  unsignedBefore(clientId: string, before: string): Promise<{ count: number; oldest: string | null }>;
  /** Every client with its figures, by id. */
  clientFigures(): Promise<ClientFigures[]>;
  /** The practice's counts; sessions dated at or after `since`. */
  practiceFigures(since: string): Promise<PracticeFigures>;
  /** The client's first live session time. */
  firstSessionAt(clientId: string): Promise<string | undefined>;
  /** The client's last live session at or before `end`. */
  lastSessionAtOrBefore(clientId: string, end: string): Promise<string | undefined>;
  /** The client's mood scores in [start, end], oldest first. */
  scores(clientId: string, start: string, end: string): Promise<ScorePoint[]>;
  /** What a report needs of each live session in [start, end], oldest first (time, id). */
  reportSessions(clientId: string, start: string, end: string): Promise<ReportSessionRow[]>;
  /** The client's live sessions with crisis flags in [start, end], oldest first. */
  crisisSessions(clientId: string, start: string, end: string): Promise<CrisisSession[]>;
  /** The client's goals created at or before `end`, oldest first. */
  goalsCreatedBy(clientId: string, end: string): Promise<GoalHeader[]>;
  /** The history of every goal of the client up to `end`, by goal (oldest goal first), then oldest first. */
  goalHistoryUpTo(clientId: string, end: string): Promise<GoalHistoryPoint[]>;
  /** The client's live milestones achieved on local dates [from, to], oldest first. */
  milestonesBetween(clientId: string, from: string, to: string): Promise<MilestoneRow[]>;
}

export interface CareWrites {
  /** As `openCourse`, with the course's row locked until the transaction ends. */
  lockOpenCourse(clientId: string): Promise<CourseRow | undefined>;
  /**
   * A new course of an existing client; an id any course has, or a second open course of the
   * client, is a ConflictError.
   */
  insertCourse(course: CourseRow): Promise<void>;
  /** Ends a course that is open; false when it was not. */
  endCourse(courseId: string, end: CourseEndMark): Promise<boolean>;
  /** A new schedule; a second live one of the same client and measure is a ConflictError. */
  insertSchedule(schedule: ScheduleRow): Promise<void>;
  /** Stops the client's live schedule of a measure; false when there was none. */
  stopSchedule(clientId: string, measure: MeasureKind, at: string, by: string): Promise<boolean>;
  /** Stops every live schedule of the client; how many. */
  stopAllSchedules(clientId: string, at: string, by: string): Promise<number>;
}
