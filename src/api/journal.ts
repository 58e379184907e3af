import { existsSync } from 'node:fs';
import { takeUnloggedPortReads, type AuditEntryUnwritten } from '../core/audit.js';
import { TptError, InputError } from '../core/errors.js';
import { exportJson, planExport } from '../core/export.js';
import { createGoal, updateGoal } from '../core/goals.js';
import { addMeasure, type MeasureInput, type ScoredMeasure } from '../core/measures.js';
import { addMilestone } from '../core/milestones.js';
import type { Actor, Goal, GoalDetail, ListedSession, Milestone, Session } from '../core/model.js';
import { parseGranularity } from '../core/periods.js';
import { progressReport, type ProgressReport } from '../core/report.js';
import type { GoalCreateInput, GoalUpdateInput, MilestoneInput, SessionInput } from '../core/schemas.js';
import { listSessions, logSession } from '../core/sessions.js';
import { resolveTimeframe, type Span, type TimeframeOptions } from '../core/timeframe.js';
import { emotionalTrends, type TrendsReport } from '../core/trends.js';
import { isDatabaseUrl, keyFiles, openRecordStore, type StoreKey } from '../store/open.js';
import type { RecordStore } from '../store/port.js';

/** How a program opens a journal: the database, one way to its key, and who it acts as. */
export interface OpenJournalOptions {
  /** The SQLite database file (`tpt init` made it). Give this or `database`. */
  path?: string;
  /**
   * The database as `--database` takes it: a PostgreSQL URL (`postgres://USER@HOST/DB`, whose
   * schema `tpt init --database` made), or an SQLite file's path. Give this or `path`.
   */
  database?: string;
  /** A key file as `tpt init` writes it (mode 0600). */
  keyFile?: string;
  /** The passphrase, when the database has one instead of a key file. */
  passphrase?: string;
  /**
   * Who the audit log names for every read and write of this journal, as `--actor` does on the
   * command line: a person or a program (`scribe-bot`), never left out.
   */
  actor: string;
  /** The clock (tests fix it); the system's by default. */
  now?: () => Date;
  /** Where PGPASSWORD, PGPASSFILE and the like are read for a PostgreSQL URL; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

/** A timeframe as the command line's options give it: `{ last: '3m' }`, `{ since: '2026-01-01' }`. */
export type Timeframe = TimeframeOptions;

export interface SessionsQuery extends TimeframeOptions {
  /** The newest this many. */
  limit?: number;
  /** Voided sessions too. */
  includeVoid?: boolean;
}

/**
 * A tpt journal opened by a program: the same core, rules and audit log as the command line (a
 * session logged here is checked, stored and audited exactly as `tpt log-session` would), over
 * the store port, on SQLite or PostgreSQL alike. Every call returns a promise; close() when done.
 */
export class Journal {
  private closed = false;

  /** @internal use openJournal() */
  constructor(private readonly records: RecordStore, private readonly actor: string, private readonly clock: () => Date) {}

  /** Records one session (`tpt log-session`); `sign` signs it at once. */
  logSession(input: SessionInput, options: { sign?: boolean } = {}): Promise<Session> {
    return this.run((records, who) => logSession(records, input, who, options.sign === true));
  }

  /** Records one outcome measure (`tpt measure add`), scored. */
  recordMeasure(input: MeasureInput): Promise<ScoredMeasure> {
    return this.run((records, who) => addMeasure(records, input, who));
  }

  /** Sets a goal (`tpt goal add`). */
  createGoal(input: GoalCreateInput): Promise<Goal> {
    return this.run((records, who) => createGoal(records, input, who));
  }

  /** Records progress on a goal (`tpt goal update`); `at` backdates the entry. */
  updateGoal(goalId: string, change: GoalUpdateInput, options: { at?: string } = {}): Promise<GoalDetail> {
    return this.run((records, who) => updateGoal(records, goalId, change, who, options.at));
  }

  /** Records a milestone of a goal (`tpt milestone add`). */
  addMilestone(input: MilestoneInput): Promise<Milestone> {
    return this.run((records, who) => addMilestone(records, input, who));
  }

  /** A client's sessions, newest first (`tpt sessions`); every one unless a timeframe is given. */
  sessions(clientId: string, query: SessionsQuery = {}): Promise<ListedSession[]> {
    const { limit, includeVoid, ...timeframe } = query;
    return this.run((records, who) => listSessions(
      records, clientId, resolveTimeframe(timeframe, null, who.now), who, limit, includeVoid === true,
    ));
  }

  /** The progress report (`tpt report --json`), over the last 30 days unless told otherwise. */
  async report(clientId: string, timeframe: Timeframe = {}): Promise<ProgressReport> {
    return (await this.run((records, who) => progressReport(records, clientId, resolveTimeframe(timeframe, DAYS(30), who.now), who))).report;
  }

  /** The emotional trends (`tpt trends --json`), over the last 90 days unless told otherwise. */
  trends(clientId: string, timeframe: Timeframe & { by?: string } = {}): Promise<TrendsReport> {
    const { by, ...span } = timeframe;
    return this.run((records, who) => emotionalTrends(
      records, clientId, resolveTimeframe(span, DAYS(90), who.now), by === undefined ? undefined : parseGranularity(by), who,
    ));
  }

  /**
   * The export document of one client, or of every client with `{ all: true }` (`tpt export
   * --format json`), in pieces of text to write out as they come: a large journal is never held
   * in memory whole. The export is audited when this is called, as on the command line.
   */
  async *exportJson(target: { clientId: string } | { all: true }): AsyncGenerator<string> {
    this.refuseClosed();
    const records = this.records;
    const who = { actor: this.actor, now: this.clock() };
    const plan = await planExport(records, 'all' in target ? { all: true } : { clientId: target.clientId }, who);
    const unlogged = takeUnloggedPortReads(records);
    if (unlogged.length > 0) process.emitWarning(unloggedWarning(unlogged));
    // Pieces are read into memory a transaction at a time only as the caller asks for them: the
    // read transaction stays open between them, as the export's snapshot.
    const pieces: string[] = [];
    let wake: (() => void) | undefined;
    let asked: (() => void) | undefined;
    let finished = false;
    let stopped = false;
    let failure: { error: unknown } | undefined;
    const reading = records.read(async (tx) => {
      for await (const piece of exportJson(tx, plan.clients, who.now)) {
        pieces.push(piece);
        wake?.();
        await new Promise<void>((resolve) => {
          asked = resolve;
        });
        if (stopped) return;
      }
    }).catch((error: unknown) => {
      failure = { error };
    }).finally(() => {
      finished = true;
      wake?.();
    });
    try {
      for (;;) {
        if (pieces.length > 0) {
          yield pieces.shift()!;
          asked?.();
          asked = undefined;
          continue;
        }
        if (finished) break;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
    } finally {
      // A caller that stops early ends the read transaction with it.
      stopped = true;
      asked?.();
      await reading;
    }
    if (failure) throw failure.error;
  }

  /** The export document as one value (for small journals; see exportJson for large ones). */
  async exportDocument(target: { clientId: string } | { all: true }): Promise<unknown> {
    let text = '';
    for await (const piece of this.exportJson(target)) text += piece;
    return JSON.parse(text);
  }

  /** Closes the connection (or a PostgreSQL database's pool); the journal cannot be used afterwards. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.records.close();
  }

  /** A use case of core over this journal's store, as this journal's actor, now. */
  private async run<T>(use: (records: RecordStore, who: Actor) => Promise<T>): Promise<T> {
    this.refuseClosed();
    const value = await use(this.records, { actor: this.actor, now: this.clock() });
    // A read whose audit entry could not be written (a full disk) is never a silent one.
    const unlogged = takeUnloggedPortReads(this.records);
    if (unlogged.length > 0) process.emitWarning(unloggedWarning(unlogged));
    return value;
  }

  private refuseClosed(): void {
    if (this.closed) throw new TptError('this journal is closed: open it again with openJournal()');
  }
}

const DAYS = (amount: number): Span => ({ amount, unit: 'd' });

function unloggedWarning(entries: AuditEntryUnwritten[]): string {
  return `tpt: the database cannot take writes, so ${entries.length} read(s) are not in the audit log: ` +
    entries.map((entry) => `${entry.action} ${entry.client_id ?? ''} by ${entry.actor} at ${entry.at}`).join('; ');
}

/**
 * Opens a journal that `tpt init` made, with a key file or a passphrase: an SQLite file (`path`,
 * or `database` naming a file) or a PostgreSQL database (`database: 'postgres://…'`). Refuses
 * what the command line refuses: a wrong key, a missing file or schema, a database marked
 * damaged (reads still work then).
 */
export async function openJournal(options: OpenJournalOptions): Promise<Journal> {
  if (typeof options !== 'object' || options === null) {
    throw new InputError('openJournal needs { path or database, keyFile or passphrase, actor }');
  }
  const given = [options.path, options.database].filter((value) => value !== undefined);
  if (given.length !== 1 || typeof given[0] !== 'string' || given[0] === '') {
    throw new InputError('openJournal needs one of path (an SQLite file) or database (a postgres:// URL or a file): give where the journal is');
  }
  const location = given[0];
  const actor = typeof options.actor === 'string' ? options.actor.trim() : '';
  if (actor === '') throw new InputError('openJournal needs an actor (who the audit log names): give { actor: "name" }');
  if ((options.keyFile === undefined) === (options.passphrase === undefined)) {
    throw new InputError('openJournal needs one of keyFile or passphrase: give the key the database was made with');
  }
  const key: StoreKey = options.keyFile !== undefined
    ? await keyFiles.read(options.keyFile)
    : { kind: 'passphrase', passphrase: options.passphrase! };
  const clock = options.now ?? (() => new Date());
  if (!isDatabaseUrl(location) && !existsSync(location)) {
    throw new TptError(`no database at ${location}: run \`tpt init\` first, or give the right path`);
  }
  // Either engine through the store's opener; an SQLite file marked damaged is read, never written.
  return new Journal(await openRecordStore(location, key, { env: options.env ?? process.env }), actor, clock);
}
