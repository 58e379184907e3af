import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { endCourse, listCourses, startCourse } from '../../src/core/courses.js';
import { exportCsvRows, exportJson, planExport } from '../../src/core/export.js';
import { exportFhir } from '../../src/core/fhir.js';
import { createGoal, editGoal, listGoals, showGoal, updateGoal } from '../../src/core/goals.js';
import { addMeasure, listMeasures } from '../../src/core/measures.js';
import { addMilestone, editMilestone, listMilestones, restoreMilestone, showMilestone, voidMilestone } from '../../src/core/milestones.js';
import { progressReport } from '../../src/core/report.js';
import { listRisks, reopenRisk, resolveRisk } from '../../src/core/risks.js';
import { listSchedules, setSchedule } from '../../src/core/schedules.js';
import { searchNotes } from '../../src/core/search.js';
import { amendSession, restoreSession, showSessionDetail, signSession, voidSession } from '../../src/core/session-corrections.js';
import { listSessions, logSession, techniquesOfClient } from '../../src/core/sessions.js';
import { emotionalTrends } from '../../src/core/trends.js';
import { openPool, type PgPool } from '../../src/pg/connect.js';
import { fieldKeyFrom } from '../../src/pg/field-cipher.js';
import { migrate } from '../../src/pg/migrate.js';
import { PgRecordStore } from '../../src/pg/record-store.js';
import { asSuperuser, postgresUrl } from '../support/postgres.js';

/**
 * The path past one machine (issue 27): with every client table hash-partitioned by the client
 * key (the single-machine stand-in for a distribution by client), every statement the store sends
 * while serving one client reads at most one partition of each table. The statements are caught
 * on their way to the server while core's per-client use cases run (every write and read of one
 * client: sessions and their corrections, goals, milestones, measures, risks, courses, schedules,
 * report, trends, search, export), then each is planned again with its own parameters: a
 * statement that would visit two partitions of a table (a look-up by a record id alone, a scan
 * without the client's key) fails here with its text and plan.
 */

const PARTITIONS = 8;
const CLIENT_TABLES = [
  'audit_heads', 'audit_log', 'courses', 'goal_edits', 'goal_history', 'goals', 'ingested', 'measure_schedules',
  'measure_versions', 'measures', 'milestone_edits', 'milestones', 'risk_events', 'risks', 'session_versions', 'sessions',
];
const at = (iso: string, actor = 'dr.k') => ({ actor, now: new Date(iso) });
const ALL_TIME = { start: null, end: new Date('2026-12-31T00:00:00.000Z') };

interface Sent { text: string; values: unknown[] }

let pool: PgPool;
let records: PgRecordStore;
let name: string;
const sent: Sent[] = [];
let catching = false;
const originalQuery = pg.Client.prototype.query;

beforeAll(async () => {
  const server = inject('postgres');
  name = `tpt_parts_${randomBytes(6).toString('hex')}`;
  await asSuperuser(server, (client) => client.query(`CREATE DATABASE ${name}`));
  pool = await openPool(postgresUrl(server, name));
  await migrate(pool, { partitions: PARTITIONS });
  records = new PgRecordStore(pool, [fieldKeyFrom({ kind: 'raw', hex: randomBytes(32).toString('hex') })]);
  // Catch what the store sends (text and parameters), as the server would receive it.
  pg.Client.prototype.query = function catchingQuery(this: pg.Client, ...args: unknown[]) {
    const [first, second] = args;
    if (catching) {
      if (typeof first === 'string') sent.push({ text: first, values: Array.isArray(second) ? second : [] });
      else if (first !== null && typeof first === 'object' && typeof (first as pg.QueryConfig).text === 'string') {
        const config = first as pg.QueryConfig;
        sent.push({ text: config.text, values: config.values ?? (Array.isArray(second) ? second : []) });
      }
    }
    return (originalQuery as (...rest: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
}, 60_000);

afterAll(async () => {
  pg.Client.prototype.query = originalQuery;
  await records?.close();
  await asSuperuser(inject('postgres'), (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
});

/** Another client's records, so that the partitions hold more than one client's rows. */
async function neighbour(clientId: string, day: number): Promise<void> {
  const iso = `2026-02-${String(day).padStart(2, '0')}T10:00:00.000Z`;
  await logSession(records, {
    client_id: clientId, session_id: `${clientId}-s1`, timestamp: iso, conversation_summary: 'Walks daily', emotional_state: 1,
    crisis_flags: ['SI'],
  }, at(iso), true);
  await createGoal(records, { goal_id: `${clientId}-g1`, client_id: clientId, description: 'Walk' }, at(iso));
  await addMeasure(records, { measure_id: `${clientId}-p1`, client_id: clientId, measure: 'gad7', total: 9, timestamp: iso }, at(iso));
}

/** Every per-client use case of core, on client c1. */
async function oneClientsDay(): Promise<void> {
  const c = 'c1';
  await logSession(records, {
    client_id: c, session_id: 's1', timestamp: '2026-03-02T10:00:00Z', conversation_summary: 'Sleep diary and tram anxiety',
    emotional_state: 'negative', techniques_used: ['CBT', 'breathing'], crisis_flags: ['SI'],
  }, at('2026-03-02T18:00:00.000Z'), true);
  await startCourse(records, { client_id: c, course_id: 'crs-1', at: '2026-03-01T09:00:00.000Z' }, at('2026-03-02T19:00:00.000Z'));
  await setSchedule(records, { client_id: c, measure: 'phq9', every: '2w' }, at('2026-03-02T19:30:00.000Z'));
  await logSession(records, {
    client_id: c, session_id: 's2', timestamp: '2026-03-09T10:00:00Z', conversation_summary: 'Took the tram', emotional_state: 1,
    techniques_used: ['breathing'],
  }, at('2026-03-09T18:00:00.000Z'));
  await signSession(records, 's2', at('2026-03-09T19:00:00.000Z'));
  await amendSession(records, 's1', { emotional_state: 'neutral' }, 'mood entered wrong', at('2026-03-10T09:00:00.000Z'));
  await logSession(records, { client_id: c, session_id: 's3', conversation_summary: 'duplicate entry', emotional_state: 0, timestamp: '2026-03-09T11:00:00Z' },
    at('2026-03-09T19:00:00.000Z'));
  await voidSession(records, 's3', 'entered twice', at('2026-03-10T09:30:00.000Z'));
  await restoreSession(records, 's3', at('2026-03-10T09:40:00.000Z'));
  await voidSession(records, 's3', 'entered twice after all', at('2026-03-10T09:50:00.000Z'));

  await createGoal(records, { goal_id: 'g1', client_id: c, description: 'Sleep 7 hours', target_date: '2026-06-30', completion_percentage: 20 },
    at('2026-03-02T18:00:00.000Z'));
  await updateGoal(records, 'g1', { completion_percentage: 60, note: 'most nights' }, at('2026-03-10T10:00:00.000Z'), '2026-03-08T09:00:00.000Z');
  await editGoal(records, 'g1', { notes: 'after review' }, 'clarified', at('2026-03-10T10:30:00.000Z'));
  await addMilestone(records, { milestone_id: 'm1', goal_id: 'g1', description: 'first week', achieved_date: '2026-03-04' }, at('2026-03-10T12:00:00.000Z'));
  await editMilestone(records, 'm1', { description: 'first full week' }, 'worded better', at('2026-03-10T12:10:00.000Z'));
  await voidMilestone(records, 'm1', 'not yet', at('2026-03-10T12:20:00.000Z'));
  await restoreMilestone(records, 'm1', at('2026-03-10T12:30:00.000Z'));
  await addMeasure(records, { measure_id: 'p1', client_id: c, measure: 'phq9', items: '2,2,1,1,2,1,1,1,1', timestamp: '2026-03-02T09:00:00.000Z' },
    at('2026-03-02T10:00:00.000Z'));
  await resolveRisk(records, c, 'suicidal_ideation', 'safety plan in place', at('2026-03-11T09:00:00.000Z'));
  await reopenRisk(records, c, 'suicidal_ideation', 'said it again', at('2026-03-12T09:00:00.000Z'));
  await endCourse(records, { client_id: c, reason: 'completed', at: '2026-03-20T09:00:00.000Z' }, at('2026-03-20T09:00:00.000Z'));

  const who = at('2026-03-21T09:00:00.000Z');
  await listSessions(records, c, ALL_TIME, who, undefined, true);
  await techniquesOfClient(records, c, who);
  await showSessionDetail(records, 's1', true, who);
  await listGoals(records, c, who);
  await showGoal(records, 'g1', who);
  await listMilestones(records, c, who, true);
  await showMilestone(records, 'm1', who);
  await listMeasures(records, c, ALL_TIME, true, who);
  await listRisks(records, c, false, who);
  await listCourses(records, c, who);
  await listSchedules(records, c, who);
  await progressReport(records, c, ALL_TIME, who);
  await emotionalTrends(records, c, ALL_TIME, 'week', who);
  await searchNotes(records, 'tram', { clientId: c, timeframe: ALL_TIME, includeVoid: false }, who);
  const plan = await planExport(records, { clientId: c, format: 'json' }, who);
  await records.read(async (tx) => {
    for await (const piece of exportJson(tx, plan.clients, who.now)) void piece;
    for await (const piece of exportFhir(tx, plan.clients, who.now)) void piece;
    for await (const batch of exportCsvRows(tx, plan.clients, 'sessions')) void batch;
  });
}

interface PlanNode {
  'Relation Name'?: string;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/**
 * The partitions of each client table a statement reads, with these parameters. A partition
 * chosen by a value known only while the statement runs (a subquery's `m.client_key =
 * g.client_key`) is pruned at run time, which a plain EXPLAIN cannot show: so the statement runs
 * under EXPLAIN ANALYZE in a transaction that is rolled back, and a partition counts when the
 * executor entered it. A statement that cannot run again (an insert whose row now exists) is
 * judged by its plan alone.
 */
async function partitionsVisited(statement: Sent): Promise<{ plan: string; visits: Map<string, Set<string>> }> {
  const client = await pool.pool.connect();
  let root: PlanNode;
  let analyzed = true;
  try {
    await client.query('BEGIN');
    try {
      root = (await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${statement.text}`, statement.values)).rows[0]['QUERY PLAN'][0].Plan;
    } catch {
      await client.query('ROLLBACK');
      await client.query('BEGIN');
      analyzed = false;
      root = (await client.query(`EXPLAIN (FORMAT JSON) ${statement.text}`, statement.values)).rows[0]['QUERY PLAN'][0].Plan;
    }
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
  const visits = new Map<string, Set<string>>();
  const walk = (node: PlanNode): void => {
    const relation = node['Relation Name'];
    const partition = relation === undefined ? null : /^(.+)_p\d+$/.exec(relation);
    if (partition !== null && CLIENT_TABLES.includes(partition[1]!) && (!analyzed || (node['Actual Loops'] ?? 0) > 0)) {
      visits.set(partition[1]!, (visits.get(partition[1]!) ?? new Set()).add(relation!));
    }
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(root);
  return { plan: JSON.stringify(root, null, 1), visits };
}

/** Statements that plan: not transaction control, locks, settings or advisory locks. */
function plannable(text: string): boolean {
  const head = text.trim().replace(/^\(+/, '').slice(0, 12).toUpperCase();
  return /^(SELECT|WITH|UPDATE|DELETE|INSERT)\b/.test(head) && !/^\s*SELECT\s+(set_config|pg_advisory)/i.test(text);
}

describe('a hash-partitioned schema (by client key)', () => {
  it('serves one client from one partition of each table, for every statement of every use case', async () => {
    for (const [id, day] of [['c2', 3], ['c3', 4], ['c4', 5], ['c5', 6], ['c6', 7]] as const) await neighbour(id, day);
    catching = true;
    try {
      await oneClientsDay();
    } finally {
      catching = false;
    }
    const distinct = [...new Map(sent.filter((s) => plannable(s.text)).map((s) => [`${s.text}\u0000${JSON.stringify(s.values)}`, s])).values()];
    // The use cases above must have reached the data through enough statements to mean something.
    expect(distinct.length).toBeGreaterThan(40);
    let planned = 0;
    const wide: string[] = [];
    for (const statement of distinct) {
      const { plan, visits } = await partitionsVisited(statement);
      if (visits.size > 0) planned++;
      for (const [table, parts] of visits) {
        if (parts.size > 1) wide.push(`${table}: ${parts.size} partitions for\n${statement.text.trim()}\n${plan}`);
      }
    }
    expect(wide, wide.join('\n\n')).toEqual([]);
    // And most of them read a client table at all (a partition named in the plan).
    expect(planned).toBeGreaterThan(20);
  }, 120_000);

  it('would see a look-up by record id alone, a scan without the client key, in every partition', async () => {
    const { visits } = await partitionsVisited({ text: 'SELECT * FROM goals WHERE goal_id = $1', values: ['g1'] });
    expect(visits.get('goals')?.size).toBe(PARTITIONS);
    const correlated = await partitionsVisited({
      text: 'SELECT g.goal_id, (SELECT count(*) FROM milestones m WHERE m.goal_id = g.goal_id) FROM goals g WHERE g.client_key = (SELECT client_key FROM clients WHERE client_id = $1)',
      values: ['c1'],
    });
    expect(correlated.visits.get('milestones')?.size).toBe(PARTITIONS);
  }, 60_000);
});
