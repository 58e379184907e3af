import {
  moodOfScore,
  type Goal, type GoalHistoryEntry, type MeasureKind, type MeasureState, type MeasureVersion, type Milestone, type Session, type SessionState,
  type SessionVersion, type Measure,
} from '../domain/records.js';
import type { CourseRow, ScheduleRow } from './port-care.js';

/**
 * The store port's exchange facet (issue 22): what `tpt export`, `tpt import` and `tpt migrate`
 * read and write in bulk. Every operation is async and runs inside the transaction it is called
 * on. Reads come in the stable order of an export document (clients by id, sessions oldest
 * first, ...), the same on every engine, so the same records export to the same bytes. The
 * writes store records whole, as a file holds them (ids, times, states, earlier versions, edit
 * logs): what an import has checked, never regenerated.
 */

export interface ClientRecord {
  client_id: string;
  created_at: string;
}

/** A milestone with the time it was recorded (part of what the database knows about it). */
export interface MilestoneRecord extends Milestone {
  created_at: string;
}

/** A milestone as the export reads it: with its void, when it has one. */
export interface MilestoneExportRow extends MilestoneRecord {
  voided_at: string | null;
  voided_by: string | null;
  void_reason: string | null;
}

export interface GoalHistoryRow extends GoalHistoryEntry {
  goal_id: string;
  client_id: string;
  seq: number;
}

/** A goal row without its derived milestone list. */
export type GoalRecord = Omit<Goal, 'milestones'>;

/** One edit of a goal or milestone: who, when, why, and each changed field's [before, after]. */
export interface EditRecord {
  at: string;
  actor: string;
  reason: string;
  changes: Record<string, [unknown, unknown]>;
}

export type EditLog = 'goal_edits' | 'milestone_edits';

/** A course of treatment and a measure schedule, as the care facet reads and writes them. */
export type CourseRecord = CourseRow;
export type ScheduleRecord = ScheduleRow;

/**
 * A session row as an array, in the column order of SQLite's sessions table, lists and metadata
 * as their JSON text, and last whether the session has a state to export (amended, signed or
 * voided: 1) or not (0): no object per row, for the exports' hottest loops.
 */
export type SessionValues = [
  string, string, string, string, number, string, string, string, string, number | null, string, string, string, string,
  number,
];

/** A session with its state and earlier versions, as an export carries it. */
export type SessionExport = Session & SessionState & { source?: 'machine'; versions: SessionVersion[] };

/** A session of a file, with its state and earlier versions when it has them (corrected, signed, voided). */
export interface SessionToInsert {
  session: Session;
  corrections?: { state: SessionState; versions: readonly SessionVersion[] };
}

/** The kinds of record whose ids an import tells apart as its own or the database's. */
export type BulkKind = 'session' | 'goal' | 'milestone' | 'measure';

export interface ExchangeReads {
  /** Every client, by id. */
  clients(): Promise<ClientRecord[]>;
  client(clientId: string): Promise<ClientRecord | undefined>;
  /** How many sessions (voided ones too) the clients have, for a progress bar. */
  sessionCount(clientIds: readonly string[]): Promise<number>;
  /** A client's sessions, voided ones too, oldest first (ties by id), as arrays. */
  sessionValues(clientId: string): AsyncIterable<SessionValues>;
  /** A client's sessions, oldest first, each as the JSON text of SPEC §1 (with state and versions when it has them). */
  sessionJson(clientId: string): AsyncIterable<string>;
  /** A session with its state and earlier versions, voided or not. */
  sessionRecord(sessionId: string): Promise<SessionExport | undefined>;
  /** A client's milestones, voided ones too, in the order of a goal's list: achieved, recorded, id. */
  milestoneRecords(clientId: string): Promise<MilestoneExportRow[]>;
  /** Every history entry of a client's goals: goals oldest first, each goal's entries in order. */
  goalHistoryRows(clientId: string): Promise<GoalHistoryRow[]>;
  /** A goal's or milestone's edit log, oldest first. */
  edits(log: EditLog, recordId: string): Promise<EditRecord[]>;
  /** A client's courses of treatment, in the order they started. */
  courses(clientId: string): Promise<CourseRecord[]>;
  /** A client's measure schedules, stopped ones too, by measure and start. */
  schedules(clientId: string): Promise<ScheduleRecord[]>;

  // ── the reads an import checks its records against ──
  /** The client a goal or a session belongs to, or undefined when there is no such record. */
  ownerOf(kind: 'goal' | 'session', recordId: string): Promise<string | undefined>;
  /** A session's current fields (as stored, whatever its state), without its state. */
  sessionFields(sessionId: string): Promise<Session | undefined>;
  goalRecord(goalId: string): Promise<GoalRecord | undefined>;
  milestoneRecord(milestoneId: string): Promise<MilestoneExportRow | undefined>;
  course(courseId: string): Promise<CourseRecord | undefined>;
  openCourse(clientId: string): Promise<CourseRecord | undefined>;
  schedule(clientId: string, measure: MeasureKind, startedAt: string): Promise<ScheduleRecord | undefined>;
  liveSchedule(clientId: string, measure: MeasureKind): Promise<ScheduleRecord | undefined>;
}

export interface ExchangeWrites {
  /**
   * Readies the transaction for a bulk load: references between records are checked when it
   * commits (a file may list a goal's milestones before the goal), and what the tables held is
   * noted, for `writtenInBulk`. On SQLite the search index's insert triggers are set aside until
   * `endBulk`. Call once, first.
   */
  beginBulk(): Promise<void>;
  /**
   * Ends a bulk load, in its transaction: on SQLite the rows it inserted go into the search index
   * in one pass and the index's triggers are back. Call once, last, before the commit.
   */
  endBulk(): Promise<void>;
  /** Whether this transaction's bulk load wrote the record (false for one the database held). */
  writtenInBulk(kind: BulkKind, recordId: string): Promise<boolean>;
  /**
   * Inserts sessions, each with its state and earlier versions when it has them, unless its id is
   * taken (by the database, or by an earlier session of the same batch): for each, in order,
   * whether it was written. One call writes a batch in few statements (PostgreSQL: multi-row
   * inserts), so an import is not bound by a round trip per session.
   */
  insertSessions(batch: readonly SessionToInsert[]): Promise<boolean[]>;
  /** Overwrites a session's fields (its state and versions are `writeSessionCorrections`'s). */
  replaceSession(session: Session): Promise<void>;
  /** Sets a session's state and replaces its earlier versions with these. */
  writeSessionCorrections(sessionId: string, state: SessionState, versions: readonly SessionVersion[]): Promise<void>;
  insertGoal(goal: GoalRecord, history: readonly GoalHistoryEntry[]): Promise<void>;
  /** Replaces a goal and its whole history. */
  replaceGoal(goal: GoalRecord, history: readonly GoalHistoryEntry[]): Promise<void>;
  /** Replaces a goal's or milestone's edit log with these. */
  writeEdits(log: EditLog, recordId: string, clientId: string, edits: readonly EditRecord[]): Promise<void>;
  insertMilestone(milestone: MilestoneRecord): Promise<void>;
  replaceMilestone(milestone: MilestoneRecord): Promise<void>;
  setMilestoneState(milestoneId: string, state: { voided_at: string | null; voided_by: string | null; void_reason: string | null }): Promise<void>;
  /** Inserts a measure as it is (its session, if any, is checked at commit). */
  insertMeasure(measure: Measure): Promise<void>;
  replaceMeasure(measure: Measure): Promise<void>;
  writeMeasureCorrections(measureId: string, clientId: string, state: MeasureState, versions: readonly MeasureVersion[]): Promise<void>;
  /** Deletes a client's risk of a kind and its history (an import's replace writes it anew). */
  deleteRisk(clientId: string, kind: string): Promise<void>;
  insertCourse(course: CourseRecord): Promise<void>;
  replaceCourse(course: CourseRecord): Promise<void>;
  insertSchedule(schedule: ScheduleRecord): Promise<void>;
  replaceSchedule(schedule: ScheduleRecord): Promise<void>;
}

/**
 * The JSON text of SPEC §1 (key order included) of a session without a state, from its values:
 * lists and metadata, stored as JSON text already, are spliced in as they are instead of parsed
 * and written again. Undefined for a session with a state, or text that is not a JSON list or
 * object where one belongs (the caller takes the slow road, whose JSON.parse fails loudly rather
 * than writing a broken file). Both engines export sessions through this, so byte for byte alike.
 */
export function plainSessionJson(values: SessionValues): string | undefined {
  const [id, client, timestamp, summary, score, goals, notes, observations, focus, duration, techniques, homework,
    flags, metadata, hasState] = values;
  if (
    hasState === 1 || !isJsonText(goals, '[', ']') || !isJsonText(techniques, '[', ']') || !isJsonText(flags, '[', ']') ||
    !isJsonText(metadata, '{', '}')
  ) {
    return undefined;
  }
  return `{"session_id":${JSON.stringify(id)},"client_id":${JSON.stringify(client)},` +
    `"timestamp":${JSON.stringify(timestamp)},"conversation_summary":${JSON.stringify(summary)},` +
    `"emotional_state":"${moodOfScore(score)}","emotional_score":${score},"therapeutic_goals":${goals},` +
    `"progress_notes":${JSON.stringify(notes)},"therapist_observations":${JSON.stringify(observations)},` +
    `"next_session_focus":${JSON.stringify(focus)},"session_duration_minutes":${duration === null ? 'null' : duration},` +
    `"techniques_used":${techniques},"homework_assigned":${JSON.stringify(homework)},"crisis_flags":${flags},` +
    `"metadata":${metadata}}`;
}

function isJsonText(text: string, open: string, close: string): boolean {
  return text.length >= 2 && text[0] === open && text[text.length - 1] === close;
}
