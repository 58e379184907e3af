/**
 * The standardized outcome measures and how they are scored: plain figures and rules, each with
 * its published source (the README's "Outcome measures" section lists them all). Nothing here
 * reads the database.
 */

export const MEASURE_KINDS = ['phq9', 'gad7', 'core10'] as const;
export type MeasureKind = (typeof MEASURE_KINDS)[number];

export interface Band {
  /** Lowest total of the band (inclusive); the band runs to the next band's `from` − 1. */
  from: number;
  label: string;
}

export interface MeasureDefinition {
  kind: MeasureKind;
  name: string;
  items: number;
  /** Each answer is a whole number 0..itemMax. */
  itemMax: number;
  max: number;
  /** What the items ask about, for the prompt ("over the last 2 weeks"). */
  period: string;
  /**
   * The days the items look back over (14 for "the last 2 weeks", 7 for "the last week"). Two
   * scores closer than this share part of what they ask about, so no change between them is
   * claimed (README, "Scoring": re-test spacing).
   */
  recallDays: number;
  /** The answer options, 0 first, as the form names them. */
  responses: readonly string[];
  /** The items' wording where its licence allows reproducing it; else a short topic of each. */
  wording: readonly string[];
  wordingIsVerbatim: boolean;
  /**
   * How many items may be left unanswered, the total then pro-rated (README, "Scoring"): one for
   * the CORE-10, as its authors prescribe; none for the PHQ-9 and GAD-7.
   */
  maxMissing: number;
  /** 1-based items whose answer is reverse-scored (itemMax − answer). */
  reversed: readonly number[];
  /** The 1-based item that asks about self-harm or suicide: any answer above 0 opens a risk. */
  riskItem: number;
  /** What the risk item asks about, in a few words. */
  riskTopic: string;
  /** At or above this total a person is counted a clinical case. */
  caseness: number;
  bands: readonly Band[];
  /** A change of at least this many points (in absolute value) is reliable. */
  reliableChange: number;
  /** How `reliableChange` was found, for the README and `measure show`. */
  reliableChangeBasis: string;
}

/**
 * CORE-10's reliable change by Jacobson & Truax (1991): S_diff = √2 · SD · √(1 − r), reliable
 * when |x2 − x1| / S_diff ≥ 1.96. SD 7.7 is the clinical sample's (primary care counselling,
 * n = 1835, mean 19.7; Connell & Barkham 2007, the CORE-10 user manual) and r = .90 the internal
 * reliability (Barkham et al. 2013). S_diff = √2 · 7.7 · √0.1 = 3.4435, so 6.7493 points: on
 * whole scores a change of 7 or more.
 */
export const CORE10_NORMS = { clinicalMean: 19.7, clinicalSd: 7.7, generalMean: 4.7, generalSd: 4.8, reliability: 0.9 };
export const CORE10_S_DIFF = Math.SQRT2 * CORE10_NORMS.clinicalSd * Math.sqrt(1 - CORE10_NORMS.reliability);
export const RCI_CRITICAL = 1.96;

/** The reliable change index of Jacobson & Truax for a CORE-10 change (positive = worse). */
export function core10Rci(first: number, last: number): number {
  return (last - first) / CORE10_S_DIFF;
}

const FREQUENCY = ['Not at all', 'Several days', 'More than half the days', 'Nearly every day'] as const;

export const MEASURES: Record<MeasureKind, MeasureDefinition> = {
  // Kroenke, Spitzer & Williams 2001 (bands); NHS Talking Therapies manual (caseness 10, reliable
  // change 6). Free to reproduce (Pfizer; phqscreeners.com).
  phq9: {
    kind: 'phq9',
    name: 'PHQ-9',
    items: 9,
    itemMax: 3,
    max: 27,
    period: 'Over the last 2 weeks, how often have you been bothered by any of the following problems?',
    recallDays: 14,
    responses: FREQUENCY,
    wording: [
      'Little interest or pleasure in doing things',
      'Feeling down, depressed, or hopeless',
      'Trouble falling or staying asleep, or sleeping too much',
      'Feeling tired or having little energy',
      'Poor appetite or overeating',
      'Feeling bad about yourself — or that you are a failure or have let yourself or your family down',
      'Trouble concentrating on things, such as reading the newspaper or watching television',
      'Moving or speaking so slowly that other people could have noticed? Or the opposite — being so fidgety or restless that you have been moving around a lot more than usual',
      'Thoughts that you would be better off dead or of hurting yourself in some way',
    ],
    wordingIsVerbatim: true,
    maxMissing: 0,
    reversed: [],
    riskItem: 9,
    riskTopic: 'thoughts of being better off dead or of self-harm',
    caseness: 10,
    bands: [
      { from: 0, label: 'minimal' },
      { from: 5, label: 'mild' },
      { from: 10, label: 'moderate' },
      { from: 15, label: 'moderately severe' },
      { from: 20, label: 'severe' },
    ],
    reliableChange: 6,
    reliableChangeBasis: '6 points (NHS Talking Therapies)',
  },
  // Spitzer et al. 2006 (bands); NHS Talking Therapies manual (caseness 8, reliable change 4).
  // Free to reproduce, as the PHQ-9.
  gad7: {
    kind: 'gad7',
    name: 'GAD-7',
    items: 7,
    itemMax: 3,
    max: 21,
    period: 'Over the last 2 weeks, how often have you been bothered by the following problems?',
    recallDays: 14,
    responses: FREQUENCY,
    wording: [
      'Feeling nervous, anxious or on edge',
      'Not being able to stop or control worrying',
      'Worrying too much about different things',
      'Trouble relaxing',
      'Being so restless that it is hard to sit still',
      'Becoming easily annoyed or irritable',
      'Feeling afraid as if something awful might happen',
    ],
    wordingIsVerbatim: true,
    maxMissing: 0,
    reversed: [],
    // The GAD-7 has no item on self-harm.
    riskItem: 0,
    riskTopic: '',
    caseness: 8,
    bands: [
      { from: 0, label: 'minimal' },
      { from: 5, label: 'mild' },
      { from: 10, label: 'moderate' },
      { from: 15, label: 'severe' },
    ],
    reliableChange: 4,
    reliableChangeBasis: '4 points (NHS Talking Therapies)',
  },
  // Barkham et al. 2013 (cut-off 11, alpha .90); Connell & Barkham 2007, the CORE-10 user manual
  // (bands, norms). The items are © CORE System Trust under CC BY-NC-ND 4.0: tpt (MIT, free for
  // commercial use) does not reproduce their wording, only a topic of each; the person answers on
  // the form itself.
  core10: {
    kind: 'core10',
    name: 'CORE-10',
    items: 10,
    itemMax: 4,
    max: 40,
    period: 'Over the last week (answers as ticked on the CORE-10 form, left to right)',
    recallDays: 7,
    responses: ['Not at all', 'Only occasionally', 'Sometimes', 'Often', 'Most or all of the time'],
    wording: [
      'tension, anxiety',
      'support (positively worded: reverse-scored)',
      'coping (positively worded: reverse-scored)',
      'talking is too much',
      'panic',
      'suicidal plans (risk item)',
      'sleep problems',
      'despair, hopelessness',
      'unhappiness',
      'unwanted images or memories',
    ],
    wordingIsVerbatim: false,
    // Barkham et al. 2013 and the CORE-10 user manual: one missing item may be pro-rated (as the
    // CamCOPS task scores it: 10 × the sum of the answered items / their number).
    maxMissing: 1,
    reversed: [2, 3],
    riskItem: 6,
    riskTopic: 'plans to end one\'s life',
    caseness: 11,
    bands: [
      { from: 0, label: 'healthy' },
      { from: 6, label: 'low level' },
      { from: 11, label: 'mild' },
      { from: 15, label: 'moderate' },
      { from: 20, label: 'moderate-to-severe' },
      { from: 25, label: 'severe' },
    ],
    reliableChange: RCI_CRITICAL * CORE10_S_DIFF,
    reliableChangeBasis: 'Jacobson–Truax RCI ≥ 1.96: 6.75 points (SD 7.7, r = .90)',
  },
};

export function measureDefinition(kind: MeasureKind): MeasureDefinition {
  return MEASURES[kind];
}

/** One answer as stored: 0..itemMax, or null for an item left unanswered (CORE-10, at most one). */
export type Answer = number | null;

/** The score of each item: the answer, or itemMax − answer for a reverse-scored item; null stays null. */
export function itemScores(definition: MeasureDefinition, answers: readonly Answer[]): Answer[] {
  return answers.map((answer, index) =>
    (answer === null ? null : definition.reversed.includes(index + 1) ? definition.itemMax - answer : answer));
}

/**
 * The total of the item scores. With an item unanswered (where the measure allows it) the total is
 * pro-rated: the sum × items / answered, rounded to the nearest whole number, a half up (CORE-10:
 * nine answers adding to 17 give 17 × 10 / 9 = 18.89, so 19).
 */
export function totalOf(definition: MeasureDefinition, answers: readonly Answer[]): number {
  const scores = itemScores(definition, answers).filter((score) => score !== null);
  const sum = scores.reduce((total, score) => total + score, 0);
  return scores.length === answers.length ? sum : Math.floor((sum * answers.length) / scores.length + 0.5);
}

/** The 1-based items left unanswered (a pro-rated total); empty when every item was answered. */
export function missingItems(answers: readonly Answer[] | null): number[] {
  return answers === null ? [] : answers.flatMap((answer, index) => (answer === null ? [index + 1] : []));
}

export function bandOf(definition: MeasureDefinition, total: number): string {
  let label = definition.bands[0]!.label;
  for (const band of definition.bands) if (total >= band.from) label = band.label;
  return label;
}

export function isCase(definition: MeasureDefinition, total: number): boolean {
  return total >= definition.caseness;
}

/** Whether the risk item was answered above 0; null when the items are unknown or there is none. */
export function riskItemAnswer(definition: MeasureDefinition, answers: readonly Answer[] | null): number | null {
  if (definition.riskItem === 0 || answers === null) return null;
  return answers[definition.riskItem - 1] ?? null;
}

/**
 * The least answer a total alone proves for the risk item: the other items score at most
 * itemMax each (reverse-scored ones too), so a total above (items − 1) · itemMax needs the risk
 * item above 0 (PHQ-9: 26 − 8 · 3 = 2; CORE-10: 37 − 9 · 4 = 1). 0 when the total proves nothing;
 * null for a measure without a risk item.
 */
export function impliedRiskItemMinimum(definition: MeasureDefinition, total: number): number | null {
  if (definition.riskItem === 0) return null;
  return Math.max(0, total - (definition.items - 1) * definition.itemMax);
}

const DAY_MS = 86_400_000;

/**
 * Whether two scores are far enough apart for a change between them to mean anything: at least
 * the measure's recall period (14 days for the PHQ-9 and GAD-7, 7 for the CORE-10), counted in
 * elapsed days rounded to the nearest day, so that neither the time of day nor a time zone decides.
 */
export function farEnoughApart(definition: MeasureDefinition, firstIso: string, laterIso: string): boolean {
  return Math.round((Date.parse(laterIso) - Date.parse(firstIso)) / DAY_MS) >= definition.recallDays;
}

export type ReliableChange = 'reliable_improvement' | 'reliable_deterioration' | 'no_reliable_change';

/** Higher scores are worse on all three measures, so a fall is an improvement. */
export function reliableChange(definition: MeasureDefinition, first: number, last: number): ReliableChange {
  const change = last - first;
  if (change <= -definition.reliableChange) return 'reliable_improvement';
  if (change >= definition.reliableChange) return 'reliable_deterioration';
  return 'no_reliable_change';
}

/** A PHQ-9 and a GAD-7 total: each measure's own first (or last) score of the course. */
export interface TalkingTherapiesPair {
  phq9: number;
  gad7: number;
}

export interface TalkingTherapiesOutcome {
  /** PHQ-9 ≥ 10 or GAD-7 ≥ 8 at the start. */
  at_caseness_at_start: boolean;
  /** Below caseness on both at the end. */
  below_caseness_at_end: boolean;
  /** At caseness at the start and below caseness on both at the end. */
  recovery: boolean;
  /** PHQ-9 down ≥ 6 or GAD-7 down ≥ 4, and neither up by its reliable change. */
  reliable_improvement: boolean;
  /** PHQ-9 up ≥ 6 or GAD-7 up ≥ 4, and neither down by its reliable change. */
  reliable_deterioration: boolean;
  /** Recovery and reliable improvement. */
  reliable_recovery: boolean;
}

/**
 * A course of treatment judged as NHS Talking Therapies judge it, by each measure's first and last
 * score of the course (PHQ-9 and GAD-7 need not be taken on the same day). Recovery is only defined for a person at caseness at the start: otherwise it
 * is false, as the service does not count them.
 */
export function talkingTherapiesOutcome(first: TalkingTherapiesPair, last: TalkingTherapiesPair): TalkingTherapiesOutcome {
  const phq9 = MEASURES.phq9;
  const gad7 = MEASURES.gad7;
  const atStart = isCase(phq9, first.phq9) || isCase(gad7, first.gad7);
  const belowAtEnd = !isCase(phq9, last.phq9) && !isCase(gad7, last.gad7);
  const phq9Change = reliableChange(phq9, first.phq9, last.phq9);
  const gad7Change = reliableChange(gad7, first.gad7, last.gad7);
  const changes = [phq9Change, gad7Change];
  const improved = changes.includes('reliable_improvement') && !changes.includes('reliable_deterioration');
  const deteriorated = changes.includes('reliable_deterioration') && !changes.includes('reliable_improvement');
  const recovery = atStart && belowAtEnd;
  return {
    at_caseness_at_start: atStart,
    below_caseness_at_end: belowAtEnd,
    recovery,
    reliable_improvement: improved,
    reliable_deterioration: deteriorated,
    reliable_recovery: recovery && improved,
  };
}
