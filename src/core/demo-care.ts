import type { Store } from '../db/store.js';
import { startCourseSync } from './courses.js';
import type { MeasureKind } from './measure-scoring.js';
import { setScheduleSync } from './schedules.js';
import { addDays } from './timeframe.js';

/**
 * The demo's courses and measure schedules: each client's course of treatment starts with the
 * year, and the measures the demo takes monthly are scheduled every 4 weeks from then. After
 * demo-drew's crisis the clinician added a fortnightly PHQ-9 six weeks before the end of the year
 * that was never taken, so `tpt caseload` has an overdue measure to show.
 */
const SCHEDULES: Record<string, { kind: MeasureKind; every: string; daysBeforeEnd?: number }[]> = {
  'demo-avery': [{ kind: 'phq9', every: '4w' }, { kind: 'gad7', every: '4w' }],
  'demo-blake': [{ kind: 'phq9', every: '4w' }, { kind: 'gad7', every: '4w' }],
  'demo-casey': [{ kind: 'gad7', every: '4w' }, { kind: 'phq9', every: '4w' }],
  'demo-drew': [{ kind: 'core10', every: '4w' }, { kind: 'phq9', every: '2w', daysBeforeEnd: 42 }],
};

// until src/core/demo.ts moves onto the port (it writes the demo in one synchronous transaction)
export function addDemoCare(store: Store, clientId: string, start: Date, now: Date): void {
  startCourseSync(store, { client_id: clientId, course_id: `${clientId}-course-1`, at: start.toISOString() }, { actor: 'demo', now: start });
  for (const schedule of SCHEDULES[clientId] ?? []) {
    const from = schedule.daysBeforeEnd === undefined ? start : addDays(now, -schedule.daysBeforeEnd);
    setScheduleSync(store, { client_id: clientId, measure: schedule.kind, every: schedule.every }, { actor: 'demo', now: from });
  }
}
