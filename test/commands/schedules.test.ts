import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';

// Measure schedules across a month (README, "Measure schedules"). TZ=Europe/Berlin; summer time
// begins on Sunday 2026-03-29, and due dates count elapsed time, so they move to 11:30 local.
let box: Sandbox;
const local = (month: number, dayOfMonth: number, hour: number, minute = 0) => new Date(2026, month - 1, dayOfMonth, hour, minute);
const at = (when: Date) => ({
  ok: async (args: string[]) => {
    const result = await box.run(args, { now: when });
    expect(result.code, `tpt ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.stdout;
  },
  json: async (args: string[]) => {
    const result = await box.run(['--json', ...args], { now: when });
    expect(result.code, `tpt ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return JSON.parse(result.stdout);
  },
  run: (args: string[]) => box.run(args, { now: when }),
});
const dueOf = async (when: Date, measure: string) =>
  ((await at(when).json(['measure', 'due', 'c1'])) as { measure: string }[]).find((status) => status.measure === measure);

beforeEach(async () => {
  box = new Sandbox();
  await at(local(3, 1, 9)).ok(['init']);
  await at(local(3, 1, 9)).ok(['log-session', '--client', 'c1', '--summary', 'intake', '--mood', 'neutral', '--at', '2026-02-23T10:00']);
});
afterEach(() => box.cleanup());

describe('tpt measure schedule / due', () => {
  it('walks a fortnightly PHQ-9 through due, not due, due, overdue with one missed, and stopped', async () => {
    const start = local(3, 2, 10);
    // No score yet: the first is due at once.
    expect(await at(start).json(['measure', 'schedule', 'c1', 'phq9', '--every', '2w'])).toMatchObject({
      measure: 'phq9', every: '2w', status: 'due', due_since: start.toISOString(), missed_in_a_row: 0,
    });
    await at(local(3, 2, 10, 30)).ok(['measure', 'add', 'c1', '--measure', 'phq9', '--total', '14', '--at', '2026-03-02T10:30']);
    // Taken 10:30: next due 14 days later, 2026-03-16 10:30.
    expect(await dueOf(local(3, 9, 12), 'phq9')).toMatchObject({ status: 'not_due', next_due: local(3, 16, 10, 30).toISOString(), missed_in_a_row: 0 });
    expect(await dueOf(local(3, 16, 12), 'phq9')).toMatchObject({ status: 'due', due_since: local(3, 16, 10, 30).toISOString(), missed_in_a_row: 0 });
    // The next occasion is 14 × 24 h after 03-16 10:30 CET: 03-30 11:30 CEST. At 11:00 it has not come.
    expect(await dueOf(local(3, 30, 11), 'phq9')).toMatchObject({ status: 'due', missed_in_a_row: 0 });
    expect(await dueOf(local(3, 30, 12), 'phq9')).toMatchObject({
      status: 'overdue', due_since: local(3, 16, 10, 30).toISOString(), missed_in_a_row: 1, next_due: local(4, 13, 11, 30).toISOString(),
    });
    const table = await at(local(3, 30, 12)).ok(['measure', 'due', 'c1']);
    expect(table).toMatch(/PHQ-9\s+every 2 weeks\s+2026-03-02\s+2026-03-02\s+overdue since 2026-03-16, missed 1 in a row/);
    expect(await at(local(4, 1, 9)).json(['measure', 'schedule', 'c1', 'phq9', '--stop'])).toMatchObject({
      status: 'stopped', stopped_at: local(4, 1, 9).toISOString(), missed_in_a_row: 0, due_since: null,
    });
    expect(await dueOf(local(4, 30, 9), 'phq9')).toMatchObject({ status: 'stopped' });
  });

  it('counts the sessions in a row held without an every-session GAD-7', async () => {
    await at(local(3, 2, 9)).ok(['measure', 'schedule', 'c1', 'gad7', '--every', 'session']);
    expect(await dueOf(local(3, 2, 9), 'gad7')).toMatchObject({ status: 'not_due', next_due: null });
    await at(local(3, 9, 11)).ok(['log-session', '--client', 'c1', '--id', 's1', '--summary', 'one', '--mood', 'neutral', '--at', '2026-03-09T10:00']);
    await at(local(3, 9, 11)).ok(['measure', 'add', 'c1', '--measure', 'gad7', '--items', '1,1,1,1,1,1,1', '--session', 's1']);
    expect(await dueOf(local(3, 10, 9), 'gad7')).toMatchObject({ status: 'not_due', missed_in_a_row: 0 });
    await at(local(3, 16, 11)).ok(['log-session', '--client', 'c1', '--id', 's2', '--summary', 'two', '--mood', 'neutral', '--at', '2026-03-16T10:00']);
    expect(await dueOf(local(3, 17, 9), 'gad7')).toMatchObject({ status: 'overdue', missed_in_a_row: 1, due_since: local(3, 16, 10).toISOString() });
    await at(local(3, 23, 11)).ok(['log-session', '--client', 'c1', '--id', 's3', '--summary', 'three', '--mood', 'neutral', '--at', '2026-03-23T10:00']);
    expect(await dueOf(local(3, 24, 9), 'gad7')).toMatchObject({ status: 'overdue', missed_in_a_row: 2, due_since: local(3, 16, 10).toISOString() });
    // Taken in the waiting room before the next session (within a day of it): that session is covered.
    await at(local(3, 30, 9)).ok(['measure', 'add', 'c1', '--measure', 'gad7', '--items', '1,1,1,1,1,1,1', '--at', '2026-03-30T09:50']);
    await at(local(3, 30, 11)).ok(['log-session', '--client', 'c1', '--id', 's4', '--summary', 'four', '--mood', 'neutral', '--at', '2026-03-30T10:00']);
    expect(await dueOf(local(3, 31, 9), 'gad7')).toMatchObject({ status: 'not_due', missed_in_a_row: 0 });
  });

  it('refuses a bad interval, both or neither of --every and --stop, and a stop with nothing to stop (exit 2)', async () => {
    const now = at(local(3, 2, 9));
    for (const [args, message] of [
      [['phq9', '--every', '3m'], /invalid --every "3m" \(months vary in length: give weeks, e.g. 4w\)/],
      [['phq9', '--every', '0w'], /invalid --every "0w"/],
      [['phq9', '--every', '2w', '--stop'], /give --every .* or --stop to end it: one of the two/],
      [['phq9'], /give --every .* or --stop/],
      [['phq9', '--stop'], /c1 has no PHQ-9 schedule to stop/],
      [['bdi', '--every', '2w'], /unknown measure "bdi": use one of phq9, gad7, core10/],
    ] as const) {
      const result = await now.run(['measure', 'schedule', 'c1', ...args]);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    expect(await now.json(['measure', 'due', 'c1'])).toEqual([]);
  });
});
