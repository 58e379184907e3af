/**
 * The numbers of SPEC §3 over emotional scores in time. One pass, constant memory: the
 * accumulator takes the scores as the database streams them and never holds the rows. The sums
 * are exact (scores are whole numbers, times whole milliseconds, the time sums BigInt), so every
 * figure is rounded once, from its exact value, half away from zero.
 */

export type TrendDirection = 'improving' | 'stable' | 'declining' | 'insufficient_data';

/** The slope per 30 days at or beyond which a trend counts as improving (or, negated, declining). */
export const DIRECTION_THRESHOLD = 0.25;

/** A slope and a direction need at least this many sessions… */
export const MIN_POINTS_FOR_DIRECTION = 3;
/** …spanning at least this many days… */
export const MIN_DAYS_SPANNED = 14;
/** …on at least this many distinct local calendar days. */
export const MIN_DISTINCT_DAYS = 3;

const DAY_MS = 86_400_000;
const SLOPE_UNIT = 30n * BigInt(DAY_MS); // per millisecond → per 30 days
const SCALE = 10_000n; // 4 decimals

export interface ScoreStatistics {
  avg_emotional_score: number | null;
  trend_direction: TrendDirection;
  volatility: number;
  /** null when the sessions do not give a trend time (see `hasTimeForTrend`). */
  slope_per_30_days: number | null;
  data_points: number;
}

/** Exact running sums of scores y and times x (ms from `origin`). */
export class ScoreAccumulator {
  private n = 0;
  private sumY = 0;
  private sumYY = 0;
  private sumX = 0n;
  private sumXX = 0n;
  private sumXY = 0n;
  private first = Infinity;
  private last = -Infinity;
  /** Local calendar days seen, up to MIN_DISTINCT_DAYS (no more are needed). */
  private readonly days = new Set<number>();

  /** `at` in epoch milliseconds; x is measured from `origin` (also epoch ms) to keep the sums small. */
  constructor(private readonly origin = 0) {}

  add(at: number, score: number): void {
    const x = BigInt(Math.round(at - this.origin));
    const y = BigInt(score);
    this.n += 1;
    this.sumY += score;
    this.sumYY += score * score;
    this.sumX += x;
    this.sumXX += x * x;
    this.sumXY += x * y;
    if (at < this.first) this.first = at;
    if (at > this.last) this.last = at;
    if (this.days.size < MIN_DISTINCT_DAYS) {
      const date = new Date(at);
      this.days.add(date.getFullYear() * 10_000 + date.getMonth() * 100 + date.getDate());
    }
  }

  get count(): number {
    return this.n;
  }

  /**
   * Whether the sessions give a trend time: at least 3 of them, spanning at least 14 days, on at
   * least 3 distinct local days (so a burst of sessions in one afternoon claims no trend).
   */
  hasTimeForTrend(): boolean {
    return this.n >= MIN_POINTS_FOR_DIRECTION && this.last - this.first >= MIN_DAYS_SPANNED * DAY_MS
      && this.days.size >= MIN_DISTINCT_DAYS;
  }

  result(): ScoreStatistics {
    const n = BigInt(this.n);
    const slope = this.hasTimeForTrend()
      // OLS slope per ms = (nΣxy − ΣxΣy) / (nΣx² − (Σx)²); the denominator is > 0 once time passes.
      ? roundRatio(SLOPE_UNIT * (n * this.sumXY - this.sumX * BigInt(this.sumY)), n * this.sumXX - this.sumX * this.sumX)
      : null;
    return {
      avg_emotional_score: this.n === 0 ? null : roundRatio(BigInt(this.sumY), n),
      trend_direction: slope === null ? 'insufficient_data' : directionOf(slope),
      // Sample standard deviation √((nΣy² − (Σy)²) / (n(n − 1))); 0 when n < 2 (SPEC §3).
      volatility: this.n < 2 ? 0 : roundSqrtRatio(n * BigInt(this.sumYY) - BigInt(this.sumY) ** 2n, n * (n - 1n)),
      slope_per_30_days: slope,
      data_points: this.n,
    };
  }
}

/** The direction of SPEC §3, decided on the slope as shown (rounded to 4 decimals). */
export function directionOf(slopePer30Days: number): Exclude<TrendDirection, 'insufficient_data'> {
  if (slopePer30Days >= DIRECTION_THRESHOLD) return 'improving';
  if (slopePer30Days <= -DIRECTION_THRESHOLD) return 'declining';
  return 'stable';
}

/** Why there is no direction: too few sessions, or too little time between them. */
export function noTrendReason(trend: { data_points: number }): string {
  return trend.data_points < MIN_POINTS_FOR_DIRECTION
    ? `too few sessions to judge a trend (${MIN_POINTS_FOR_DIRECTION} needed)`
    : `too little time to judge a trend (it needs sessions spanning ${MIN_DAYS_SPANNED} days, on ${MIN_DISTINCT_DAYS} different days)`;
}

/** The statistics of a list of (epoch ms, score) points. */
export function scoreStatistics(points: readonly { at: number; score: number }[]): ScoreStatistics {
  const accumulator = new ScoreAccumulator(points[0]?.at ?? 0);
  for (const point of points) accumulator.add(point.at, point.score);
  return accumulator.result();
}

/** p / q (q > 0) rounded to 4 decimals, half away from zero, exactly. */
export function roundRatio(p: bigint, q: bigint): number {
  const scaled = (p < 0n ? -p : p) * SCALE;
  const units = (2n * scaled + q) / (2n * q); // ⌊|p|/q · 10⁴ + ½⌋
  return toNumber(p < 0n ? -units : units);
}

/** √(p / q) (p ≥ 0, q > 0) rounded to 4 decimals, half up, exactly. */
export function roundSqrtRatio(p: bigint, q: bigint): number {
  if (p <= 0n) return 0;
  // k = ⌊√(10⁸ p / q) + ½⌋ is the whole number with (2k − 1)² q ≤ 4·10⁸ p < (2k + 1)² q.
  const target = 4n * SCALE * SCALE * p;
  let k = BigInt(Math.round(Number(SCALE) * Math.sqrt(Number(p) / Number(q))));
  while ((2n * k + 1n) ** 2n * q <= target) k += 1n;
  while (k > 0n && (2n * k - 1n) ** 2n * q > target) k -= 1n;
  return toNumber(k);
}

function toNumber(units: bigint): number {
  const value = Number(units) / 10_000;
  return value === 0 ? 0 : value;
}

/** Rounds a measured value (such as a percentage) to 4 decimals, half away from zero; never -0. */
export function round4(value: number): number {
  const rounded = Math.sign(value) * Math.round(Math.abs(value) * 10_000) / 10_000;
  return rounded === 0 ? 0 : rounded;
}
