import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';

// The eight situations of issue 10, each on its own client: the records are made in-process with
// a fixed clock (goal history is stamped with the time of the change), and every report is read
// from the built bin/tpt.js, as a clinician would.

let box: Sandbox;
const NOW = '2026-11-27T12:00:00Z';

async function ok(args: string[], now = NOW): Promise<string> {
  const result = await box.run(args, { now: new Date(now) });
  if (result.code !== 0) throw new Error(`tpt ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

const session = (client: string, at: string, mood: string | number, ...extra: string[]) =>
  ok(['log-session', '--client', client, '--summary', `session at ${at}`, '--mood', String(mood), '--at', at, ...extra]);

/** Local dates (TZ Europe/Berlin) `days` apart from `from`, at `time`. */
function days(from: string, count: number, step: number, time = '10:00'): string[] {
  const start = new Date(`${from}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => {
    const day = new Date(start.getTime() + i * step * 86_400_000);
    return `${day.toISOString().slice(0, 10)}T${time}`;
  });
}

function report(client: string, ...range: string[]): Record<string, any> {
  const result = box.spawn(['report', client, ...range, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

function reportText(client: string, ...range: string[]): string {
  const result = box.spawn(['report', client, ...range]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout;
}

const SUMMER = ['--since', '2026-06-01', '--until', '2026-08-31'];

beforeAll(() => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
});
afterAll(() => box.cleanup());

describe('issue 10: a report a clinician can defend', () => {
  it('1. twelve weekly sessions, every one very_negative, raise a concern, not "no rule raised a concern"', async () => {
    for (const at of days('2026-06-01', 12, 7)) await session('s1-low', at, 'very_negative');
    const json = report('s1-low', ...SUMMER);
    // mean −2, slope 0: stable, but persistently low (mean ≤ −1 over ≥ 3 sessions).
    expect(json.overall_emotional_trend).toMatchObject({ avg_emotional_score: -2, trend_direction: 'stable', data_points: 12 });
    expect(json.overall_trajectory).toBe('stable');
    expect(json.concerns).toEqual(['persistently low mood (mean -2 over 12 sessions)']);
    expect(json.headline).toBe('stable — persistently low mood (mean -2 over 12 sessions)');
    expect(json.recommendations[0]).toMatch(/^Mood stayed low through this timeframe \(mean -2 over 12 sessions\)/);
    expect(json.recommendations.join(' ')).not.toContain('No rule raised a concern');
    const text = reportText('s1-low', ...SUMMER);
    expect(text).toContain('Overall trajectory: STABLE\n  ⚠ persistently low mood (mean -2 over 12 sessions)');
  });

  it('2. a crisis timeframe with mood lifting and one goal moving +32 is "mixed", never "improving"', async () => {
    await ok(['goal', 'create', '--client', 's2-crisis', '--id', 's2-plan', '--description', 'Use the safety plan', '--progress', '20'], '2026-05-01T10:00:00Z');
    await ok(['goal', 'create', '--client', 's2-crisis', '--id', 's2-sleep', '--description', 'Regular sleep', '--progress', '40'], '2026-05-01T10:00:00Z');
    // Scores −2 −2 −2 −1 −1 −1 0 −1 weekly: mean −10/8 = −1.25, rising; three crisis flags.
    const scores = [-2, -2, -2, -1, -1, -1, 0, -1];
    const flags: Record<number, string> = { 1: 'self_harm', 2: 'suicidal_ideation', 4: 'self_harm' };
    for (const [i, at] of days('2026-06-05', 8, 7).entries()) {
      await session('s2-crisis', at, scores[i]!, ...(flags[i] ? ['--crisis-flag', flags[i]!] : []));
    }
    await ok(['goal', 'update', 's2-plan', '--progress', '52'], '2026-07-20T10:00:00Z'); // +32
    await ok(['goal', 'update', 's2-sleep', '--progress', '30'], '2026-07-20T10:00:00Z'); // −10
    const json = report('s2-crisis', ...SUMMER);
    expect(json.overall_emotional_trend.avg_emotional_score).toBe(-1.25);
    expect(json.overall_emotional_trend.trend_direction).toBe('improving');
    expect(json.crisis_events).toHaveLength(3);
    expect(json.overall_trajectory).toBe('mixed');
    expect(json.trajectory_rule).toBe(5);
    expect(json.headline).toMatch(/^mixed — open risks: self_harm \(since 2026-06-12\), suicidal_ideation \(since 2026-06-19\); crisis flags in 3 sessions of this timeframe \(self_harm, suicidal_ideation\); persistently low mood \(mean -1.25 over 8 sessions\)$/);
    const text = reportText('s2-crisis', ...SUMMER);
    expect(text.split('\n')[0]).toBe('⚠ OPEN RISKS (2): self_harm, suicidal_ideation');
    expect(text).toContain('Overall trajectory: MIXED');
    expect(text).not.toMatch(/IMPROVING/);
  });

  it('3. a suicidal_ideation flag ten weeks ago stays in sight in the report of the last 30 days', async () => {
    const tenWeeksAgo = new Date(Date.now() - 70 * 86_400_000).toISOString();
    await session('s3-risk', tenWeeksAgo, 'very_negative', '--crisis-flag', 'suicidal_ideation');
    const json = report('s3-risk', '--last', '30d');
    expect(json.sessions_count).toBe(0);
    expect(json.crisis_events).toEqual([]);
    expect(json.open_risks).toMatchObject([{ kind: 'suicidal_ideation', session_ids: [expect.any(String)] }]);
    expect(json.concerns[0]).toMatch(/^open risk: suicidal_ideation \(since \d{4}-\d\d-\d\d\)$/);
    expect(json.summary).toContain('Open risks, not yet resolved: suicidal_ideation');
    expect(json.recommendations.join(' ')).toContain('A risk is open (suicidal_ideation');
    const text = reportText('s3-risk', '--last', '30d');
    expect(text.split('\n')[0]).toBe('⚠ OPEN RISK: suicidal_ideation');
    for (const format of ['markdown']) {
      const markdown = box.spawn(['report', 's3-risk', '--last', '30d', '--format', format]).stdout;
      expect(markdown).toContain('## ⚠ Open risks (1)');
    }
  });

  it('4. a goal achieved 200 days before the timeframe takes no part in the vote, so a goal that fell 8 points shows', async () => {
    await ok(['goal', 'create', '--client', 's4-old', '--id', 's4-done', '--description', 'Finished long ago', '--progress', '50'], '2025-10-01T10:00:00Z');
    await ok(['goal', 'update', 's4-done', '--progress', '100', '--status', 'achieved'], '2025-11-13T10:00:00Z');
    await ok(['goal', 'create', '--client', 's4-old', '--id', 's4-active', '--description', 'Walk daily', '--progress', '40'], '2026-03-01T10:00:00Z');
    for (const at of days('2026-06-01', 12, 7)) await session('s4-old', at, 'neutral');
    await ok(['goal', 'update', 's4-active', '--progress', '32'], '2026-07-15T10:00:00Z');
    const json = report('s4-old', ...SUMMER);
    const done = json.goals.find((goal: { goal_id: string }) => goal.goal_id === 's4-done');
    expect(done).toMatchObject({ status: 'achieved', progress_change: 0, closed_before_timeframe: true });
    expect(json.overall_trajectory).toBe('declining'); // mood stable (0), goals −8 → slipping (−1)
    expect(json.trajectory_rule).toBe(7);
    expect(json.recommendations.join(' ')).toContain('Goal progress slipped in this timeframe (-8 points on average)');
    expect(reportText('s4-old', ...SUMMER)).toContain('achieved before this timeframe: not in the goal vote');
  });

  it('5. goal updates without a session in the timeframe: insufficient data, and the headline says so', async () => {
    await ok(['goal', 'create', '--client', 's5-none', '--id', 's5-goal', '--description', 'Read a book a month', '--progress', '10'], '2026-05-01T10:00:00Z');
    await session('s5-none', '2026-05-02T10:00', 'neutral');
    await ok(['goal', 'update', 's5-goal', '--progress', '60'], '2026-07-01T10:00:00Z');
    const json = report('s5-none', ...SUMMER);
    expect(json.sessions_count).toBe(0);
    expect(json.overall_trajectory).toBe('insufficient_data');
    expect(json.trajectory_rule).toBe(2);
    expect(json.headline).toBe('insufficient data — no sessions in this timeframe');
    expect(json.summary).toContain('attended no sessions.');
    expect(json.summary).not.toContain('improving');
  });

  it('6. sessions crowded into an afternoon, or seconds apart, or at one instant, claim no trend', async () => {
    for (const [time, mood] of [['14:00', -2], ['15:00', 0], ['16:00', -1]] as const) await session('s6-afternoon', `2026-07-01T${time}`, mood);
    const afternoon = report('s6-afternoon', ...SUMMER);
    expect(afternoon.overall_emotional_trend).toMatchObject({ trend_direction: 'insufficient_data', slope_per_30_days: null, avg_emotional_score: -1 });
    expect(afternoon.summary).not.toMatch(/improving/);

    await session('s6-seconds', '2026-07-01T14:00:00', 2);
    await session('s6-seconds', '2026-07-01T14:00:05', -2);
    const trends = box.spawn(['trends', 's6-seconds', ...SUMMER, '--by', 'month']);
    expect(trends.stdout).not.toMatch(/552960/);
    const trendsJson = JSON.parse(box.spawn(['trends', 's6-seconds', ...SUMMER, '--by', 'month', '--json']).stdout);
    expect(trendsJson.overall.slope_per_30_days).toBeNull();
    expect(trendsJson.periods[1]).toMatchObject({ data_points: 2, slope_per_30_days: null, trend_direction: 'insufficient_data' });

    for (const mood of [-2, 2, -2, 2, 0]) await session('s6-instant', '2026-07-01T14:00', mood);
    const instant = report('s6-instant', ...SUMMER);
    expect(instant.overall_emotional_trend).toMatchObject({ trend_direction: 'insufficient_data', volatility: 2 });
    expect(instant.recommendations.join(' ')).not.toContain('Mood varied widely');
    expect(instant.recommendations.join(' ')).toContain('too little time to judge the mood trend');
  });

  it('7. goals set inside the timeframe are marked new, their change counted from their first value', async () => {
    for (const at of days('2026-06-01', 4, 14)) await session('s7-new', at, 'neutral');
    await ok(['goal', 'create', '--client', 's7-new', '--id', 's7-goal', '--description', 'New this summer', '--progress', '0'], '2026-06-10T10:00:00Z');
    await ok(['goal', 'update', 's7-goal', '--progress', '96'], '2026-08-10T10:00:00Z');
    const json = report('s7-new', ...SUMMER);
    expect(json.goals[0]).toMatchObject({ goal_id: 's7-goal', progress_at_start: 0, progress_change: 96, set_in_timeframe: true });
    expect(reportText('s7-new', ...SUMMER)).toContain('(new in this timeframe: change counted from its first value)');
    expect(box.spawn(['report', 's7-new', ...SUMMER, '--format', 'markdown']).stdout).toContain('+96 points (new in this timeframe');
    expect(json.summary).toContain('s7-goal at 96% (+96, new)');
  });

  it('8. a mean of exactly 39/32 is 1.2188 (and −39/32 is −1.2188), and an unknown duration is said as such', async () => {
    // 7 sessions at +2 and 25 at +1: 39/32 = 1.21875, a tie, rounded half away from zero.
    const at = days('2026-06-01', 32, 2);
    for (const [i, when] of at.entries()) await session('s8-tie', when, i < 7 ? 2 : 1, '--duration', '50');
    for (const [i, when] of at.entries()) await session('s8-neg', when, i < 7 ? -2 : -1, '--duration', '50');
    expect(report('s8-tie', ...SUMMER).overall_emotional_trend.avg_emotional_score).toBe(1.2188);
    expect(report('s8-neg', ...SUMMER).overall_emotional_trend.avg_emotional_score).toBe(-1.2188);
    expect(reportText('s8-tie', ...SUMMER)).toContain('mean +1.2188');

    await session('s8-unknown', '2026-07-01T10:00', 'neutral');
    const json = report('s8-unknown', ...SUMMER);
    expect(json).toMatchObject({ total_minutes: 0, sessions_without_duration: 1 });
    const text = reportText('s8-unknown', ...SUMMER);
    expect(text).toContain('1 session (duration not recorded)');
    expect(text).not.toContain('0 minutes');
    expect(json.summary).toContain('attended 1 session (duration not recorded).');
  });
});

describe('the report lists the sessions of its timeframe', () => {
  it('newest first with their summaries, ten of them and a count of the rest', async () => {
    for (const at of days('2026-06-01', 12, 7)) await session('list', at, 'neutral', '--duration', '45');
    const json = report('list', ...SUMMER);
    expect(json.session_summaries).toHaveLength(10);
    expect(json.session_summaries[0].conversation_summary).toBe('session at 2026-08-17T10:00');
    expect(json.session_summaries[9].conversation_summary).toBe('session at 2026-06-15T10:00');
    expect(json.sessions_not_listed).toBe(2);
    const text = reportText('list', ...SUMMER);
    expect(text).toContain('12 sessions (540 minutes in all)');
    expect(text).toContain('… and 2 earlier sessions');
  });
});
