import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';

// `tpt outcomes` on a generated practice whose rates are computed by hand (README, "Practice
// outcomes"). Timeframe 2026-01-01 – 2026-11-30; now 2026-12-01. TZ=Europe/Berlin.
const now = new Date(2026, 11, 1, 12);
let box: Sandbox;

async function ok(args: string[]) {
  const result = await box.run(args, { now });
  expect(result.code, `tpt ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

interface Plan {
  client: string;
  clinician: string;
  start: string;
  end: string | null;
  sessions: string[];
  phq9: [number, string][];
  gad7: [number, string][];
}

const spring = { start: '2026-02-01', end: '2026-04-30', sessions: ['2026-02-02T10:00', '2026-03-02T10:00'] };
const first = '2026-02-02T10:30';
const last = '2026-04-27T10:30';
const PRACTICE: Plan[] = [
  // at caseness (15, 12) → below both (6, 5); −9 and −7: recovery, reliable improvement, reliable recovery
  { client: 'c1', clinician: 'ana', ...spring, phq9: [[15, first], [6, last]], gad7: [[12, first], [5, last]] },
  // at caseness (12, 9) → 9, 7, below both; −3, −2: recovery without reliable improvement
  { client: 'c2', clinician: 'ana', ...spring, phq9: [[12, first], [9, last]], gad7: [[9, first], [7, last]] },
  // not at caseness (8, 6); PHQ-9 +8 ≥ 6, GAD-7 +3: reliable deterioration
  { client: 'c3', clinician: 'ana', ...spring, phq9: [[8, first], [16, last]], gad7: [[6, first], [9, last]] },
  // one session: left out
  { client: 'c5', clinician: 'ana', ...spring, sessions: ['2026-02-02T10:00'], phq9: [[15, first], [6, last]], gad7: [[12, first], [5, last]] },
  // at caseness (20, 15) → 13, 12; −7 reliable, still at caseness: reliable improvement only
  { client: 'c4', clinician: 'ben', ...spring, phq9: [[20, first], [13, last]], gad7: [[15, first], [12, last]] },
  // no GAD-7: left out
  { client: 'c6', clinician: 'ben', ...spring, phq9: [[20, first], [13, last]], gad7: [] },
  // PHQ-9 pair 7 days apart: left out
  { client: 'c9', clinician: 'ben', ...spring, phq9: [[20, first], [10, '2026-02-09T10:30']], gad7: [[15, first], [5, last]] },
  // ongoing at the end: 14 → 8, 10 → 6: recovery, reliable improvement (−6), reliable recovery
  { client: 'c7', clinician: 'ben', start: '2026-10-01', end: null, sessions: ['2026-10-02T10:00', '2026-10-09T10:00'], phq9: [[14, '2026-10-02T10:30'], [8, '2026-11-20T10:30']], gad7: [[10, '2026-10-02T10:30'], [6, '2026-11-20T10:30']] },
  // ended before the timeframe: not counted at all
  { client: 'c8', clinician: 'ana', start: '2025-09-01', end: '2025-11-30', sessions: ['2025-09-02T10:00', '2025-10-02T10:00'], phq9: [[20, '2025-09-02T10:30'], [5, '2025-11-20T10:30']], gad7: [[15, '2025-09-02T10:30'], [5, '2025-11-20T10:30']] },
];

beforeAll(async () => {
  box = new Sandbox();
  await ok(['init']);
  for (const plan of PRACTICE) {
    const as = ['--actor', plan.clinician];
    for (const at of plan.sessions) await ok([...as, 'log-session', '--client', plan.client, '--summary', 'session', '--mood', 'neutral', '--at', at]);
    await ok([...as, 'course', 'start', plan.client, '--at', plan.start, '--id', `${plan.client}-course`]);
    for (const [kind, scores] of [['phq9', plan.phq9], ['gad7', plan.gad7]] as const) {
      for (const [total, at] of scores) await ok([...as, 'measure', 'add', plan.client, '--measure', kind, '--total', String(total), '--at', at]);
    }
    if (plan.end) await ok([...as, 'course', 'end', plan.client, '--reason', 'completed', '--at', plan.end]);
  }
});
afterAll(() => box.cleanup());

const timeframe = ['--since', '2026-01-01', '--until', '2026-11-30'];

describe('tpt outcomes', () => {
  it('gives the rates a hand computation gives, and lists the courses it left out with why', async () => {
    const outcomes = JSON.parse(await ok(['--json', 'outcomes', ...timeframe, '--by', 'clinician']));
    const [all, ana, ben] = outcomes.groups;
    // Ended in the timeframe: c1 c2 c3 c4 c5 c6 c9 (7); counted c1 c2 c3 c4; at caseness c1 c2 c4.
    expect(all.clinician).toBeNull();
    expect(all.ended).toEqual({
      courses: 7, included: 4, left_out: 3, at_caseness_at_start: 3,
      recovery: { count: 2, of: 3, percent: 66.7 }, // c1, c2
      reliable_improvement: { count: 2, of: 4, percent: 50 }, // c1, c4
      reliable_recovery: { count: 1, of: 3, percent: 33.3 }, // c1
      reliable_deterioration: { count: 1, of: 4, percent: 25 }, // c3
    });
    expect(all.ongoing).toEqual({
      courses: 1, included: 1, left_out: 0, at_caseness_at_start: 1,
      recovery: { count: 1, of: 1, percent: 100 }, reliable_improvement: { count: 1, of: 1, percent: 100 },
      reliable_recovery: { count: 1, of: 1, percent: 100 }, reliable_deterioration: { count: 0, of: 1, percent: 0 },
    });
    // ana: c1 c2 c3 counted, c5 left out; at caseness c1 c2.
    expect(ana.clinician).toBe('ana');
    expect([ana.ended.recovery, ana.ended.reliable_improvement, ana.ended.reliable_recovery, ana.ended.reliable_deterioration]).toEqual([
      { count: 2, of: 2, percent: 100 }, { count: 1, of: 3, percent: 33.3 }, { count: 1, of: 2, percent: 50 }, { count: 1, of: 3, percent: 33.3 },
    ]);
    // ben: c4 counted; c6, c9 left out.
    expect(ben.ended).toMatchObject({ courses: 3, included: 1, left_out: 2, recovery: { count: 0, of: 1, percent: 0 }, reliable_improvement: { count: 1, of: 1, percent: 100 } });
    expect(ben.ongoing.courses).toBe(1);
    expect(outcomes.courses.filter((course: { left_out: string | null }) => course.left_out)
      .map((course: { client_id: string; left_out: string }) => [course.client_id, course.left_out])).toEqual([
      ['c5', 'fewer_than_two_sessions'], ['c6', 'no_gad7_pair'], ['c9', 'pair_too_close'],
    ]);
    expect(outcomes.courses.map((course: { client_id: string }) => course.client_id)).not.toContain('c8');
    expect(outcomes.national).toMatchObject({ year: '2017-18', recovery: 50.8, reliable_improvement: 66.4 });
  });

  it('writes the same rates as CSV and as a table beside the national figures', async () => {
    const csv = await ok(['outcomes', ...timeframe, '--format', 'csv']);
    expect(csv.split('\r\n').slice(0, 5)).toEqual([
      'clinician,courses,rate,count,of,percent,national_percent,national_year',
      'all,ended,recovery,2,3,66.7,50.8,2017-18',
      'all,ended,reliable_improvement,2,4,50,66.4,2017-18',
      'all,ended,reliable_recovery,1,3,33.3,,2017-18',
      'all,ended,reliable_deterioration,1,4,25,,2017-18',
    ]);
    const table = await ok(['outcomes', ...timeframe]);
    expect(table).toMatch(/Recovery\s+66\.7% \(2\/3\)\s+50\.8%/);
    expect(table).toMatch(/c9-course \(c9, ended\): first and last scores less than the recall period/);
  });

  it('refuses a bad --by or --format and asks for one format (exit 2)', async () => {
    for (const args of [['--by', 'therapist'], ['--format', 'pdf'], ['--json', '--format', 'csv']]) {
      const json = args[0] === '--json';
      const result = await box.run(json ? ['--json', 'outcomes', ...args.slice(1)] : ['outcomes', ...args], { now });
      expect(result.code, result.stderr).toBe(2);
    }
  });
});
