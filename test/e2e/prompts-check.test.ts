import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox, type Answer } from '../helpers.js';

// On a terminal every answer is checked at its own prompt, which asks again: no answer typed is
// lost to an error at the end. TZ=Europe/Berlin; the clock stands at NOW.
const NOW = new Date('2026-03-20T12:00:00Z');
let box: Sandbox;

beforeEach(() => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
});
afterEach(() => box.cleanup());

const onTerminal = (args: string[], answers: Answer[]) => box.runOnTerminal(args, answers, { now: NOW });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (args: string[], now = NOW) => box.json<any>(args, { now });

describe('log-session -i checks each answer at its own prompt', () => {
  it('asks again for a day that does not exist, a time years ahead, a duration out of range and a bare "other" flag, and keeps every answer', async () => {
    const { code, screen } = await onTerminal(['log-session', '-i', '--client', 'c1', '--id', 's1', '--summary', 'sleep', '--mood', '0'], [
      { when: /When \(/, type: '2026-02-30 10:00' },
      { when: /there is no such local time/, type: '2062-01-01 10:00' },
      { when: /more than 24 hours in the future/, type: '2026-03-19 10:00' },
      { when: /Duration in minutes/, type: '3000' },
      { when: /1-1440/, type: '50' },
      { when: /Other techniques/, type: 'CBT' },
      { when: /Progress notes/, type: 'kept a diary' },
      { when: /Therapist observations/, type: 'calm' },
      { when: /Homework assigned/, type: 'walk daily' },
      { when: /Focus of the next session/, type: 'work' },
      { when: /Crisis flags/, type: 'other' },
      { when: /needs its words/, type: 'other: lost housing' },
      { when: /Save this session\?/, type: 'y' },
    ]);
    expect(code, screen).toBe(0);
    expect(await json(['session', 'show', 's1'])).toMatchObject({
      timestamp: '2026-03-19T09:00:00.000Z', session_duration_minutes: 50, techniques_used: ['CBT'],
      progress_notes: 'kept a diary', therapist_observations: 'calm', homework_assigned: 'walk daily',
      next_session_focus: 'work', crisis_flags: ['other: lost housing'],
    });
  });
});

describe('a client id one character away from an existing one, on a terminal', () => {
  it('asks which client is meant before anything is written, and logs for the one chosen', async () => {
    await json(['log-session', '--client', 'c42', '--summary', 'x', '--mood', '0']);
    const { code, screen } = await onTerminal(['log-session', '--client', 'C42', '--id', 's2', '--summary', 'y', '--mood', '1'], [
      { when: /There is no client "C42" yet, but there is "c42"\. Which is meant\?/, type: '' },
    ]);
    expect(code, screen).toBe(0);
    expect((await json(['session', 'show', 's2'])).client_id).toBe('c42');
    expect((await json(['clients'])).map((client: { client_id: string }) => client.client_id)).toEqual(['c42']);
  });
});

describe('goal update on a terminal checks each answer at its own prompt', () => {
  it('asks again for a client that does not exist and for a time before the goal was set', async () => {
    await json(['goal', 'create', '--client', 'c1', '--id', 'g1', '--description', 'Sleep 7 hours'], new Date('2026-03-01T09:00:00Z'));
    const { code, screen } = await onTerminal(['goal', 'update'], [
      { when: /Client id/, type: 'nobody' },
      { when: /no such client/, type: 'c1' },
      { when: /Goal/, type: '' },
      { when: /New completion percentage/, type: '40' },
      { when: /Status/, type: '' },
      { when: /Note \(why it changed\)/, type: 'half way' },
      { when: /When did it change/, type: '2026-02-01' },
      { when: /the goal was set/, type: '2026-03-10' },
    ]);
    expect(code, screen).toBe(0);
    const goal = await json(['goal', 'show', 'g1']);
    expect(goal.completion_percentage).toBe(40);
    expect(goal.history.at(-1)).toMatchObject({ at: '2026-03-09T23:00:00.000Z', completion_percentage: 40, note: 'half way' });
  });
});
