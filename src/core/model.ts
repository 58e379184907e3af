import type { Goal, GoalHistoryEntry, Milestone, RecordEdit, Session, SessionState, SessionVersion } from '../domain/records.js';

/**
 * The records of SPEC §1. Key order here is the order of the JSON output. Those the store port
 * carries live on the floor below core and the engines (src/domain/records.ts); core's importers
 * take them from here as before.
 */
export type {
  AuditEntry,
  ClientSummary,
  Goal,
  GoalHistoryEntry,
  ListedSession,
  Measure,
  MeasureState,
  MeasureVersion,
  Milestone,
  MilestoneWithState,
  RecordEdit,
  RiskEvent,
  RiskRow,
  Session,
  SessionState,
  SessionVersion,
} from '../domain/records.js';

/** A session with its state; `history` (every version, oldest first) when asked for. */
export interface SessionDetail extends Session, SessionState {
  amendments: number;
  history?: SessionVersion[];
  /** A signed session with addenda: the note as it was signed, which the addenda follow. */
  as_signed?: SessionVersion;
  addenda?: SessionAddendum[];
}

/** An amendment made after signing: who, when, why, and the fields it gave new values to. */
export interface SessionAddendum {
  version: number;
  amended_at: string;
  amended_by: string;
  amend_reason: string;
  changes: Partial<Omit<Session, 'session_id' | 'client_id'>>;
}

export interface GoalDetail extends Goal {
  history: GoalHistoryEntry[];
  milestone_details: Milestone[];
  /** Edits of the description, target and notes, oldest first. */
  edits: RecordEdit[];
}

/** Who acts and when: every write is stamped with both. */
export interface Actor {
  actor: string;
  now: Date;
}

