import { ingestedLine, recordIngested } from '../db/ingest-queries.js';
import type { Store } from '../db/store.js';
import { ConflictError, InputError } from './errors.js';
import { ID_PATTERN } from './ids.js';
import { measureRiskFlags, type MeasureInput } from './measures.js';
import { addMilestoneSync, updateGoalSync, validateMeasureSync } from './records-sync.js';
import type { Actor } from './model.js';
import type { GoalUpdateInput, MilestoneInput, SessionInput } from './schemas.js';
import { validateSessionSync } from './sessions.js';
import { fastSession } from './ingest-fast.js';
import { recordRiskFlags, sessionRiskFlags } from './risks.js';
import { recordAudit } from './audit.js';
import { insertMeasure, measureById } from '../db/measure-queries.js';
import { sha256Hex } from './sha256.js';

/**
 * `tpt ingest` and POST /api/v1/ingest: newline-delimited JSON from another program, one entry a
 * line, each through the same core call as its command (log-session, measure add, goal update,
 * milestone add), so the same rules and audit entries apply. Each line carries the sender's `id`:
 * a line sent again is a no-op, the same id with other content is refused. Lines are taken in
 * batches (the lines of one read of the input, at most BATCH_LINES), one transaction each, and a
 * line that fails rolls back only its own savepoint.
 */
export const INGEST_KINDS = ['session', 'measure', 'goal_update', 'milestone'] as const;
export type IngestKind = (typeof INGEST_KINDS)[number];

/** One result line per input line, in input order. */
export interface IngestResult {
  line: number;
  id: string | null;
  /**
   * created: written now; unchanged: this id was taken before with this content; refused: the
   * line is wrong (error says why); valid / not_processed: with --all-or-nothing, a good line
   * (written if the whole stream is) / a line after the first refused one (nothing is written).
   */
  outcome: 'created' | 'unchanged' | 'refused' | 'valid' | 'not_processed';
  /** The session, measure or milestone the line made (the goal, for a goal update). */
  record_id?: string;
  error?: string;
}

export interface IngestSummary {
  lines: number;
  created: number;
  unchanged: number;
  refused: number;
  /** With --all-or-nothing: whether the stream was written (no line refused). */
  committed: boolean;
}

/** At most this many lines a transaction: a commit each time keeps the write lock short. */
export const BATCH_LINES = 5000;
/** A line longer than this is refused without being parsed (a sender that never ends a line). */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Splits a byte stream into lines, in constant memory: a line is never longer than
 * MAX_LINE_BYTES (a longer one comes out as `tooLong`, its bytes dropped), and the lines of each
 * chunk read come out together, as one batch.
 */
export async function* lineBatches(input: AsyncIterable<Buffer | string>): AsyncGenerator<RawLine[]> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  for await (const piece of input) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    const batch: RawLine[] = [];
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
      const part = chunk.subarray(start, end);
      if (tooLong || pendingBytes + part.length > MAX_LINE_BYTES) batch.push({ text: '', tooLong: true });
      else batch.push({ text: (pendingBytes > 0 ? Buffer.concat([...pending, part]) : part).toString('utf8'), tooLong: false });
      pending = [];
      pendingBytes = 0;
      tooLong = false;
      start = end + 1;
    }
    const rest = chunk.subarray(start);
    if (!tooLong && pendingBytes + rest.length > MAX_LINE_BYTES) {
      tooLong = true;
      pending = [];
      pendingBytes = 0;
    } else if (!tooLong && rest.length > 0) {
      // A copy: the reader may reuse its buffer.
      pending.push(Buffer.from(rest));
      pendingBytes += rest.length;
    }
    for (let i = 0; i < batch.length; i += BATCH_LINES) yield batch.slice(i, i + BATCH_LINES);
  }
  if (tooLong) yield [{ text: '', tooLong: true }];
  else if (pendingBytes > 0) yield [{ text: Buffer.concat(pending).toString('utf8'), tooLong: false }];
}

export interface RawLine {
  text: string;
  tooLong: boolean;
}

/** A parsed line: its kind, the sender's id, the fields for the core call, and its digest. */
interface IngestLine {
  kind: IngestKind;
  id: string;
  fields: Record<string, unknown>;
  digest: string;
}

/** Reads one line; throws InputError with the fix when it is not a usable entry. */
export function parseLine(raw: RawLine): IngestLine {
  if (raw.tooLong) throw new InputError(`the line is over ${MAX_LINE_BYTES} bytes: send one entry a line`);
  let value: unknown;
  try {
    value = JSON.parse(raw.text);
  } catch {
    throw new InputError('the line is not valid JSON: send one JSON object a line');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError('the line is not a JSON object: send {"type": …, "id": …, and the fields of the entry}');
  }
  const { type, id, ...fields } = value as Record<string, unknown>;
  if (typeof type !== 'string' || !(INGEST_KINDS as readonly string[]).includes(type)) {
    throw new InputError(`unknown type ${JSON.stringify(type ?? null)}: use one of ${INGEST_KINDS.join(', ')}`);
  }
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new InputError('the line needs an "id": 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit, the same on every resend');
  }
  // The id names the record itself (so a resend after a crash makes the same database), unless
  // the line names it otherwise, which would make two ids of one entry.
  const own = ({ session: 'session_id', measure: 'measure_id', milestone: 'milestone_id' } as Record<string, string>)[type];
  if (own && own in fields) throw new InputError(`give the ${type}'s id as "id" alone, not as "${own}"`);
  return { kind: type as IngestKind, id, fields, digest: sha256Hex(canonicalJson(value)) };
}

/** JSON with every object's keys sorted: the same content gives the same text, however ordered. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Writes one line's entry; returns what it made, and whose. Sessions and measures (nearly every
 * line) are checked by the core's own validation and written as their commands write them, but
 * without an audit entry each: a batch records one `ingest` entry per client instead, as an
 * import records one per client (the entries themselves are named in table ingested); an entry
 * per line cost as much as everything else an ingest does. Goal updates and milestones go through
 * their commands' core calls whole, each in a savepoint.
 */
function apply(store: Store, line: IngestLine, who: Actor): { record_id: string; client_id: string } {
  switch (line.kind) {
    case 'session': {
      const session = fastSession(line.fields, line.id, who) ?? validateSessionSync(store, { ...line.fields, session_id: line.id } as SessionInput, who);
      if (store.sessionExists(session.session_id)) throw new ConflictError(`a session with id "${session.session_id}" exists already (not from an ingest): give this entry another id`);
      const flags = sessionRiskFlags(session);
      atomically(store, flags.length > 0, () => {
        store.ensureClient(session.client_id, who.now.toISOString());
        store.insertSession(session);
        recordRiskFlags(store, session.client_id, flags, who);
      });
      return { record_id: session.session_id, client_id: session.client_id };
    }
    case 'measure': {
      const measure = validateMeasureSync(store, { ...line.fields, measure_id: line.id } as MeasureInput, who);
      if (measureById(store, measure.measure_id)) throw new ConflictError(`a measure with id "${measure.measure_id}" exists already (not from an ingest): give this entry another id`);
      const flags = measureRiskFlags(measure);
      atomically(store, flags.length > 0, () => {
        store.ensureClient(measure.client_id, who.now.toISOString());
        insertMeasure(store, measure);
        recordRiskFlags(store, measure.client_id, flags, who);
      });
      return { record_id: measure.measure_id, client_id: measure.client_id };
    }
    case 'milestone': {
      const milestone = store.db.transaction(() => addMilestoneSync(store, { ...line.fields, milestone_id: line.id } as MilestoneInput, who))();
      return { record_id: milestone.milestone_id, client_id: milestone.client_id };
    }
    case 'goal_update': {
      const { goal_id: goalId, at, ...change } = line.fields;
      if (typeof goalId !== 'string') throw new InputError('a goal_update needs "goal_id": the goal it updates');
      if (at !== undefined && typeof at !== 'string') throw new InputError('at must be a date or time (YYYY-MM-DD or ISO 8601)');
      const goal = store.db.transaction(() => updateGoalSync(store, goalId, change as GoalUpdateInput, who, at))();
      return { record_id: goal.goal_id, client_id: goal.client_id };
    }
  }
}

/**
 * Runs writes that may be refused part-way (opening a risk checks its flag) in a savepoint of
 * their own; the plain inserts of a checked record cannot be, and a savepoint per line cost more
 * than the line.
 */
function atomically(store: Store, mayRefuse: boolean, write: () => void): void {
  if (mayRefuse) store.db.transaction(write)();
  else write();
}

/**
 * Takes one batch of lines in one transaction (the caller's, with --all-or-nothing, else one of
 * its own), and returns their results in order. `first` is the number of the batch's first line.
 * A line is checked whole before it writes anything, so a refused line leaves nothing behind.
 */
export function ingestBatch(store: Store, lines: readonly RawLine[], first: number, who: Actor, tentative: boolean): IngestResult[] {
  const take = () => {
    const clients = new Map<string, number>();
    const results = lines.map((raw, index) => ingestOne(store, raw, first + index, who, tentative, clients));
    for (const [clientId, count] of clients) {
      recordAudit(store, { action: 'ingest', client_id: clientId, object_id: `${count} entr${count === 1 ? 'y' : 'ies'}` }, who);
    }
    return results;
  };
  return store.db.inTransaction ? take() : store.transaction(take);
}

function ingestOne(store: Store, raw: RawLine, number: number, who: Actor, tentative: boolean, clients: Map<string, number>): IngestResult {
  let id: string | null = null;
  try {
    const line = parseLine(raw);
    id = line.id;
    const before = ingestedLine(store, line.id);
    if (before) {
      if (before.digest === line.digest && before.kind === line.kind) return { line: number, id, outcome: 'unchanged', record_id: before.record_id };
      throw new ConflictError(`id "${line.id}" was taken before with other content: a resend must be the same line; give a new entry a new id`);
    }
    const made = apply(store, line, who);
    recordIngested(store, { line_id: line.id, kind: line.kind, digest: line.digest, ...made, ingested_at: who.now.toISOString() });
    clients.set(made.client_id, (clients.get(made.client_id) ?? 0) + 1);
    return { line: number, id, outcome: tentative ? 'valid' : 'created', record_id: made.record_id };
  } catch (error) {
    if (!(error instanceof InputError || error instanceof ConflictError)) throw error;
    return { line: number, id, outcome: 'refused', error: error.message };
  }
}

export interface IngestOptions {
  /** Write nothing unless every line is good (one transaction over the whole stream). */
  allOrNothing?: boolean;
  /** Who writes, and when: asked for each batch. */
  who: () => Actor;
}

/**
 * Ingests a whole stream, handing each batch's results to `emit` (which may wait for its reader)
 * before the next batch is read. Without --all-or-nothing each batch is committed before its
 * results go out, so a result that says created is on disk. With it, the stream is one
 * transaction, rolled back at the first refused line (the lines after it are read only to be
 * answered, as not_processed); such a transaction must own the connection (the command line).
 */
export async function ingestStream(
  store: Store, input: AsyncIterable<Buffer | string>, options: IngestOptions, emit: (results: IngestResult[]) => Promise<void> | void,
): Promise<IngestSummary> {
  const summary: IngestSummary = { lines: 0, created: 0, unchanged: 0, refused: 0, committed: true };
  const whole = options.allOrNothing === true;
  if (whole) {
    store.transaction(() => undefined); // refuses at once when the database takes no writes
    store.db.exec('BEGIN IMMEDIATE');
  }
  try {
    for await (const batch of lineBatches(input)) {
      const first = summary.lines + 1;
      summary.lines += batch.length;
      const results = whole && summary.refused > 0
        ? batch.map((_, index): IngestResult => ({ line: first + index, id: null, outcome: 'not_processed' }))
        : ingestBatch(store, batch, first, options.who(), whole);
      for (const result of results) {
        if (result.outcome === 'refused') summary.refused += 1;
        else if (result.outcome === 'unchanged') summary.unchanged += 1;
        else if (result.outcome === 'created' || result.outcome === 'valid') summary.created += 1;
      }
      if (whole && summary.refused > 0) {
        // Later lines of this batch were taken before the refusal was seen: they are not written either.
        let seen = false;
        for (const result of results) {
          if (seen && result.outcome !== 'refused') Object.assign(result, { outcome: 'not_processed', record_id: undefined });
          if (result.outcome === 'refused') seen = true;
        }
      }
      await emit(results);
    }
    if (whole) {
      if (summary.refused > 0) {
        store.db.exec('ROLLBACK');
        summary.committed = false;
        summary.created = 0;
        summary.unchanged = 0;
      } else {
        store.db.exec('COMMIT');
      }
    }
  } catch (error) {
    if (whole && store.db.inTransaction) store.db.exec('ROLLBACK');
    throw error;
  }
  return summary;
}
