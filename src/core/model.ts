import type { EmotionalState } from './scale.js';
import type { MeasureKind } from './measure-scoring.js';
import type { GoalStatus, Significance } from './schemas.js';

/** The records of SPEC §1. Key order here is the order of the JSON output. */

export interface Session {
  session_id: string;
  client_id: string;
  /** UTC ISO 8601. */
  timestamp: string;
  conversation_summary: string;
  emotional_state: EmotionalState;
  emotional_score: number;
  therapeutic_goals: string[];
  progress_notes: string;
  therapist_observations: string;
  next_session_focus: string;
  session_duration_minutes: number | null;
  techniques_used: string[];
  homework_assigned: string;
  crisis_flags: string[];
  metadata: Record<string, string>;
}

/**
 * How a session stands in the record (issue 12): its version (1 as logged, one more for each
 * amendment), who made the current version and why, and whether it is signed or voided.
 */
export interface SessionState {
  version: number;
  amended_at: string | null;
  amended_by: string | null;
  amend_reason: string | null;
  /** The current version was made after the session was signed. */
  addendum: boolean;
  signed_at: string | null;
  signed_by: string | null;
  voided_at: string | null;
  voided_by: string | null;
  void_reason: string | null;
}

/** One version of a session: its content then, and who made that version, when and why. */
export interface SessionVersion extends Omit<Session, 'session_id'> {
  version: number;
  amended_at: string | null;
  amended_by: string | null;
  amend_reason: string | null;
  addendum: boolean;
}

/** A session as listings show it: whether it was amended, is signed, or is voided. */
export interface ListedSession extends Session {
  version: number;
  signed_at: string | null;
  voided_at: string | null;
}

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

export interface GoalHistoryEntry {
  at: string;
  completion_percentage: number;
  status: GoalStatus;
  note: string;
  actor: string;
}

export interface Goal {
  goal_id: string;
  client_id: string;
  description: string;
  /** A calendar date, YYYY-MM-DD. */
  target_date: string | null;
  completion_percentage: number;
  status: GoalStatus;
  milestones: string[];
  notes: string;
  created_at: string;
  updated_at: string;
}

/** One edit of a goal or a milestone: who, when, why, and each changed field's [before, after]. */
export interface RecordEdit {
  at: string;
  actor: string;
  reason: string;
  changes: Record<string, [string | null, string | null]>;
}

export interface GoalDetail extends Goal {
  history: GoalHistoryEntry[];
  milestone_details: Milestone[];
  /** Edits of the description, target and notes, oldest first. */
  edits: RecordEdit[];
}

export interface Milestone {
  milestone_id: string;
  goal_id: string;
  client_id: string;
  description: string;
  /** A calendar date, YYYY-MM-DD. */
  achieved_date: string;
  significance: Significance;
}

/** A milestone with its state, as `milestone list --include-void` lists it. */
export interface MilestoneWithState extends Milestone {
  voided_at: string | null;
  voided_by: string | null;
  void_reason: string | null;
}

/** One standardized outcome measure taken by a client (PHQ-9, GAD-7, CORE-10). */
export interface Measure {
  measure_id: string;
  client_id: string;
  measure: MeasureKind;
  /** When it was taken, UTC ISO 8601. */
  timestamp: string;
  /** The session it belongs to, if any. */
  session_id: string | null;
  /** The answers as given on the form, item 1 first; null when only the total is known. */
  items: (number | null)[] | null;
  /** Computed from the items (reverse-scored ones turned), or given alone when they are unknown. */
  total: number;
  /** When it was recorded. */
  created_at: string;
}

/** How a measure stands after corrections: its version (1 until amended) and its void, if any. */
export interface MeasureState {
  version: number;
  amended_at: string | null;
  amended_by: string | null;
  amend_reason: string | null;
  voided_at: string | null;
  voided_by: string | null;
  void_reason: string | null;
}

/** One version of a measure: what an amendment may change, and who made that version, when and why. */
export interface MeasureVersion {
  version: number;
  timestamp: string;
  session_id: string | null;
  items: (number | null)[] | null;
  total: number;
  amended_at: string | null;
  amended_by: string | null;
  amend_reason: string | null;
}

export interface ClientSummary {
  client_id: string;
  created_at: string;
  sessions: number;
  last_session: string | null;
  /** The latest session with crisis flags, so no listing hides a crisis. */
  last_crisis: string | null;
  active_goals: number;
  /** Mean completion of the client's goals, discontinued ones left out; null when there is none. */
  average_goal_progress: number | null;
  /** The kinds of the client's open risks (src/core/risks.ts), whatever their age. */
  open_risks: string[];
}

export interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  action: string;
  client_id: string | null;
  object_id: string | null;
  outcome: string;
  prev_hash: string;
  hash: string;
}

/** Who acts and when: every write is stamped with both. */
export interface Actor {
  actor: string;
  now: Date;
}

/** A risk's state, one per client and kind (see src/core/risks.ts). */
export interface RiskRow {
  client_id: string;
  kind: string;
  status: 'open' | 'resolved';
  opened_at: string;
  last_flagged_at: string;
  resolved_at: string | null;
  resolved_by: string | null;
  resolution_note: string | null;
}

/** One entry of a risk's history: a flag that opened, reopened or renewed it, or its resolution. */
export interface RiskEvent {
  event: 'opened' | 'flagged' | 'reopened' | 'resolved';
  /** A flag: the time of its session or measure. A resolution: when it was resolved. */
  at: string;
  /** What carried the flag (`session`, `measure`), and its id; null for a resolution. */
  source_type: string | null;
  source_id: string | null;
  /** The flag's words as recorded. */
  flag: string | null;
  note: string;
  actor: string;
  recorded_at: string;
}
