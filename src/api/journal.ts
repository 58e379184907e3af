import { existsSync } from 'node:fs';
import { takeUnloggedPortReads, takeUnloggedReads, type AuditEntryUnwritten } from '../core/audit.js';
import { TptError, InputError } from '../core/errors.js';
import { exportJson, planExport } from '../core/export.js';
import type { MeasureInput, ScoredMeasure } from '../core/measures.js';
import { addMeasureSync, addMilestoneSync, createGoalSync, updateGoalSync } from '../core/records-sync.js';
import type { Actor, Goal, GoalDetail, ListedSession, Milestone, Session } from '../core/model.js';
import { parseGranularity } from '../core/periods.js';
import { progressReport, type ProgressReport } from '../core/report.js';
import type { GoalCreateInput, GoalUpdateInput, MilestoneInput, SessionInput } from '../core/schemas.js';
import { listSessionsSync, logSessionSync } from '../core/sessions.js';
import { resolveTimeframe, type Span, type TimeframeOptions } from '../core/timeframe.js';
import { emotionalTrends, type TrendsReport } from '../core/trends.js';
import { openDatabase, type DatabaseKey } from '../db/connection.js';
import { damageMark } from '../db/damage-mark.js';
import { readKeyFile } from '../db/key-file.js';
import { SqliteRecordStore } from '../db/engine.js';
import { Store } from '../db/store.js';
import type { RecordStore } from '../store/port.js';

/** How a program opens a journal: the file, one way to its key, and who it acts as. */
export interface OpenJournalOptions {
  /** The database file (`tpt init` made it). */
  path: string;
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
 * one connection. Every call is synchronous, as SQLite is, but report() and trends(), which read
 * through the store port and return a promise; close() when done.
 */
export class Journal {
  private closed = false;

  /** @internal use openJournal() */
  constructor(private readonly store: Store, private readonly actor: string, private readonly clock: () => Date) {}

  /** Records one session (`tpt log-session`); `sign` signs it at once. */
  logSession(input: SessionInput, options: { sign?: boolean } = {}): Session {
    return this.run((who) => logSessionSync(this.store, input, who, options.sign === true));
  }

  /** Records one outcome measure (`tpt measure add`), scored. */
  recordMeasure(input: MeasureInput): ScoredMeasure {
    return this.run((who) => addMeasureSync(this.store, input, who));
  }

  /** Sets a goal (`tpt goal add`). */
  createGoal(input: GoalCreateInput): Goal {
    return this.run((who) => createGoalSync(this.store, input, who));
  }

  /** Records progress on a goal (`tpt goal update`); `at` backdates the entry. */
  updateGoal(goalId: string, change: GoalUpdateInput, options: { at?: string } = {}): GoalDetail {
    return this.run((who) => updateGoalSync(this.store, goalId, change, who, options.at));
  }

  /** Records a milestone of a goal (`tpt milestone add`). */
  addMilestone(input: MilestoneInput): Milestone {
    return this.run((who) => addMilestoneSync(this.store, input, who));
  }

  /** A client's sessions, newest first (`tpt sessions`); every one unless a timeframe is given. */
  sessions(clientId: string, query: SessionsQuery = {}): ListedSession[] {
    const { limit, includeVoid, ...timeframe } = query;
    return this.run((who) => listSessionsSync(
      this.store, clientId, resolveTimeframe(timeframe, null, who.now), who, limit, includeVoid === true,
    ));
  }

  /** The progress report (`tpt report --json`), over the last 30 days unless told otherwise. */
  async report(clientId: string, timeframe: Timeframe = {}): Promise<ProgressReport> {
    return (await this.runOnPort((records, who) => progressReport(records, clientId, resolveTimeframe(timeframe, DAYS(30), who.now), who))).report;
  }

  /** The emotional trends (`tpt trends --json`), over the last 90 days unless told otherwise. */
  trends(clientId: string, timeframe: Timeframe & { by?: string } = {}): Promise<TrendsReport> {
    const { by, ...span } = timeframe;
    return this.runOnPort((records, who) => emotionalTrends(
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
    const records = new SqliteRecordStore(this.store);
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

  /** Closes the connection; the journal cannot be used afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.store.close();
  }

  /** @internal the store, for the other faces of this package (ingest). */
  get storeForFaces(): Store {
    this.refuseClosed();
    return this.store;
  }

  private run<T>(use: (who: Actor) => T): T {
    this.refuseClosed();
    const value = use({ actor: this.actor, now: this.clock() });
    // A read whose audit entry could not be written (a full disk) is never a silent one.
    const unlogged = takeUnloggedReads(this.store);
    if (unlogged.length > 0) process.emitWarning(unloggedWarning(unlogged));
    return value;
  }

  private port: RecordStore | undefined;

  /** run() for core moved onto the store port (issue 22), over the same connection. */
  private async runOnPort<T>(use: (records: RecordStore, who: Actor) => Promise<T>): Promise<T> {
    this.refuseClosed();
    this.port ??= new SqliteRecordStore(this.store);
    const value = await use(this.port, { actor: this.actor, now: this.clock() });
    const unlogged = takeUnloggedPortReads(this.port);
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
 * Opens a journal that `tpt init` made, with a key file or a passphrase. Refuses what the command
 * line refuses: a wrong key, a missing file, a database marked damaged (reads still work then).
 */
export function openJournal(options: OpenJournalOptions): Journal {
  if (typeof options !== 'object' || options === null || typeof options.path !== 'string' || options.path === '') {
    throw new InputError('openJournal needs { path, keyFile or passphrase, actor }: give the database file as path');
  }
  const actor = typeof options.actor === 'string' ? options.actor.trim() : '';
  if (actor === '') throw new InputError('openJournal needs an actor (who the audit log names): give { actor: "name" }');
  if ((options.keyFile === undefined) === (options.passphrase === undefined)) {
    throw new InputError('openJournal needs one of keyFile or passphrase: give the key the database was made with');
  }
  if (!existsSync(options.path)) {
    throw new TptError(`no database at ${options.path}: run \`tpt init\` first, or give the right path`);
  }
  const key: DatabaseKey = options.keyFile !== undefined
    ? readKeyFile(options.keyFile)
    : { kind: 'passphrase', passphrase: options.passphrase! };
  const store = new Store(openDatabase(options.path, key));
  const mark = damageMark(options.path);
  if (mark) {
    store.refuseWrites(
      `the database at ${options.path} was found damaged (${mark}), so tpt writes nothing more to it: ` +
      'run `tpt check`, and restore it from a backup (`tpt check` passing lifts this)',
    );
  }
  return new Journal(store, actor, options.now ?? (() => new Date()));
}
