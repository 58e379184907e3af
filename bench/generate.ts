import { closeSync, openSync, writeSync } from 'node:fs';
import type { Goal, GoalHistoryEntry, Session } from '../src/core/model.js';
import type { GoalStatus, Significance } from '../src/core/schemas.js';
import type { MilestoneRecord } from '../src/db/export-queries.js';
import { Prng } from './prng.js';

/**
 * A deterministic practice: the same scale and seed give the same records, byte for byte, on
 * every machine. Records are made one client at a time, so a million sessions never sit in
 * memory together; each client's bundle goes to a sink (the export-file writer for `tpt import`,
 * or the bare-driver loop that measures the limit).
 */

export interface Scale {
  clients: number;
  sessions: number;
  goals: number;
  milestones: number;
  years: number;
}

/** Issue 7's practice: 5,000 clients, a million sessions over 5 years. */
export const FULL: Scale = { clients: 5_000, sessions: 1_000_000, goals: 20_000, milestones: 50_000, years: 5 };
/** The same shape per client (200 sessions, 4 goals, 10 milestones), one fortieth of the clients. */
export const SMALL: Scale = { clients: 125, sessions: 25_000, goals: 500, milestones: 1_250, years: 5 };
/** The peer comparison's size: 10,000 sessions over 50 clients, as Taskwarrior's 10,000 tasks over 50 projects. */
export const PEER: Scale = { clients: 50, sessions: 10_000, goals: 200, milestones: 500, years: 5 };

/** The start-up and peer database of issue 16: 10,000 sessions over 100 clients (Taskwarrior: 10,000 tasks over 100 projects). */
export const STARTUP: Scale = { clients: 100, sessions: 10_000, goals: 400, milestones: 1_000, years: 5 };

/** The end of the generated history: fixed, so the file never depends on the day it was made. */
export const HISTORY_END = Date.UTC(2026, 0, 1);
export const DEFAULT_SEED = 20260101;

export interface ClientRecord {
  client_id: string;
  created_at: string;
}

/** A goal as the export document holds it: the goal and its whole history. */
export type GoalRecord = Goal & { history: GoalHistoryEntry[] };

/** One client with all of its records, in the order of an export. */
export interface ClientBundle {
  client: ClientRecord;
  sessions: Session[];
  goals: GoalRecord[];
  milestones: MilestoneRecord[];
}

export interface PracticeStats {
  clients: number;
  sessions: number;
  goals: number;
  goal_history: number;
  milestones: number;
  /** The client with the most sessions (the first client, by construction): the worst case per client. */
  heaviest_client: string;
  heaviest_sessions: number;
}

/** Rows a loader writes: every session, goal, history entry and milestone (clients aside). */
export const rowCount = (stats: PracticeStats) => stats.sessions + stats.goals + stats.goal_history + stats.milestones;

const DAY = 86_400_000;
const STATES = ['very_negative', 'negative', 'neutral', 'positive', 'very_positive'] as const;

const TOPICS = [
  'sleep and evening routines', 'conflict with a partner', 'work stress and deadlines', 'grief after a loss',
  'panic on public transport', 'social withdrawal', 'self-criticism', 'a relapse into drinking', 'boundaries with family',
  'the return to work', 'intrusive memories', 'procrastination', 'loneliness at weekends', 'anger at a sibling',
];
const TURNS = [
  'explored', 'reviewed', 'worked through', 'named the pattern behind', 'practised a response to', 'revisited',
];
const OUTCOMES = [
  'and noticed a small shift', 'with visible relief by the end', 'though avoidance came back twice',
  'and agreed to test one change', 'and connected it to childhood rules', 'with more openness than last time',
];
const OBSERVATIONS = [
  'Affect congruent, good eye contact.', 'Restless at first, settled after ten minutes.', 'Tearful when discussing the past.',
  'Engaged and reflective.', 'Flat affect, short answers.', 'Humour used to deflect twice.',
];
const FOCUS = [
  'Follow up on the thought record.', 'Prepare for the family visit.', 'Review sleep diary.',
  'Plan graded exposure step 3.', 'Relapse prevention plan.', 'Values clarification.',
];
const HOMEWORK = [
  'Thought record, three entries.', 'Ten-minute walk daily.', 'Breathing exercise twice a day.',
  'Write a letter not to send.', 'Behavioural activation schedule.',
];
const TECHNIQUES = [
  'CBT', 'cognitive restructuring', 'behavioural activation', 'exposure', 'mindfulness', 'motivational interviewing',
  'psychoeducation', 'EMDR', 'schema work', 'DBT skills', 'ACT defusion', 'role play',
];
const CRISIS = ['suicidal ideation', 'self-harm', 'substance relapse', 'safety concern at home'];
const MODALITIES = ['in-person', 'video', 'phone'];
const GOALS = [
  'Sleep at least seven hours on five nights a week', 'Use public transport alone', 'Return to work part-time',
  'Reduce drinking to two days a week', 'Call a friend once a week', 'Manage panic without leaving the room',
  'Set one boundary with a parent', 'Resume a hobby', 'Reduce self-criticism in the thought record',
];
const MILESTONES = [
  'First full week of the routine', 'Rode the bus two stops alone', 'First day back at the office',
  'Told a parent no without apologising', 'Went to a party and stayed an hour', 'Two weeks without a panic attack',
];
const STATUSES: readonly GoalStatus[] = ['active', 'active', 'active', 'active', 'achieved', 'achieved', 'paused', 'discontinued'];
const SIGNIFICANCES: readonly Significance[] = ['low', 'medium', 'medium', 'high'];

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const iso = (ms: number) => new Date(ms).toISOString();
const date = (ms: number) => iso(ms).slice(0, 10);
const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** How many of `total` each client gets: weights from the seed, the first client heaviest (2×). */
function shares(prng: Prng, clients: number, total: number): number[] {
  const weights = Array.from({ length: clients }, (_, i) => (i === 0 ? 2 : 0.25 + 1.5 * prng.float()));
  const sum = weights.reduce((a, b) => a + b, 0);
  const counts = weights.map((w) => Math.floor((total * w) / sum));
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % clients, left--) counts[i]!++;
  return counts;
}

/**
 * Makes the practice and hands it to `sink` one client at a time. Goal g belongs to client
 * g mod clients and milestone m to goal m mod goals, so every reference stays within its client.
 */
export function generatePractice(scale: Scale, seed: number, sink: (bundle: ClientBundle) => void): PracticeStats {
  const prng = new Prng(seed);
  const width = String(Math.max(scale.clients, scale.goals, scale.milestones, scale.sessions)).length;
  const clientId = (i: number) => `client-${pad(i + 1, String(scale.clients).length)}`;
  const counts = shares(prng, scale.clients, scale.sessions);
  const end = HISTORY_END;
  const start = end - Math.round(scale.years * 365.25 * DAY);
  const stats: PracticeStats = {
    clients: scale.clients, sessions: 0, goals: 0, goal_history: 0, milestones: 0,
    heaviest_client: clientId(0), heaviest_sessions: counts[0]!,
  };
  let sessionSeq = 0;

  for (let c = 0; c < scale.clients; c++) {
    const id = clientId(c);
    const from = c === 0 ? start : start + Math.floor(prng.float() * 0.5 * (end - start));
    const to = c === 0 ? end - DAY : end - Math.floor(prng.float() * 0.25 * (end - start));
    const client: ClientRecord = { client_id: id, created_at: iso(from - 3 * DAY) };

    const goals: GoalRecord[] = [];
    const milestones: MilestoneRecord[] = [];
    for (let g = c; g < scale.goals; g += scale.clients) {
      const goalId = `goal-${pad(g + 1, width)}`;
      // Goals are set all along a client's course, so a recent timeframe has goals in motion.
      const createdAt = from + Math.floor(prng.float() * 0.85 * (to - from));
      const status = prng.pick(STATUSES);
      const steps = prng.int(1, 6);
      const history: GoalHistoryEntry[] = [];
      let percentage = 0;
      let at = createdAt;
      for (let h = 0; h < steps; h++) {
        const last = h === steps - 1;
        if (h > 0) {
          at = Math.min(at + prng.int(7, 60) * DAY, end - DAY);
          percentage = Math.min(95, percentage + 5 * prng.int(1, 5));
        }
        const entryStatus: GoalStatus = last ? status : 'active';
        history.push({
          at: iso(at),
          completion_percentage: last && status === 'achieved' ? 100 : percentage,
          status: entryStatus,
          note: h === 0 ? 'goal set' : last && status !== 'active' ? `marked ${status}` : 'progress reviewed',
          actor: 'bench',
        });
      }
      const final = history[history.length - 1]!;
      const milestoneIds: string[] = [];
      for (let m = g; m < scale.milestones; m += scale.goals) {
        const milestoneId = `ms-${pad(m + 1, width)}`;
        milestoneIds.push(milestoneId);
        const achieved = Math.min(createdAt + Math.floor(prng.float() * (at - createdAt + 30 * DAY)), end - DAY);
        milestones.push({
          milestone_id: milestoneId, goal_id: goalId, client_id: id, description: prng.pick(MILESTONES),
          achieved_date: date(achieved), significance: prng.pick(SIGNIFICANCES), created_at: iso(achieved + 18 * 3_600_000),
        });
      }
      goals.push({
        goal_id: goalId, client_id: id, description: prng.pick(GOALS),
        target_date: prng.chance(0.7) ? date(createdAt + prng.int(60, 365) * DAY) : null,
        completion_percentage: final.completion_percentage, status, milestones: milestoneIds,
        notes: prng.chance(0.5) ? 'Agreed with the client in session.' : '', created_at: iso(createdAt),
        updated_at: final.at, history,
      });
      stats.goals++;
      stats.goal_history += history.length;
    }
    stats.milestones += milestones.length;

    const n = counts[c]!;
    const step = (to - from) / Math.max(1, n);
    const base = -1.5 + prng.float();
    const trend = -0.5 + 3 * prng.float();
    const sessions: Session[] = [];
    for (let k = 0; k < n; k++) {
      const day = Math.floor((from + (k + 0.2 + 0.6 * prng.float()) * step) / DAY) * DAY;
      const timestamp = iso(day + (7 + prng.int(0, 9)) * 3_600_000 + (prng.chance(0.5) ? 1_800_000 : 0));
      const noise = (prng.float() + prng.float() - 1) * 1.6;
      // `| 0` turns a rounded -0 into 0.
      const score = Math.max(-2, Math.min(2, Math.round(base + (trend * k) / Math.max(1, n) + noise))) | 0;
      const named = goals.filter((goal) => goal.created_at <= timestamp && prng.chance(0.3)).map((goal) => goal.goal_id);
      const techniques = [...new Set([prng.pick(TECHNIQUES), prng.pick(TECHNIQUES), prng.pick(TECHNIQUES)])]
        .slice(0, prng.int(1, 3));
      sessions.push({
        session_id: `ses-${pad(++sessionSeq, width)}`,
        client_id: id,
        timestamp,
        conversation_summary: `${capitalised(prng.pick(TURNS))} ${prng.pick(TOPICS)} ` +
          `${prng.pick(OUTCOMES)}; also touched on ${prng.pick(TOPICS)}.`,
        emotional_state: STATES[score + 2]!,
        emotional_score: score,
        therapeutic_goals: named,
        progress_notes: prng.chance(0.8) ? `Progress on ${prng.pick(TOPICS)} ${prng.pick(OUTCOMES)}.` : '',
        therapist_observations: prng.pick(OBSERVATIONS),
        next_session_focus: prng.pick(FOCUS),
        session_duration_minutes: prng.chance(0.05) ? null : prng.pick([45, 50, 50, 50, 60, 90]),
        techniques_used: techniques,
        homework_assigned: prng.chance(0.5) ? prng.pick(HOMEWORK) : '',
        crisis_flags: prng.chance(0.015) ? [prng.pick(CRISIS)] : [],
        metadata: prng.chance(0.7) ? { modality: prng.pick(MODALITIES) } : {},
      });
    }
    stats.sessions += n;
    sink({ client, sessions, goals, milestones });
  }
  return stats;
}

/** Buffered synchronous writes to a new file of mode 0600 (an export holds records). */
class FileSink {
  private readonly fd: number;
  private pending = '';
  bytes = 0;

  constructor(path: string) {
    this.fd = openSync(path, 'w', 0o600);
  }

  write(text: string): void {
    this.pending += text;
    if (this.pending.length >= 1 << 20) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    this.bytes += writeSync(this.fd, this.pending);
    this.pending = '';
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Writes the practice as a `tpt export` document (format tpt-export, version 1), laid out as
 * `tpt export --all` lays it out: one record per line, streamed to disk.
 */
export function writeExportFile(
  path: string,
  scale: Scale,
  seed = DEFAULT_SEED,
  exportedAt = new Date(HISTORY_END),
): PracticeStats & { bytes: number } {
  const out = new FileSink(path);
  out.write(`{"format":"tpt-export","version":1,"exported_at":${JSON.stringify(exportedAt.toISOString())},"clients":[`);
  let first = true;
  const list = (key: string, records: readonly unknown[]) => {
    out.write(`,"${key}":[`);
    records.forEach((record, i) => out.write(`${i === 0 ? '' : ','}\n${JSON.stringify(record)}`));
    out.write(records.length === 0 ? ']' : '\n]');
  };
  const stats = generatePractice(scale, seed, ({ client, sessions, goals, milestones }) => {
    out.write(`${first ? '' : ','}\n{"client_id":${JSON.stringify(client.client_id)},"created_at":${JSON.stringify(client.created_at)}`);
    first = false;
    list('sessions', sessions);
    list('goals', goals);
    list('milestones', milestones);
    out.write('}');
  });
  out.write(`${first ? '' : '\n'}]}\n`);
  out.close();
  return { ...stats, bytes: out.bytes };
}
