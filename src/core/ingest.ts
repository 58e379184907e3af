import * as crypto from 'node:crypto';
import { ConflictError as StoreConflictError } from '../store/errors.js';
import type { RecordStore, WriteTx } from '../store/port.js';
import type { IngestedLine, IngestedRow } from '../store/port-ingest.js';
import { appendAudit } from './audit.js';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { checkGoalUpdate, lockGoal, progressEntry } from './goals.js';
import { ID_PATTERN } from './ids.js';
import { fastMeasure, fastSession } from './ingest-fast.js';
import { measureRiskFlags, planMeasure, validateMeasure, type MeasureInput } from './measures.js';
import { milestoneTaken, parseMilestone, planMilestone } from './milestones.js';
import type { Actor, Measure, Session } from './model.js';
import type { SessionSource } from '../domain/records.js';
import { recordRiskFlagsIn, sessionRiskFlags } from './risks.js';
import type { GoalUpdateInput, MilestoneInput, SessionInput } from './schemas.js';
import { validateSessionIn } from './sessions.js';
import { sha256Hex } from './sha256.js';

/**
 * `tpt ingest` and POST /api/v1/ingest: newline-delimited JSON from another program, one entry a
 * line, each through the same core call as its command (log-session, measure add, goal update,
 * milestone add), so the same rules and audit entries apply, on either engine of the store port.
 * Each line carries the sender's `id`: a line sent again is a no-op, the same id with other
 * content is refused. Lines are taken in batches (the lines the input has ready, at most
 * FIRST_BATCH_LINES at first, growing to BATCH_LINES), one write each; a line is checked whole
 * before anything of it is written.
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

/**
 * Lines a transaction: the first batch of a stream at most FIRST_BATCH_LINES, each full batch
 * after it twice the one before, up to BATCH_LINES, and never much over BATCH_BYTES. A sender
 * has its first results soon, and a killed ingest loses little; a long stream is written in
 * batches large enough that commits and garbage collection cost little (5,000-line batches
 * throughout took a sixth more CPU time than 20,000-line ones on 100,000 lines). A bound keeps
 * the write lock short and memory constant.
 */
export const FIRST_BATCH_LINES = 5000;
export const BATCH_LINES = 20_000;
export const BATCH_BYTES = 8 * 1024 * 1024;
/** A line longer than this is refused without being parsed (a sender that never ends a line). */
export const MAX_LINE_BYTES = 1024 * 1024;
/**
 * How long the lines read so far wait for more input before they are taken as a batch: a file or
 * a fast pipe fills batches; a sender that writes a line and waits for its result gets it at once.
 */
const GATHER_MS = 20;

/**
 * Splits a byte stream into lines, in constant memory: a line is never longer than
 * MAX_LINE_BYTES (a longer one comes out as `tooLong`, its bytes dropped), and lines come out in
 * batches: of every read that arrives while a batch is gathered, up to the batch's limit of lines
 * (FIRST_BATCH_LINES, growing to BATCH_LINES) or BATCH_BYTES, and without waiting more than
 * GATHER_MS for input that is not there yet.
 */
export async function* lineBatches(input: AsyncIterable<Buffer | string>): AsyncGenerator<RawLine[]> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let tooLong = false;
  let batch: RawLine[] = [];
  let batchBytes = 0;
  let limit = FIRST_BATCH_LINES;
  const reader = input[Symbol.asyncIterator]();
  let done = false;
  const read = () => {
    const promise = reader.next();
    // Handled here too: a read that fails while a batch is being written is thrown when awaited.
    promise.catch(() => undefined);
    return promise;
  };
  let next = read();
  try {
    for (;;) {
      const step = await next;
      if (step.done) {
        done = true;
        break;
      }
      const piece = step.value;
      const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
      let start = 0;
      for (let end = chunk.indexOf(10); end !== -1; end = chunk.indexOf(10, start)) {
        const part = chunk.subarray(start, end);
        if (tooLong || pendingBytes + part.length > MAX_LINE_BYTES) {
          batch.push({ text: '', tooLong: true });
        } else {
          batch.push({ text: (pendingBytes > 0 ? Buffer.concat([...pending, part]) : part).toString('utf8'), tooLong: false });
          batchBytes += pendingBytes + part.length;
        }
        pending = [];
        pendingBytes = 0;
        tooLong = false;
        start = end + 1;
        if (batch.length >= limit || batchBytes >= BATCH_BYTES) {
          yield batch;
          batch = [];
          batchBytes = 0;
          limit = Math.min(limit * 2, BATCH_LINES);
        }
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
      // Only now, the chunk split: a reader may reuse its buffer for the next read.
      next = read();
      if (batch.length > 0 && !(await arrivesWithin(next, GATHER_MS))) {
        yield batch;
        batch = [];
        batchBytes = 0;
      }
    }
  } finally {
    // Left early (the consumer stopped): the input is closed, as a for-await loop would.
    if (!done) void reader.return?.();
  }
  if (tooLong) batch.push({ text: '', tooLong: true });
  else if (pendingBytes > 0) batch.push({ text: Buffer.concat(pending).toString('utf8'), tooLong: false });
  if (batch.length > 0) yield batch;
}

/** Whether `promise` settles within `ms` (its rejection is left to whoever awaits it). */
function arrivesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    const settled = () => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(settled, settled);
  });
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
  return { kind: type as IngestKind, id, fields, digest: lineDigest(value) };
}

/**
 * JSON with every object's keys sorted: the same content gives the same text, however ordered.
 * Written out by hand (no map, join or template per value): it runs on every line.
 */
export function canonicalJson(value: unknown): string {
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  if (Array.isArray(value)) {
    let text = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) text += ',';
      text += canonicalJson(value[index]);
    }
    return `${text}]`;
  }
  const keys = Object.keys(value);
  if (keys.length > 1) keys.sort();
  let text = '{';
  for (let index = 0; index < keys.length; index++) {
    if (index > 0) text += ',';
    text += quotedKey(keys[index]!);
    text += ':';
    text += canonicalJson((value as Record<string, unknown>)[keys[index]!]);
  }
  return `${text}}`;
}

/** The keys of lines repeat line after line: each is quoted once (a few hundred at most). */
const quotedKeys = new Map<string, string>();
function quotedKey(key: string): string {
  let quoted = quotedKeys.get(key);
  if (quoted === undefined) {
    quoted = JSON.stringify(key);
    if (quotedKeys.size < 1000) quotedKeys.set(key, quoted);
  }
  return quoted;
}

/** node:crypto's one-shot hash (Node 20.12 and later): a third of createHash's cost a line. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;

/** The digest `ingested` keeps of a line: SHA-256 of its canonical JSON, in hex (as sha256Hex gives it). */
export function lineDigest(value: unknown): string {
  const text = canonicalJson(value);
  return oneShotHash ? oneShotHash('sha256', text, 'hex') : sha256Hex(text);
}

/** A line checked and ready: its entry, and what it will make, and whose. */
interface Ready {
  result: IngestResult;
  row: IngestedRow;
}

/**
 * Takes one batch of lines inside the write `tx` (its own, or with --all-or-nothing the stream's),
 * and returns their results in order. `first` is the number of the batch's first line. The ids
 * of the batch are looked up at once; sessions and measures (nearly every line) are checked by
 * their commands' own rules and gathered, then written a few statements a batch, without an audit
 * entry each: a batch records one `ingest` entry per client instead, as an import records one per
 * client (the entries themselves are named in `ingested`). A line is checked whole before anything
 * of it is written, so a refused line leaves nothing behind. Goal updates and milestones, and the
 * few entries that open risks or name a session, go through their commands' steps one by one,
 * after the entries gathered before them are written.
 */
export async function ingestBatchIn(
  tx: WriteTx, lines: readonly RawLine[], first: number, who: Actor, tentative: boolean, byMachine = false,
): Promise<IngestResult[]> {
  const now = who.now.toISOString();
  const parsed = lines.map((raw, index): IngestLine | IngestResult => {
    try {
      return parseLine(raw);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      return { line: first + index, id: null, outcome: 'refused', error: error.message };
    }
  });
  const ids = parsed.flatMap((line) => ('kind' in line ? [line.id] : []));
  const before = await tx.ingest.taken(ids);
  const fresh = (kind: IngestKind) => parsed.flatMap((line) => ('kind' in line && line.kind === kind && !before.has(line.id) ? [line.id] : []));
  const takenRecords = { session: await tx.ingest.existing('session', fresh('session')), measure: await tx.ingest.existing('measure', fresh('measure')) };

  const results: IngestResult[] = [];
  const rows: IngestedRow[] = [];
  const clients = new Map<string, number>();
  const madeNow = new Map<string, IngestedLine>();
  let sessions: Session[] = [];
  let measures: Measure[] = [];
  const ensured = new Set<string>();
  const ensure = async (clientId: string) => {
    if (ensured.has(clientId)) return;
    ensured.add(clientId);
    await tx.clients.ensure(clientId, now);
  };
  // The sessions a machine wrote (issue 25), marked once written.
  let machineWritten: string[] = [];
  /** Writes the sessions and measures gathered so far. */
  const flush = async () => {
    for (const entry of [...sessions, ...measures]) await ensure(entry.client_id);
    await tx.ingest.insertSessions(sessions);
    await tx.ingest.insertMeasures(measures);
    await tx.sessions.markMachineWritten(machineWritten);
    machineWritten = [];
    sessions = [];
    measures = [];
  };
  const made = (line: IngestLine, recordId: string, clientId: string): IngestResult => {
    const entry = { kind: line.kind, digest: line.digest, record_id: recordId };
    madeNow.set(line.id, entry);
    rows.push({ line_id: line.id, ...entry, client_id: clientId, ingested_at: now });
    clients.set(clientId, (clients.get(clientId) ?? 0) + 1);
    return { line: 0, id: line.id, outcome: tentative ? 'valid' : 'created', record_id: recordId };
  };

  for (const [index, line] of parsed.entries()) {
    const number = first + index;
    if (!('kind' in line)) {
      results.push(line);
      continue;
    }
    try {
      const earlier = before.get(line.id) ?? madeNow.get(line.id);
      if (earlier) {
        if (earlier.digest === line.digest && earlier.kind === line.kind) {
          results.push({ line: number, id: line.id, outcome: 'unchanged', record_id: earlier.record_id });
          continue;
        }
        throw new ConflictError(`id "${line.id}" was taken before with other content: a resend must be the same line; give a new entry a new id`);
      }
      const result = await take(line);
      results.push({ ...result, line: number });
    } catch (error) {
      if (!(error instanceof InputError || error instanceof ConflictError || error instanceof NotFoundError)) throw error;
      results.push({ line: number, id: line.id, outcome: 'refused', error: error.message });
    }
  }
  await flush();
  await tx.ingest.record(rows);
  for (const [clientId, count] of clients) {
    await appendAudit(tx, { action: 'ingest', client_id: clientId, object_id: `${count} entr${count === 1 ? 'y' : 'ies'}` }, who);
  }
  return results;

  async function take(line: IngestLine): Promise<IngestResult> {
    switch (line.kind) {
      case 'session': {
        const { source, ...fields } = line.fields;
        const machine = sourceOfLine(source, byMachine) === 'machine';
        const session = fastSession(fields, line.id, who) ?? await validateSessionIn(tx, { ...fields, session_id: line.id } as SessionInput, who);
        if (takenRecords.session.has(session.session_id)) throw new ConflictError(`a session with id "${session.session_id}" exists already (not from an ingest): give this entry another id`);
        const flags = sessionRiskFlags(session);
        if (flags.length === 0) {
          sessions.push(session);
          if (machine) machineWritten.push(session.session_id);
        } else {
          await flush();
          await ensure(session.client_id);
          await tx.ingest.insertSessions([session]);
          if (machine) await tx.sessions.markMachineWritten([session.session_id]);
          await recordRiskFlagsIn(tx, session.client_id, flags, who);
        }
        return made(line, session.session_id, session.client_id);
      }
      case 'measure': {
        const input = { ...line.fields, measure_id: line.id } as MeasureInput;
        const planned = { measure: fastMeasure(line.fields, line.id, who) ?? planMeasure(input, who).measure };
        if (takenRecords.measure.has(planned.measure.measure_id)) throw new ConflictError(`a measure with id "${planned.measure.measure_id}" exists already (not from an ingest): give this entry another id`);
        if (planned.measure.session_id === null && measureRiskFlags(planned.measure).length === 0) {
          measures.push(planned.measure);
          return made(line, planned.measure.measure_id, planned.measure.client_id);
        }
        // Its session may be one of this batch's: written first.
        await flush();
        const measure = await validateMeasure(tx, input, who);
        await ensure(measure.client_id);
        await tx.measures.insert(measure);
        await recordRiskFlagsIn(tx, measure.client_id, measureRiskFlags(measure), who);
        return made(line, measure.measure_id, measure.client_id);
      }
      case 'milestone': {
        const fields = parseMilestone({ ...line.fields, milestone_id: line.id } as MilestoneInput);
        const milestone = planMilestone(await lockGoal(tx, fields.goal_id), fields, line.id, who);
        if (await tx.milestones.get(milestone.milestone_id)) throw milestoneTaken(milestone.milestone_id);
        await tx.milestones.insert(milestone, now);
        await appendAudit(tx, { action: 'milestone.create', client_id: milestone.client_id, object_id: milestone.milestone_id }, who);
        return made(line, milestone.milestone_id, milestone.client_id);
      }
      case 'goal_update': {
        const { goal_id: goalId, at, ...change } = line.fields;
        if (typeof goalId !== 'string') throw new InputError('a goal_update needs "goal_id": the goal it updates');
        if (at !== undefined && typeof at !== 'string') throw new InputError('at must be a date or time (YYYY-MM-DD or ISO 8601)');
        const checked = checkGoalUpdate(change as GoalUpdateInput);
        const goal = await lockGoal(tx, goalId);
        const { entry, latest } = progressEntry(goal, await tx.goals.history(goal.goal_id), checked, who, at);
        await tx.goals.setProgress(goal.goal_id, latest.completion_percentage, latest.status, now);
        await tx.goals.appendHistory(goal.goal_id, entry);
        await appendAudit(tx, { action: 'goal.update', client_id: goal.client_id, object_id: goal.goal_id }, who);
        return made(line, goal.goal_id, goal.client_id);
      }
    }
  }
}

/**
 * A session line's `"source"` (issue 25): "machine" marks what a program wrote (its mood an
 * estimate until a clinician signs it); "person", or none, what a person did. Over HTTP
 * (`byMachine`, a service token) every entry is a machine's, and a line cannot say otherwise.
 */
export function sourceOfLine(source: unknown, byMachine: boolean): SessionSource {
  if (source !== undefined && source !== 'machine' && source !== 'person') {
    throw new InputError(`invalid source ${JSON.stringify(source)}: use "machine" for an entry a program wrote, or leave it out`);
  }
  if (byMachine && source === 'person') {
    throw new InputError('entries sent with an API token are machine-written: leave out "source" (a clinician confirms them by signing)');
  }
  return byMachine ? 'machine' : source ?? 'person';
}

/**
 * One batch in a write of its own, committed before its results go out. Two senders of one id at
 * once (PostgreSQL: the later one's insert meets the earlier one's key) roll the batch back; it is
 * taken again, and then finds the other's lines.
 */
export async function ingestBatch(
  records: RecordStore, lines: readonly RawLine[], first: number, who: Actor, byMachine = false,
): Promise<IngestResult[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await records.write((tx) => ingestBatchIn(tx, lines, first, who, false, byMachine));
    } catch (error) {
      if (!(error instanceof StoreConflictError) || attempt >= 3) throw error;
    }
  }
}

export interface IngestOptions {
  /** Write nothing unless every line is good (one transaction over the whole stream). */
  allOrNothing?: boolean;
  /** Who writes, and when: asked for each batch. */
  who: () => Actor;
  /** Every entry is a machine's (sent with an API token, issue 25). */
  byMachine?: boolean;
}

/**
 * Ingests a whole stream, handing each batch's results to `emit` (which may wait for its reader)
 * before the next batch is read. Without --all-or-nothing each batch is committed before its
 * results go out, so a result that says created is on disk. With it, the stream is one
 * transaction, rolled back at the first refused line (the lines after it are read only to be
 * answered, as not_processed); such a transaction must own the connection (the command line).
 */
export async function ingestStream(
  records: RecordStore, input: AsyncIterable<Buffer | string>, options: IngestOptions, emit: (results: IngestResult[]) => Promise<void> | void,
): Promise<IngestSummary> {
  const summary: IngestSummary = { lines: 0, created: 0, unchanged: 0, refused: 0, committed: true };
  const count = (results: IngestResult[]) => {
    for (const result of results) {
      if (result.outcome === 'refused') summary.refused += 1;
      else if (result.outcome === 'unchanged') summary.unchanged += 1;
      else if (result.outcome === 'created' || result.outcome === 'valid') summary.created += 1;
    }
  };
  if (options.allOrNothing !== true) {
    for await (const batch of lineBatches(input)) {
      const first = summary.lines + 1;
      summary.lines += batch.length;
      const results = await ingestBatch(records, batch, first, options.who(), options.byMachine === true);
      count(results);
      await emit(results);
    }
    return summary;
  }
  // The whole stream in one write, rolled back (by the refusal thrown out of it) at the end when
  // a line was refused.
  const refusedStream = new Error('a line was refused');
  try {
    await records.write(async (tx) => {
      for await (const batch of lineBatches(input)) {
        const first = summary.lines + 1;
        summary.lines += batch.length;
        const results = summary.refused > 0
          ? batch.map((_, index): IngestResult => ({ line: first + index, id: null, outcome: 'not_processed' }))
          : await ingestBatchIn(tx, batch, first, options.who(), true, options.byMachine === true);
        count(results);
        if (summary.refused > 0) {
          // Later lines of this batch were taken before the refusal was seen: they are not written either.
          let seen = false;
          for (const result of results) {
            if (seen && result.outcome !== 'refused') Object.assign(result, { outcome: 'not_processed', record_id: undefined });
            if (result.outcome === 'refused') seen = true;
          }
        }
        await emit(results);
      }
      if (summary.refused > 0) throw refusedStream;
    });
  } catch (error) {
    if (error !== refusedStream) throw error;
    summary.committed = false;
    summary.created = 0;
    summary.unchanged = 0;
  }
  return summary;
}
