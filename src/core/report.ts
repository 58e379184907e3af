import type { RecordStore } from '../store/port.js';
import type { GoalHeader, GoalHistoryPoint, MilestoneRow, ReportSessionRow } from '../store/port-care.js';
import { courseBaselines, type CourseRef } from './courses.js';
import { offTrackAlerts, type OffTrackAlert } from './off-track.js';
import { readLogged } from './audit.js';
import { requireClientIn } from './clients.js';
import { checkId } from './ids.js';
import { measureDefinition } from './measure-scoring.js';
import {
  riskItemOf, riskItemUnknown, summarizeMeasures, type MeasurePoint, type MeasuresSection, type MeasureTrend,
} from './measure-summary.js';
import type { Actor, Measure } from './model.js';
import { calendarPeriods, defaultGranularity, type Granularity } from './periods.js';
import { recommendations } from './recommendations.js';
import { openRisksIn, riskHistoryIn, type OpenRisk, type RiskHistoryEntry } from './risks.js';
import { stateOf, type EmotionalState } from './scale.js';
import type { GoalStatus } from './schemas.js';
import { InputError } from './errors.js';
import { estimatedOf } from './labels.js';
import { ScoreAccumulator, noTrendReason, round4, type TrendDirection } from './stats.js';
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
  /** Set inside the timeframe: its change counts from its first value, and it is marked new. */
  set_in_timeframe: boolean;
  /** Achieved or discontinued before the timeframe and unchanged in it: it takes no part in the goal vote. */
  closed_before_timeframe: boolean;
}

/** A session of the timeframe as the report lists it (the seed's "session summaries"). */
export interface SessionSummary {
  session_id: string;
  timestamp: string;
  emotional_state: EmotionalState;
  emotional_score: number;
  session_duration_minutes: number | null;
  crisis_flags: string[];
  conversation_summary: string;
  /** Whether the session is signed (locked; corrected only by addenda). */
  signed: boolean;
  /** Its mood is a machine's estimate no clinician has confirmed by signing (issue 25). */
  mood_estimated: boolean;
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
  /** Its mood is a machine's estimate no clinician has confirmed by signing (issue 25). */
  mood_estimated: boolean;
}

/**
 * Whose mood ratings the figures count (issue 25): `any` counts every session's mood, machine
 * estimates too; `clinician` leaves the estimates out (`--rated-by clinician`).
 */
export const RATED_BY = ['any', 'clinician'] as const;
export type RatedBy = (typeof RATED_BY)[number];

/** How many of the timeframe's mood values a clinician rated and how many a machine estimated. */
export interface MoodRatings {
  /** Which moods the mood figures (trends, low mood, trajectory) count. */
  rated_by: RatedBy;
  /** Sessions whose mood a person recorded, or a clinician confirmed by signing. */
  clinician_rated: number;
  /** Sessions whose mood a machine estimated and no clinician has signed. */
  estimated: number;
  /** Of those, how many the figures leave out: all of them with `clinician`, none with `any`. */
  left_out: number;
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
  /** What the headline must not leave out: open risks, crisis flags, low mood, no sessions. */
  concerns: string[];
  /** The trajectory and the concerns in one line, as every format shows it first. */
  headline: string;
  /** The row of the trajectory rule table (README) that decided `overall_trajectory`. */
  trajectory_rule: number;
  /** Sessions without a recorded duration (`total_minutes` counts only the others). */
  sessions_without_duration: number;
  /** The newest sessions of the timeframe, newest first, with their summaries… */
  session_summaries: SessionSummary[];
  /** …and how many older ones of the timeframe are not listed. */
  sessions_not_listed: number;
  /** The outcome measures of the timeframe (README, "Outcome measures"), each with its baseline. */
  measures: MeasuresSection;
  /** What happened to the client's risks in the timeframe: opened, flagged, reopened, resolved (who, when, the note). */
  risk_history: RiskHistoryEntry[];
  /** The course of treatment the timeframe's end belongs to (its measures' baselines are its first scores), or null. */
  course: CourseRef | null;
  /** Off-track alerts at the end of the timeframe (or now, if sooner), each with its rule, date and source. */
  off_track: OffTrackAlert[];
  /** Clinician-rated and machine-estimated moods of the timeframe, and which the figures count (issue 25). */
  mood_ratings: MoodRatings;
}

/** The report and, for the terminal and markdown, the series its chart draws. */
export interface ReportView {
  report: ProgressReport;
  chart: { by: Granularity; periods: TrendSummary[] };
}

/** Mean goal change (percentage points, over the goals that vote) that counts as movement. */
export const GOAL_MOVEMENT_POINTS = 5;
/**
 * Persistently low mood, over at least LOW_MOOD_SESSIONS sessions: a mean at or below
 * LOW_MOOD_MEAN, or at least LOW_MOOD_SHARE of the sessions at or below it. The second arm removes
 * the cliff of a mean alone: nine sessions at −1 and one at 0 (mean −0.9) are low mood too. Two
 * thirds, not a bare majority: a year whose first months were low and whose mood then lifted
 * (23 of 43 sessions at −1, the demo's demo-avery) is a recovery, not persistence.
 */
export const LOW_MOOD_MEAN = -1;
export const LOW_MOOD_SESSIONS = 3;
export const LOW_MOOD_SHARE = 2 / 3;

/** The rule above, on the count of sessions, of those at or below −1, and their mean. */
export function isPersistentlyLow(sessions: number, lowSessions: number, mean: number | null): boolean {
  if (sessions < LOW_MOOD_SESSIONS || mean === null) return false;
  // 3 · low ≥ 2 · n: two thirds, in whole numbers.
  return mean <= LOW_MOOD_MEAN || lowSessions * 3 >= sessions * 2;
}
/** The report lists this many sessions of the timeframe (the newest), and counts the rest. */
export const LISTED_SESSIONS = 10;

/**
 * How the outcome measures moved: "deteriorated" when any is reliably worse, in the timeframe
 * (first to latest) or since its baseline (the course's first score); "improved" when one reliably
 * improved in the timeframe and none deteriorated (NHS Talking Therapies' "neither reliably worse",
 * over every measure); "no_reliable_change" when some comparison can be made; "none" when none
 * can (one score, or scores closer than the measure's recall period).
 */
export type MeasureMovement = 'improved' | 'no_reliable_change' | 'deteriorated' | 'none';

/** What the trajectory rule looks at (README, "The trajectory rule"). */
export interface TrajectoryFacts {
  /** Sessions in the timeframe. */
  sessions: number;
  mood: TrendDirection;
  goals: GoalMovement;
  measures: MeasureMovement;
  crisisInTimeframe: boolean;
  /** An open risk at the report date, whatever its age. */
  openRisk: boolean;
  /** A measure's risk item (PHQ-9 item 9, CORE-10 item 6) answered above 0 in the timeframe, or proved by its total. */
  riskItemInTimeframe: boolean;
  persistentlyLowMood: boolean;
}

const MOOD_VOTE = { improving: 1, stable: 0, declining: -1, insufficient_data: undefined } as const;
const GOAL_VOTE = { advancing: 1, steady: 0, slipping: -1, none: undefined } as const;
const MEASURE_VOTE = { improved: 1, no_reliable_change: 0, deteriorated: -1, none: undefined } as const;

/**
 * The trajectory rule as a table: the first row whose condition holds decides. The README's
 * table lists the same rows, in the same order, with the same numbers.
 */
export const TRAJECTORY_RULES: readonly { row: number; trajectory: Trajectory; when: (facts: TrajectoryFacts) => boolean }[] = [
  // 1. A measure reliably worse, first to latest, outweighs mood ratings and goal percentages:
  //    the client's own standardized report changed beyond measurement error.
  { row: 1, trajectory: 'declining', when: (f) => f.measures === 'deteriorated' },
  // 2. Without a session the mood part is insufficient data, whatever goals or measures say.
  { row: 2, trajectory: 'insufficient_data', when: (f) => f.sessions === 0 },
  // 3. Neither mood (a trend needs time) nor goals (none voting) nor measures (none taken twice) vote.
  { row: 3, trajectory: 'insufficient_data', when: (f) => votes(f).length === 0 },
  // 4. The votes point opposite ways.
  { row: 4, trajectory: 'mixed', when: (f) => votes(f).includes(1) && votes(f).includes(-1) },
  // 5. The votes say better, but a crisis, a risk item, an open risk of any age or persistently
  //    low mood says otherwise: never plain "improving".
  {
    row: 5, trajectory: 'mixed',
    when: (f) => voteSum(f) > 0 && (f.crisisInTimeframe || f.openRisk || f.riskItemInTimeframe || f.persistentlyLowMood),
  },
  { row: 6, trajectory: 'improving', when: (f) => voteSum(f) > 0 },
  { row: 7, trajectory: 'declining', when: (f) => voteSum(f) < 0 },
  { row: 8, trajectory: 'stable', when: () => true },
];

/** The votes of mood, goals and measures that have one (+1, 0 or −1 each). */
function votes(facts: TrajectoryFacts): number[] {
  return [MOOD_VOTE[facts.mood], GOAL_VOTE[facts.goals], MEASURE_VOTE[facts.measures]].filter((vote) => vote !== undefined);
}
function voteSum(facts: TrajectoryFacts): number {
  return votes(facts).reduce((sum, vote) => sum + vote, 0);
}

/** The trajectory and the row of the rule table that decided it. */
export function overallTrajectory(facts: TrajectoryFacts): { trajectory: Trajectory; row: number } {
  const rule = TRAJECTORY_RULES.find((candidate) => candidate.when(facts))!;
  return { trajectory: rule.trajectory, row: rule.row };
}

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
  /** The measures taken in the range, oldest first. */
  measures?: readonly Measure[];
  /** Each measure's first score on record up to the end of the range (its baseline). */
  baselines?: readonly Measure[];
  /** The risk register's events in the range. */
  riskHistory?: RiskHistoryEntry[];
  course?: CourseRef | null;
  offTrack?: OffTrackAlert[];
  /** The moods of the range a machine estimated and no clinician signed (issue 25). */
  estimated?: readonly { session_id: string }[];
  /** Whose moods the figures count; `any` unless asked. */
  ratedBy?: RatedBy;
}

/** Builds the report in one pass over the sessions. Pure: no database, no clock. */
export function buildReport(input: ReportInput): ReportView {
  const { range } = input;
  const chartBy = defaultGranularity(range.start, range.end);
  const months = new PeriodAccumulator(calendarPeriods(range, 'month'));
  const chart = new PeriodAccumulator(calendarPeriods(range, chartBy));
  const overall = new ScoreAccumulator(range.start.getTime());
  let totalMinutes = 0;
  let withoutDuration = 0;
  let lowSessions = 0;
  const crisisEvents: CrisisEvent[] = [];
  const estimatedIds = new Set((input.estimated ?? []).map((mood) => mood.session_id));
  const ratedBy = input.ratedBy ?? 'any';
  let sessionsCount = 0;
  let estimatedCount = 0;
  // The newest sessions, oldest first while the stream runs (it comes oldest first).
  const newest: SessionSummary[] = [];
  for (const row of input.sessions) {
    const at = Date.parse(row.timestamp);
    sessionsCount++;
    const moodEstimated = estimatedIds.has(row.session_id);
    if (moodEstimated) estimatedCount++;
    // --rated-by clinician: an estimated mood is left out of the mood figures; the session stays.
    if (!moodEstimated || ratedBy === 'any') {
      overall.add(at, row.emotional_score);
      if (row.emotional_score <= LOW_MOOD_MEAN) lowSessions++;
      months.add(at, row.emotional_score);
      chart.add(at, row.emotional_score);
    }
    if (row.session_duration_minutes === null) withoutDuration++;
    else totalMinutes += row.session_duration_minutes;
    const summary: SessionSummary = {
      session_id: row.session_id,
      timestamp: row.timestamp,
      emotional_state: stateOf(row.emotional_score),
      emotional_score: row.emotional_score,
      session_duration_minutes: row.session_duration_minutes,
      crisis_flags: JSON.parse(row.crisis_flags) as string[],
      conversation_summary: row.conversation_summary,
      signed: row.signed_at != null,
      mood_estimated: moodEstimated,
    };
    if (summary.crisis_flags.length > 0) {
      crisisEvents.push({
        session_id: summary.session_id, timestamp: summary.timestamp, emotional_state: summary.emotional_state,
        emotional_score: summary.emotional_score, crisis_flags: summary.crisis_flags, conversation_summary: summary.conversation_summary,
        signed: summary.signed, mood_estimated: moodEstimated,
      });
    }
    newest.push(summary);
    if (newest.length > LISTED_SESSIONS) newest.shift();
  }
  const trend = summaryOf(range, overall);
  const goals = goalsAt(input.goals, input.history, range);
  const { movement, meanChange } = goalMovement(goals);
  const persistentlyLowMood = isPersistentlyLow(trend.data_points, lowSessions, trend.avg_emotional_score);
  const measures = summarizeMeasures(input.measures ?? [], input.baselines ?? []);
  const { trajectory, row } = overallTrajectory({
    sessions: sessionsCount, mood: trend.trend_direction, goals: movement, measures: measureMovement(measures),
    crisisInTimeframe: crisisEvents.length > 0, openRisk: input.openRisks.length > 0,
    riskItemInTimeframe: riskItemAnswers(measures).length > 0, persistentlyLowMood,
  });
  const concerns = concernsOf(input.openRisks, crisisEvents, trend, persistentlyLowMood, lowSessions, measures, sessionsCount);
  const report: ProgressReport = {
    client_id: input.clientId,
    report_date: input.now.toISOString(),
    timeframe_start: range.start.toISOString(),
    timeframe_end: range.end.toISOString(),
    sessions_count: sessionsCount,
    total_minutes: totalMinutes,
    goal_progress: Object.fromEntries(goals.map((goal) => [goal.goal_id, goal.completion_percentage])),
    goals,
    emotional_trends: months.summaries(),
    overall_emotional_trend: trend,
    key_milestones: input.milestones,
    crisis_events: crisisEvents,
    overall_trajectory: trajectory,
    recommendations: recommendations({
      asOf: new Date(Math.min(range.end.getTime(), input.now.getTime())), crisisEvents,
      openRisks: input.openRisks, goals, lastSession: input.lastSession, trend, movement, meanGoalChange: meanChange,
      persistentlyLowMood, lowSessions, measures,
    }),
    summary: '',
    open_risks: input.openRisks,
    concerns,
    headline: `${trajectory.replace('_', ' ')}${concerns.length > 0 ? ` — ${concerns.join('; ')}` : ''}`,
    trajectory_rule: row,
    sessions_without_duration: withoutDuration,
    session_summaries: newest.reverse(),
    sessions_not_listed: sessionsCount - newest.length,
    measures,
    risk_history: input.riskHistory ?? [],
    course: input.course ?? null,
    off_track: input.offTrack ?? [],
    mood_ratings: {
      rated_by: ratedBy,
      clinician_rated: sessionsCount - estimatedCount,
      estimated: estimatedCount,
      left_out: ratedBy === 'clinician' ? estimatedCount : 0,
    },
  };
  report.summary = summaryParagraph(report, movement, meanChange);
  return { report, chart: { by: chartBy, periods: chart.summaries() } };
}

/** The concerns a headline names, most pressing first. */
function concernsOf(
  openRisks: readonly OpenRisk[], crisisEvents: readonly CrisisEvent[], trend: TrendSummary, persistentlyLowMood: boolean,
  lowSessions: number, measures: MeasuresSection, sessions: number,
): string[] {
  const concerns: string[] = [];
  if (openRisks.length > 0) {
    concerns.push(`open risk${openRisks.length === 1 ? '' : 's'}: ${openRisks.map((risk) =>
      `${risk.kind} (since ${localDateString(new Date(risk.opened_at))})`).join(', ')}`);
  }
  if (crisisEvents.length > 0) {
    concerns.push(`crisis flags in ${plural(crisisEvents.length, 'session')} of this timeframe (${flagsOf(crisisEvents).join(', ')})`);
  }
  for (const { measure, answers } of riskItemAnswers(measures)) {
    concerns.push(`${measure.name} item ${measureDefinition(measure.measure).riskItem} answered ${answers.map((point) =>
      `${riskItemWords(point)} on ${localDateString(new Date(point.timestamp))}`).join(', ')}`);
  }
  for (const measure of measures.measures) {
    const definition = measureDefinition(measure.measure);
    if (definition.riskItem > 0 && measure.latest.risk_item_answer === null && riskItemOf(measure.latest) === 0) {
      concerns.push(`${measure.name} ${riskItemUnknown(definition, measure.latest)}`);
    }
  }
  for (const measure of measures.measures) {
    const deteriorated = deteriorationOf(measure);
    if (deteriorated) concerns.push(`${measure.name} reliably deteriorated (${deteriorated.from.total} → ${measure.latest.total}${deteriorated.since})`);
  }
  if (persistentlyLowMood) concerns.push(`persistently low mood (${lowMoodWords(trend, lowSessions)})`);
  for (const measure of measures.measures) {
    if (measure.latest.at_caseness) {
      concerns.push(`${measure.name} at caseness (latest ${measure.latest.total}, ${measure.latest.band}, on ` +
        `${localDateString(new Date(measure.latest.timestamp))}; caseness ≥ ${measure.caseness})`);
    }
  }
  if (sessions === 0) concerns.push('no sessions in this timeframe');
  return concerns;
}

/** How the measures moved, for the trajectory rule (see `MeasureMovement`). */
export function measureMovement(section: MeasuresSection): MeasureMovement {
  const changes = section.measures.flatMap((measure) => [measure.reliable_change, measure.reliable_change_from_baseline])
    .filter((change) => change !== null);
  if (changes.length === 0) return 'none';
  if (changes.includes('reliable_deterioration')) return 'deteriorated';
  // An improvement counts only when it happened in the timeframe: the report says how this timeframe went.
  if (section.measures.some((measure) => measure.reliable_change === 'reliable_improvement')) return 'improved';
  return 'no_reliable_change';
}

/**
 * A measure's reliable deterioration, since its baseline or else in the timeframe: the score it is
 * measured from, and the words that say which ("" for the timeframe's first score).
 */
export function deteriorationOf(measure: MeasureTrend): { from: MeasurePoint; since: string } | null {
  if (measure.reliable_change_from_baseline === 'reliable_deterioration') {
    const sinceBaseline = measure.baseline.measure_id === measure.first.measure_id ? '' : ` since the baseline on ${localDateString(new Date(measure.baseline.timestamp))}`;
    return { from: measure.baseline, since: sinceBaseline };
  }
  if (measure.reliable_change === 'reliable_deterioration') return { from: measure.first, since: '' };
  return null;
}

/** "2" for an answer, "at least 2 (implied by the total 26)" for a total that proves it. */
export function riskItemWords(point: MeasurePoint): string {
  return point.risk_item_answer !== null ? String(point.risk_item_answer) : `at least ${point.risk_item_implied} (implied by the total ${point.total})`;
}

/** "mean -2 over 12 sessions", or "9 of 10 sessions at -1 or below, mean -0.9". */
export function lowMoodWords(trend: TrendSummary, lowSessions: number): string {
  const mean = `mean ${signed(trend.avg_emotional_score!)}`;
  return trend.avg_emotional_score! <= LOW_MOOD_MEAN
    ? `${mean} over ${plural(trend.data_points, 'session')}`
    : `${lowSessions} of ${trend.data_points} sessions at -1 or below, ${mean}`;
}

/** Per measure, its scores of the timeframe whose risk item was answered above 0, or proved so by the total. */
function riskItemAnswers(section: MeasuresSection): { measure: MeasureTrend; answers: MeasurePoint[] }[] {
  return section.measures
    .map((measure) => ({ measure, answers: measure.scores.filter((point) => riskItemOf(point) > 0) }))
    .filter(({ answers }) => answers.length > 0);
}

/** The distinct flags of some sessions, in the order first seen. */
export function flagsOf(events: readonly { crisis_flags: readonly string[] }[]): string[] {
  return [...new Set(events.flatMap((event) => event.crisis_flags))];
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
    const before = entries.filter((entry) => entry.at <= startIso);
    const atStart = before[before.length - 1] ?? entries[0]!;
    const setInTimeframe = before.length === 0;
    goals.push({
      goal_id: header.goal_id,
      description: header.description,
      target_date: header.target_date,
      status: last.status,
      completion_percentage: last.completion_percentage,
      progress_at_start: atStart.completion_percentage,
      progress_change: round4(last.completion_percentage - atStart.completion_percentage),
      set_in_timeframe: setInTimeframe,
      closed_before_timeframe: !setInTimeframe && last === atStart
        && (atStart.status === 'achieved' || atStart.status === 'discontinued'),
    });
  }
  return goals;
}

/**
 * How goal progress moved: the mean change over the goals that vote: not discontinued at the
 * end, and not achieved or discontinued before the timeframe (a goal closed long ago has no say
 * in how the client is doing now).
 */
export function goalMovement(goals: readonly ReportGoal[]): { movement: GoalMovement; meanChange: number | null } {
  const counted = goals.filter((goal) => goal.status !== 'discontinued' && !goal.closed_before_timeframe);
  if (counted.length === 0) return { movement: 'none', meanChange: null };
  const meanChange = round4(counted.reduce((sum, goal) => sum + goal.progress_change, 0) / counted.length);
  const movement = meanChange >= GOAL_MOVEMENT_POINTS ? 'advancing' : meanChange <= -GOAL_MOVEMENT_POINTS ? 'slipping' : 'steady';
  return { movement, meanChange };
}

const moodValues = (n: number) => `${n} mood value${n === 1 ? '' : 's'}`;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const signed = (value: number) => `${value > 0 ? '+' : ''}${value}`;

/** "3 sessions (150 minutes in all; 1 without a recorded duration)", as a report says it. */
export function sessionsPhrase(count: number, minutes: number, withoutDuration: number): string {
  if (count === 0) return 'no sessions';
  if (withoutDuration === count) return `${plural(count, 'session')} (duration not recorded)`;
  return `${plural(count, 'session')} (${minutes} minutes in all` +
    (withoutDuration > 0 ? `; ${withoutDuration} without a recorded duration)` : ')');
}

function summaryParagraph(report: ProgressReport, movement: GoalMovement, meanChange: number | null): string {
  const trend = report.overall_emotional_trend;
  const from = localDateString(new Date(report.timeframe_start));
  const to = localDateString(new Date(report.timeframe_end));
  const parts = [
    `Between ${from} and ${to}, ${report.client_id} attended ` +
    `${sessionsPhrase(report.sessions_count, report.total_minutes, report.sessions_without_duration)}.`,
  ];
  const ratings = report.mood_ratings;
  if (ratings.estimated > 0) {
    parts.push(ratings.left_out > 0
      ? `${moodValues(ratings.estimated)} estimated by a machine and not confirmed by a clinician ${ratings.estimated === 1 ? 'is' : 'are'} left out of the mood figures (${ratings.clinician_rated} clinician-rated).`
      : `${ratings.estimated} of ${moodValues(report.sessions_count)} ${ratings.estimated === 1 ? 'was' : 'were'} estimated by a machine and not yet confirmed by a clinician (counted; --rated-by clinician leaves them out).`);
  }
  if (trend.avg_emotional_score !== null) {
    const direction = trend.slope_per_30_days === null
      ? noTrendReason(trend)
      : `trend ${trend.trend_direction} (${signed(trend.slope_per_30_days)} per 30 days)`;
    parts.push(
      `Mean emotional score ${signed(trend.avg_emotional_score)} on the −2 to +2 scale, ${direction}, volatility ${trend.volatility}.`,
    );
  }
  if (report.goals.length > 0) {
    const list = report.goals.map((goal) => `${goal.goal_id} at ${goal.completion_percentage}% ` +
      `(${signed(goal.progress_change)}${goal.set_in_timeframe ? ', new' : ''}${goal.closed_before_timeframe ? `, ${goal.status} before this timeframe` : ''})`);
    const moved = meanChange === null ? '' : `; goal progress ${movement} (${signed(meanChange)} points on average)`;
    parts.push(`Goals: ${list.join(', ')}${moved}.`);
  } else {
    parts.push('No goals are set.');
  }
  if (report.key_milestones.length > 0) parts.push(`${plural(report.key_milestones.length, 'milestone')} reached.`);
  parts.push(
    report.crisis_events.length > 0
      ? `${plural(report.crisis_events.length, 'session')} carried crisis flags (${flagsOf(report.crisis_events).join(', ')}).`
      : 'No crisis flags were recorded in this timeframe.',
  );
  if (report.open_risks.length > 0) {
    parts.push(`Open risks, not yet resolved: ${report.open_risks.map((risk) =>
      `${risk.kind} (open since ${localDateString(new Date(risk.opened_at))}, last flagged ${localDateString(new Date(risk.last_flagged_at))})`).join(', ')}.`);
  }
  parts.push(`Overall trajectory: ${report.headline}.`);
  return parts.join(' ');
}

/** `tpt report`: reads the client's records in the timeframe (with its audit entry) and builds the report. */
export async function progressReport(
  records: RecordStore, clientId: string, timeframe: Timeframe, who: Actor, ratedBy: RatedBy = 'any',
): Promise<ReportView> {
  checkId(clientId, 'client');
  return readLogged(records, { action: 'report.read', client_id: clientId }, who, async (tx) => {
    await requireClientIn(tx, clientId);
    const range = await rangeOf(tx, clientId, timeframe);
    const [startIso, endIso] = [range.start.toISOString(), range.end.toISOString()];
    const goals = await tx.care.goalsCreatedBy(clientId, endIso);
    const history = await tx.care.goalHistoryUpTo(clientId, endIso);
    const milestones = await tx.care.milestonesBetween(clientId, localDateString(range.start), localDateString(range.end));
    const lastSession = await tx.care.lastSessionAtOrBefore(clientId, endIso);
    const openRisks = await openRisksIn(tx, clientId);
    const measures = await tx.care.measuresBetween(clientId, startIso, endIso);
    const { course, baselines } = await courseBaselines(tx, clientId, endIso);
    const offTrack = await offTrackAlerts(tx, clientId, new Date(Math.min(range.end.getTime(), who.now.getTime())));
    const riskHistory = await riskHistoryIn(tx, clientId, startIso, endIso);
    const sessions = await tx.care.reportSessions(clientId, startIso, endIso);
    const estimated = estimatedOf(await tx.sessions.machineWritten(clientId, { start: startIso, end: endIso }));
    return buildReport({
      clientId, now: who.now, range, sessions, goals, history, milestones, lastSession, openRisks, measures, baselines,
      riskHistory, course, offTrack, estimated, ratedBy,
    });
  });
}

/** `--rated-by any|clinician`, as typed. */
export function parseRatedBy(text: string): RatedBy {
  const value = text.trim().toLowerCase();
  if (!(RATED_BY as readonly string[]).includes(value)) {
    throw new InputError(`invalid --rated-by "${text}": use clinician (leave out moods a machine estimated) or any`);
  }
  return value as RatedBy;
}
