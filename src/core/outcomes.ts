import type { RecordStore } from '../store/port.js';
import type { CourseRow } from '../store/port-care.js';
import { readLogged } from './audit.js';
import { InputError } from './errors.js';
import { farEnoughApart, MEASURES, talkingTherapiesOutcome, type TalkingTherapiesOutcome } from './measure-scoring.js';
import type { Actor, Measure } from './model.js';
import type { Timeframe } from './timeframe.js';

/**
 * The practice's outcomes (README, "Practice outcomes"): NHS Talking Therapies' rates over the
 * courses that ended in a timeframe, and apart over those still open at its end. A course counts
 * as NHS Talking Therapies counts a finished course of treatment: at least two sessions, and a
 * first and a last PHQ-9 and GAD-7 of the course; the others are listed as left out, with why.
 */

export const NATIONAL = {
  year: '2017-18',
  source: 'NHS Digital, Psychological Therapies: Annual report on the use of IAPT services, England 2017-18 (referrals that finished a course of treatment)',
  recovery: 50.8,
  reliable_improvement: 66.4,
  /** Not given in the source tpt checked: left null rather than guessed. */
  reliable_recovery: null as number | null,
  reliable_deterioration: null as number | null,
};

/** Sessions a course needs to count as a finished course of treatment (NHS Talking Therapies: two attended treatment appointments). */
export const MIN_SESSIONS = 2;

export type LeftOutReason = 'fewer_than_two_sessions' | 'no_phq9_pair' | 'no_gad7_pair' | 'pair_too_close';

const LEFT_OUT_WORDS: Record<LeftOutReason, string> = {
  fewer_than_two_sessions: 'fewer than 2 sessions in the course',
  no_phq9_pair: 'no first and later PHQ-9 in the course',
  no_gad7_pair: 'no first and later GAD-7 in the course',
  pair_too_close: 'first and last scores less than the recall period (14 days) apart',
};

interface Score {
  measure_id: string;
  timestamp: string;
  total: number;
}

export interface CourseOutcome {
  course_id: string;
  client_id: string;
  /** Who started the course: the treating clinician, until accounts name one. */
  clinician: string;
  status: 'ended' | 'ongoing';
  started_at: string;
  ended_at: string | null;
  end_reason: string | null;
  sessions: number;
  left_out: LeftOutReason | null;
  left_out_why: string | null;
  phq9_first: Score | null;
  phq9_last: Score | null;
  gad7_first: Score | null;
  gad7_last: Score | null;
  outcome: TalkingTherapiesOutcome | null;
}

export interface Rate {
  count: number;
  of: number;
  /** count / of in percent, to 1 decimal (half away from zero); null when `of` is 0. */
  percent: number | null;
}

export interface OutcomeRates {
  courses: number;
  included: number;
  left_out: number;
  at_caseness_at_start: number;
  /** Of the included courses at caseness at the start. */
  recovery: Rate;
  /** Of all included courses. */
  reliable_improvement: Rate;
  /** Of the included courses at caseness at the start. */
  reliable_recovery: Rate;
  /** Of all included courses. */
  reliable_deterioration: Rate;
}

export interface OutcomeGroup {
  /** null: the whole practice. */
  clinician: string | null;
  ended: OutcomeRates;
  ongoing: OutcomeRates;
}

export interface PracticeOutcomes {
  timeframe_start: string | null;
  timeframe_end: string;
  by: 'practice' | 'clinician';
  groups: OutcomeGroup[];
  national: typeof NATIONAL;
  courses: CourseOutcome[];
}

const scoreOf = (measure: Measure | undefined): Score | null =>
  measure ? { measure_id: measure.measure_id, timestamp: measure.timestamp, total: measure.total } : null;

/** One course judged from its scores and sessions up to its end (or the timeframe's, for an ongoing one). */
export function judgeCourse(course: CourseRow, scores: readonly Measure[], sessions: number, end: string): CourseOutcome {
  const ongoing = course.ended_at === null || course.ended_at > end;
  const phq9 = scores.filter((score) => score.measure === 'phq9');
  const gad7 = scores.filter((score) => score.measure === 'gad7');
  const base = {
    course_id: course.course_id, client_id: course.client_id, clinician: course.started_by,
    status: ongoing ? 'ongoing' as const : 'ended' as const, started_at: course.started_at, ended_at: course.ended_at,
    end_reason: course.end_reason, sessions,
    phq9_first: scoreOf(phq9[0]), phq9_last: scoreOf(phq9.length > 1 ? phq9.at(-1) : undefined),
    gad7_first: scoreOf(gad7[0]), gad7_last: scoreOf(gad7.length > 1 ? gad7.at(-1) : undefined),
  };
  let reason: LeftOutReason | null = null;
  if (sessions < MIN_SESSIONS) reason = 'fewer_than_two_sessions';
  else if (phq9.length < 2) reason = 'no_phq9_pair';
  else if (gad7.length < 2) reason = 'no_gad7_pair';
  else if (!farEnoughApart(MEASURES.phq9, phq9[0]!.timestamp, phq9.at(-1)!.timestamp) ||
    !farEnoughApart(MEASURES.gad7, gad7[0]!.timestamp, gad7.at(-1)!.timestamp)) reason = 'pair_too_close';
  if (reason !== null) return { ...base, left_out: reason, left_out_why: LEFT_OUT_WORDS[reason], outcome: null };
  return {
    ...base, left_out: null, left_out_why: null,
    outcome: talkingTherapiesOutcome({ phq9: phq9[0]!.total, gad7: gad7[0]!.total }, { phq9: phq9.at(-1)!.total, gad7: gad7.at(-1)!.total }),
  };
}

/** Percent to 1 decimal, half away from zero, from whole counts (so 1/8 = 12.5, 2/3 = 66.7). */
function rate(count: number, of: number): Rate {
  if (of === 0) return { count, of, percent: null };
  // count · 1000 / of, rounded half up on whole numbers (counts are never negative).
  const tenths = Math.floor((count * 2000 + of) / (2 * of));
  return { count, of, percent: tenths / 10 };
}

export function ratesOf(courses: readonly CourseOutcome[]): OutcomeRates {
  const included = courses.filter((course) => course.outcome !== null).map((course) => course.outcome!);
  const atCaseness = included.filter((outcome) => outcome.at_caseness_at_start);
  return {
    courses: courses.length,
    included: included.length,
    left_out: courses.length - included.length,
    at_caseness_at_start: atCaseness.length,
    recovery: rate(atCaseness.filter((outcome) => outcome.recovery).length, atCaseness.length),
    reliable_improvement: rate(included.filter((outcome) => outcome.reliable_improvement).length, included.length),
    reliable_recovery: rate(atCaseness.filter((outcome) => outcome.reliable_recovery).length, atCaseness.length),
    reliable_deterioration: rate(included.filter((outcome) => outcome.reliable_deterioration).length, included.length),
  };
}

export function parseOutcomesBy(text: string | undefined): 'practice' | 'clinician' {
  if (text === undefined || text === 'practice') return 'practice';
  if (text === 'clinician') return 'clinician';
  throw new InputError(`invalid --by "${text}": use clinician (or practice, the default)`);
}

/** `tpt outcomes`: the practice's rates in the timeframe (one audit entry). */
export async function practiceOutcomes(
  records: RecordStore, timeframe: Timeframe, by: 'practice' | 'clinician', who: Actor,
): Promise<PracticeOutcomes> {
  const start = timeframe.start?.toISOString() ?? '';
  const end = timeframe.end.toISOString();
  return readLogged(records, { action: 'outcomes.read' }, who, async (tx) => {
    const courses: CourseOutcome[] = [];
    for (const course of await tx.care.coursesForOutcomes(start, end)) {
      const until = course.ended_at !== null && course.ended_at <= end ? course.ended_at : end;
      const scores = await tx.care.measuresBetween(course.client_id, course.started_at, until);
      courses.push(judgeCourse(course, scores, (await tx.care.sessionCount(course.client_id, course.started_at, until, 1)).count, end));
    }
    const group = (clinician: string | null, of: readonly CourseOutcome[]): OutcomeGroup => ({
      clinician,
      ended: ratesOf(of.filter((course) => course.status === 'ended')),
      ongoing: ratesOf(of.filter((course) => course.status === 'ongoing')),
    });
    const groups = [group(null, courses)];
    if (by === 'clinician') {
      const names = [...new Set(courses.map((course) => course.clinician))].sort();
      groups.push(...names.map((name) => group(name, courses.filter((course) => course.clinician === name))));
    }
    return { timeframe_start: start === '' ? null : start, timeframe_end: end, by, groups, national: NATIONAL, courses };
  });
}
