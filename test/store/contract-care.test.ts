import { afterAll, describe, expect, it } from 'vitest';
import { caseload } from '../../src/core/caseload.js';
import { endCourse, listCourses, startCourse } from '../../src/core/courses.js';
import { ConflictError, InputError } from '../../src/core/errors.js';
import { listClientsWithAlerts } from '../../src/core/off-track.js';
import { practiceOutcomes } from '../../src/core/outcomes.js';
import { practiceCounts } from '../../src/core/practice.js';
import { progressReport } from '../../src/core/report.js';
import { recordRiskFlagsIn, sessionRiskFlags } from '../../src/core/risks.js';
import { listSchedules, setSchedule } from '../../src/core/schedules.js';
import { emotionalTrends } from '../../src/core/trends.js';
import type { Measure, Session } from '../../src/domain/records.js';
import type { RecordStore } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * Courses, schedules, the caseload, outcomes, the report and the trends through the port: one
 * client's year written the same way on every engine, and core's documents read back from each.
 * Each engine's documents are checked against numbers worked out by hand, and the engines
 * against each other: the report and the trends must be the same document on both.
 */

const at = (iso: string) => ({ actor: 'dr a', now: new Date(iso) });
const NOW = '2026-05-01T12:00:00.000Z';
const DAY = 86_400_000;
/** Ten weekly sessions from 6 January, mood rising from -2 to +2. */
const SCORES = [-2, -2, -1, -1, 0, 0, 1, 1, 1, 2];
const sessionAt = (index: number) => new Date(Date.parse('2026-01-06T10:00:00.000Z') + index * 7 * DAY).toISOString();

function session(index: number): Session {
  const score = SCORES[index]!;
  return {
    session_id: `s${String(index + 1).padStart(2, '0')}`, client_id: 'c1', timestamp: sessionAt(index),
    conversation_summary: `week ${index + 1}: talked about sleep`,
    emotional_state: (['very_negative', 'negative', 'neutral', 'positive', 'very_positive'] as const)[score + 2]!,
    emotional_score: score, therapeutic_goals: ['g1'], progress_notes: 'notes', therapist_observations: 'obs',
    next_session_focus: 'focus', session_duration_minutes: index === 9 ? null : 50, techniques_used: ['CBT'],
    homework_assigned: 'diary', crisis_flags: index === 1 ? ['suicidal_ideation'] : [], metadata: {},
  };
}

function measure(measureId: string, kind: Measure['measure'], timestamp: string, items: number[]): Measure {
  return {
    measure_id: measureId, client_id: 'c1', measure: kind, timestamp, session_id: null, items,
    total: items.reduce((sum, item) => sum + item, 0), created_at: timestamp,
  };
}

/** The year of c1 (and an ended course of c2), written through the port and core as tpt writes them. */
async function writeRecords(records: RecordStore): Promise<void> {
  await records.write(async (tx) => {
    await tx.clients.ensure('c1', '2026-01-01T09:00:00.000Z');
    await tx.clients.ensure('c2', '2026-01-02T09:00:00.000Z');
    // An upper-case id sorts before the lower-case ones byte by byte (and not in most locales' collations).
    await tx.clients.ensure('Zoe', '2026-01-03T09:00:00.000Z');
  });
  await startCourse(records, { client_id: 'c1', course_id: 'crs-1', at: '2026-01-05T09:00:00.000Z' }, at('2026-01-05T09:00:00.000Z'));
  await startCourse(records, { client_id: 'c2', course_id: 'crs-2', at: '2026-01-05T09:00:00.000Z' }, at('2026-01-05T09:00:00.000Z'));
  await endCourse(records, { client_id: 'c2', reason: 'other', note: 'moved abroad', at: '2026-02-01T09:00:00.000Z' }, at('2026-02-01T09:00:00.000Z'));
  await records.write(async (tx) => {
    await tx.goals.insert({
      goal_id: 'g1', client_id: 'c1', description: 'Sleep 7 hours', target_date: '2026-03-31', completion_percentage: 10,
      status: 'active', milestones: [], notes: '', created_at: '2026-01-06T10:00:00.000Z', updated_at: '2026-01-06T10:00:00.000Z',
    });
    await tx.goals.appendHistory('g1', { at: '2026-01-06T10:00:00.000Z', completion_percentage: 10, status: 'active', note: 'set', actor: 'dr a' });
    await tx.goals.appendHistory('g1', { at: '2026-03-01T10:00:00.000Z', completion_percentage: 60, status: 'active', note: 'better', actor: 'dr a' });
    await tx.goals.setProgress('g1', 60, 'active', '2026-03-01T10:00:00.000Z');
    // Two goals of Zoe's at 10% and 0%, and one of 25%: a mean of 35/3, as SQLite's avg() gives it.
    for (const [index, percentage] of [10, 0, 25].entries()) {
      const goalId = `z${index + 1}`;
      await tx.goals.insert({
        goal_id: goalId, client_id: 'Zoe', description: 'goal', target_date: null, completion_percentage: percentage,
        status: 'active', milestones: [], notes: '', created_at: '2026-01-06T10:00:00.000Z', updated_at: '2026-01-06T10:00:00.000Z',
      });
      await tx.goals.appendHistory(goalId, { at: '2026-01-06T10:00:00.000Z', completion_percentage: percentage, status: 'active', note: '', actor: 'dr a' });
    }
    await tx.milestones.insert({
      milestone_id: 'm1', goal_id: 'g1', client_id: 'c1', description: 'Five nights of seven', achieved_date: '2026-03-01', significance: 'high',
    }, '2026-03-01T10:00:00.000Z');
    for (let index = 0; index < SCORES.length; index++) {
      const written = session(index);
      await tx.sessions.insert(written);
      await recordRiskFlagsIn(tx, 'c1', sessionRiskFlags(written), at(written.timestamp));
    }
    await tx.sessions.setSigned('s01', '2026-01-06T11:00:00.000Z', 'dr a');
    await tx.measures.insert(measure('p1', 'phq9', '2026-01-06T09:50:00.000Z', [2, 2, 2, 2, 2, 2, 2, 2, 0]));
    await tx.measures.insert(measure('a1', 'gad7', '2026-01-06T09:55:00.000Z', [2, 2, 2, 2, 2, 2, 2]));
    await tx.measures.insert(measure('p2', 'phq9', '2026-03-03T09:50:00.000Z', [1, 1, 1, 1, 1, 1, 0, 0, 0]));
    await tx.measures.insert(measure('a2', 'gad7', '2026-03-03T09:55:00.000Z', [1, 1, 1, 1, 0, 0, 0]));
  });
  await setSchedule(records, { client_id: 'c1', measure: 'phq9', every: '2w' }, at('2026-03-03T12:00:00.000Z'));
  await setSchedule(records, { client_id: 'c1', measure: 'gad7', every: 'session' }, at('2026-03-03T12:00:00.000Z'));
}

const documents = new Map<string, unknown>();

for (const engine of ENGINES) {
  describe(`care through the port on ${engine.name}`, () => {
    it('writes a year of one client and reads back the report, trends, caseload, outcomes and schedules', async () => {
      const { stores: [records], dispose } = await engine.open();
      try {
        await writeRecords(records);
        const who = at(NOW);
        const timeframe = { start: new Date('2026-01-01T00:00:00.000Z'), end: new Date('2026-04-01T00:00:00.000Z') };
        const { report } = await progressReport(records, 'c1', timeframe, who);
        const trends = await emotionalTrends(records, 'c1', timeframe, 'month', who);
        const queue = await caseload(records, {}, who);
        const clients = await listClientsWithAlerts(records, who);
        const outcomes = await practiceOutcomes(records, { start: new Date('2025-05-01T12:00:00.000Z'), end: new Date(NOW) }, 'clinician', who);
        const schedules = await listSchedules(records, 'c1', who);
        const courses = [await listCourses(records, 'c1', who), await listCourses(records, 'c2', who)];
        const counts = await practiceCounts(records, new Date('2026-03-10T15:00:00.000Z'));

        // Worked out by hand from the records written above.
        expect(report.sessions_count).toBe(10);
        expect(report.total_minutes).toBe(450);
        expect(report.sessions_without_duration).toBe(1);
        expect(report.goal_progress).toEqual({ g1: 60 });
        expect(report.goals[0]).toMatchObject({ description: 'Sleep 7 hours', progress_at_start: 10, progress_change: 50 });
        expect(report.key_milestones.map((row) => [row.milestone_id, row.description])).toEqual([['m1', 'Five nights of seven']]);
        expect(report.crisis_events.map((event) => [event.session_id, event.crisis_flags])).toEqual([['s02', ['suicidal_ideation']]]);
        expect(report.session_summaries.map((row) => row.session_id)).toEqual(['s10', 's09', 's08', 's07', 's06', 's05', 's04', 's03', 's02', 's01']);
        expect(report.session_summaries.at(-1)).toMatchObject({ signed: true, conversation_summary: 'week 1: talked about sleep' });
        expect(report.course).toEqual({ course_id: 'crs-1', started_at: '2026-01-05T09:00:00.000Z', ended_at: null, end_reason: null });
        expect(report.open_risks.map((risk) => risk.session_ids)).toEqual([['s02']]);
        // PHQ-9 16 → 6 and GAD-7 14 → 4, eight weeks apart: both reliably better and below caseness.
        expect(report.measures.talking_therapies).toMatchObject({ recovery: true, reliable_improvement: true });
        expect(trends.periods.map((period) => period.data_points)).toEqual([4, 4, 2, 0]);
        expect(trends.crisis_events).toEqual([{ session_id: 's02', timestamp: sessionAt(1), crisis_flags: ['suicidal_ideation'] }]);
        // c1: an open risk, both schedules overdue, 52 days since 10 March, g1's target of 31 March passed, 9 notes
        // unsigned. Zoe, in no course, has had no session; c2 ended its course and so is no concern.
        expect(queue.map((entry) => [entry.client_id, entry.reasons.map((reason) => reason.reason)]))
          .toEqual([['c1', ['open_risk', 'measure_overdue', 'measure_overdue', 'no_recent_session', 'goals_past_target', 'notes_unsigned']], ['Zoe', ['no_recent_session']], ['c2', []]]);
        expect(clients.map((client) => [client.client_id, client.sessions, client.last_crisis, client.average_goal_progress, client.open_risks.length]))
          .toEqual([['Zoe', 0, null, 35 / 3, 0], ['c1', 10, sessionAt(1), 60, 1], ['c2', 0, null, null, 0]]);
        expect(outcomes.courses.map((course) => [course.course_id, course.status, course.sessions, course.left_out]))
          .toEqual([['crs-1', 'ongoing', 10, null], ['crs-2', 'ended', 0, 'fewer_than_two_sessions']]);
        // PHQ-9 every 2 weeks, last taken 3 March: first due 17 March, then 31 March, 14 and 28 April by 1 May (3 missed
        // before the current one). GAD-7 every session from 3 March 12:00: only s10 (10 March) since, with no GAD-7 near it.
        expect(schedules.map((status) => [status.measure, status.every, status.status, status.missed_in_a_row, status.due_since]))
          .toEqual([['phq9', '2w', 'overdue', 3, '2026-03-17T09:50:00.000Z'], ['gad7', 'session', 'overdue', 1, sessionAt(9)]]);
        expect(courses.map((list) => list.map((course) => [course.course_id, course.end_reason, course.end_note])))
          .toEqual([[['crs-1', null, null]], [['crs-2', 'other', 'moved abroad']]]);
        expect(counts).toEqual({ clients: 3, open_risks: 1, sessions_today: 1 });

        documents.set(engine.name, { report, trends, queue, clients, outcomes, schedules, courses, counts });
      } finally {
        await dispose();
      }
    });

    it('refuses a course id taken and a second open course, writing nothing; stops a schedule once', async () => {
      const { stores: [records, other], dispose } = await engine.open();
      try {
        await records.write(async (tx) => {
          await tx.clients.ensure('c1', '2026-01-01T09:00:00.000Z');
          await tx.clients.ensure('c2', '2026-01-01T09:00:00.000Z');
        });
        await startCourse(records, { client_id: 'c1', course_id: 'crs-1' }, at('2026-01-05T09:00:00.000Z'));
        await expect(startCourse(other, { client_id: 'c2', course_id: 'crs-1' }, at('2026-01-05T09:00:00.000Z')))
          .rejects.toThrow(new ConflictError('a course "crs-1" exists already: choose another --id'));
        await expect(startCourse(other, { client_id: 'c1', course_id: 'crs-9' }, at('2026-01-05T09:00:00.000Z')))
          .rejects.toThrow(InputError);
        expect(await listCourses(other, 'c2', at(NOW))).toEqual([]);
        await setSchedule(records, { client_id: 'c1', measure: 'core10', every: '4w' }, at('2026-01-05T09:00:00.000Z'));
        const stops = await Promise.allSettled([records, other].map((store) =>
          setSchedule(store, { client_id: 'c1', measure: 'core10', stop: true }, at('2026-01-06T09:00:00.000Z'))));
        expect(stops.map((stop) => stop.status).sort()).toEqual(['fulfilled', 'rejected']);
        expect((await listSchedules(records, 'c1', at(NOW)))[0]).toMatchObject({ status: 'stopped', stopped_at: '2026-01-06T09:00:00.000Z' });
      } finally {
        await dispose();
      }
    });
  });
}

describe('care documents on both engines', () => {
  afterAll(() => documents.clear());
  it('are the same: report, trends, caseload, clients, outcomes, schedules, courses and counts', () => {
    expect(documents.size).toBe(ENGINES.length);
    const [first, ...rest] = [...documents.values()];
    for (const other of rest) expect(other).toEqual(first);
  });
});
