import type { RecordStore } from '../store/port.js';
import { appendAudit } from './audit.js';
import { TptError } from './errors.js';
import { exportJson } from './export.js';
import { importDocument, type ImportSummary } from './import.js';
import type { Actor } from './model.js';

/**
 * `tpt migrate --to`: every record of one store, moved into another (SQLite to PostgreSQL or
 * back) as `tpt export` writes them and `tpt import` reads them, so that the target exports the
 * same document as the source. The source is only read, in one snapshot; nothing is written to
 * it (not even an audit entry: the target's log records the migration).
 *
 * The target takes one transaction per client. A mark written to the target before the first
 * names the migration and the last client in; it is cleared in the last transaction. A
 * migration stopped half-way (killed, a lost connection) leaves the mark: the next run into the
 * same target goes on after the last client in, and a target with records and no mark is
 * refused, so the target is never a silent half.
 */

export const MIGRATION_MARK = 'migration.in_progress';

interface Mark {
  from: string;
  started_at: string;
  /** The last client whose records are in the target, or null before the first. */
  done_through: string | null;
}

export interface MigrationSummary {
  clients: number;
  sessions: number;
  goals: number;
  milestones: number;
  measures: number;
  risks: number;
  courses: number;
  schedules: number;
  /** Clients a stopped migration had moved already, left as they were. */
  resumed_after: number;
  audit_entries: number;
}

export interface MigrateOptions {
  /** How the source is named in the mark and the messages (its path or URL, without a password). */
  from: string;
  /** Called after each client, with how many of how many are in. */
  onClient?: (done: number, total: number) => void;
}

export async function migrateRecords(from: RecordStore, to: RecordStore, options: MigrateOptions, who: Actor): Promise<MigrationSummary> {
  const mark = await to.write(async (tx) => {
    const text = await tx.settings.get(MIGRATION_MARK);
    if (text !== undefined && text !== '') return JSON.parse(text) as Mark;
    if ((await tx.exchange.clients()).length > 0) {
      throw new TptError('the target database holds records already: migrate into an empty database with tpt\'s schema');
    }
    const fresh: Mark = { from: options.from, started_at: who.now.toISOString(), done_through: null };
    await tx.settings.set(MIGRATION_MARK, JSON.stringify(fresh));
    return fresh;
  });
  if (mark.from !== options.from) {
    throw new TptError(`the target holds a stopped migration from ${mark.from}, not from ${options.from}: finish it from there, or start again with an empty database`);
  }
  const summary: MigrationSummary = {
    clients: 0, sessions: 0, goals: 0, milestones: 0, measures: 0, risks: 0, courses: 0, schedules: 0, resumed_after: 0,
    audit_entries: 0,
  };
  // One snapshot of the source for the whole move; a client at a time goes to the target.
  await from.read(async (source) => {
    const clients = await source.exchange.clients();
    // Clients come in the same order every time: those up to the last one in are in already.
    const resumeAt = mark.done_through === null ? 0 : clients.findIndex((client) => client.client_id === mark.done_through) + 1;
    if (mark.done_through !== null && resumeAt === 0) {
      throw new TptError(`the target holds a stopped migration up to client "${mark.done_through}", which the source does not have: start again with an empty database`);
    }
    summary.resumed_after = resumeAt;
    let done = resumeAt;
    for (const client of clients.slice(resumeAt)) {
      done++;
      const pieces: string[] = [];
      for await (const piece of exportJson(source, [client], who.now)) pieces.push(piece);
      const next: Mark = { ...mark, done_through: client.client_id };
      const moved = await importDocument(to, () => pieces.shift() ?? null, {
        label: `the records of client "${client.client_id}"`,
        alsoInTransaction: async (tx) => tx.settings.set(MIGRATION_MARK, JSON.stringify(next)),
      }, who);
      add(summary, moved);
      options.onClient?.(done, clients.length);
    }
  });
  return to.write(async (tx) => {
    await appendAudit(tx, { action: 'migrate', object_id: options.from }, who);
    await tx.settings.set(MIGRATION_MARK, '');
    const audit = await tx.audit.verify();
    if (!audit.intact) throw new TptError(`the target's audit log does not verify after the migration: ${audit.problem}`);
    return { ...summary, audit_entries: audit.entries };
  });
}

function add(summary: MigrationSummary, moved: ImportSummary): void {
  summary.clients += moved.clients;
  summary.sessions += moved.sessions.added;
  summary.goals += moved.goals.added;
  summary.milestones += moved.milestones.added;
  summary.measures += moved.measures.added;
  summary.risks += moved.risks.added;
  summary.courses += moved.courses.added;
  summary.schedules += moved.schedules.added;
}
