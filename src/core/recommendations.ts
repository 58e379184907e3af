import { measureDefinition } from './measure-scoring.js';
import type { MeasuresSection } from './measure-summary.js';
import { deteriorationOf, lowMoodWords, type CrisisEvent, type GoalMovement, type ReportGoal } from './report.js';
import type { OpenRisk } from './risks.js';
import { MIN_DAYS_SPANNED, MIN_DISTINCT_DAYS, MIN_POINTS_FOR_DIRECTION } from './stats.js';
import type { TrendSummary } from './trends.js';
import { localDateString } from './time.js';

/**
 * The rules behind `recommendations` (SPEC §3). Each rule is a plain, documented condition (the
 * README lists them with the same numbers), so a clinician can trace every sentence.
 */

/** Rule 5: this long without a session, as of the end of the timeframe, is worth a call. */
export const NO_SESSION_DAYS = 21;
/** Rule 8: a sample standard deviation of scores at or above this is "high volatility". */
export const HIGH_VOLATILITY = 1.0;

export interface RecommendationFacts {
  /** The end of the timeframe, or now if that is earlier: the rules never judge the future. */
  asOf: Date;
  crisisEvents: readonly CrisisEvent[];
  openRisks: readonly OpenRisk[];
  goals: readonly ReportGoal[];
  /** The last session at or before the end of the timeframe (UTC ISO), if any. */
  lastSession: string | undefined;
  trend: TrendSummary;
  movement: GoalMovement;
  meanGoalChange: number | null;
  persistentlyLowMood: boolean;
  /** Sessions of the timeframe at −1 or below. */
  lowSessions: number;
  /** The outcome measures of the timeframe, each with its baseline. */
  measures: MeasuresSection;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const signed = (value: number) => `${value > 0 ? '+' : ''}${value}`;
const day = (iso: string) => localDateString(new Date(iso));

export function recommendations(facts: RecommendationFacts): string[] {
  const out: string[] = [];
  const asOfDate = localDateString(facts.asOf);
  const { trend } = facts;

  // 1. Crisis flags in the timeframe.
  if (facts.crisisEvents.length > 0) {
    const flags = [...new Set(facts.crisisEvents.flatMap((event) => event.crisis_flags))].join(', ');
    out.push(
      `${plural(facts.crisisEvents.length, 'session')} in this timeframe carried crisis flags (${flags}): ` +
      'review the risk assessment and the safety plan at the next session.',
    );
  }

  // 2. Open risks, whatever the timeframe.
  if (facts.openRisks.length > 0) {
    const risks = facts.openRisks.map((risk) => `${risk.kind}, open since ${day(risk.opened_at)}, last flagged ${day(risk.last_flagged_at)}`);
    out.push(
      `${facts.openRisks.length === 1 ? 'A risk is' : `${facts.openRisks.length} risks are`} open (${risks.join('; ')}): ` +
      // No command line here: the report is shared as markdown; the terminal's open-risk block gives it.
      'review each at the next session, and when it no longer stands resolve it with a note.',
    );
  }

  // 3. Persistently low mood, even when flat.
  if (facts.persistentlyLowMood) {
    out.push(
      `Mood stayed low through this timeframe (${lowMoodWords(trend, facts.lowSessions)}), ` +
      'whatever its trend: review the risk assessment and whether the treatment plan is working.',
    );
  }

  // 4. A goal past its target date and not complete.
  for (const goal of facts.goals) {
    if (goal.target_date === null || goal.target_date >= asOfDate) continue;
    if (goal.completion_percentage >= 100 || (goal.status !== 'active' && goal.status !== 'paused')) continue;
    out.push(
      `Goal ${goal.goal_id} ("${goal.description}") passed its target date ${goal.target_date} at ` +
      `${goal.completion_percentage}%: review it with the client and set a new target or adjust the goal.`,
    );
  }

  // 5. No session for a while (measured to the end of the timeframe, or now).
  if (facts.lastSession === undefined) {
    out.push('No session is on record up to the end of this timeframe: schedule a first session.');
  } else {
    const days = Math.floor((facts.asOf.getTime() - Date.parse(facts.lastSession)) / 86_400_000);
    if (days >= NO_SESSION_DAYS) {
      out.push(
        `No session for ${Math.floor(days / 7)} weeks (the last was on ${day(facts.lastSession)}): ` +
        'consider contacting the client to schedule one.',
      );
    }
  }

  // 6. A declining mood trend.
  if (trend.trend_direction === 'declining' && trend.slope_per_30_days !== null) {
    out.push(
      `Mood declined over this timeframe (${signed(trend.slope_per_30_days)} per 30 days): ` +
      'explore what has changed and consider revising the treatment plan.',
    );
  }

  // 7. Outcome measures, judged from each measure's baseline (its first score on record): reliably
  //    worse; or at caseness and not reliably better than the baseline; or at caseness with no
  //    earlier score far enough apart to judge a change (one score never says "not improved").
  for (const measure of facts.measures.measures) {
    const { name, baseline, latest } = measure;
    const deteriorated = deteriorationOf(measure);
    if (deteriorated) {
      out.push(
        `${name} reliably deteriorated (${deteriorated.from.total} on ${day(deteriorated.from.timestamp)} → ${latest.total}, ${latest.band}): ` +
        'review the treatment plan and the risk assessment with the client.',
      );
    } else if (latest.at_caseness && measure.reliable_change_from_baseline === 'no_reliable_change') {
      out.push(
        `${name} is at caseness (latest ${latest.total}, ${latest.band}, on ${day(latest.timestamp)}) and not reliably ` +
        `improved since its baseline (${baseline.total} on ${day(baseline.timestamp)}): review whether the treatment plan is working.`,
      );
    } else if (latest.at_caseness && measure.reliable_change_from_baseline === null) {
      const recall = measureDefinition(measure.measure).recallDays;
      out.push(
        `${name} is at caseness (latest ${latest.total}, ${latest.band}, on ${day(latest.timestamp)}) with no earlier score at least ` +
        `${recall} days before it to judge a change: repeat it in ${recall === 14 ? '2 weeks' : 'a week'} and review the treatment plan then.`,
      );
    }
  }

  // 8. High volatility, over sessions that give a trend time (a burst in one afternoon does not).
  if (trend.trend_direction !== 'insufficient_data' && trend.volatility >= HIGH_VOLATILITY) {
    out.push(
      `Mood varied widely from session to session (volatility ${trend.volatility}): ` +
      'look for triggers between sessions, for example with a daily mood diary.',
    );
  }

  // 9. Goals slipping.
  if (facts.movement === 'slipping' && facts.meanGoalChange !== null) {
    out.push(
      `Goal progress slipped in this timeframe (${signed(facts.meanGoalChange)} points on average): ` +
      'revisit the goals with the client and what stands in their way.',
    );
  }

  // 10. No active goal.
  if (!facts.goals.some((goal) => goal.status === 'active')) {
    out.push('No active goal at the end of this timeframe: consider agreeing on a therapeutic goal together.');
  }

  // 11. Sessions, but too few or too close together to judge the mood trend.
  if (trend.data_points > 0 && trend.trend_direction === 'insufficient_data') {
    out.push(
      trend.data_points < MIN_POINTS_FOR_DIRECTION
        ? `Only ${plural(trend.data_points, 'session')} in this timeframe, too few to judge the mood trend: ` +
          'look at a longer timeframe (for example --last 3m).'
        : `The ${plural(trend.data_points, 'session')} of this timeframe span less than ${MIN_DAYS_SPANNED} days or fall on ` +
          `fewer than ${MIN_DISTINCT_DAYS} days, too little time to judge the mood trend: look at a longer timeframe (for example --last 3m).`,
    );
  }

  // 12. Nothing above applied.
  if (out.length === 0) {
    out.push('No rule raised a concern: continue the current plan and review progress again next month.');
  }
  return out;
}
