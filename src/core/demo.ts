import type { Store } from '../db/store.js';
import { writesByOthers } from '../db/audit-queries.js';
import { addMilestoneSync, createGoalSync, updateGoalSync } from './records-sync.js';
import { openRisksOf, resolveRiskSync } from './risks.js';
import { logSessionSync } from './sessions.js';
import { addDemoCare } from './demo-care.js';
import { addDemoMeasures } from './demo-measures.js';
import { signSessionSync } from './session-corrections.js';
import { localDateString } from './time.js';
import { addDays, addMonths } from './timeframe.js';

/** A small seeded PRNG (mulberry32): the same seed gives the same demo on every machine. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Story {
  client_id: string;
  /** The story in a few words, as the demo introduces it. */
  story: string;
  /** Mood (-2..2, before noise) at a point 0..1 of the year. */
  mood: (progress: number) => number;
  /** Goal completion (0..100) at a point 0..1 of the year, per goal. */
  goals: { description: string; progress: (progress: number) => number; targetMonths: number }[];
  /** Weeks (from the start) with a crisis flag. */
  crisisWeeks: Map<number, string>;
  /** The week the clinician resolves the story's risks, and why (none: they stay open). */
  riskResolved?: { week: number; note: string };
  techniques: string[];
}

const clamp = (value: number, low: number, high: number) => Math.max(low, Math.min(high, value));

/**
 * Four clearly different years. The slopes are steep enough to pass the ±0.25 per 30 days of
 * SPEC §3 over the whole year, so `tpt report <client> --last 12m` tells each story plainly.
 */
export const DEMO_STORIES: Story[] = [
  {
    client_id: 'demo-avery',
    story: 'improving: low mood lifts from the fourth month on; sleep and work goals advance',
    mood: (p) => (p < 0.3 ? -1.5 : -1.5 + 3.4 * (p - 0.3) / 0.7),
    goals: [
      { description: 'Sleep at least 7 hours on most nights', progress: (p) => 90 * p, targetMonths: 10 },
      { description: 'Return to work part-time', progress: (p) => (p < 0.4 ? 0 : 100 * (p - 0.4) / 0.6), targetMonths: 11 },
    ],
    crisisWeeks: new Map(),
    techniques: ['CBT thought record', 'sleep hygiene', 'behavioural activation'],
  },
  {
    client_id: 'demo-blake',
    story: 'declining: mood falls through the year, goals slip back, a crisis flag near the end',
    mood: (p) => 1.3 - 3.6 * p,
    goals: [
      { description: 'Rebuild a weekly social routine', progress: (p) => (p < 0.3 ? 40 + 50 * p : 55 - 60 * (p - 0.3)), targetMonths: 6 },
      { description: 'Reduce alcohol to two evenings a week', progress: (p) => 45 - 35 * p, targetMonths: 8 },
    ],
    crisisWeeks: new Map([[47, 'suicidal_ideation']]),
    techniques: ['motivational interviewing', 'activity scheduling'],
  },
  {
    client_id: 'demo-casey',
    story: 'mixed: panic-skills and boundaries goals advance while mood sinks',
    mood: (p) => 1.2 + 0.5 * Math.sin(p * Math.PI * 4) - 3.4 * p,
    goals: [
      { description: 'Manage panic attacks with breathing skills', progress: (p) => 100 * clamp(p * 1.6, 0, 1), targetMonths: 7 },
      { description: 'Set boundaries with family', progress: (p) => 60 * p, targetMonths: 5 },
    ],
    crisisWeeks: new Map(),
    techniques: ['diaphragmatic breathing', 'exposure hierarchy', 'assertiveness practice'],
  },
  {
    client_id: 'demo-drew',
    story: 'crisis: a steady start, crisis flags in months 7-8, then recovery with a safety plan',
    mood: (p) => (p < 0.55 ? 0.3 - 0.5 * p : p < 0.7 ? -1.8 : -1.8 + 7 * (p - 0.7)),
    goals: [
      { description: 'Use the safety plan when urges rise', progress: (p) => (p < 0.55 ? 20 : 20 + 160 * (p - 0.55)), targetMonths: 9 },
      { description: 'Keep a regular sleep and meal rhythm', progress: (p) => (p < 0.55 ? 30 + 40 * p : p < 0.7 ? 40 : 40 + 150 * (p - 0.7)), targetMonths: 14 },
    ],
    crisisWeeks: new Map([[29, 'self_harm'], [30, 'suicidal_ideation'], [32, 'self_harm']]),
    riskResolved: { week: 44, note: 'Safety plan reviewed; no self-harm urges or suicidal ideation for ten weeks (synthetic demo data).' },
    techniques: ['safety planning', 'DBT distress tolerance', 'chain analysis'],
  },
];

const SUMMARIES = [
  'Reviewed the week and the homework', 'Explored what made the week harder', 'Practised the skill in session',
  'Worked through a recent conflict', 'Looked at patterns in the mood diary', 'Planned small steps for the coming week',
];

export interface DemoResult {
  clients: string[];
  sessions: number;
  goals: number;
  milestones: number;
}

/**
 * Fills an empty store with a year of synthetic, clearly fictional clients ending at `now`: an
 * improving, a declining, a mixed and a crisis story. Written through the same core functions
 * as real use, in one transaction.
 */
export function generateDemo(store: Store, now: Date, seed = 20261128): DemoResult {
  const random = seededRandom(seed);
  const start = addMonths(now, -12);
  const totalDays = (now.getTime() - start.getTime()) / 86_400_000;
  const result: DemoResult = { clients: [], sessions: 0, goals: 0, milestones: 0 };
  store.transaction(() => {
    for (const story of DEMO_STORIES) {
      result.clients.push(story.client_id);
      const at = (date: Date) => ({ actor: DEMO_ACTOR, now: date });
      const goalIds = story.goals.map((goal, index) => {
        const created = addDays(start, index * 14);
        const id = `${story.client_id}-goal-${index + 1}`;
        createGoalSync(store, {
          goal_id: id, client_id: story.client_id, description: goal.description,
          target_date: localDateString(addMonths(start, goal.targetMonths)),
          completion_percentage: Math.round(goal.progress(0)),
        }, at(created));
        result.goals++;
        return id;
      });
      addDemoCare(store, story.client_id, start, now);
      const reached = new Set<string>();
      let risksResolved = false;
      for (let week = 0; ; week++) {
        const day = addDays(start, week * 7 + Math.floor(random() * 3));
        day.setHours(9 + Math.floor(random() * 8), random() < 0.5 ? 0 : 30, 0, 0);
        if (day.getTime() > now.getTime()) break;
        if (random() < 0.12) continue; // a missed week
        const progress = (day.getTime() - start.getTime()) / 86_400_000 / totalDays;
        const score = clamp(Math.round(story.mood(progress) + (random() - 0.5) * 1.2), -2, 2);
        const crisis = story.crisisWeeks.get(week);
        const activeGoals = goalIds.filter((id) => store.goalById(id)?.status === 'active');
        logSessionSync(store, {
          session_id: `${story.client_id}-s${String(week + 1).padStart(3, '0')}`,
          client_id: story.client_id,
          timestamp: day.toISOString(),
          conversation_summary: `${SUMMARIES[Math.floor(random() * SUMMARIES.length)]} (synthetic demo data).`,
          emotional_state: crisis ? -2 : score,
          therapeutic_goals: activeGoals,
          progress_notes: score > 0 ? 'Reports progress since last session.' : 'Reports a difficult week.',
          therapist_observations: score >= 0 ? 'Engaged and reflective.' : 'Flat affect, slower speech.',
          next_session_focus: crisis ? 'Review the safety plan' : 'Continue current work',
          session_duration_minutes: crisis ? 80 : 50,
          techniques_used: [story.techniques[week % story.techniques.length]!],
          homework_assigned: 'Keep the mood diary daily.',
          crisis_flags: crisis ? [crisis] : [],
          metadata: { modality: random() < 0.7 ? 'in_person' : 'telehealth' },
        }, at(day));
        result.sessions++;
        // The clinician signs each note the next day (the last day's are still open).
        if (day.getTime() + 86_400_000 <= now.getTime()) signSessionSync(store, `${story.client_id}-s${String(week + 1).padStart(3, '0')}`, at(addDays(day, 1)));
        // At the first session from that week on, the clinician resolves the risks with a note
        // (those of crisis flags and those of measures' risk items alike).
        if (story.riskResolved && week >= story.riskResolved.week && !risksResolved) {
          for (const risk of openRisksOf(store, story.client_id)) {
            resolveRiskSync(store, story.client_id, risk.kind, story.riskResolved.note, at(day));
          }
          risksResolved = true;
        }

        if (week % 4 !== 3) continue; // goals are reviewed, and measures taken, monthly
        addDemoMeasures(store, story.client_id, `${story.client_id}-s${String(week + 1).padStart(3, '0')}`, progress, at(day));
        story.goals.forEach((goal, index) => {
          const id = goalIds[index]!;
          const current = store.goalById(id)!;
          if (current.status !== 'active') return;
          const percentage = Math.round(clamp(goal.progress(progress), 0, 100));
          if (percentage === current.completion_percentage) return;
          const note = percentage > current.completion_percentage ? 'Steady progress this month' : 'Slipped back this month';
          updateGoalSync(store, id, { completion_percentage: percentage, note }, at(day));
          for (const mark of [50, 100]) {
            if (percentage >= mark && !reached.has(`${id}@${mark}`)) {
              reached.add(`${id}@${mark}`);
              addMilestoneSync(store, {
                goal_id: id,
                milestone_id: `${id}-m${mark}`,
                description: mark === 100 ? `Goal reached: ${goal.description.toLowerCase()}` : `Halfway: ${goal.description.toLowerCase()}`,
                achieved_date: localDateString(day),
                significance: mark === 100 ? 'high' : 'medium',
              }, at(day));
              result.milestones++;
            }
          }
        });
      }
    }
  });
  return result;
}

/** The actor the demo writes as: every other actor's writes in a demo database are someone's own. */
export const DEMO_ACTOR = 'demo';

/** Audit actions that write a record (reads, exports and tokens are not records to keep). */
const RECORD_WRITES = [
  'session.create', 'session.amend', 'session.sign', 'session.void', 'session.restore',
  'goal.create', 'goal.update', 'goal.edit', 'milestone.create', 'milestone.edit', 'milestone.void', 'milestone.restore',
  'measure.create', 'measure.amend', 'measure.void', 'measure.restore', 'risk.open', 'risk.resolve', 'risk.reopen', 'risk.amend',
  'client.rename', 'client.merge', 'import', 'retention.set',
] as const;

export interface ForeignWrites {
  /** Clients with records written by someone other than the demo, in id order. */
  clients: string[];
  /** e.g. "c42: 1 session.create, 1 goal.create". */
  summary: string;
}

/**
 * What a person wrote into a demo database (the audit log says who wrote what), or undefined when
 * everything in it is the demo's own: the demo replaces only what it wrote itself.
 */
export function writesNotByDemo(store: Store): ForeignWrites | undefined {
  const rows = writesByOthers(store, DEMO_ACTOR, RECORD_WRITES);
  if (rows.length === 0) return undefined;
  const byClient = new Map<string, string[]>();
  for (const row of rows) {
    const client = row.client_id ?? '(no client)';
    byClient.set(client, [...(byClient.get(client) ?? []), `${row.count} ${row.action}`]);
  }
  return {
    clients: [...byClient.keys()].filter((client) => client !== '(no client)'),
    summary: [...byClient].map(([client, writes]) => `${client}: ${writes.join(', ')}`).join('; '),
  };
}
