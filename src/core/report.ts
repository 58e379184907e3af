import type { Store } from '../db/store.js';
import {
  goalHistoryOfClient, goalsCreatedBy, lastSessionAtOrBefore, milestonesBetween, reportSessionsInRange,
  type GoalHeader, type GoalHistoryPoint, type MilestoneRow, type ReportSessionRow,
} from '../db/analytics-queries.js';
import { logRead } from './audit.js';
import { requireClient } from './clients.js';
import { checkId } from './ids.js';
import type { Actor } from './model.js';
import { calendarPeriods, defaultGranularity, type Granularity } from './periods.js';
import { recommendations } from './recommendations.js';
import { openRisksOf, type OpenRisk } from './risks.js';
import { stateOf, type EmotionalState } from './scale.js';
import type { GoalStatus } from './schemas.js';
import { ScoreAccumulator, round4, type TrendDirection } from './stats.js';
import { localDateString } from './time.js';
import type { Timeframe } from './timeframe.js';
import { PeriodAccumulator, rangeOf, summaryOf, type Range, type TrendSummary } from './trends.js';

/** A goal as the report sees it: where it stood at the start and at the end of the timeframe. */
export interface ReportGoal {
  goal_id: string;
  description: string;
  target_date: string | null;
  /** Status at the end of the timeframe. */
  status: GoalStatus;
  /** Completion at the end of the timeframe (the same number as in `goal_progress`). */
  completion_percentage: number;
  /** Completion at the start of the timeframe, or when the goal was set if that was later. */
  progress_at_start: number;
  progress_change: number;
}

export interface CrisisEvent {
  session_id: string;
  timestamp: string;
  emotional_state: EmotionalState;
  emotional_score: number;
  crisis_flags: string[];
  conversation_summary: string;
  /** Whether the session is signed (locked; corrected only by addenda). */
  signed: boolean;
}

export type Trajectory = 'improving' | 'stable' | 'declining' | 'mixed' | 'insufficient_data';
export type GoalMovement = 'advancing' | 'steady' | 'slipping' | 'none';

/** `tpt report --json` (SPEC §3), keys in this order. */
export interface ProgressReport {
  client_id: string;
  report_date: string;
  timeframe_start: string;
  timeframe_end: string;
  sessions_count: number;
  total_minutes: number;
  goal_progress: Record<string, number>;
  goals: ReportGoal[];
  emotional_trends: TrendSummary[];
  overall_emotional_trend: TrendSummary;
  key_milestones: MilestoneRow[];
  crisis_events: CrisisEvent[];
  overall_trajectory: Trajectory;
  recommendations: string[];
  summary: string;
  /** The client's risks open at the report date, whatever the timeframe (SPEC §3). */
  open_risks: OpenRisk[];
}

/** The report and, for the terminal and markdown, the series its chart draws. */
export interface ReportView {
  report: ProgressReport;
  chart: { by: Granularity; periods: TrendSummary[] };
}

/** Mean goal change (percentage points, over goals not discontinued) that counts as movement. */
export const GOAL_MOVEMENT_POINTS = 5;

/** Everything a report is made of, as read from the database. */
export interface ReportInput {
  clientId: string;
  now: Date;
  range: Range;
  sessions: Iterable<ReportSessionRow>;
  goals: readonly GoalHeader[];
  /** History up to the end of the range, grouped by goal, oldest first. */
  history: readonly GoalHistoryPoint[];
  milestones: MilestoneRow[];
  lastSession: string | undefined;
  openRisks: OpenRisk[];
}

/** Builds the report in one pass over the sessions. Pure: no database, no clock. */
export function buildReport(input: ReportInput): ReportView {
  const { range } = input;
  const chartBy = defaultGranularity(range.start, range.end);
  const months = new PeriodAccumulator(calendarPeriods(range, 'month'));
  const chart = new PeriodAccumulator(calendarPeriods(range, chartBy));
  const overall = new ScoreAccumulator(range.start.getTime());
  let totalMinutes = 0;
  const crisisEvents: CrisisEvent[] = [];
  for (const row of input.sessions) {
    const at = Date.parse(row.timestamp);
    overall.add(at, row.emotional_score);
    months.add(at, row.emotional_score);
    chart.add(at, row.emotional_score);
    totalMinutes += row.session_duration_minutes ?? 0;
    const flags = JSON.parse(row.crisis_flags) as string[];
    if (flags.length > 0) {
      crisisEvents.push({
        session_id: row.session_id,
        timestamp: row.timestamp,
        emotional_state: stateOf(row.emotional_score),
        emotional_score: row.emotional_score,
        crisis_flags: flags,
        conversation_summary: row.conversation_summary ?? '',
        signed: row.signed_at != null,
      });
    }
  }
  const trend = summaryOf(range, overall);
  const goals = goalsAt(input.goals, input.history, range);
  const { movement, meanChange } = goalMovement(goals);
  const trajectory = overallTrajectory(trend.trend_direction, movement);
  const report: ProgressReport = {
    client_id: input.clientId,
    report_date: input.now.toISOString(),
    timeframe_start: range.start.toISOString(),
    timeframe_end: range.end.toISOString(),
    sessions_count: trend.data_points,
    total_minutes: totalMinutes,
    goal_progress: Object.fromEntries(goals.map((goal) => [goal.goal_id, goal.completion_percentage])),
    goals,
    emotional_trends: months.summaries(),
    overall_emotional_trend: trend,
    key_milestones: input.milestones,
    crisis_events: crisisEvents,
    overall_trajectory: trajectory,
    recommendations: recommendations({
      asOf: new Date(Math.min(range.end.getTime(), input.now.getTime())), crisisEvents, goals, lastSession: input.lastSession, trend, movement, meanGoalChange: meanChange,
    }),
    summary: '',
    open_risks: input.openRisks,
  };
  report.summary = summaryParagraph(report, movement, meanChange);
  return { report, chart: { by: chartBy, periods: chart.summaries() } };
}

/** Each goal's percentage and status at the start and the end of the range, from its history. */
export function goalsAt(headers: readonly GoalHeader[], history: readonly GoalHistoryPoint[], range: Range): ReportGoal[] {
  const startIso = range.start.toISOString();
  const byGoal = new Map<string, GoalHistoryPoint[]>();
  for (const entry of history) {
    const entries = byGoal.get(entry.goal_id);
    if (entries) entries.push(entry);
    else byGoal.set(entry.goal_id, [entry]);
  }
  const goals: ReportGoal[] = [];
  for (const header of headers) {
    const entries = byGoal.get(header.goal_id);
    if (!entries || entries.length === 0) continue;
    const last = entries[entries.length - 1]!;
    // The last entry at or before the start; a goal set inside the range starts where it was set.
    let atStart = entries[0]!;
    for (const entry of entries) if (entry.at <= startIso) atStart = entry;
    goals.push({
      goal_id: header.goal_id,
      description: header.description,
      target_date: header.target_date,
      status: last.status,
      completion_percentage: last.completion_percentage,
      progress_at_start: atStart.completion_percentage,
      progress_change: round4(last.completion_percentage - atStart.completion_percentage),
    });
  }
  return goals;
}

/** How goal progress moved: the mean change over goals not discontinued at the end. */
export function goalMovement(goals: readonly ReportGoal[]): { movement: GoalMovement; meanChange: number | null } {
  const counted = goals.filter((goal) => goal.status !== 'discontinued');
  if (counted.length === 0) return { movement: 'none', meanChange: null };
  const meanChange = round4(counted.reduce((sum, goal) => sum + goal.progress_change, 0) / counted.length);
  const movement = meanChange >= GOAL_MOVEMENT_POINTS ? 'advancing' : meanChange <= -GOAL_MOVEMENT_POINTS ? 'slipping' : 'steady';
  return { movement, meanChange };
}

/**
 * The trajectory rule (docs/analytics.md): mood and goals each vote +1 (improving / advancing),
 * 0 (stable / steady) or −1 (declining / slipping); a side without data does not vote. Opposite
 * votes make `mixed`; otherwise the sign of the sum decides; no vote at all is `insufficient_data`.
 */
export function overallTrajectory(mood: TrendDirection, goals: GoalMovement): Trajectory {
  const moodVote = { improving: 1, stable: 0, declining: -1, insufficient_data: undefined }[mood];
  const goalVote = { advancing: 1, steady: 0, slipping: -1, none: undefined }[goals];
  if (moodVote === undefined && goalVote === undefined) return 'insufficient_data';
  if (moodVote !== undefined && goalVote !== undefined && moodVote * goalVote < 0) return 'mixed';
  const sum = (moodVote ?? 0) + (goalVote ?? 0);
  return sum > 0 ? 'improving' : sum < 0 ? 'declining' : 'stable';
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const signed = (value: number) => `${value > 0 ? '+' : ''}${value}`;

function summaryParagraph(report: ProgressReport, movement: GoalMovement, meanChange: number | null): string {
  const trend = report.overall_emotional_trend;
  const from = localDateString(new Date(report.timeframe_start));
  const to = localDateString(new Date(report.timeframe_end));
  const parts = [
    `Between ${from} and ${to}, ${report.client_id} attended ${plural(report.sessions_count, 'session')}` +
    (report.total_minutes > 0 ? ` (${report.total_minutes} minutes in all).` : '.'),
  ];
  if (trend.avg_emotional_score !== null) {
    const direction = trend.trend_direction === 'insufficient_data'
      ? 'too few sessions to judge a trend'
      : `trend ${trend.trend_direction} (${signed(trend.slope_per_30_days)} per 30 days)`;
    parts.push(
      `Mean emotional score ${signed(trend.avg_emotional_score)} on the −2 to +2 scale, ${direction}, volatility ${trend.volatility}.`,
    );
  }
  if (report.goals.length > 0) {
    const list = report.goals.map((goal) => `${goal.goal_id} at ${goal.completion_percentage}% (${signed(goal.progress_change)})`);
    const moved = meanChange === null ? '' : `; goal progress ${movement === 'none' ? 'not measured' : movement} (${signed(meanChange)} points on average)`;
    parts.push(`Goals: ${list.join(', ')}${moved}.`);
  } else {
    parts.push('No goals are set.');
  }
  if (report.key_milestones.length > 0) parts.push(`${plural(report.key_milestones.length, 'milestone')} reached.`);
  parts.push(
    report.crisis_events.length > 0
      ? `${plural(report.crisis_events.length, 'session')} carried crisis flags (${[...new Set(report.crisis_events.flatMap((event) => event.crisis_flags))].join(', ')}).`
      : 'No crisis flags were recorded.',
  );
  parts.push(`Overall trajectory: ${report.overall_trajectory.replace('_', ' ')}.`);
  return parts.join(' ');
}

/** `tpt report`: reads the client's records in the timeframe (with its audit entry) and builds the report. */
export function progressReport(store: Store, clientId: string, timeframe: Timeframe, who: Actor): ReportView {
  requireClient(store, checkId(clientId, 'client'));
  return logRead(store, { action: 'report.read', client_id: clientId }, who, () => {
    const range = rangeOf(store, clientId, timeframe);
    const [startIso, endIso] = [range.start.toISOString(), range.end.toISOString()];
    const goals = goalsCreatedBy(store, clientId, endIso);
    const history = goalHistoryOfClient(store, clientId, endIso);
    const milestones = milestonesBetween(store, clientId, localDateString(range.start), localDateString(range.end));
    const lastSession = lastSessionAtOrBefore(store, clientId, endIso);
    const openRisks = openRisksOf(store, clientId);
    // The stream comes last (nothing else may run on the connection while it is open), and is
    // closed even when the report fails before reading it, so the transaction can roll back.
    const sessions = reportSessionsInRange(store, clientId, startIso, endIso);
    try {
      return buildReport({ clientId, now: who.now, range, sessions, goals, history, milestones, lastSession, openRisks });
    } finally {
      sessions.return?.();
    }
  });
}
