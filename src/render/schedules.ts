import type { ChalkInstance } from 'chalk';
import { describeEvery, type ScheduleStatus } from '../core/schedules.js';
import { renderColumns } from './columns.js';
import { day } from './format.js';

/** The state of a schedule in words: `overdue since 2026-03-02, missed 2 in a row`. */
export function scheduleStateText(status: ScheduleStatus): string {
  switch (status.status) {
    case 'stopped':
      return `stopped ${day(status.stopped_at!)}`;
    case 'not_due':
      return status.next_due ? `next due ${day(status.next_due)}` : 'due at the next session';
    case 'due':
      return `due since ${day(status.due_since!)}`;
    case 'overdue':
      return `overdue since ${day(status.due_since!)}, missed ${status.missed_in_a_row} in a row`;
  }
}

export function renderScheduleSet(status: ScheduleStatus): string {
  if (status.status === 'stopped') return `Stopped the ${status.name} schedule of ${status.client_id}.`;
  return `${status.name} for ${status.client_id}: ${describeEvery(status.every)}; ${scheduleStateText(status)}.`;
}

export function renderSchedules(statuses: ScheduleStatus[], style: ChalkInstance, _columns = 0, tableWidth = Infinity): string {
  if (statuses.length === 0) return 'No measure schedules: `tpt measure schedule <client> phq9 --every session` sets one.';
  return renderColumns(
    ['Measure', 'Schedule', 'Since', 'Last score', 'State'],
    statuses.map((status) => [
      status.name, describeEvery(status.every), day(status.started_at), status.last_score_at ? day(status.last_score_at) : '–',
      status.status === 'overdue' ? style.bold(scheduleStateText(status)) : scheduleStateText(status),
    ]),
    style, { width: tableWidth },
  );
}
