import type { GoalRecord, MilestoneRecord } from '../store/port-exchange.js';
import type { GoalHistoryEntry, Session } from './model.js';
import { EMOTIONAL_STATES, type EmotionalState } from './scale.js';
import { ID_PATTERN } from './ids.js';
import { GOAL_STATUSES, META_KEY, SIGNIFICANCES, type GoalStatus, type Significance } from './schemas.js';

/**
 * The fast paths of `tpt import`: a record exactly as `tpt export` writes it (every field present,
 * already in its stored form: an ISO time in UTC, a known word in lower case, trimmed text, and
 * within every rule) is taken as it is. Each accepts only what the import's schema accepts
 * unchanged and returns undefined for anything else, which then goes through the schema (whose
 * messages name what is wrong), so a file is refused or accepted exactly as the schema alone
 * would. Checking a million records with zod costs seconds, and its garbage survives into the old
 * generation (measured in issue 16); these checks cost a fraction.
 * test/core/import-canonical.test.ts holds each to the schema on the same records.
 */

const SESSION_KEYS = 15;

export function canonicalSession(raw: unknown): Session | undefined {
  if (!isPlainObject(raw) || keyCount(raw) !== SESSION_KEYS) return undefined;
  const state = raw.emotional_state;
  const score = typeof state === 'string' ? (EMOTIONAL_STATES as readonly string[]).indexOf(state) - 2 : -3;
  const duration = raw.session_duration_minutes;
  if (
    !isId(raw.session_id) || !isId(raw.client_id) || !isUtcTime(raw.timestamp) ||
    !isTrimmed(raw.conversation_summary) || score < -2 || raw.emotional_score !== score ||
    !isIdList(raw.therapeutic_goals) || typeof raw.progress_notes !== 'string' ||
    typeof raw.therapist_observations !== 'string' || typeof raw.next_session_focus !== 'string' ||
    !(duration === null || (Number.isInteger(duration) && (duration as number) >= 1 && (duration as number) <= 1440)) ||
    !isLabelList(raw.techniques_used) || typeof raw.homework_assigned !== 'string' || !isLabelList(raw.crisis_flags) ||
    !isTextMap(raw.metadata)
  ) {
    return undefined;
  }
  // Exactly the fields of a session, each checked: the record is the session (no copy per record).
  return raw as unknown as Session;
}

/** A client's entry before its records: its id, and the time it was first recorded when the file has it. */
export function canonicalClient(raw: Record<string, unknown>): { client_id: string; created_at?: string } | undefined {
  const created = raw.created_at;
  if (!isId(raw.client_id) || keyCount(raw) !== (created === undefined ? 1 : 2)) return undefined;
  if (created === undefined) return { client_id: raw.client_id };
  return isUtcTime(created) ? { client_id: raw.client_id, created_at: created } : undefined;
}

/** A goal as the import takes it: the row, its whole history, its edits. */
export interface GoalInFile {
  goal: GoalRecord;
  history: GoalHistoryEntry[];
  edits: [];
}

const GOAL_KEYS = 11;
const HISTORY_KEYS = 5;

/** A goal with its history and no edits, as `tpt export` writes it (the `milestones` list is read, not kept). */
export function canonicalGoal(raw: unknown): GoalInFile | undefined {
  if (!isPlainObject(raw) || keyCount(raw) !== GOAL_KEYS) return undefined;
  const target = raw.target_date;
  if (
    !isId(raw.goal_id) || !isId(raw.client_id) || !isTrimmed(raw.description) ||
    !(target === null || isCalendarDate(target)) || !isPercentage(raw.completion_percentage) ||
    !isGoalStatus(raw.status) || !isIdArray(raw.milestones) || typeof raw.notes !== 'string' ||
    !isUtcTime(raw.created_at) || !isUtcTime(raw.updated_at) || !Array.isArray(raw.history) || raw.history.length === 0
  ) {
    return undefined;
  }
  const history: GoalHistoryEntry[] = [];
  for (const entry of raw.history as unknown[]) {
    if (
      !isPlainObject(entry) || keyCount(entry) !== HISTORY_KEYS || !isUtcTime(entry.at) ||
      !isPercentage(entry.completion_percentage) || !isGoalStatus(entry.status) || typeof entry.note !== 'string' ||
      typeof entry.actor !== 'string' || entry.actor.length === 0
    ) {
      return undefined;
    }
    history.push({
      at: entry.at, completion_percentage: entry.completion_percentage, status: entry.status, note: entry.note,
      actor: entry.actor,
    });
  }
  return {
    goal: {
      goal_id: raw.goal_id, client_id: raw.client_id, description: raw.description, target_date: target as string | null,
      completion_percentage: raw.completion_percentage, status: raw.status, notes: raw.notes, created_at: raw.created_at,
      updated_at: raw.updated_at,
    },
    history,
    edits: [],
  };
}

const MILESTONE_KEYS = 7;

/** A milestone never voided nor edited, as `tpt export` writes it. */
export function canonicalMilestone(raw: unknown): MilestoneRecord | undefined {
  if (!isPlainObject(raw) || keyCount(raw) !== MILESTONE_KEYS) return undefined;
  if (
    !isId(raw.milestone_id) || !isId(raw.goal_id) || !isId(raw.client_id) || !isTrimmed(raw.description) ||
    !isCalendarDate(raw.achieved_date) || !isSignificance(raw.significance) || !isUtcTime(raw.created_at)
  ) {
    return undefined;
  }
  return {
    milestone_id: raw.milestone_id, goal_id: raw.goal_id, client_id: raw.client_id, description: raw.description,
    achieved_date: raw.achieved_date, significance: raw.significance, created_at: raw.created_at,
  };
}

// ── the checks ─────────────────────────────────────────────────────────────

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Own keys (JSON.parse makes only own, enumerable ones: `__proto__` included, which then counts as one too many). */
function keyCount(value: object): number {
  let keys = 0;
  for (const _key in value) keys++;
  return keys;
}

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

function isTrimmed(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.trim() === value;
}

/** Ids, any repeated (the goal's derived milestone list keeps them as given). */
function isIdArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (!isId(item)) return false;
  return true;
}

/** Distinct ids (the session schema would drop a repeated goal id). */
function isIdList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) {
    if (!isId(value[i]) || value.indexOf(value[i]) !== i) return false;
  }
  return true;
}

/** Techniques and crisis flags: trimmed, 1 to 200 characters. */
function isLabelList(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  for (const item of value) {
    if (!isTrimmed(item) || item.length > 200) return false;
  }
  return true;
}

function isTextMap(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  for (const key in value) {
    if (!META_KEY.test(key) || typeof value[key] !== 'string') return false;
  }
  return true;
}

function isPercentage(value: unknown): value is number {
  return typeof value === 'number' && value >= 0 && value <= 100;
}

function isGoalStatus(value: unknown): value is GoalStatus {
  return typeof value === 'string' && (GOAL_STATUSES as readonly string[]).includes(value);
}

function isSignificance(value: unknown): value is Significance {
  return typeof value === 'string' && (SIGNIFICANCES as readonly string[]).includes(value);
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** Years 1000 to 9999: the schema writes a date of an earlier year back in another form. */
const CALENDAR_DATE = /^[1-9]\d{3}-\d{2}-\d{2}$/;

/** Digits of `text` at [at, at + length) as a number. */
function digits(text: string, at: number, length: number): number {
  let n = 0;
  for (let i = at; i < at + length; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

/** A day that exists: month 1-12, day within its month (February 29 in leap years only). */
function dayExists(text: string): boolean {
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1]!);
}

/** `YYYY-MM-DDTHH:MM:SS.mmmZ` naming an instant that exists (as toISOString writes it). */
export function isUtcTime(value: unknown): value is string {
  return typeof value === 'string' && value.length === 24 && ISO_UTC.test(value) && dayExists(value) &&
    digits(value, 11, 2) <= 23 && digits(value, 14, 2) <= 59 && digits(value, 17, 2) <= 59;
}

/** `YYYY-MM-DD` naming a day that exists. */
function isCalendarDate(value: unknown): value is string {
  return typeof value === 'string' && value.length === 10 && CALENDAR_DATE.test(value) && dayExists(value);
}
