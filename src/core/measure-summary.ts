import { measuresInRange } from '../db/measure-queries.js';
import type { Store } from '../db/store.js';
import {
  core10Rci, MEASURE_KINDS, measureDefinition, reliableChange, talkingTherapiesOutcome, type MeasureKind,
  type ReliableChange, type TalkingTherapiesOutcome,
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
  risk_item_answer: number | null;
}

/** Per measure over a timeframe: first, previous and latest score, the change and its flags. */
export interface MeasureTrend {
  measure: MeasureKind;
  name: string;
  max: number;
  caseness: number;
  count: number;
  first: MeasurePoint;
  /** The score before the latest; null with one score. */
  previous: MeasurePoint | null;
  latest: MeasurePoint;
  /** latest − first (negative is better on all three measures). */
  change: number;
  /** latest − previous; null with one score. */
  change_from_previous: number | null;
  /** First to latest: reliable improvement, deterioration or neither; null with one score. */
  reliable_change: ReliableChange | null;
  /** CORE-10 only: the Jacobson–Truax index of first to latest; null otherwise. */
  reliable_change_index: number | null;
  /** Plain words: caseness, reliable change, a risk item above 0 (with its date). */
  flags: string[];
  /** Every score, oldest first (for the chart). */
  scores: MeasurePoint[];
}

export interface MeasuresSection {
  measures: MeasureTrend[];
  /** The NHS Talking Therapies outcome from the first to the last PHQ-9 + GAD-7 pair; null without two pairs. */
  talking_therapies: (TalkingTherapiesOutcome & { first_pair_date: string; last_pair_date: string }) | null;
}

/** The measures section of a timeframe (no audit entry: the command that shows it writes one). */
export function measuresSection(store: Store, clientId: string, timeframe: Timeframe): MeasuresSection {
  const all = measuresInRange(store, clientId, timeframe.start?.toISOString() ?? null, timeframe.end.toISOString());
  return summarizeMeasures(all);
}

export function summarizeMeasures(all: readonly Measure[]): MeasuresSection {
  const measures: MeasureTrend[] = [];
  for (const kind of MEASURE_KINDS) {
    const ofKind = all.filter((measure) => measure.measure === kind);
    if (ofKind.length > 0) measures.push(trendOf(kind, ofKind));
  }
  return { measures, talking_therapies: talkingTherapies(all) };
}

function pointOf(measure: Measure): MeasurePoint {
  const scored = scoreMeasure(measure);
  return {
    measure_id: measure.measure_id,
    timestamp: measure.timestamp,
    total: measure.total,
    band: scored.band,
    at_caseness: scored.at_caseness,
    items_known: measure.items !== null,
    risk_item_answer: scored.risk_item_answer,
  };
}

function trendOf(kind: MeasureKind, measures: readonly Measure[]): MeasureTrend {
  const definition = measureDefinition(kind);
  const scores = measures.map(pointOf);
  const first = scores[0]!;
  const latest = scores[scores.length - 1]!;
  const previous = scores.length > 1 ? scores[scores.length - 2]! : null;
  const change = latest.total - first.total;
  const reliable = previous ? reliableChange(definition, first.total, latest.total) : null;
  const flags: string[] = [];
  flags.push(latest.at_caseness ? `at caseness (≥ ${definition.caseness})` : `below caseness (< ${definition.caseness})`);
  if (reliable === 'reliable_improvement') flags.push('reliable improvement');
  if (reliable === 'reliable_deterioration') flags.push('reliable deterioration');
  // Every answer above 0 to the risk item, in one flag: "item 9 (…) answered 1 on D1, 2 on D2".
  const answered = scores.filter((point) => (point.risk_item_answer ?? 0) > 0)
    .map((point) => `${point.risk_item_answer} on ${localDateString(new Date(point.timestamp))}`);
  if (answered.length > 0) flags.push(`item ${definition.riskItem} (${definition.riskTopic}) answered ${answered.join(', ')}`);
  return {
    measure: kind,
    name: definition.name,
    max: definition.max,
    caseness: definition.caseness,
    count: scores.length,
    first,
    previous,
    latest,
    change,
    change_from_previous: previous ? latest.total - previous.total : null,
    reliable_change: reliable,
    reliable_change_index: kind === 'core10' && previous ? Math.round(core10Rci(first.total, latest.total) * 10_000) / 10_000 : null,
    flags,
    scores,
  };
}

/** PHQ-9 and GAD-7 taken on the same local day form a pair; the first and last pair are compared. */
function talkingTherapies(all: readonly Measure[]): MeasuresSection['talking_therapies'] {
  const byDay = new Map<string, { phq9?: number; gad7?: number }>();
  for (const measure of all) {
    if (measure.measure !== 'phq9' && measure.measure !== 'gad7') continue;
    const day = localDateString(new Date(measure.timestamp));
    const entry = byDay.get(day) ?? {};
    entry[measure.measure] = measure.total; // the later of two on one day
    byDay.set(day, entry);
  }
  const pairs = [...byDay.entries()]
    .filter(([, entry]) => entry.phq9 !== undefined && entry.gad7 !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (pairs.length < 2) return null;
  const [firstDay, first] = pairs[0]!;
  const [lastDay, last] = pairs[pairs.length - 1]!;
  return {
    first_pair_date: firstDay,
    last_pair_date: lastDay,
    ...talkingTherapiesOutcome({ phq9: first.phq9!, gad7: first.gad7! }, { phq9: last.phq9!, gad7: last.gad7! }),
  };
}
