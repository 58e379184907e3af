import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox, runsAt } from '../helpers.js';

// Courses of treatment (README, "Courses of treatment"): the unit of outcome, whose first score of
// each measure is the report's baseline. TZ=Europe/Berlin (the sandbox's).
let box: Sandbox;
const now = new Date(2026, 5, 1, 12);
const { run, ok, json } = runsAt(() => box, now);

beforeEach(async () => {
  box = new Sandbox();
  await ok(['init']);
  await ok(['log-session', '--client', 'c1', '--summary', 'intake', '--mood', 'negative', '--at', '2026-01-05T10:00']);
});
afterEach(() => box.cleanup());

const phq9 = (total: number, at: string) => ok(['measure', 'add', 'c1', '--measure', 'phq9', '--total', String(total), '--at', at]);
const courses = () => json(['course', 'list', 'c1']) as Promise<{ course_id: string; ended_at: string | null; end_reason: string | null }[]>;

describe('tpt course', () => {
  it("takes the report's baseline from the current course, not from the first score on record", async () => {
    await phq9(13, '2026-01-05T10:00');
    await ok(['course', 'start', 'c1', '--at', '2026-03-01', '--id', 'crs_second']);
    await phq9(20, '2026-03-02T10:00');
    await phq9(12, '2026-04-06T10:00');
    const report = await json(['report', 'c1', '--since', '2026-03-01', '--until', '2026-04-30']);
    const [trend] = report.measures.measures;
    // The course's first score 20 → 12: −8, a reliable improvement (≥ 6). From the first on
    // record (13) it would be −1, no reliable change.
    expect(trend.baseline).toMatchObject({ total: 20, timestamp: new Date(2026, 2, 2, 10).toISOString() });
    expect(trend).toMatchObject({ change_from_baseline: -8, reliable_change_from_baseline: 'reliable_improvement' });
    expect(report.course).toEqual({ course_id: 'crs_second', started_at: new Date(2026, 2, 1).toISOString(), ended_at: null, end_reason: null });
    // Before the course started there is no course: the baseline is the first on record.
    const before = await json(['report', 'c1', '--since', '2026-01-01', '--until', '2026-02-28']);
    expect(before.course).toBeNull();
    expect(before.measures.measures[0].baseline.total).toBe(13);
  });

  it('refuses a second open course, and an end without a known reason, changing nothing (exit 2)', async () => {
    expect(await json(['course', 'start', 'c1', '--at', '2026-02-01', '--id', 'crs_a'])).toEqual({ course_id: 'crs_a' });
    const second = await run(['course', 'start', 'c1']);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/c1 has a course open since 2026-02-01 00:00 \(crs_a\): end it first with `tpt course end c1 --reason/);
    for (const [args, message] of [
      [[], /missing --reason: give one of completed, dropped_out, referred_on, declined, other/],
      [['--reason', 'finished'], /unknown reason "finished": use one of completed, dropped_out/],
      [['--reason', 'other'], /--reason other needs --note/],
      [['--reason', 'completed', '--at', '2026-01-31'], /the course started 2026-02-01 00:00: give an --at on or after it/],
    ] as const) {
      const result = await run(['course', 'end', 'c1', ...args]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    expect(await courses()).toMatchObject([{ course_id: 'crs_a', ended_at: null, end_reason: null }]);
  });

  it('ends the open course with its reason; a date alone ends it at the end of that day; a new one starts after it', async () => {
    await ok(['course', 'start', 'c1', '--at', '2026-02-01', '--id', 'crs_a']);
    await ok(['course', 'end', 'c1', '--reason', 'dropped-out', '--at', '2026-04-30']);
    expect(await courses()).toMatchObject([
      { course_id: 'crs_a', ended_at: new Date(2026, 4, 1, 0, 0, 0, -1).toISOString(), end_reason: 'dropped_out' },
    ]);
    const none = await run(['course', 'end', 'c1', '--reason', 'completed']);
    expect([none.code, none.stderr.trim()]).toEqual([2, 'tpt: c1 has no open course: start one with `tpt course start c1`']);
    const early = await run(['course', 'start', 'c1', '--at', '2026-04-30T12:00']);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/a course cannot start before the previous one ended \(2026-04-30 23:59\)/);
    await ok(['course', 'start', 'c1', '--at', '2026-05-04', '--id', 'crs_b']);
    expect((await courses()).map((course) => course.course_id)).toEqual(['crs_a', 'crs_b']);
    const unknown = await run(['course', 'start', 'nobody']);
    expect(unknown.code).toBe(2);
  });

  it('refuses to merge two clients that both have an open course or a live schedule of one measure, and moves them otherwise', async () => {
    await ok(['log-session', '--client', 'c1b', '--summary', 'intake', '--mood', 'neutral', '--at', '2026-01-06T10:00']);
    await ok(['course', 'start', 'c1', '--at', '2026-02-01', '--id', 'crs_a']);
    await ok(['course', 'start', 'c1b', '--at', '2026-02-02', '--id', 'crs_b']);
    const both = await run(['client', 'merge', 'c1b', '--into', 'c1']);
    expect([both.code, both.stderr.trim()]).toEqual([2, 'tpt: c1b and c1 both have an open course: end one first (`tpt course end c1b --reason other --note "merged"`)']);
    await ok(['course', 'end', 'c1b', '--reason', 'other', '--note', 'merged']);
    await ok(['measure', 'schedule', 'c1', 'phq9', '--every', '2w']);
    await ok(['measure', 'schedule', 'c1b', 'phq9', '--every', 'session']);
    const schedules = await run(['client', 'merge', 'c1b', '--into', 'c1']);
    expect([schedules.code, schedules.stderr.trim()]).toEqual([2, 'tpt: c1b and c1 both have a phq9 schedule: stop one first (`tpt measure schedule c1b phq9 --stop`)']);
    await ok(['measure', 'schedule', 'c1b', 'phq9', '--stop']);
    await ok(['client', 'merge', 'c1b', '--into', 'c1']);
    expect((await courses()).map((course) => course.course_id)).toEqual(['crs_a', 'crs_b']);
    // The merged client's current course is the one still running, not the later one ended.
    expect((await json(['report', 'c1'])).course).toMatchObject({ course_id: 'crs_a', ended_at: null });
  });
});
