import { rmSync } from 'node:fs';
import { Database } from '../src/db/driver.js';
import { applyCipher, type DatabaseKey } from '../src/db/connection.js';
import { MIGRATIONS } from '../src/db/migrations.js';
import { fileSource } from '../src/commands/import-file.js';
import { JsonStreamReader } from '../src/core/json-stream.js';
import { canonicalClient, canonicalGoal, canonicalMilestone, canonicalSession } from '../src/core/import-canonical.js';
import type { Session } from '../src/core/model.js';
import { generatePractice, type PracticeStats, type Scale } from './generate.js';

/**
 * The limit of the driver: the practice's rows written and read by a bare loop over prepared
 * statements in one transaction, on tpt's own schema, pragmas, page cache and import journal, with no validation, no JSON
 * parsing and no audit. Whatever `tpt import` and `tpt export` add is measured against this.
 */

export interface BareResult {
  stats: PracticeStats;
  /** Rows written or read: sessions, goals, goal history entries, milestones. */
  rows: number;
  insertMs: number;
  readMs: number;
}

const now = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * tpt's connection pragmas (src/db/connection.ts), its schema on a new database, and the page
 * cache `tpt import` gives itself (src/db/import-writes.ts), so every bare loop loads alike.
 */
export function prepareLikeTpt(db: Database, fresh: boolean): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('secure_delete = ON');
  db.pragma('temp_store = MEMORY');
  if (fresh) for (const step of MIGRATIONS) db.exec(step);
  db.pragma('cache_size = -65536');
}

/** A session inserted as the import stores it (the lists and metadata as JSON text). */
export function sessionInserter(db: Database): (session: Session) => void {
  const insert = db.prepare(`
    INSERT INTO sessions (session_id, client_id, timestamp, conversation_summary, emotional_score, therapeutic_goals,
      progress_notes, therapist_observations, next_session_focus, session_duration_minutes, techniques_used,
      homework_assigned, crisis_flags, metadata)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  return (s) => {
    insert.run(s.session_id, s.client_id, s.timestamp, s.conversation_summary, s.emotional_score,
      JSON.stringify(s.therapeutic_goals), s.progress_notes, s.therapist_observations, s.next_session_focus,
      s.session_duration_minutes, JSON.stringify(s.techniques_used), s.homework_assigned,
      JSON.stringify(s.crisis_flags), JSON.stringify(s.metadata));
  };
}

function open(path: string, key: DatabaseKey | null, fresh: boolean): Database {
  if (fresh) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  }
  const db = new Database(path);
  // Encrypted exactly as src/db/connection.ts does it (SQLCipher 4 settings, then the key).
  if (key) applyCipher(db, key);
  prepareLikeTpt(db, fresh);
  return db;
}

/** Generates the practice into `path` (replacing it) and reads it back, timing the driver's part only. */
export function bareLoop(path: string, scale: Scale, seed: number, key: DatabaseKey | null): BareResult {
  let db = open(path, key, true);
  const insertClient = db.prepare('INSERT INTO clients (client_id, created_at) VALUES (?, ?)');
  const insertSession = sessionInserter(db);
  const insertGoal = db.prepare(`
    INSERT INTO goals (goal_id, client_id, description, target_date, completion_percentage, status, notes,
      created_at, updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  const insertHistory = db.prepare(`
    INSERT INTO goal_history (goal_id, seq, at, completion_percentage, status, note, actor) VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const insertMilestone = db.prepare(`
    INSERT INTO milestones (milestone_id, goal_id, client_id, description, achieved_date, significance, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);

  // Generating the records is not the driver's work: only the time inside the inserts counts.
  let insertMs = 0;
  const clientIds: string[] = [];
  // The journal `tpt import` loads with (withRollbackJournal in src/db/import-writes.ts).
  db.pragma('journal_mode = DELETE');
  db.exec('BEGIN IMMEDIATE');
  const stats = generatePractice(scale, seed, ({ client, sessions, goals, milestones }) => {
    const started = now();
    clientIds.push(client.client_id);
    insertClient.run(client.client_id, client.created_at);
    for (const g of goals) {
      insertGoal.run(g.goal_id, g.client_id, g.description, g.target_date, g.completion_percentage, g.status, g.notes,
        g.created_at, g.updated_at);
      g.history.forEach((h, i) => insertHistory.run(g.goal_id, i + 1, h.at, h.completion_percentage, h.status, h.note, h.actor));
    }
    for (const m of milestones) {
      insertMilestone.run(m.milestone_id, m.goal_id, m.client_id, m.description, m.achieved_date, m.significance, m.created_at);
    }
    for (const s of sessions) insertSession(s);
    insertMs += now() - started;
  });
  let started = now();
  db.exec('COMMIT');
  db.pragma('journal_mode = WAL');
  insertMs += now() - started;
  const rows = stats.sessions + stats.goals + stats.goal_history + stats.milestones;
  db.close();

  // Read back from a new connection, as a new process would: nothing in SQLite's page cache, so
  // every page is read (and, encrypted, decrypted and authenticated) once.
  db = open(path, key, false);

  // Read back client by client through the indexes, as an export of every client must.
  const sessionsOf = db.prepare('SELECT * FROM sessions WHERE client_id = ? ORDER BY timestamp');
  const goalsOf = db.prepare('SELECT * FROM goals WHERE client_id = ? ORDER BY created_at');
  const historyOf = db.prepare('SELECT * FROM goal_history WHERE goal_id = ? ORDER BY seq');
  const milestonesOf = db.prepare('SELECT * FROM milestones WHERE client_id = ? ORDER BY achieved_date');
  started = now();
  let read = 0;
  db.exec('BEGIN');
  for (const clientId of clientIds) {
    for (const _row of sessionsOf.iterate(clientId)) read++;
    for (const goal of goalsOf.iterate(clientId) as Iterable<{ goal_id: string }>) {
      read++;
      for (const _row of historyOf.iterate(goal.goal_id)) read++;
    }
    for (const _row of milestonesOf.iterate(clientId)) read++;
  }
  db.exec('COMMIT');
  const readMs = now() - started;
  db.close();
  if (read !== rows) throw new Error(`the bare loop read ${read} rows back, not the ${rows} it wrote`);
  return { stats, rows, insertMs, readMs };
}

/** The parts of an import that are not the database's: reading and parsing the file, then checking each record. */
export interface ParseResult {
  /** Records parsed: sessions, goals, milestones (goal history entries are parsed inside their goals). */
  records: number;
  /** The file read and every record parsed, nothing checked. */
  parseMs: number;
  /** The same, and each record checked as the import checks a record in the form tpt export writes. */
  checkMs: number;
}

/**
 * The floor under `tpt import` that is not the driver's: the export file read through the import's
 * own reader (1 MB reads, 64 KB pieces of text, one JSON.parse per record), with no database. Run
 * twice, without and with the import's checks of each record (the fast paths that take a record as
 * `tpt export` writes it); a record they would leave to the schema fails the run, so the figure is
 * the fast path's.
 */
export function bareParse(file: string): ParseResult {
  const parse = (check: boolean) => {
    const source = fileSource(file);
    const started = now();
    let records = 0;
    try {
      walkRecords(new JsonStreamReader(source.read), (kind, raw) => {
        if (kind !== 'client') records++;
        if (!check) return;
        const taken = kind === 'client' ? canonicalClient(raw as Record<string, unknown>)
          : kind === 'sessions' ? canonicalSession(raw)
          : kind === 'goals' ? canonicalGoal(raw)
          : canonicalMilestone(raw);
        if (taken === undefined) throw new Error(`a record of ${file} is not in the form tpt export writes (${kind})`);
      });
    } finally {
      source.done();
    }
    return { records, ms: now() - started };
  };
  const parsed = parse(false);
  const checked = parse(true);
  return { records: parsed.records, parseMs: parsed.ms, checkMs: checked.ms };
}

/** Every client entry and record of an export document, each parsed, in the order of the file. */
function walkRecords(reader: JsonStreamReader, visit: (kind: string, raw: unknown) => void): void {
  reader.expect('{', 'the document');
  do {
    if (reader.key('in the document') !== 'clients') {
      reader.value();
      continue;
    }
    reader.expect('[', 'the clients');
    if (reader.closes(']')) continue;
    do {
      reader.expect('{', 'a client');
      const header: Record<string, unknown> = {};
      let started = false;
      do {
        const key = reader.key('in a client');
        if (!['sessions', 'goals', 'milestones'].includes(key)) {
          header[key] = reader.value();
          continue;
        }
        if (!started) visit('client', header);
        started = true;
        reader.expect('[', key);
        if (reader.closes(']')) continue;
        do visit(key, reader.value());
        while (reader.more(']', key));
      } while (reader.more('}', 'in a client'));
    } while (reader.more(']', 'after a client'));
  } while (reader.more('}', 'in the document'));
}
