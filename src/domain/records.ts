/**
 * The records the store port carries, on a floor below core and both engines (issue 22): the
 * port and the engines import these, never core; core/model.ts re-exports them. Key order is the
 * JSON order.
 */

/** The 5-point emotional scale, most negative first: a mood's score is its index minus 2. */
export const EMOTIONAL_STATES = ['very_negative', 'negative', 'neutral', 'positive', 'very_positive'] as const;
export type EmotionalState = (typeof EMOTIONAL_STATES)[number];

export function moodOfScore(score: number): EmotionalState {
  const state = EMOTIONAL_STATES[score + 2];
  if (state === undefined) throw new RangeError(`emotional score ${score} is outside -2..2`);
  return state;
}

export const GOAL_STATUSES = ['active', 'achieved', 'paused', 'discontinued'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

export interface Session {
  session_id: string;
  client_id: string;
  /** UTC ISO 8601 with milliseconds. */
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

/** How a session stands: its version, its latest amendment, and whether it is signed or voided. */
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

/** An earlier version of a session, kept whole when an amendment replaced it. */
export interface SessionVersion extends Omit<Session, 'session_id'> {
  version: number;
  amended_at: string | null;
  amended_by: string | null;
  amend_reason: string | null;
  addendum: boolean;
}

/** The mark an amendment leaves on the version it makes. */
export interface Amendment {
  /** The new version's number: the current one's plus one. */
  version: number;
  amended_at: string;
  amended_by: string;
  amend_reason: string;
  /** Made after the session was signed. */
  addendum: boolean;
}

/**
 * Who wrote a session (issue 25): a person at the command line, or a machine (an ingest line marked
 * `"source": "machine"`, or anything written with an API token). A machine's mood is an estimate
 * until a clinician signs the session (docs/machine-entries.md).
 */
export const SESSION_SOURCES = ['person', 'machine'] as const;
export type SessionSource = (typeof SESSION_SOURCES)[number];

/** A machine-written session, as the labels need it: its mood is an estimate while `signed_at` is null. */
export interface MachineEntry {
  session_id: string;
  timestamp: string;
  emotional_score: number;
  signed_at: string | null;
}

/** A session as listings show it. */
export interface ListedSession extends Session {
  version: number;
  signed_at: string | null;
  voided_at: string | null;
}

export const SIGNIFICANCES = ['low', 'medium', 'high'] as const;
export type Significance = (typeof SIGNIFICANCES)[number];

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

export const MEASURE_KINDS = ['phq9', 'gad7', 'core10'] as const;
export type MeasureKind = (typeof MEASURE_KINDS)[number];

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

/** A risk of a client, one per kind: open until a person resolves it. */
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

/** An API token of `tpt serve`: only its hash is kept; revoked ones stay, marked. */
export interface TokenRow {
  token_id: string;
  name: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
  scope: string;
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
  /** The ids of its live milestones, oldest first. */
  milestones: string[];
  notes: string;
  created_at: string;
  updated_at: string;
}

export type AuditOutcome = 'ok' | 'refused' | 'failed';

/** One thing done, for the audit log: who, when, what, about which client and record. */
export interface AuditEvent {
  at: string;
  actor: string;
  action: string;
  client_id: string | null;
  object_id: string | null;
  outcome: AuditOutcome;
}

/**
 * An entry as read back. `seq` counts within its chain: SQLite keeps one chain for the whole
 * file, PostgreSQL one per client (so writers of different clients never wait on one head).
 */
export interface AuditRecord extends AuditEvent {
  seq: number;
}

/** One edit of a goal or a milestone: who, when, why, and each changed field's [before, after]. */
export interface RecordEdit {
  at: string;
  actor: string;
  reason: string;
  changes: Record<string, [string | null, string | null]>;
}

/** An audit entry as the chain holds it: its event, its place, and the hashes that link it. */
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

/** A client as `client list` shows them: counts, the latest session and crisis, open risks. */
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
