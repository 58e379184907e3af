import type { ReadTx } from '../store/port.js';
import { courseBaselines } from './courses.js';
import {
  core10Rci, farEnoughApart, MEASURE_KINDS, measureDefinition, reliableChange, talkingTherapiesOutcome,
  type MeasureDefinition, type MeasureKind, type ReliableChange, type TalkingTherapiesOutcome,
} from './measure-scoring.js';
import { scoreMeasure } from './measures.js';
import type { Measure } from './model.js';
import { localDateString } from './time.js';
import type { Timeframe } from './timeframe.js';

/** One score of a measure, as the measures section of `trends` and `report` shows it. */
export interface MeasurePoint {
  measure_id: string;
  timestamp: string;
  total: number;
  band: string;
  at_caseness: boolean;
  /** False for a total recorded without its items. */
  items_known: boolean;
  /** The items left unanswered, the total pro-rated over the others (CORE-10); empty otherwise. */
  missing_items: number[];
  risk_item_answer: number | null;
  /** Items unknown: the least answer the total proves for the risk item (0: unknown, ask). */
  risk_item_implied: number | null;
}

/** Per measure: its baseline, and the first, previous and latest score of the timeframe, the changes and their flags. */
export interface MeasureTrend {
  measure: MeasureKind;
  name: string;
  max: number;
  caseness: number;
  count: number;
  /** The first score of the course up to the end of the timeframe (with no course, the first on record). */
  baseline: MeasurePoint;
  first: MeasurePoint;
  /** The score before the latest; null with one score. */
  previous: MeasurePoint | null;
  latest: MeasurePoint;
  /** latest − first (negative is better on all three measures). */
  change: number;
  /** latest − previous; null with one score. */
  change_from_previous: number | null;
  /**
   * First to latest of the timeframe: reliable improvement, deterioration or neither; null with one
   * score, or when the two are less than the measure's recall period apart (no change is claimed).
   */
  reliable_change: ReliableChange | null;
  /** latest − baseline. */
  change_from_baseline: number;
  /** Baseline to latest, on the same terms as `reliable_change`. */
  reliable_change_from_baseline: ReliableChange | null;
  /** CORE-10 only: the Jacobson–Truax index of first to latest; null otherwise. */
  reliable_change_index: number | null;
  /** Plain words: caseness, reliable change, a risk item above 0 (with its date) or unknown. */
  flags: string[];
  /** Every score of the timeframe, oldest first (for the chart). */
  scores: MeasurePoint[];
}

/** A measure's score as NHS Talking Therapies' outcome uses it. */
export interface CourseScore {
  measure_id: string;
  timestamp: string;
  total: number;
}

export interface TalkingTherapiesSection extends TalkingTherapiesOutcome {
  /** Each measure's first score of the course (its baseline) and its latest in the timeframe. */
  phq9_first: CourseScore;
  phq9_last: CourseScore;
  gad7_first: CourseScore;
  gad7_last: CourseScore;
}

export interface MeasuresSection {
  measures: MeasureTrend[];
  /** The NHS Talking Therapies outcome of the course: null unless both PHQ-9 and GAD-7 have a first and a later score. */
  talking_therapies: TalkingTherapiesSection | null;
}

/** The measures section of a timeframe (no audit entry: the command that shows it writes one). */
export async function measuresSection(tx: ReadTx, clientId: string, timeframe: Timeframe): Promise<MeasuresSection> {
  const end = timeframe.end.toISOString();
  const all = await tx.care.measuresBetween(clientId, timeframe.start?.toISOString() ?? '', end);
  return summarizeMeasures(all, (await courseBaselines(tx, clientId, end)).baselines);
}

/**
 * The section from the measures of the timeframe (oldest first) and each measure's baseline (its
 * first score on record); without a baseline a measure's first score of the timeframe is its own.
 */
export function summarizeMeasures(all: readonly Measure[], baselines: readonly Measure[] = []): MeasuresSection {
  const measures: MeasureTrend[] = [];
  for (const kind of MEASURE_KINDS) {
    const ofKind = all.filter((measure) => measure.measure === kind);
    if (ofKind.length > 0) measures.push(trendOf(kind, ofKind, baselines.find((measure) => measure.measure === kind) ?? ofKind[0]!));
  }
  return { measures, talking_therapies: talkingTherapies(measures) };
}

export function pointOf(measure: Measure): MeasurePoint {
  const scored = scoreMeasure(measure);
  return {
    measure_id: measure.measure_id,
    timestamp: measure.timestamp,
    total: measure.total,
    band: scored.band,
    at_caseness: scored.at_caseness,
    items_known: measure.items !== null,
    missing_items: scored.missing_items,
    risk_item_answer: scored.risk_item_answer,
    risk_item_implied: scored.risk_item_implied,
  };
}

/** The risk item as far as a score tells it: answered, or proved by its total; 0 otherwise. */
export function riskItemOf(point: MeasurePoint): number {
  return point.risk_item_answer ?? point.risk_item_implied ?? 0;
}

/** Reliable change from one score to a later one, or null when they are the same score or too close together. */
export function claimedChange(definition: MeasureDefinition, from: MeasurePoint, to: MeasurePoint): ReliableChange | null {
  if (from.measure_id === to.measure_id || !farEnoughApart(definition, from.timestamp, to.timestamp)) return null;
  return reliableChange(definition, from.total, to.total);
}

function trendOf(kind: MeasureKind, measures: readonly Measure[], baselineMeasure: Measure): MeasureTrend {
  const definition = measureDefinition(kind);
  const scores = measures.map(pointOf);
  const first = scores[0]!;
  const latest = scores[scores.length - 1]!;
  const previous = scores.length > 1 ? scores[scores.length - 2]! : null;
  const baseline = pointOf(baselineMeasure);
  const change = latest.total - first.total;
  const reliable = claimedChange(definition, first, latest);
  const fromBaseline = claimedChange(definition, baseline, latest);
  const flags: string[] = [];
  flags.push(latest.at_caseness ? `at caseness (≥ ${definition.caseness})` : `below caseness (< ${definition.caseness})`);
  if (fromBaseline === 'reliable_improvement') flags.push(`reliable improvement since the baseline (${baseline.total} on ${day(baseline.timestamp)})`);
  if (fromBaseline === 'reliable_deterioration') flags.push(`reliable deterioration since the baseline (${baseline.total} on ${day(baseline.timestamp)})`);
  if (reliable === 'reliable_improvement') flags.push('reliable improvement in this timeframe');
  if (reliable === 'reliable_deterioration') flags.push('reliable deterioration in this timeframe');
  if (previous && reliable === null) {
    flags.push(`first and latest less than ${definition.recallDays} days apart: no change claimed (the ${definition.name} asks about the last ${definition.recallDays === 14 ? '2 weeks' : 'week'})`);
  }
  // Every answer above 0 to the risk item, in one flag: "item 9 (…) answered 1 on D1, 2 on D2".
  const answered = scores.filter((point) => riskItemOf(point) > 0).map((point) => point.risk_item_answer !== null
    ? `${point.risk_item_answer} on ${day(point.timestamp)}`
    : `at least ${point.risk_item_implied} (implied by the total ${point.total}) on ${day(point.timestamp)}`);
  if (answered.length > 0) flags.push(`item ${definition.riskItem} (${definition.riskTopic}) answered ${answered.join(', ')}`);
  const prorated = scores.filter((point) => point.missing_items.length > 0)
    .map((point) => `${point.total} on ${day(point.timestamp)} (item ${point.missing_items.join(', ')} not answered)`);
  if (prorated.length > 0) flags.push(`pro-rated: ${prorated.join(', ')}`);
  if (definition.riskItem > 0 && latest.risk_item_answer === null && riskItemOf(latest) === 0) flags.push(riskItemUnknown(definition, latest));
  return {
    measure: kind,
    name: definition.name,
    max: definition.max,
    caseness: definition.caseness,
    count: scores.length,
    baseline,
    first,
    previous,
    latest,
    change,
    change_from_previous: previous ? latest.total - previous.total : null,
    reliable_change: reliable,
    change_from_baseline: latest.total - baseline.total,
    reliable_change_from_baseline: fromBaseline,
    reliable_change_index: kind === 'core10' && previous ? Math.round(core10Rci(first.total, latest.total) * 10_000) / 10_000 : null,
    flags,
    scores,
  };
}

/** "item 9 (…) unknown: total only on D; ask about it" (or "not answered on D", a pro-rated CORE-10). */
export function riskItemUnknown(definition: MeasureDefinition, point: MeasurePoint): string {
  return `item ${definition.riskItem} (${definition.riskTopic}) unknown: ${point.items_known ? 'not answered' : 'total only'} on ${day(point.timestamp)}; ask about it`;
}

const day = (iso: string) => localDateString(new Date(iso));
const courseScore = (point: MeasurePoint): CourseScore => ({ measure_id: point.measure_id, timestamp: point.timestamp, total: point.total });

/**
 * NHS Talking Therapies' outcome of the course: each measure's own first score (its baseline) and
 * its latest, whatever the day or the time zone either was taken in.
 */
function talkingTherapies(measures: readonly MeasureTrend[]): MeasuresSection['talking_therapies'] {
  const phq9 = measures.find((measure) => measure.measure === 'phq9');
  const gad7 = measures.find((measure) => measure.measure === 'gad7');
  if (!phq9 || !gad7) return null;
  if (phq9.baseline.measure_id === phq9.latest.measure_id || gad7.baseline.measure_id === gad7.latest.measure_id) return null;
  return {
    phq9_first: courseScore(phq9.baseline),
    phq9_last: courseScore(phq9.latest),
    gad7_first: courseScore(gad7.baseline),
    gad7_last: courseScore(gad7.latest),
    ...talkingTherapiesOutcome({ phq9: phq9.baseline.total, gad7: gad7.baseline.total }, { phq9: phq9.latest.total, gad7: gad7.latest.total }),
  };
}
