import { Lexer, marked, type Tokens } from 'marked';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import type { GoalHeader, GoalHistoryPoint, ReportSessionRow } from '../../src/db/analytics-queries.js';
import { TRAJECTORY_RULES, buildReport, overallTrajectory, type ReportInput, type TrajectoryFacts } from '../../src/core/report.js';
import { renderReport, renderReportMarkdown } from '../../src/render/report.js';
import { renderTrendChart } from '../../src/render/chart.js';

// TZ=Europe/Berlin. The timeframe: 2026-10-01 00:00 to 2026-11-30 23:59:59.999 local.
const start = new Date(2026, 9, 1);
const end = new Date(new Date(2026, 11, 1).getTime() - 1);
const now = new Date(2026, 11, 1, 9);
const at = (month: number, day: number, hour = 10) => new Date(2026, month - 1, day, hour).toISOString();

function session(id: string, timestamp: string, score: number, flags: string[] = [], minutes: number | null = 50): ReportSessionRow {
  return {
    session_id: id, timestamp, emotional_score: score, session_duration_minutes: minutes,
    crisis_flags: JSON.stringify(flags), conversation_summary: `summary of ${id}`, signed_at: null,
  };
}

function goal(id: string, description = `goal ${id}`, target: string | null = '2027-06-30'): GoalHeader {
  return { goal_id: id, description, target_date: target, created_at: at(9, 1) };
}

function history(id: string, ...entries: [string, number, GoalHistoryPoint['status']?][]): GoalHistoryPoint[] {
  return entries.map(([when, percentage, status]) => ({ goal_id: id, at: when, completion_percentage: percentage, status: status ?? 'active' }));
}

function input(overrides: Partial<ReportInput>): ReportInput {
  return {
    clientId: 'c1', now, range: { start, end }, sessions: [], goals: [], history: [], milestones: [],
    lastSession: undefined, openRisks: [], ...overrides,
  };
}

// Weekly sessions from Monday 2026-10-05, scores rising −1, −1, 0, 0, 1, 1, 2, 2.
const rising = [-1, -1, 0, 0, 1, 1, 2, 2].map((score, week) => session(`s${week}`, new Date(2026, 9, 5 + 7 * week, 10).toISOString(), score));
const falling = rising.map((row, index) => ({ ...row, emotional_score: -rising[index]!.emotional_score }));
const lastOf = (rows: ReportSessionRow[]) => rows[rows.length - 1]!.timestamp;

describe('the progress report', () => {
  it('says improving when mood rises and goals advance', () => {
    const { report } = buildReport(input({
      sessions: rising, lastSession: lastOf(rising), goals: [goal('g1')],
      history: history('g1', [at(9, 1), 10], [at(10, 20), 30], [at(11, 25), 60]),
    }));
    expect(report.overall_emotional_trend.trend_direction).toBe('improving');
    // g1 stood at 10 % at the start (its entry of 09-01) and at 60 % at the end: +50 points
    expect(report.goals[0]).toMatchObject({ progress_at_start: 10, completion_percentage: 60, progress_change: 50 });
    expect(report.goal_progress).toEqual({ g1: 60 });
    expect(report.overall_trajectory).toBe('improving');
  });

  it('says declining when mood falls and goals slip', () => {
    const { report } = buildReport(input({
      sessions: falling, lastSession: lastOf(falling), goals: [goal('g1'), goal('g2')],
      history: [...history('g1', [at(9, 1), 50], [at(11, 1), 30]), ...history('g2', [at(9, 1), 40], [at(10, 15), 35])],
    }));
    // mean change ((30−50) + (35−40)) / 2 = −12.5 points: slipping
    expect(report.overall_trajectory).toBe('declining');
    expect(report.recommendations.some((r) => r.startsWith('Mood declined'))).toBe(true);
    expect(report.recommendations).toContain(
      'Goal progress slipped in this timeframe (-12.5 points on average): revisit the goals with the client and what stands in their way.',
    );
  });

  it('combines mood and goals by the trajectory rule', () => {
    const facts = (mood: TrajectoryFacts['mood'], goals: TrajectoryFacts['goals']): TrajectoryFacts =>
      ({ sessions: 5, mood, goals, measures: 'none', crisisInTimeframe: false, openRisk: false, riskItemInTimeframe: false, persistentlyLowMood: false });
    const trajectory = (mood: TrajectoryFacts['mood'], goals: TrajectoryFacts['goals']) => overallTrajectory(facts(mood, goals)).trajectory;
    expect(trajectory('improving', 'slipping')).toBe('mixed');
    expect(trajectory('declining', 'advancing')).toBe('mixed');
    expect(trajectory('improving', 'steady')).toBe('improving');
    expect(trajectory('stable', 'slipping')).toBe('declining');
    expect(trajectory('stable', 'steady')).toBe('stable');
    expect(trajectory('insufficient_data', 'advancing')).toBe('improving');
    expect(trajectory('declining', 'none')).toBe('declining');
    expect(trajectory('insufficient_data', 'none')).toBe('insufficient_data');
  });

  it('lists every session with crisis flags and adds the crisis recommendation first', () => {
    const rows = [session('a', at(10, 2), -2, ['self_harm_urge']), session('b', at(10, 9), 0), session('c', at(11, 30, 23), -2, ['suicidal_ideation', 'self_harm_urge'], null)];
    const { report } = buildReport(input({ sessions: rows, lastSession: rows[2]!.timestamp }));
    expect(report.crisis_events.map((event) => event.session_id)).toEqual(['a', 'c']);
    expect(report.crisis_events[1]).toMatchObject({ emotional_state: 'very_negative', crisis_flags: ['suicidal_ideation', 'self_harm_urge'] });
    expect(report.recommendations[0]).toMatch(/^2 sessions in this timeframe carried crisis flags \(self_harm_urge, suicidal_ideation\)/);
    // 50 + 50 + no duration = 100 minutes, and one session without a recorded duration
    expect(report.total_minutes).toBe(100);
    expect(report.sessions_without_duration).toBe(1);
    expect(report.sessions_count).toBe(3);
  });

  it('splits the timeframe into its calendar months', () => {
    const { report } = buildReport(input({ sessions: rising, lastSession: lastOf(rising) }));
    // Oct: weeks 0-3 (−1, −1, 0, 0), Nov: weeks 4-7 (1, 1, 2, 2)
    expect(report.emotional_trends.map((m) => [m.period_start, m.data_points, m.avg_emotional_score])).toEqual([
      ['2026-09-30T22:00:00.000Z', 4, -0.5],
      ['2026-10-31T23:00:00.000Z', 4, 1.5],
    ]);
  });

  it('applies the overdue goal, no recent session, volatility, no active goal and few sessions rules', () => {
    // Three sessions over 15 days, on three days: enough time for a trend (and so for volatility).
    const rows = [session('a', at(10, 1), -2), session('b', at(10, 9), 2), session('c', at(10, 16), -2)];
    const { report } = buildReport(input({
      sessions: rows, lastSession: rows[2]!.timestamp,
      goals: [goal('late', 'Sleep better', '2026-11-01'), goal('done', 'Walk daily', '2026-10-15')],
      history: [...history('late', [at(9, 1), 40, 'paused']), ...history('done', [at(9, 1), 100, 'achieved'])],
    }));
    const text = report.recommendations.join('\n');
    expect(text).toContain('Goal late ("Sleep better") passed its target date 2026-11-01 at 40%');
    expect(text).not.toContain('Goal done');
    // last session 10-16 10:00, end 11-30 23:59: 45 days → 6 weeks
    expect(text).toContain('No session for 6 weeks (the last was on 2026-10-16)');
    // scores −2, 2, −2: mean −0.6667, Σ(y−ȳ)² = 1.7778+7.1111+1.7778 = 10.6667 → SD √5.3333 = 2.3094
    expect(report.overall_emotional_trend.volatility).toBe(2.3094);
    expect(text).toContain('Mood varied widely from session to session (volatility 2.3094)');
    expect(text).toContain('No active goal at the end of this timeframe');
    const few = buildReport(input({ sessions: rows.slice(0, 2), lastSession: rows[1]!.timestamp, goals: [goal('g')], history: history('g', [at(9, 1), 10]) }));
    expect(few.report.recommendations.join('\n')).toContain('Only 2 sessions in this timeframe');
  });

  it('judges a timeframe reaching into the future as of now', () => {
    const rows = [0, 0, 1].map((score, i) => session(`s${i}`, new Date(2026, 10, 6 + 7 * i, 10).toISOString(), score));
    const { report } = buildReport(input({
      range: { start, end: new Date(2027, 0, 31) }, // now is 2026-12-01 09:00
      sessions: rows, lastSession: lastOf(rows),
      goals: [goal('g', 'Sleep better', '2026-12-15')], history: history('g', [at(9, 1), 20], [at(11, 20), 22]),
    }));
    // Last session 11-20, 11 days before now (not 72 days before 01-31); the target 12-15 is still ahead.
    expect(report.recommendations.join('\n')).not.toMatch(/No session for|passed its target date/);
  });

  it('says so when no rule raised a concern', () => {
    const steady = [0, 0, 0, 1].map((score, i) => session(`s${i}`, new Date(2026, 10, 3 + 7 * i, 10).toISOString(), score));
    const { report } = buildReport(input({ sessions: steady, lastSession: lastOf(steady), goals: [goal('g')], history: history('g', [at(9, 1), 20], [at(11, 20), 22]) }));
    expect(report.recommendations).toEqual(['No rule raised a concern: continue the current plan and review progress again next month.']);
  });

  it('prints the JSON keys in the order of SPEC §3', () => {
    const { report } = buildReport(input({}));
    expect(Object.keys(report)).toEqual([
      'client_id', 'report_date', 'timeframe_start', 'timeframe_end', 'sessions_count', 'total_minutes',
      'goal_progress', 'goals', 'emotional_trends', 'overall_emotional_trend', 'key_milestones', 'crisis_events',
      'overall_trajectory', 'recommendations', 'summary', 'open_risks', 'concerns', 'headline', 'trajectory_rule',
      'sessions_without_duration', 'session_summaries', 'sessions_not_listed', 'measures', 'risk_history', 'course', 'off_track',
      'mood_ratings',
    ]);
    expect(report.overall_trajectory).toBe('insufficient_data');
  });
});

describe('the trajectory rule table (docs/reports.md)', () => {
  const base: TrajectoryFacts = {
    sessions: 8, mood: 'stable', goals: 'steady', measures: 'none', crisisInTimeframe: false, openRisk: false, riskItemInTimeframe: false, persistentlyLowMood: false,
  };
  // One case per row, in the order of docs/reports.md: the row that decides it, and the trajectory.
  const cases: [number, Partial<TrajectoryFacts>, string][] = [
    // Mood better and goals advancing, but the PHQ-9 reliably worse: never improving.
    [1, { mood: 'improving', goals: 'advancing', measures: 'deteriorated' }, 'declining'],
    [1, { sessions: 0, mood: 'insufficient_data', goals: 'none', measures: 'deteriorated' }, 'declining'],
    [2, { sessions: 0, mood: 'insufficient_data', goals: 'advancing' }, 'insufficient_data'],
    [2, { sessions: 0, mood: 'insufficient_data', goals: 'none', measures: 'improved' }, 'insufficient_data'],
    [3, { mood: 'insufficient_data', goals: 'none' }, 'insufficient_data'],
    [4, { mood: 'improving', goals: 'slipping' }, 'mixed'],
    [4, { mood: 'declining', goals: 'advancing', crisisInTimeframe: true }, 'mixed'],
    [4, { mood: 'declining', goals: 'none', measures: 'improved' }, 'mixed'],
    [5, { mood: 'improving', goals: 'advancing', crisisInTimeframe: true }, 'mixed'],
    [5, { mood: 'stable', goals: 'advancing', persistentlyLowMood: true }, 'mixed'],
    // An open risk from before the timeframe (issue 21, finding 3).
    [5, { mood: 'improving', goals: 'steady', openRisk: true }, 'mixed'],
    [5, { mood: 'stable', goals: 'steady', measures: 'improved', riskItemInTimeframe: true }, 'mixed'],
    [6, { mood: 'improving', goals: 'steady' }, 'improving'],
    [6, { mood: 'insufficient_data', goals: 'advancing' }, 'improving'],
    [6, { mood: 'insufficient_data', goals: 'none', measures: 'improved' }, 'improving'],
    [7, { mood: 'stable', goals: 'slipping', crisisInTimeframe: true }, 'declining'],
    [7, { mood: 'declining', goals: 'none' }, 'declining'],
    [7, { mood: 'declining', goals: 'steady', measures: 'no_reliable_change' }, 'declining'],
    [8, { mood: 'stable', goals: 'steady', persistentlyLowMood: true }, 'stable'],
    [8, { mood: 'stable', goals: 'none' }, 'stable'],
    [8, { mood: 'insufficient_data', goals: 'none', measures: 'no_reliable_change' }, 'stable'],
  ];
  for (const [row, facts, trajectory] of cases) {
    it(`row ${row}: ${JSON.stringify(facts)} → ${trajectory}`, () => {
      expect(overallTrajectory({ ...base, ...facts })).toEqual({ trajectory, row });
    });
  }

  it('has the rows of docs/reports.md, in its order, and a case for each', () => {
    expect(TRAJECTORY_RULES.map((rule) => [rule.row, rule.trajectory])).toEqual([
      [1, 'declining'], [2, 'insufficient_data'], [3, 'insufficient_data'], [4, 'mixed'], [5, 'mixed'], [6, 'improving'],
      [7, 'declining'], [8, 'stable'],
    ]);
    expect(new Set(cases.map(([row]) => row)).size).toBe(TRAJECTORY_RULES.length);
  });

  it('is the table docs/reports.md prints', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync(new URL('../../docs/reports.md', import.meta.url), 'utf8');
    const rows = [...readme.matchAll(/^\| (\d) \| .* \| `(\w+)` \|$/gm)].map((match) => [Number(match[1]), match[2]]);
    expect(rows).toEqual(TRAJECTORY_RULES.map((rule) => [rule.row, rule.trajectory]));
  });
});

describe('the report as markdown and on the terminal', () => {
  const view = buildReport(input({
    sessions: [...rising.slice(0, 3), session('x', at(10, 27), -2, ['self_harm_urge']), ...rising.slice(4)],
    lastSession: lastOf(rising),
    goals: [goal('g1', 'Stop | pipes <script>alert(1)</script> and *stars*'), goal('g2', '# not a heading')],
    history: [...history('g1', [at(9, 1), 10], [at(11, 2), 45]), ...history('g2', [at(9, 1), 0])],
    milestones: [{ milestone_id: 'm1', goal_id: 'g1', description: 'First [link](http://x)', achieved_date: '2026-11-02', significance: 'high' }],
  }));
  const markdown = renderReportMarkdown(view);

  it('renders to headings and tables that keep their columns, whatever the client typed', () => {
    const tokens = new Lexer().lex(markdown);
    const headings = tokens.filter((t): t is Tokens.Heading => t.type === 'heading').map((t) => `${t.depth} ${t.text}`);
    expect(headings).toEqual([
      '1 Progress report: c1', '2 Crisis events', '2 Sessions', '2 Goals', '2 Milestones', '2 Emotional trend', '2 Outcome measures', '2 Recommendations', '2 Summary',
    ]);
    const tables = tokens.filter((t): t is Tokens.Table => t.type === 'table');
    expect(tables.map((t) => t.header.length)).toEqual([5, 6, 6, 4, 6]);
    for (const table of tables) for (const row of table.rows) expect(row).toHaveLength(table.header.length);
    const goals = tables[2]!;
    expect(goals.rows).toHaveLength(2);
    expect(goals.rows[0]![1]!.text).toContain('pipes');
  });

  it('shows typed text literally: no HTML, link or emphasis comes through', () => {
    const html = marked.parse(markdown, { async: false });
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    // The link syntax stays text (a bare URL may still be auto-linked by GFM, which is harmless).
    expect(html).toContain('First [link](');
    expect(html).not.toContain('>link</a>');
    expect(html).not.toContain('<em>stars');
    expect(html).toContain('self_harm_urge');
    expect(html.match(/<h1/g)).toHaveLength(1);
  });

  it('puts the crisis events first on the terminal, in red on a colour terminal', () => {
    const text = renderReport(view, new Chalk({ level: 1 }), 100);
    const crisis = text.indexOf('CRISIS EVENTS (1)');
    expect(crisis).toBeGreaterThan(0);
    expect(crisis).toBeLessThan(text.indexOf('Goals'));
    expect(text).toContain('\u001b[31m\u001b[1m⚠ CRISIS EVENTS (1)');
    expect(text).toMatch(/█+░+ {2}45% \(.*\+35.*\)/);
    const plain = renderReport(view, new Chalk({ level: 0 }), 100);
    expect(plain).not.toContain('\u001b[');
    expect(plain).toContain('⚠ self_harm_urge');
  });
});

describe('the trend chart', () => {
  const plain = new Chalk({ level: 0 });
  const period = (month: number, mean: number | null, points = mean === null ? 0 : 1) => ({
    period_start: new Date(2026, month - 1, 1).toISOString(), period_end: new Date(2026, month, 1, 0, 0, 0, -1).toISOString(),
    avg_emotional_score: mean, trend_direction: 'insufficient_data' as const, volatility: 0, slope_per_30_days: null, data_points: points,
  });

  it('marks periods with and without sessions and labels months with the year below', () => {
    const chart = renderTrendChart([period(1, null), period(2, -2), period(3, null), period(4, 2), period(5, null)], 'month', plain, 80);
    const lines = chart.split('\n');
    // 9 rows for +2..−2 in steps of 0.5, then markers, month labels, years, and the legend on two
    // lines (on one it would be 95 columns wide)
    expect(lines).toHaveLength(14);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(lines[9]!.trim().split(/\s+/)).toEqual(['·', '●', '·', '●', '·']);
    expect(lines[10]!.trim().split(/\s+/)).toEqual(['Jan', 'Feb', 'Mar', 'Apr', 'May']);
    expect(lines[11]!.trim()).toBe('2026');
    // The line rises from −2 (Feb) to +2 (Apr) and is not drawn before Feb or after Apr.
    expect(lines[0]!.startsWith(' +2.0 ┤')).toBe(true);
    expect(lines[8]!.startsWith(' -2.0 ┤')).toBe(true);
    const columnOf = (label: string) => lines[10]!.indexOf(label);
    for (const row of lines.slice(0, 9)) {
      expect(row.slice(7, columnOf('Feb')).trim()).toBe('');
      expect(row.slice(columnOf('Apr') + 1).trim()).toBe('');
    }
  });

  it('draws a dot for a single period with sessions, on its row', () => {
    const lines = renderTrendChart([period(1, null), period(2, 1)], 'month', plain, 80).split('\n');
    // +1.0 is the third row (+2.0, +1.5, +1.0)
    expect(lines[2]).toContain('●');
    expect(lines.slice(0, 9).filter((row) => row.includes('●'))).toHaveLength(1);
  });

  it('says so instead of drawing when there is nothing or too much to chart', () => {
    expect(renderTrendChart([period(1, null)], 'month', plain, 80)).toBe('No sessions in this timeframe: nothing to chart.');
    const many = Array.from({ length: 200 }, () => period(1, 0));
    expect(renderTrendChart(many, 'day', plain, 80)).toMatch(/^200 periods do not fit a chart 80 columns wide/);
  });
});
