import type { Database, Statement } from './driver.js';
import { TptError } from '../domain/errors.js';
import { WRITE_WAIT_MS } from './connection.js';
import type {
  AuditEntry, ClientSummary, Goal, GoalHistoryEntry, GoalStatus, ListedSession, Milestone, Session,
} from '../domain/records.js';
import { moodOfScore } from '../domain/records.js';

/**
 * Every query tpt runs, as named methods over prepared statements (prepared once, on first
 * use). No domain decisions here: the core decides, the store reads and writes.
 */
export class Store {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Database) {}

  private writesRefused: string | undefined;

  /**
   * Runs `fn` in one transaction (BEGIN IMMEDIATE, so writers queue instead of failing). A write
   * waits WRITE_WAIT_MS for another writer (a connection's reads wait longer: connection.ts).
   */
  transaction<T>(fn: () => T): T {
    if (this.writesRefused) throw Object.assign(new TptError(this.writesRefused), { code: 'TPT_WRITES_REFUSED' });
    if (this.db.inTransaction) return this.db.transaction(fn).immediate();
    const readWait = this.db.pragma('busy_timeout', { simple: true }) as number;
    this.db.pragma(`busy_timeout = ${Math.min(readWait, WRITE_WAIT_MS)}`);
    try {
      return this.db.transaction(fn).immediate();
    } finally {
      this.db.pragma(`busy_timeout = ${readWait}`);
    }
  }

  /** From now on every write transaction fails with `why` (a database marked damaged). */
  refuseWrites(why: string): void {
    this.writesRefused = why;
  }

  /** Why writes are refused (refuseWrites), or undefined when they are taken. */
  get writeRefusal(): string | undefined {
    return this.writesRefused;
  }

  /** Runs `fn` in one read transaction (BEGIN DEFERRED: one snapshot, and no write lock taken). */
  readTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn).deferred();
  }

  close(): void {
    this.db.close();
  }

  /** A prepared statement, cached: other modules of src/db use it for their own queries. */
  statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  // ── clients ──────────────────────────────────────────────────────────────

  ensureClient(clientId: string, createdAt: string): void {
    this.statement('INSERT OR IGNORE INTO clients (client_id, created_at) VALUES (?, ?)').run(clientId, createdAt);
  }

  clientExists(clientId: string): boolean {
    return this.statement('SELECT 1 FROM clients WHERE client_id = ?').get(clientId) !== undefined;
  }

  clientSummaries(): ClientSummary[] {
    const rows = this.statement(`
      SELECT c.client_id, c.created_at,
             (SELECT count(*) FROM live_sessions s WHERE s.client_id = c.client_id) AS sessions,
             (SELECT max(timestamp) FROM live_sessions s WHERE s.client_id = c.client_id) AS last_session,
             (SELECT max(timestamp) FROM live_sessions s
               WHERE s.client_id = c.client_id AND s.crisis_flags <> '[]') AS last_crisis,
             (SELECT count(*) FROM goals g WHERE g.client_id = c.client_id AND g.status = 'active') AS active_goals,
             (SELECT avg(completion_percentage) FROM goals g
               WHERE g.client_id = c.client_id AND g.status <> 'discontinued') AS average_goal_progress,
             (SELECT json_group_array(kind) FROM
                (SELECT kind FROM risks r WHERE r.client_id = c.client_id AND r.status = 'open' ORDER BY kind)) AS open_risks
        FROM clients c
       ORDER BY c.client_id`).all() as (Omit<ClientSummary, 'open_risks'> & { open_risks: string })[];
    return rows.map((row) => ({ ...row, open_risks: JSON.parse(row.open_risks) as string[] }));
  }

  // ── sessions ─────────────────────────────────────────────────────────────

  insertSession(session: Session): void {
    this.statement(`
      INSERT INTO sessions (session_id, client_id, timestamp, conversation_summary, emotional_score,
        therapeutic_goals, progress_notes, therapist_observations, next_session_focus,
        session_duration_minutes, techniques_used, homework_assigned, crisis_flags, metadata)
      VALUES (@session_id, @client_id, @timestamp, @conversation_summary, @emotional_score,
        @therapeutic_goals, @progress_notes, @therapist_observations, @next_session_focus,
        @session_duration_minutes, @techniques_used, @homework_assigned, @crisis_flags, @metadata)`)
      .run(sessionToRow(session));
  }

  sessionExists(sessionId: string): boolean {
    return this.statement('SELECT 1 FROM sessions WHERE session_id = ?').get(sessionId) !== undefined;
  }

  sessionById(sessionId: string): Session | undefined {
    const row = this.statement('SELECT * FROM sessions WHERE session_id = ?').get(sessionId) as SessionRow | undefined;
    return row && rowToSession(row);
  }

  /**
   * A client's sessions in [start, end], newest first; `start` null means from the first. Voided
   * sessions only with `includeVoid`.
   */
  sessionsInRange(clientId: string, start: string | null, end: string, limit = -1, includeVoid = false): ListedSession[] {
    const rows = this.statement(`
      SELECT * FROM ${includeVoid ? 'sessions' : 'live_sessions'}
       WHERE client_id = ? AND timestamp >= ? AND timestamp <= ?
       ORDER BY timestamp DESC, session_id DESC
       LIMIT ?`).all(clientId, start ?? '', end, limit) as (SessionRow & ListedState)[];
    return rows.map((row) => ({
      ...rowToSession(row), version: row.version, signed_at: row.signed_at, voided_at: row.voided_at,
    }));
  }

  /** Every technique the client's sessions used, most used first. */
  techniquesOfClient(clientId: string): string[] {
    const rows = this.statement(`
      SELECT t.value AS technique, count(*) AS uses
        FROM live_sessions s, json_each(s.techniques_used) t
       WHERE s.client_id = ?
       GROUP BY t.value ORDER BY uses DESC, technique`).all(clientId) as { technique: string }[];
    return rows.map((row) => row.technique);
  }

  // ── goals ────────────────────────────────────────────────────────────────

  insertGoal(goal: Goal): void {
    this.statement(`
      INSERT INTO goals (goal_id, client_id, description, target_date, completion_percentage,
        status, notes, created_at, updated_at)
      VALUES (@goal_id, @client_id, @description, @target_date, @completion_percentage,
        @status, @notes, @created_at, @updated_at)`).run(goal);
  }

  updateGoalProgress(goalId: string, percentage: number, status: GoalStatus, updatedAt: string): void {
    this.statement(`
      UPDATE goals SET completion_percentage = ?, status = ?, updated_at = ?
       WHERE goal_id = ?`).run(percentage, status, updatedAt, goalId);
  }

  goalExists(goalId: string): boolean {
    return this.statement('SELECT 1 FROM goals WHERE goal_id = ?').get(goalId) !== undefined;
  }

  goalById(goalId: string): Goal | undefined {
    const row = this.statement(`${GOAL_SELECT} WHERE g.goal_id = ?`).get(goalId) as GoalRow | undefined;
    return row && rowToGoal(row);
  }

  /** A client's goals, oldest first, optionally of one status. */
  goalsOfClient(clientId: string, status?: GoalStatus): Goal[] {
    const rows = status
      ? this.statement(`${GOAL_SELECT} WHERE g.client_id = ? AND g.status = ? ORDER BY g.created_at, g.goal_id`)
          .all(clientId, status)
      : this.statement(`${GOAL_SELECT} WHERE g.client_id = ? ORDER BY g.created_at, g.goal_id`).all(clientId);
    return (rows as GoalRow[]).map(rowToGoal);
  }

  appendGoalHistory(goalId: string, entry: GoalHistoryEntry): void {
    this.statement(`
      INSERT INTO goal_history (goal_id, seq, at, completion_percentage, status, note, actor)
      VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM goal_history WHERE goal_id = ?), ?, ?, ?, ?, ?)`)
      .run(goalId, goalId, entry.at, entry.completion_percentage, entry.status, entry.note, entry.actor);
  }

  goalHistory(goalId: string): GoalHistoryEntry[] {
    return this.statement(`
      SELECT at, completion_percentage, status, note, actor
        FROM goal_history WHERE goal_id = ? ORDER BY seq`).all(goalId) as GoalHistoryEntry[];
  }

  // ── milestones ───────────────────────────────────────────────────────────

  insertMilestone(milestone: Milestone, createdAt: string): void {
    this.statement(`
      INSERT INTO milestones (milestone_id, goal_id, client_id, description, achieved_date,
        significance, created_at)
      VALUES (@milestone_id, @goal_id, @client_id, @description, @achieved_date, @significance, @created_at)`)
      .run({ ...milestone, created_at: createdAt });
  }

  milestoneExists(milestoneId: string): boolean {
    return this.statement('SELECT 1 FROM milestones WHERE milestone_id = ?').get(milestoneId) !== undefined;
  }

  /** A client's milestones, newest first. */
  milestonesOfClient(clientId: string): Milestone[] {
    return this.statement(`
      SELECT milestone_id, goal_id, client_id, description, achieved_date, significance
        FROM live_milestones WHERE client_id = ?
       ORDER BY achieved_date DESC, created_at DESC, milestone_id DESC`).all(clientId) as Milestone[];
  }

  /** A goal's milestones, oldest first. */
  milestonesOfGoal(goalId: string): Milestone[] {
    return this.statement(`
      SELECT milestone_id, goal_id, client_id, description, achieved_date, significance
        FROM live_milestones WHERE goal_id = ?
       ORDER BY achieved_date, created_at, milestone_id`).all(goalId) as Milestone[];
  }

  // ── audit log ────────────────────────────────────────────────────────────

  lastAuditEntry(): AuditEntry | undefined {
    return this.statement('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1').get() as AuditEntry | undefined;
  }

  insertAuditEntry(entry: AuditEntry): void {
    this.statement(`
      INSERT INTO audit_log (seq, at, actor, action, client_id, object_id, outcome, prev_hash, hash)
      VALUES (@seq, @at, @actor, @action, @client_id, @object_id, @outcome, @prev_hash, @hash)`).run(entry);
  }

  /**
   * A client or token on record that no audit entry names, or undefined. Each was written with
   * an entry naming it (a client by client_id, a token by its token.create entry).
   */
  recordWithoutAuditEntry(): string | undefined {
    const client = this.statement(`
      SELECT client_id FROM clients c
       WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.client_id = c.client_id) LIMIT 1`).get() as { client_id: string } | undefined;
    if (client) return `client "${client.client_id}"`;
    const token = this.statement(`
      SELECT token_id FROM api_tokens t
       WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'token.create' AND a.object_id = t.token_id) LIMIT 1`)
      .get() as { token_id: string } | undefined;
    return token ? `token ${token.token_id}` : undefined;
  }

  /** The whole log in order, streamed: it only grows. */
  auditEntries(): IterableIterator<AuditEntry> {
    return this.statement('SELECT * FROM audit_log ORDER BY seq').iterate() as IterableIterator<AuditEntry>;
  }

  // ── settings ─────────────────────────────────────────────────────────────

  setting(key: string): string | undefined {
    const row = this.statement('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value;
  }

  setSetting(key: string, value: string): void {
    this.statement(`INSERT INTO settings (key, value) VALUES (?, ?)
               ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(key, value);
  }
}

// ── row mapping ────────────────────────────────────────────────────────────

type ListedState = Pick<ListedSession, 'version' | 'signed_at' | 'voided_at'>;

export interface SessionRow {
  session_id: string;
  client_id: string;
  timestamp: string;
  conversation_summary: string;
  emotional_score: number;
  therapeutic_goals: string;
  progress_notes: string;
  therapist_observations: string;
  next_session_focus: string;
  session_duration_minutes: number | null;
  techniques_used: string;
  homework_assigned: string;
  crisis_flags: string;
  metadata: string;
}

export function rowToSession(row: SessionRow): Session {
  return {
    session_id: row.session_id,
    client_id: row.client_id,
    timestamp: row.timestamp,
    conversation_summary: row.conversation_summary,
    emotional_state: moodOfScore(row.emotional_score),
    emotional_score: row.emotional_score,
    therapeutic_goals: JSON.parse(row.therapeutic_goals) as string[],
    progress_notes: row.progress_notes,
    therapist_observations: row.therapist_observations,
    next_session_focus: row.next_session_focus,
    session_duration_minutes: row.session_duration_minutes,
    techniques_used: JSON.parse(row.techniques_used) as string[],
    homework_assigned: row.homework_assigned,
    crisis_flags: JSON.parse(row.crisis_flags) as string[],
    metadata: JSON.parse(row.metadata) as Record<string, string>,
  };
}

export function sessionToRow(session: Session): SessionRow {
  return {
    session_id: session.session_id,
    client_id: session.client_id,
    timestamp: session.timestamp,
    conversation_summary: session.conversation_summary,
    emotional_score: session.emotional_score,
    therapeutic_goals: JSON.stringify(session.therapeutic_goals),
    progress_notes: session.progress_notes,
    therapist_observations: session.therapist_observations,
    next_session_focus: session.next_session_focus,
    session_duration_minutes: session.session_duration_minutes,
    techniques_used: JSON.stringify(session.techniques_used),
    homework_assigned: session.homework_assigned,
    crisis_flags: JSON.stringify(session.crisis_flags),
    metadata: JSON.stringify(session.metadata),
  };
}

const GOAL_SELECT = `
  SELECT g.goal_id, g.client_id, g.description, g.target_date, g.completion_percentage, g.status,
         (SELECT json_group_array(milestone_id) FROM
            (SELECT milestone_id FROM live_milestones m WHERE m.goal_id = g.goal_id
              ORDER BY achieved_date, created_at, milestone_id)) AS milestones,
         g.notes, g.created_at, g.updated_at
    FROM goals g`;

interface GoalRow extends Omit<Goal, 'milestones'> {
  milestones: string;
}

function rowToGoal(row: GoalRow): Goal {
  return { ...row, milestones: JSON.parse(row.milestones) as string[] };
}

