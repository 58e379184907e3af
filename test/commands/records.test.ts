import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';

// In-process runs against a real encrypted database in a temp home, with a fixed clock.
const NOW = new Date('2026-03-10T12:00:00Z');
let box: Sandbox;

async function counts() {
  const clients = await box.json<{ client_id: string; sessions: number }[]>(['clients'], { now: NOW });
  const goals = clients.length === 0 ? 0 : (await Promise.all(clients.map((c) => box.json<unknown[]>(['goal', 'list', c.client_id], { now: NOW })))).flat().length;
  return { clients: clients.length, sessions: clients.reduce((n, c) => n + c.sessions, 0), goals };
}

beforeEach(async () => {
  box = new Sandbox();
  expect((await box.run(['init'])).code).toBe(0);
  expect((await box.run(['goal', 'create', '--client', 'ana', '--description', 'Sleep 7h', '--id', 'g-ana'], { now: NOW })).code).toBe(0);
  expect((await box.run(['goal', 'create', '--client', 'ben', '--description', 'Walk daily', '--id', 'g-ben'], { now: NOW })).code).toBe(0);
  expect((await box.run(['log-session', '--client', 'ana', '--mood', '0', '--summary', 'first', '--id', 's1'], { now: NOW })).code).toBe(0);
});
afterEach(() => box.cleanup());

describe('bad input is refused with exit 2 and nothing written', () => {
  const base = ['log-session', '--client', 'ana', '--summary', 'x'];
  const cases: [string, string[], RegExp][] = [
    ['an unknown mood', [...base, '--mood', 'happy'], /unknown mood "happy": use one of/],
    ['an empty summary', ['log-session', '--client', 'ana', '--summary', ' ', '--mood', '1'], /summary is required and cannot be empty/],
    ['a duration of 0', [...base, '--mood', '1', '--duration', '0'], /duration must be a whole number from 1 to 1440/],
    ['a duration over 1440', [...base, '--mood', '1', '--duration', '1441'], /from 1 to 1440/],
    ['an unparseable date', [...base, '--mood', '1', '--at', '2026-02-30'], /no such day/],
    ['a goal that does not exist', [...base, '--mood', '1', '--goal', 'g-none'], /goal "g-none" does not exist/],
    ['a goal of another client', [...base, '--mood', '1', '--goal', 'g-ben'], /belongs to client "ben"/],
    ['an invalid client id', ['log-session', '--client', 'a b', '--summary', 'x', '--mood', '1'], /invalid client id/],
    ['a bad --meta', [...base, '--mood', '1', '--meta', 'novalue'], /use key=value/],
    ['a --meta key that is not a plain name', [...base, '--mood', '1', '--meta', '__proto__=x'], /invalid --meta key "__proto__"/],
    ['a --meta key given twice', [...base, '--mood', '1', '--meta', 'room=1', '--meta', 'room=2'], /given twice/],
    ['a percentage over 100', ['goal', 'update', 'g-ana', '--progress', '120'], /use a number from 0 to 100/],
    ['a negative percentage', ['goal', 'create', '--client', 'ana', '--description', 'd', '--progress', '-5'], /from 0 to 100/],
    ['an unknown goal status', ['goal', 'update', 'g-ana', '--status', 'done'], /unknown goal status "done"/],
    ['an update of a missing goal', ['goal', 'update', 'g-none', '--progress', '5'], /no goal "g-none"/],
    ['a bad target date', ['goal', 'create', '--client', 'ana', '--description', 'd', '--target', '31/12/2026'], /YYYY-MM-DD/],
    ['a milestone of a missing goal', ['milestone', 'add', '--goal', 'g-none', '--description', 'd'], /no goal "g-none"/],
    ['a bad significance', ['milestone', 'add', '--goal', 'g-ana', '--description', 'd', '--significance', 'huge'], /use one of low, medium, high/],
    ['sessions of an unknown client', ['sessions', 'nobody'], /no client "nobody"/],
    ['a bad --limit', ['sessions', 'ana', '--limit', '0'], /whole number from 1 up/],
    ['a bad --last', ['sessions', 'ana', '--last', '3x'], /unit d, w, m, q or y/],
    ['a missing required option', ['goal', 'create', '--client', 'ana'], /required option '--description/],
  ];
  for (const [what, args, message] of cases) {
    it(`refuses ${what}`, async () => {
      const before = await counts();
      const result = await box.run(args, { now: NOW });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stdout).toBe('');
      expect(await counts()).toEqual(before);
    });
  }

  it('refuses a duplicate id with exit 1, writing nothing', async () => {
    const before = await counts();
    const session = await box.run(['log-session', '--client', 'ana', '--mood', '1', '--summary', 'again', '--id', 's1'], { now: NOW });
    expect(session.code).toBe(1);
    expect(session.stderr).toMatch(/already exists/);
    const goal = await box.run(['goal', 'create', '--client', 'ana', '--description', 'x', '--id', 'g-ana'], { now: NOW });
    expect(goal.code).toBe(1);
    expect(await counts()).toEqual(before);
  });
});

describe('goals', () => {
  it('keeps every change of percentage and status in the history, with actor and note', async () => {
    const later = new Date('2026-03-20T12:00:00Z');
    expect((await box.run(['goal', 'update', 'g-ana', '--progress', '40', '--note', 'sleeps 6h'], { now: later })).code).toBe(0);
    expect((await box.run(['goal', 'update', 'g-ana', '--status', 'paused'], { now: later, env: { TPT_ACTOR: 'dr-lee' } })).code).toBe(0);
    const goal = await box.json<{ completion_percentage: number; status: string; history: unknown[]; updated_at: string }>(['goal', 'show', 'g-ana']);
    expect(goal.completion_percentage).toBe(40);
    expect(goal.status).toBe('paused');
    expect(goal.updated_at).toBe(later.toISOString());
    expect(goal.history).toEqual([
      { at: NOW.toISOString(), completion_percentage: 0, status: 'active', note: 'created', actor: 'tester' },
      { at: later.toISOString(), completion_percentage: 40, status: 'active', note: 'sleeps 6h', actor: 'tester' },
      { at: later.toISOString(), completion_percentage: 40, status: 'paused', note: '', actor: 'dr-lee' },
    ]);
  });

  it('marks an active goal achieved when it reaches 100%', async () => {
    const result = await box.json<{ status: string; completion_percentage: number }>(['goal', 'update', 'g-ana', '--progress', '100']);
    expect(result).toEqual({ goal_id: 'g-ana', completion_percentage: 100, status: 'achieved' });
  });

  it('lists a client\'s goals, filtered by status, with milestone ids', async () => {
    await box.run(['goal', 'create', '--client', 'ana', '--description', 'Second', '--id', 'g-ana-2', '--target', '2026-12-31'], { now: NOW });
    await box.run(['goal', 'update', 'g-ana-2', '--status', 'paused']);
    await box.run(['milestone', 'add', '--goal', 'g-ana', '--description', 'first week', '--date', '2026-03-10', '--id', 'm1']);
    const all = await box.json<{ goal_id: string; milestones: string[]; target_date: string | null }[]>(['goal', 'list', 'ana']);
    expect(all.map((goal) => goal.goal_id)).toEqual(['g-ana', 'g-ana-2']);
    expect(all[0]!.milestones).toEqual(['m1']);
    expect(all[1]!.target_date).toBe('2026-12-31');
    const paused = await box.json<{ goal_id: string }[]>(['goal', 'list', 'ana', '--status', 'paused']);
    expect(paused.map((goal) => goal.goal_id)).toEqual(['g-ana-2']);
  });
});

describe('milestones', () => {
  it('lists a client\'s milestones newest first, defaulting to today and medium', async () => {
    // A milestone is never dated before its goal was set: the old one belongs to a goal set in 2025.
    await box.run(['goal', 'create', '--client', 'ana', '--description', 'Older', '--id', 'g-ana-old'], { now: new Date('2025-12-01T12:00:00Z') });
    await box.run(['milestone', 'add', '--goal', 'g-ana-old', '--description', 'old', '--date', '2026-01-05', '--id', 'm-old', '--significance', 'low']);
    await box.run(['milestone', 'add', '--goal', 'g-ana', '--description', 'today', '--id', 'm-new'], { now: NOW });
    const list = await box.json<{ milestone_id: string; achieved_date: string; significance: string; client_id: string }[]>(['milestone', 'list', 'ana']);
    expect(list.map((m) => [m.milestone_id, m.achieved_date, m.significance, m.client_id])).toEqual([
      ['m-new', '2026-03-10', 'medium', 'ana'],
      ['m-old', '2026-01-05', 'low', 'ana'],
    ]);
  });
});

describe('sessions and clients', () => {
  beforeEach(async () => {
    for (const [id, at, mood] of [['s2', '2026-02-01T09:00', '-1'], ['s3', '2026-03-01T09:00', '2'], ['s4', '2026-03-09T09:00', '1']]) {
      await box.run(['log-session', '--client', 'ana', '--mood', mood!, '--summary', id!, '--id', id!, '--at', at!, '--goal', 'g-ana'], { now: NOW });
    }
    await box.run(['log-session', '--client', 'ana', '--mood', '-2', '--summary', 'crisis', '--id', 's0', '--at', '2026-03-01T09:00', '--crisis-flag', 'self_harm_risk'], { now: NOW });
  });

  it('lists sessions newest first, inside an inclusive timeframe, up to --limit', async () => {
    const ids = async (...args: string[]) =>
      (await box.json<{ session_id: string }[]>(['sessions', 'ana', ...args], { now: NOW })).map((s) => s.session_id);
    expect(await ids()).toEqual(['s1', 's4', 's3', 's0', 's2']);
    expect(await ids('--limit', '2')).toEqual(['s1', 's4']);
    // Same instant: the later id first, so the order is stable.
    expect(await ids('--since', '2026-02-01', '--until', '2026-03-01')).toEqual(['s3', 's0', 's2']);
    expect(await ids('--last', '7d')).toEqual(['s1', 's4']);
    expect(await ids('--days', '1')).toEqual(['s1']);
  });

  it('shows crisis flags in the session listing, and the last crisis in the client listing', async () => {
    const sessions = await box.run(['sessions', 'ana'], { now: NOW });
    // "self_harm_risk" is a common spelling of self_harm, and is stored in the vocabulary's words.
    expect(sessions.stdout).toMatch(/s0 .*\n.*⚠ self_harm/);
    const clients = await box.run(['clients'], { now: NOW });
    expect(clients.stdout).toMatch(/ana .*⚠ 2026-03-01 09:00/);
  });

  it('summarises every client: sessions, last session, active goals, average progress', async () => {
    await box.run(['goal', 'update', 'g-ben', '--progress', '30']);
    const clients = await box.json(['clients'], { now: NOW });
    expect(clients).toEqual([
      { client_id: 'ana', created_at: NOW.toISOString(), sessions: 5, last_session: NOW.toISOString(), last_crisis: '2026-03-01T08:00:00.000Z', active_goals: 1, average_goal_progress: 0, open_risks: ['self_harm'] },
      { client_id: 'ben', created_at: NOW.toISOString(), sessions: 0, last_session: null, last_crisis: null, active_goals: 1, average_goal_progress: 30, open_risks: [] },
    ]);
  });
});
