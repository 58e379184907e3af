import type { CrisisEvent, GoalMovement, ReportGoal } from './report.js';
import type { TrendSummary } from './trends.js';
import { localDateString } from './time.js';

/**
 * The rules behind `recommendations` (SPEC §3). Each rule is a plain, documented condition
 * (docs/analytics.md lists them with the same numbers), so a clinician can trace every sentence.
 */

/** Rule 3: this long without a session, as of the end of the timeframe, is worth a call. */
export const NO_SESSION_DAYS = 21;
/** Rule 5: a sample standard deviation of scores at or above this is "high volatility". */
export const HIGH_VOLATILITY = 1.0;

export interface RecommendationFacts {
  /** The end of the timeframe, or now if that is earlier: the rules never judge the future. */
  asOf: Date;
  crisisEvents: readonly CrisisEvent[];
  goals: readonly ReportGoal[];
  /** The last session at or before the end of the timeframe (UTC ISO), if any. */
  lastSession: string | undefined;
  trend: TrendSummary;
  movement: GoalMovement;
  meanGoalChange: number | null;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const signed = (value: number) => `${value > 0 ? '+' : ''}${value}`;

export function recommendations(facts: RecommendationFacts): string[] {
  const out: string[] = [];
  const asOfDate = localDateString(facts.asOf);

  // 1. Crisis flags in the timeframe.
  if (facts.crisisEvents.length > 0) {
    const flags = [...new Set(facts.crisisEvents.flatMap((event) => event.crisis_flags))].join(', ');
    out.push(
      `${plural(facts.crisisEvents.length, 'session')} in this timeframe carried crisis flags (${flags}): ` +
      'review the risk assessment and the safety plan at the next session.',
    );
  }

  // 2. A goal past its target date and not complete.
  for (const goal of facts.goals) {
    if (goal.target_date === null || goal.target_date >= asOfDate) continue;
    if (goal.completion_percentage >= 100 || (goal.status !== 'active' && goal.status !== 'paused')) continue;
    out.push(
      `Goal ${goal.goal_id} ("${goal.description}") passed its target date ${goal.target_date} at ` +
      `${goal.completion_percentage}%: review it with the client and set a new target or adjust the goal.`,
    );
  }

  // 3. No session for a while (measured to the end of the timeframe, or now).
  if (facts.lastSession === undefined) {
    out.push('No session is on record up to the end of this timeframe: schedule a first session.');
  } else {
    const days = Math.floor((facts.asOf.getTime() - Date.parse(facts.lastSession)) / 86_400_000);
    if (days >= NO_SESSION_DAYS) {
      out.push(
        `No session for ${Math.floor(days / 7)} weeks (the last was on ${localDateString(new Date(facts.lastSession))}): ` +
        'consider contacting the client to schedule one.',
      );
    }
  }

  // 4. A declining mood trend.
  if (facts.trend.trend_direction === 'declining') {
    out.push(
      `Mood declined over this timeframe (${signed(facts.trend.slope_per_30_days)} per 30 days): ` +
      'explore what has changed and consider revising the treatment plan.',
    );
  }

  // 5. High volatility.
  if (facts.trend.data_points >= 3 && facts.trend.volatility >= HIGH_VOLATILITY) {
    out.push(
      `Mood varied widely from session to session (volatility ${facts.trend.volatility}): ` +
      'look for triggers between sessions, for example with a daily mood diary.',
    );
  }

  // 6. Goals slipping.
  if (facts.movement === 'slipping' && facts.meanGoalChange !== null) {
    out.push(
      `Goal progress slipped in this timeframe (${signed(facts.meanGoalChange)} points on average): ` +
      'revisit the goals with the client and what stands in their way.',
    );
  }

  // 7. No active goal.
  if (!facts.goals.some((goal) => goal.status === 'active')) {
    out.push('No active goal at the end of this timeframe: consider agreeing on a therapeutic goal together.');
  }

  // 8. Too few sessions to judge the mood trend.
  if (facts.trend.data_points > 0 && facts.trend.trend_direction === 'insufficient_data') {
    out.push(
      `Only ${plural(facts.trend.data_points, 'session')} in this timeframe, too few to judge the mood trend: ` +
      'look at a longer timeframe (for example --last 3m).',
    );
  }

  // 9. Nothing above applied.
  if (out.length === 0) {
    out.push('No rule raised a concern: continue the current plan and review progress again next month.');
  }
  return out;
}
