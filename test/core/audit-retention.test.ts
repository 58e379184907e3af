import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { lastContact, parseYears, retentionCutoff } from '../../src/core/retention.js';

// TZ is Europe/Berlin in tests.
const row = {
  client_id: 'c1', created_at: '2026-01-01T00:00:00.000Z', last_session: null as string | null,
  last_goal_change: null as string | null, last_milestone_achieved: null as string | null, last_measure: null as string | null,
};

describe('retention rules', () => {
  it('counts the policy in calendar years of local time', () => {
    // 2026-03-01 12:00 Berlin (11:00Z), 7 years back → 2019-03-01 12:00 Berlin = 11:00Z
    expect(retentionCutoff(new Date('2026-03-01T11:00:00Z'), 7).toISOString()).toBe('2019-03-01T11:00:00.000Z');
    // 29 Feb 2024 minus one year has no 29th: clamp to 28 Feb 2023 (12:00 Berlin = 11:00Z)
    expect(retentionCutoff(new Date('2024-02-29T11:00:00Z'), 1).toISOString()).toBe('2023-02-28T11:00:00.000Z');
  });

  it('takes the latest of sessions, goal changes and milestones as the last contact', () => {
    expect(lastContact({ ...row, last_session: '2018-05-01T08:00:00.000Z', last_goal_change: '2019-01-01T08:00:00.000Z' })
      .toISOString()).toBe('2019-01-01T08:00:00.000Z');
    // a milestone achieved on 2020-06-30 counts to the end of that Berlin day (CEST, UTC+2): 21:59:59.999Z
    expect(lastContact({ ...row, last_session: '2018-05-01T08:00:00.000Z', last_milestone_achieved: '2020-06-30' })
      .toISOString()).toBe('2020-06-30T21:59:59.999Z');
    // a PHQ-9 taken later than the last session is a contact too
    expect(lastContact({ ...row, last_session: '2018-05-01T08:00:00.000Z', last_measure: '2021-02-01T09:00:00.000Z' })
      .toISOString()).toBe('2021-02-01T09:00:00.000Z');
  });

  it('falls back to the day the client was entered when there is no record of contact', () => {
    expect(lastContact(row).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('refuses years that are not a whole number from 1 to 100', () => {
    expect(parseYears('7')).toBe(7);
    for (const bad of ['0', '-1', '6.5', 'seven', '101', '']) expect(() => parseYears(bad)).toThrow(InputError);
  });
});
