import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lexer } from 'marked';
import { Sandbox, testEngine } from '../helpers.js';

// TZ=Europe/Berlin (UTC+2 until 2026-10-25, then UTC+1).
let box: Sandbox;
const local = (text: string) => new Date(text); // an ISO time with an offset or Z

async function setup(args: string[], now: string): Promise<void> {
  const result = await box.run(args, { now: local(now) });
  if (result.code !== 0) throw new Error(`tpt ${args.join(' ')}: ${result.stderr}`);
}

async function logSession(client: string, at: string, mood: number, extra: string[] = []): Promise<void> {
  await setup(['log-session', '--client', client, '--summary', 'weekly session', '--mood', String(mood), '--at', at, '--duration', '50', ...extra], '2026-11-27T12:00:00Z');
}

const json = (text: string) => JSON.parse(text) as Record<string, any>;

beforeAll(async () => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
  // "rise": scores −2..2 on five Mondays at 09:00Z, exactly 7 days apart (across the DST change of 10-25).
  const mondays = ['2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26', '2026-11-02'];
  await setup(['goal', 'create', '--client', 'rise', '--description', 'Sleep 7 hours', '--progress', '10', '--id', 'rise-g1'], '2026-09-01T08:00:00Z');
  for (const [i, day] of mondays.entries()) await logSession('rise', `${day}T09:00:00Z`, i - 2);
  await setup(['goal', 'update', 'rise-g1', '--progress', '40'], '2026-10-15T08:00:00Z');
  await setup(['goal', 'update', 'rise-g1', '--progress', '70'], '2026-11-05T08:00:00Z');
  await setup(['goal', 'update', 'rise-g1', '--progress', '95'], '2026-11-20T08:00:00Z'); // after the timeframe
  // "fall": the mirror image, a goal slipping back, and one crisis flag.
  await setup(['goal', 'create', '--client', 'fall', '--description', 'Go out | meet friends', '--progress', '60', '--id', 'fall-g1'], '2026-09-01T08:00:00Z');
  for (const [i, day] of mondays.entries()) {
    await logSession('fall', `${day}T09:00:00Z`, 2 - i, i === 4 ? ['--crisis-flag', 'suicidal_ideation'] : []);
  }
  await setup(['goal', 'update', 'fall-g1', '--progress', '35', '--note', 'stopped going out'], '2026-10-20T08:00:00Z');
  // "edge": sessions on both sides of each week and timeframe boundary (local times).
  for (const at of ['2026-10-04T23:59', '2026-10-05T00:00', '2026-10-11T23:59', '2026-10-12T00:00', '2026-10-18T23:59:59', '2026-10-19T00:00']) {
    await logSession('edge', at, 1);
  }
});
afterAll(() => box.cleanup());

describe('tpt trends', () => {
  it('gives the SPEC numbers for scores -2..2 a week apart, one session in each week', () => {
    const result = box.spawn(['trends', 'rise', '--since', '2026-10-05', '--until', '2026-11-08', '--by', 'week', '--json']);
    expect(result.code).toBe(0);
    const trends = json(result.stdout);
    expect(Object.keys(trends)).toEqual(['client_id', 'timeframe_start', 'timeframe_end', 'by', 'overall', 'periods', 'crisis_events', 'open_risks', 'measures', 'mood_ratings']);
    expect(trends.crisis_events).toEqual([]);
    // mean 0; sample SD √(10/4) = 1.5811; slope (70/490 per day) × 30 = 4.2857
    expect(trends.overall).toEqual({
      period_start: '2026-10-04T22:00:00.000Z', period_end: '2026-11-08T22:59:59.999Z',
      avg_emotional_score: 0, trend_direction: 'improving', volatility: 1.5811, slope_per_30_days: 4.2857, data_points: 5,
    });
    expect(Object.keys(trends.overall)).toEqual([
      'period_start', 'period_end', 'avg_emotional_score', 'trend_direction', 'volatility', 'slope_per_30_days', 'data_points',
    ]);
    expect(trends.periods.map((p: any) => [p.period_start, p.data_points, p.avg_emotional_score])).toEqual([
      ['2026-10-04T22:00:00.000Z', 1, -2],
      ['2026-10-11T22:00:00.000Z', 1, -1],
      ['2026-10-18T22:00:00.000Z', 1, 0],
      ['2026-10-25T23:00:00.000Z', 1, 1], // Monday after the DST change: local midnight is 23:00Z
      ['2026-11-01T23:00:00.000Z', 1, 2],
    ]);
  });

  it('counts sessions on the right side of week and timeframe boundaries', () => {
    const trends = json(box.spawn(['--json', 'trends', 'edge', '--since', '2026-10-05', '--until', '2026-10-18', '--by', 'week']).stdout);
    // 10-04 23:59 is before --since; 10-19 00:00 is after the whole day of --until 10-18.
    expect(trends.overall.data_points).toBe(4);
    expect(trends.periods.map((p: any) => p.data_points)).toEqual([2, 2]);
    expect(trends.periods[0].period_end).toBe('2026-10-11T21:59:59.999Z');
  });

  it('lists empty periods with 0 data points and draws a chart on the terminal', () => {
    const trends = json(box.spawn(['--json', 'trends', 'rise', '--since', '2026-09-01', '--until', '2026-11-30', '--by', 'month']).stdout);
    expect(trends.periods.map((p: any) => [p.data_points, p.avg_emotional_score])).toEqual([[0, null], [4, -0.5], [1, 2]]);
    const text = box.spawn(['trends', 'rise', '--since', '2026-09-01', '--until', '2026-11-30', '--by', 'week']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Emotional trend of rise');
    expect(text.stdout).toMatch(/[╭╯╰╮─]/);
    expect(text.stdout).toContain('Overall  mean 0 · improving (+4.2857 / 30 days) · volatility 1.5811 · 5 sessions');
    expect(text.stdout).toMatch(/2026-09-07 – 2026-09-13 +0 +–/);
  });

  it('refuses an unknown --by with exit 2 and a one-line fix', () => {
    const result = box.spawn(['trends', 'rise', '--by', 'fortnight']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('tpt: invalid --by "fortnight": use one of day, week, month, quarter, year\n');
    expect(result.stdout).toBe('');
  });
});

describe('tpt report', () => {
  const window = ['--since', '2026-10-05', '--until', '2026-11-08'];

  it('says improving for rising mood and advancing goals, with goal progress as at the end of the timeframe', () => {
    const result = box.spawn(['--json', 'report', 'rise', ...window]);
    expect(result.code).toBe(0);
    const report = json(result.stdout);
    expect(Object.keys(report)).toEqual([
      'client_id', 'report_date', 'timeframe_start', 'timeframe_end', 'sessions_count', 'total_minutes',
      'goal_progress', 'goals', 'emotional_trends', 'overall_emotional_trend', 'key_milestones', 'crisis_events',
      'overall_trajectory', 'recommendations', 'summary', 'open_risks', 'concerns', 'headline', 'trajectory_rule',
      'sessions_without_duration', 'session_summaries', 'sessions_not_listed', 'measures', 'risk_history', 'course', 'off_track',
      'mood_ratings',
    ]);
    // 70 % on 11-05; the 95 % of 11-20 is after the timeframe. At the start (10-05) it stood at 10 %.
    expect(report.goal_progress).toEqual({ 'rise-g1': 70 });
    expect(report.goals[0]).toMatchObject({ progress_at_start: 10, progress_change: 60, status: 'active' });
    expect(report).toMatchObject({ sessions_count: 5, total_minutes: 250, overall_trajectory: 'improving', crisis_events: [] });
    expect(report.overall_emotional_trend).toMatchObject({ slope_per_30_days: 4.2857, volatility: 1.5811 });
    // The months of the timeframe: October (4 sessions) and November up to the 8th (1).
    expect(report.emotional_trends.map((m: any) => m.data_points)).toEqual([4, 1]);
  });

  it('shows the crisis flags of the sessions a trend covers, in JSON and on the terminal', () => {
    const trends = json(box.spawn(['trends', 'fall', '--since', '2026-10-05', '--until', '2026-11-08', '--json']).stdout);
    expect(trends.crisis_events).toHaveLength(1);
    expect(trends.crisis_events[0]).toMatchObject({ crisis_flags: ['suicidal_ideation'] });
    const text = box.spawn(['trends', 'fall', '--since', '2026-10-05', '--until', '2026-11-08']).stdout;
    expect(text).toMatch(/CRISIS FLAGS in 1 session[\s\S]*suicidal_ideation/);
  });

  it('says declining for falling mood and slipping goals, and never leaves out a crisis event', () => {
    const report = json(box.spawn(['report', 'fall', ...window, '--format', 'json']).stdout);
    expect(report.overall_trajectory).toBe('declining');
    expect(report.goal_progress).toEqual({ 'fall-g1': 35 });
    expect(report.crisis_events).toHaveLength(1);
    expect(report.crisis_events[0]).toMatchObject({ crisis_flags: ['suicidal_ideation'], emotional_score: -2 });
    expect(report.recommendations[0]).toMatch(/crisis flags \(suicidal_ideation\)/);
  });

  it('prints a terminal report with the crisis events first and a markdown report that parses', () => {
    const table = box.spawn(['report', 'fall', ...window]);
    expect(table.code).toBe(0);
    expect(table.stdout.indexOf('CRISIS EVENTS (1)')).toBeLessThan(table.stdout.indexOf('Goals'));
    expect(table.stdout).toContain('Overall trajectory: DECLINING');
    const markdown = box.spawn(['report', 'fall', ...window, '--format', 'markdown']);
    expect(markdown.code).toBe(0);
    const tokens = new Lexer().lex(markdown.stdout);
    const tables = tokens.filter((t) => t.type === 'table') as { header: unknown[]; rows: unknown[][] }[];
    expect(tables.length).toBe(6); // open risks, the risks' events of the timeframe, crisis events, sessions, goals, months (no milestones)
    for (const t of tables) for (const row of t.rows) expect(row.length).toBe(t.header.length);
    expect(markdown.stdout).toContain('Go out \\| meet friends');
  });

  it('refuses a bad --format, a clash with --json and an unknown client with exit 2', () => {
    const format = box.spawn(['report', 'rise', '--format', 'docx']);
    expect([format.code, format.stderr]).toEqual([2, 'tpt: invalid --format "docx": use one of table, json, markdown, html, pdf\n']);
    expect(box.spawn(['--json', 'report', 'rise', '--format', 'markdown']).code).toBe(2);
    const unknown = box.spawn(['report', 'nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^tpt: no client "nobody"/);
    expect(box.spawn(['report', 'rise', '--last', '3x']).code).toBe(2);
  });

  it('refuses a timeframe of more than 5000 months cleanly and leaves the database usable', () => {
    const result = box.spawn(['report', 'rise', '--since', '1000-01-01']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^tpt: the timeframe holds more than 5000 periods by month: choose a shorter timeframe/);
    expect(result.stderr.split('\n')).toHaveLength(2);
    expect(box.spawn(['--json', 'report', 'rise']).code).toBe(0);
  });
});

// `tpt demo` makes a database of its own, always an SQLite file (never the user's database), so
// its sandboxes are on SQLite whatever the run's engine.
describe('tpt demo', () => {
  const now = new Date('2026-11-28T10:00:00Z');

  it('prints the report of the crisis story and the commands to try next', async () => {
    const demo = new Sandbox({ engine: 'sqlite' });
    try {
      const result = demo.spawn(['demo']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Progress report: demo-drew');
      expect(result.stdout).toContain('CRISIS EVENTS');
      expect(result.stderr).toContain('demo-avery  improving');
      // No `tpt` on the sandbox's PATH: the suggestions say `npx tpt`, which works in a clone.
      expect(result.stderr).toContain('  npx tpt report demo-avery --last 12m');
      expect(result.stderr).toMatch(/export TPT_DB=.*demo\.db TPT_KEY_FILE=.*demo\.db\.key/);
      expect(demo.spawn(['demo'], { npm_command: 'exec' }).stderr).toContain('  npx tpt clients');
    } finally {
      demo.cleanup();
    }
  });

  it('suggests commands that run as printed where `tpt` is on the PATH', () => {
    const demo = new Sandbox({ engine: 'sqlite' });
    try {
      const bin = join(demo.home, 'bin');
      mkdirSync(bin);
      symlinkSync(new URL('../../bin/tpt.js', import.meta.url).pathname, join(bin, 'tpt'));
      const env = { PATH: `${bin}:${demo.env.PATH}` };
      const result = demo.spawn(['demo'], env);
      const suggested = result.stderr.slice(result.stderr.indexOf('Try it')).split('\n').slice(1)
        .filter((line) => line.startsWith('  ')).map((line) => line.trim());
      expect(suggested[0]).toMatch(/^export TPT_DB=/);
      expect(suggested.slice(1).every((line) => line.startsWith('tpt '))).toBe(true);
      for (const line of suggested.slice(1)) {
        const run = spawnSync('bash', ['-c', `${suggested[0]}\n${line}`], { env: { ...demo.env, ...env }, cwd: demo.home, encoding: 'utf8' });
        expect(run.status, `${line}: ${run.stderr}`).toBe(0);
        expect(run.stderr).toBe('');
      }
    } finally {
      demo.cleanup();
    }
  });

  it('tells each of its stories plainly over the 12 months', async () => {
    const demo = new Sandbox({ engine: 'sqlite' });
    try {
      const created = await demo.json<{ report: { client_id: string; overall_trajectory: string } }>(['demo'], { now });
      // Goals advance and mood is stable over the year, but a crisis: never a plain "improving" (row 5).
      expect(created.report).toMatchObject({ client_id: 'demo-drew', overall_trajectory: 'mixed', trajectory_rule: 5 });
      const env = { TPT_DB: `${demo.home}/data/tpt/demo.db`, TPT_KEY_FILE: `${demo.home}/data/tpt/demo.db.key` };
      const trajectory = async (client: string) =>
        (await demo.json<{ overall_trajectory: string; trajectory_rule: number; concerns: string[] }>(['report', client, '--last', '12m'], { now, env }));
      // Measures take part: avery's PHQ-9 and GAD-7 reliably improved; blake's reliably deteriorated
      // (row 1, whatever else); casey's GAD-7 improved while mood fell and the PHQ-9 reached caseness.
      expect(await trajectory('demo-avery')).toMatchObject({ overall_trajectory: 'improving', trajectory_rule: 6 });
      const blake = await trajectory('demo-blake');
      expect(blake).toMatchObject({ overall_trajectory: 'declining', trajectory_rule: 1 });
      expect(blake.concerns).toContain('PHQ-9 reliably deteriorated (9 → 19)');
      const casey = await trajectory('demo-casey');
      expect(casey).toMatchObject({ overall_trajectory: 'mixed', trajectory_rule: 4 });
      expect(casey.concerns).toEqual([expect.stringMatching(/^PHQ-9 at caseness \(latest 13, moderate, on 2026-11-\d\d; caseness ≥ 10\)$/)]);
      const drew = await demo.json<{ crisis_events: unknown[]; open_risks: unknown[]; concerns: string[] }>(['report', 'demo-drew', '--last', '12m'], { now, env });
      expect(drew.crisis_events).toHaveLength(3);
      // The clinician resolved drew's risks after the recovery (CORE-10 item 6's too); blake's stays open.
      expect(drew.open_risks).toEqual([]);
      expect(drew.concerns[0]).toMatch(/^crisis flags in 3 sessions of this timeframe \(self_harm, suicidal_ideation\)$/);
      expect(drew.concerns[1]).toMatch(/^CORE-10 item 6 answered 1 on 2026-06-\d\d, 1 on 2026-07-\d\d, 1 on 2026-08-\d\d$/);
      const risks = await demo.json<{ client_id: string; kind: string; status: string }[]>(['risk', 'list'], { now, env });
      expect(risks.map((risk) => [risk.client_id, risk.kind, risk.status])).toEqual([
        ['demo-blake', 'suicidal_ideation', 'open'], ['demo-drew', 'suicide_plan', 'resolved'],
        ['demo-drew', 'self_harm', 'resolved'], ['demo-drew', 'suicidal_ideation', 'resolved'],
      ]);
    } finally {
      demo.cleanup();
    }
  });
});

describe('the analytics queries', () => {
  // SQLite's query plans of the SQLite engine's queries: PostgreSQL has its own indexes and planner.
  it.skipIf(testEngine() === 'postgres')('reach a client\'s rows through an index, never by scanning a table', async () => {
    const { openDatabase } = await import('../../src/db/connection.js');
    const { readKeyFile } = await import('../../src/db/key-file.js');
    const { ANALYTICS_SQL } = await import('../../src/db/analytics-queries.js');
    const db = openDatabase(box.dbPath, readKeyFile(box.keyPath));
    try {
      for (const [name, sql] of Object.entries(ANALYTICS_SQL)) {
        const statement = db.prepare(`EXPLAIN QUERY PLAN ${sql}`);
        const values = Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => 'x');
        const plan = (statement.all(...values) as { detail: string }[]).map((row) => row.detail).join(' | ');
        expect(plan, name).not.toMatch(/\bSCAN\b/);
        expect(plan, name).toMatch(/USING (COVERING )?INDEX|USING PRIMARY KEY/);
      }
    } finally {
      db.close();
    }
  });
});
