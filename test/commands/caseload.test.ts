import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox, runsAt } from '../helpers.js';

// `tpt caseload` (README, "The caseload"): every reason once, one client each, under names whose
// alphabetical order is not the triage order. TZ=Europe/Berlin; now is Monday 2026-06-01 12:00.
let box: Sandbox;
const now = new Date(2026, 5, 1, 12);
const { run, ok, json } = runsAt(() => box, now);

beforeEach(() => {
  box = new Sandbox();
});
afterEach(() => box.cleanup());

const session = async (client: string, at: string, extra: string[] = [], sign = true) => {
  const { session_id } = await json(['log-session', '--client', client, '--summary', 'work', '--mood', 'neutral', '--at', at, ...extra]);
  if (sign) await ok(['session', 'sign', session_id]);
};
const phq9 = (client: string, items: string, at: string) => ok(['measure', 'add', client, '--measure', 'phq9', '--items', items, '--at', at]);

describe('tpt caseload', () => {
  it('puts every reason in triage order, one client each, whatever the names or the order of entry', async () => {
    await ok(['init']);
    // Entered in an order of their own (not the expected one), each with exactly one reason.
    await session('young', '2026-05-30T10:00');
    await ok(['measure', 'schedule', 'young', 'phq9', '--every', '2w']); // set now, no score: due at once
    await session('cole', '2026-05-20T10:00', [], false); // unsigned for 12 days (> 3)
    await session('ames', '2026-05-30T10:00'); // nothing pressing
    await session('walker', '2026-05-30T10:00', ['--crisis-flag', 'suicidal_ideation']);
    await session('ortiz', '2026-05-30T10:00');
    await phq9('ortiz', '1,1,1,1,0,0,0,0,1', '2026-05-30T10:00'); // item 9 answered 1: opens a risk…
    await ok(['risk', 'resolve', 'ortiz', 'suicidal_ideation', '--note', 'safety plan in place']); // …resolved; the alert stays
    await session('kim', '2026-05-30T10:00');
    await phq9('kim', '1,1,1,1,1,1,1,2,0', '2026-04-01T10:00'); // 9
    await phq9('kim', '2,2,2,2,2,2,2,1,0', '2026-05-29T10:00'); // 15: +6, reliably worse
    for (const day of ['04-06', '04-13', '04-20', '04-27', '05-04', '05-11', '05-18', '05-25']) await session('zhou', `2026-${day}T10:00`);
    await phq9('zhou', '2,2,2,2,2,2,2,2,0', '2026-04-01T10:00'); // 16
    await phq9('zhou', '2,2,2,2,1,1,1,1,0', '2026-05-29T10:00'); // 12: −4, still at caseness after 8 sessions
    await session('adams', '2026-05-30T10:00');
    await box.run(['measure', 'schedule', 'adams', 'phq9', '--every', '2w'], { now: new Date(2026, 4, 1, 12) }); // 31 days, no score: 3 occasions
    await session('nash', '2026-05-01T10:00'); // 31 days ago
    await session('baker', '2026-05-30T10:00');
    // Set in April with a target in May (a target before the day a goal is set is refused).
    expect((await box.run(['goal', 'create', '--client', 'baker', '--description', 'walk daily', '--target', '2026-05-15'], { now: new Date(2026, 3, 1, 12) })).code).toBe(0);

    const entries = await json(['caseload']) as { client_id: string; reasons: { reason: string; text: string }[] }[];
    expect(entries.map((entry) => [entry.client_id, ...entry.reasons.map((reason) => reason.reason)])).toEqual([
      ['walker', 'open_risk'],
      ['ortiz', 'risk_item_endorsed'],
      ['kim', 'reliable_deterioration'],
      ['zhou', 'no_reliable_improvement'],
      ['adams', 'measure_overdue'],
      ['nash', 'no_recent_session'],
      ['baker', 'goals_past_target'],
      ['young', 'measure_due'],
      ['cole', 'notes_unsigned'],
      ['ames'],
    ]);
    expect(entries.map((entry) => entry.reasons[0]?.text)).toEqual([
      'open risk: suicidal_ideation (since 2026-05-30, last flagged 2026-05-30)',
      'off track: PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered 1 on 2026-05-30',
      'off track: PHQ-9 reliably worse than its baseline: 9 on 2026-04-01 → 15 on 2026-05-29 (reliable change 6)',
      'off track: PHQ-9 at caseness (≥ 10) and not reliably improved after 8 sessions: 16 on 2026-04-01 → 12 on 2026-05-29',
      'PHQ-9 overdue since 2026-05-01, missed 2 in a row',
      'no session for 31 days (last 2026-05-01)',
      expect.stringMatching(/^goal past target: goal_\w+ \(2026-05-15\)$/),
      'PHQ-9 due since 2026-06-01',
      '1 note unsigned for more than 3 days (oldest 2026-05-20)',
      undefined,
    ]);

    // A longer allowance for unsigned notes takes cole's reason away; cole then sorts by name among the calm.
    const relaxed = await json(['caseload', '--unsigned-days', '14']) as { client_id: string }[];
    expect(relaxed.slice(-2).map((entry) => entry.client_id)).toEqual(['ames', 'cole']);
    const text = await ok(['caseload']);
    expect(text).toMatch(/^1\. walker\n {3}⚠ open risk: suicidal_ideation/);
    expect(text).toMatch(/10\. ames\n {3}nothing pressing/);
    const bad = await run(['caseload', '--unsigned-days', 'soon']);
    expect([bad.code, bad.stderr.trim()]).toEqual([2, 'tpt: invalid --unsigned-days "soon": give a whole number of days, 0 or more (default 3)']);
  });

  it('lists no gap in sessions once the course has ended, and stops its schedules', async () => {
    await ok(['init']);
    await session('nash', '2026-04-01T10:00');
    await box.run(['course', 'start', 'nash', '--at', '2026-03-01'], { now: new Date(2026, 2, 1, 12) });
    await box.run(['measure', 'schedule', 'nash', 'phq9', '--every', '2w'], { now: new Date(2026, 2, 1, 12) });
    expect((await json(['caseload']))[0].reasons.map((reason: { reason: string }) => reason.reason)).toEqual(['measure_overdue', 'no_recent_session']);
    await ok(['course', 'end', 'nash', '--reason', 'completed', '--at', '2026-04-01']);
    expect((await json(['caseload']))[0].reasons).toEqual([]);
    expect(await json(['measure', 'due', 'nash'])).toMatchObject([{ measure: 'phq9', status: 'stopped' }]);
  });

  it("orders the demo's four clients as a clinician would triage them: risk, off track, overdue measure, the rest", async () => {
    await ok(['demo']);
    const demo = join(box.home, 'data', 'tpt', 'demo.db');
    const entries = await json(['--db', demo, '--key-file', `${demo}.key`, 'caseload']) as { client_id: string; reasons: { reason: string }[] }[];
    expect(entries.map((entry) => [entry.client_id, entry.reasons[0]!.reason])).toEqual([
      ['demo-blake', 'open_risk'], ['demo-casey', 'no_reliable_improvement'], ['demo-drew', 'measure_overdue'], ['demo-avery', 'goals_past_target'],
    ]);
    expect(entries[0]!.reasons.map((reason) => reason.reason)).toEqual(
      ['open_risk', 'risk_item_endorsed', 'reliable_deterioration', 'reliable_deterioration', 'goals_past_target'],
    );
  });
});
