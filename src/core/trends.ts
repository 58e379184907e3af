import type { ReadTx, RecordStore } from '../store/port.js';
import type { CrisisSession, ScorePoint } from '../store/port-care.js';
import { readLogged } from './audit.js';
import { requireClientIn } from './clients.js';
import { checkId } from './ids.js';
import type { Actor } from './model.js';
import { calendarPeriods, defaultGranularity, type Granularity, type Period } from './periods.js';
import { openRisksIn, type OpenRisk } from './risks.js';
import { ScoreAccumulator, type ScoreStatistics } from './stats.js';
import type { Timeframe } from './timeframe.js';
import { measuresSection, type MeasuresSection } from './measure-summary.js';
import type { MoodRatings, RatedBy } from './report.js';
import { estimatedOf } from './labels.js';

/** One period's numbers (SPEC §3); the instants are UTC ISO 8601, both inclusive. */
export interface TrendSummary extends ScoreStatistics {
  period_start: string;
  period_end: string;
}

/**
 * `tpt trends --json` (SPEC §3), keys in this order; `crisis_events` follows, since crisis flags
 * are shown wherever a session is covered (SPEC §2).
 */
export interface TrendsReport {
  client_id: string;
  timeframe_start: string;
  timeframe_end: string;
  by: Granularity;
  overall: TrendSummary;
  periods: TrendSummary[];
  crisis_events: CrisisSession[];
  /** The client's open risks, whatever the timeframe. */
  open_risks: OpenRisk[];
  /** The outcome measures of the timeframe (README, "Outcome measures"). */
  measures: MeasuresSection;
  /** Clinician-rated and machine-estimated moods of the timeframe, and which the figures count (issue 25). */
  mood_ratings: MoodRatings;
}

/** A timeframe with a known start: "from the first record" becomes the client's first session. */
export interface Range {
  start: Date;
  end: Date;
}

export async function rangeOf(tx: ReadTx, clientId: string, timeframe: Timeframe): Promise<Range> {
  if (timeframe.start) return { start: timeframe.start, end: timeframe.end };
  const first = await tx.care.firstSessionAt(clientId);
  const start = first ? new Date(first) : timeframe.end;
  return { start: start.getTime() > timeframe.end.getTime() ? timeframe.end : start, end: timeframe.end };
}

/** Scores falling into consecutive periods, fed oldest first (one pass, one pointer). */
export class PeriodAccumulator {
  private readonly accumulators: ScoreAccumulator[];
  private index = 0;

  constructor(private readonly periods: readonly Period[]) {
    this.accumulators = periods.map((period) => new ScoreAccumulator(period.start.getTime()));
  }

  add(at: number, score: number): void {
    while (this.index < this.periods.length - 1 && at > this.periods[this.index]!.end.getTime()) this.index++;
    this.accumulators[this.index]?.add(at, score);
  }

  summaries(): TrendSummary[] {
    return this.periods.map((period, i) => summaryOf(period, this.accumulators[i]!));
  }
}

/**
 * The overall numbers and those of every calendar period, in one pass over the scores (which
 * must come oldest first, all inside the range).
 */
export function summarizeScores(
  points: Iterable<ScorePoint>, range: Range, periods: readonly Period[],
): { overall: TrendSummary; periods: TrendSummary[] } {
  const overall = new ScoreAccumulator(range.start.getTime());
  const perPeriod = new PeriodAccumulator(periods);
  for (const point of points) {
    const at = Date.parse(point.timestamp);
    overall.add(at, point.emotional_score);
    perPeriod.add(at, point.emotional_score);
  }
  return { overall: summaryOf(range, overall), periods: perPeriod.summaries() };
}

export function summaryOf(period: { start: Date; end: Date }, accumulator: ScoreAccumulator): TrendSummary {
  return { period_start: period.start.toISOString(), period_end: period.end.toISOString(), ...accumulator.result() };
}

/** Reads one client's scores in the range and summarizes them by calendar period. */
export async function trendsOver(tx: ReadTx, clientId: string, range: Range, by: Granularity, ratedBy: RatedBy = 'any') {
  const periods = calendarPeriods(range, by);
  const [start, end] = [range.start.toISOString(), range.end.toISOString()];
  const scores = await tx.care.scores(clientId, start, end);
  const estimated = estimatedOf(await tx.sessions.machineWritten(clientId, { start, end }));
  const counted = ratedBy === 'clinician' ? withoutEstimated(scores, estimated) : scores;
  const ratings: MoodRatings = {
    rated_by: ratedBy,
    clinician_rated: scores.length - estimated.length,
    estimated: estimated.length,
    left_out: scores.length - counted.length,
  };
  return { ...summarizeScores(counted, range, periods), ratings };
}

/**
 * The scores with the estimated moods taken out, one score of the same time and value for each
 * (the scores carry no session id; two such scores are the same point to every figure).
 */
export function withoutEstimated(scores: readonly ScorePoint[], estimated: readonly ScorePoint[]): ScorePoint[] {
  const pending = new Map<string, number>();
  const keyOf = (point: ScorePoint) => `${Date.parse(point.timestamp)} ${point.emotional_score}`;
  for (const point of estimated) pending.set(keyOf(point), (pending.get(keyOf(point)) ?? 0) + 1);
  return scores.filter((point) => {
    const left = pending.get(keyOf(point)) ?? 0;
    if (left === 0) return true;
    pending.set(keyOf(point), left - 1);
    return false;
  });
}

/** `tpt trends`: the client's emotional trend over the timeframe, by calendar period. */
export async function emotionalTrends(
  records: RecordStore, clientId: string, timeframe: Timeframe, by: Granularity | undefined, who: Actor,
  ratedBy: RatedBy = 'any',
): Promise<TrendsReport> {
  checkId(clientId, 'client');
  return readLogged(records, { action: 'trends.read', client_id: clientId }, who, async (tx) => {
    await requireClientIn(tx, clientId);
    const range = await rangeOf(tx, clientId, timeframe);
    const granularity = by ?? defaultGranularity(range.start, range.end);
    const { overall, periods, ratings } = await trendsOver(tx, clientId, range, granularity, ratedBy);
    return {
      client_id: clientId,
      timeframe_start: range.start.toISOString(),
      timeframe_end: range.end.toISOString(),
      by: granularity,
      overall,
      periods,
      crisis_events: await tx.care.crisisSessions(clientId, range.start.toISOString(), range.end.toISOString()),
      open_risks: await openRisksIn(tx, clientId),
      measures: await measuresSection(tx, clientId, range),
      mood_ratings: ratings,
    };
  });
}
