// zod's v3 API, as src/core/schemas.ts uses.
import { z } from 'zod/v3';
import { ensureClientIn } from './new-client.js';
import type { ReadTx, RecordStore } from '../store/port.js';
import { appendAudit, readLogged } from './audit.js';
import { requireClientIn } from './clients.js';
import { refuseFarFuture } from './date-rules.js';
import { ConflictError, InputError, NotFoundError } from './errors.js';
import { checkId, newId } from './ids.js';
import {
  bandOf, impliedRiskItemMinimum, isCase, itemScores, MEASURE_KINDS, measureDefinition, missingItems, riskItemAnswer, totalOf,
  type Answer, type MeasureKind,
} from './measure-scoring.js';
import type { Actor, Measure, Session } from './model.js';
import { recordRiskFlagsIn, type RiskFlag } from './risks.js';
import { takenAs } from './goals.js';
import { id, parseInput, wholeNumber } from './schemas.js';
import { parseDateTime } from './time.js';
import type { Timeframe } from './timeframe.js';

/** A measure as given to `measure add`, `POST /api/v1/measures` or an import. */
export const measureInput = z.object({
  measure_id: id('measure id').optional(),
  client_id: id('client id'),
  measure: z.string({ required_error: `measure is required: use one of ${MEASURE_KINDS.join(', ')}`, invalid_type_error: 'measure must be text' })
    .transform((value, ctx) => {
      const word = value.trim().toLowerCase().replace(/-/g, '');
      if ((MEASURE_KINDS as readonly string[]).includes(word)) return word as MeasureKind;
      ctx.addIssue({ code: 'custom', message: `unknown measure "${value}": use one of ${MEASURE_KINDS.join(', ')}` });
      return z.NEVER;
    }),
  timestamp: z.union([z.string(), z.date()], { errorMap: () => ({ message: 'timestamp must be a date and time' }) }).optional(),
  session_id: id('session id').nullable().optional(),
  /** The answers, item 1 first: a list of numbers, or text such as "0,1,2" from the command line. */
  items: z.union([z.array(z.unknown()), z.string()], { errorMap: () => ({ message: 'items must be a list of answers, item 1 first' }) })
    .nullable().optional(),
  /** Only when the items are unknown. */
  total: wholeNumber('total', 0, 40).nullable().optional(),
}).strict();
export type MeasureInput = z.input<typeof measureInput>;

/** A measure with what its scores mean: band, caseness, and the answer to its risk item. */
export interface ScoredMeasure extends Measure {
  name: string;
  max: number;
  band: string;
  at_caseness: boolean;
  /** Each item's score (reverse-scored items turned, an unanswered one null); null when the items are unknown. */
  item_scores: (number | null)[] | null;
  /** The items left unanswered, the total pro-rated over the others (CORE-10, at most one); empty otherwise. */
  missing_items: number[];
  /** The answer to the item on self-harm or suicide; null when unknown or the measure has none. */
  risk_item_answer: number | null;
  /**
   * With the items unknown, the least answer the total proves for the risk item (PHQ-9 26 → item 9
   * at least 2); 0 when the total proves nothing, so the item is unknown and must be asked; null
   * when the items are known or the measure has no risk item.
   */
  risk_item_implied: number | null;
}

/** Checks a measure against the rules and the database, without writing anything. */
export async function validateMeasure(tx: ReadTx, input: MeasureInput, who: Actor): Promise<Measure> {
  const planned = planMeasure(input, who);
  if (planned.measure.session_id === null) return planned.measure;
  const found = await tx.sessions.get(planned.measure.session_id);
  return withSession(planned, found?.session);
}

/** A measure checked against the rules alone, and whether its time was given. */
export interface PlannedMeasure {
  measure: Measure;
  timeGiven: boolean;
}

/** The checks of `validateMeasure` that need no records: answers, total, time. */
export function planMeasure(input: MeasureInput, who: Actor): PlannedMeasure {
  const fields = parseInput(measureInput, input);
  const definition = measureDefinition(fields.measure);
  const items = fields.items === undefined || fields.items === null ? null : checkItems(fields.measure, fields.items);
  const givenTotal = fields.total ?? null;
  if (items !== null && givenTotal !== null && givenTotal !== totalOf(definition, items)) {
    throw new InputError(
      `total ${givenTotal} does not match the items (${totalOf(definition, items)}): give the items alone; the total is computed`,
    );
  }
  if (items === null && givenTotal === null) {
    throw new InputError(`give the ${definition.name} answers with --items (${definition.items} numbers 0-${definition.itemMax}, item 1 first), or --total N when only the total is known`);
  }
  if (items === null && givenTotal! > definition.max) {
    throw new InputError(`a ${definition.name} total is 0-${definition.max} (got ${givenTotal}): check the total`);
  }
  let timestamp: string | undefined;
  if (fields.timestamp !== undefined) {
    const at = fields.timestamp instanceof Date ? fields.timestamp : parseDateTime(fields.timestamp, 'measure time');
    refuseFarFuture(at, who.now, 'measure time', typeof fields.timestamp === 'string' ? fields.timestamp : undefined);
    timestamp = at.toISOString();
  }
  return {
    measure: {
      measure_id: fields.measure_id ?? newId('msr'),
      client_id: fields.client_id,
      measure: fields.measure,
      timestamp: timestamp ?? who.now.toISOString(),
      session_id: fields.session_id ?? null,
      items,
      total: items === null ? givenTotal! : totalOf(definition, items),
      created_at: who.now.toISOString(),
    },
    timeGiven: timestamp !== undefined,
  };
}

/** A planned measure checked against its session (as found, or not): taken at it unless told otherwise. */
export function withSession(planned: PlannedMeasure, session: Pick<Session, 'client_id' | 'timestamp'> | undefined): Measure {
  const { measure } = planned;
  if (measure.session_id === null) return measure;
  if (!session) throw new NotFoundError(`no session "${measure.session_id}": see \`tpt sessions ${measure.client_id}\``);
  if (session.client_id !== measure.client_id) {
    throw new InputError(`session "${measure.session_id}" belongs to client "${session.client_id}", not "${measure.client_id}": name one of this client's sessions`);
  }
  return planned.timeGiven ? measure : { ...measure, timestamp: session.timestamp };
}

export function measureTaken(measureId: string): ConflictError {
  return new ConflictError(`a measure with id "${measureId}" already exists: choose another --id`);
}

/**
 * The answers: as many as the measure has items, each a whole number 0..itemMax, or `x` (null in
 * JSON) for an item left unanswered where the measure allows it (the CORE-10, one item: its total
 * is pro-rated). Text is split at commas (or semicolons) where it has any, else at spaces; an
 * empty place between two commas is refused with its position, never dropped, so no answer can
 * slide onto the next item.
 */
export function checkItems(kind: MeasureKind, given: readonly unknown[] | string): Answer[] {
  const definition = measureDefinition(kind);
  const hint = `give ${definition.items} answers 0-${definition.itemMax}, item 1 first (e.g. --items ${Array.from({ length: definition.items }, () => '1').join(',')})`;
  const parts = typeof given === 'string' ? splitAnswers(given) : given;
  const empty = parts.findIndex((part) => part === undefined || (typeof part === 'string' && part.trim() === ''));
  if (empty >= 0 && parts.length === definition.items) {
    throw new InputError(`${definition.name} item ${empty + 1} is empty: give every answer, 0-${definition.itemMax}; ${hint}`);
  }
  if (parts.length !== definition.items) {
    const emptyNote = empty >= 0 ? ` (item ${empty + 1} is empty)` : '';
    throw new InputError(`${definition.name} has ${definition.items} items, got ${parts.length} answer${parts.length === 1 ? '' : 's'}${emptyNote}: ${hint}`);
  }
  const answers = parts.map((part, index): Answer => {
    if (part === null || (typeof part === 'string' && MISSING.test(part.trim()))) return null;
    const value = typeof part === 'string' && /^\d+$/.test(part.trim()) ? Number(part) : part;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > definition.itemMax) {
      throw new InputError(`${definition.name} item ${index + 1} is "${String(part)}": each answer is a whole number 0-${definition.itemMax}; ${hint}`);
    }
    return value;
  });
  const missing = missingItems(answers);
  if (missing.length > definition.maxMissing) {
    throw new InputError(definition.maxMissing === 0
      ? `${definition.name} item ${missing[0]} is not answered: the ${definition.name} is scored only with every answer; ask it, or give --total N alone when only the total is known`
      : `${definition.name} items ${missing.join(', ')} are not answered: its total is pro-rated over at most ${definition.maxMissing} missing item; ask the others`);
  }
  return answers;
}

/** An item left unanswered, written in `--items` (`1,3,x,0,…`). */
const MISSING = /^[x?]$/i;

/** "1,2,,0" → ["1", "2", "", "0"]; "1 2 0" → ["1", "2", "0"]; "" → []. */
function splitAnswers(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  return /[,;]/.test(trimmed) ? trimmed.split(/\s*[,;]\s*/) : trimmed.split(/\s+/);
}

/** Records one measure (and its client, the first time), with its audit entry, atomically. */
export async function addMeasure(records: RecordStore, input: MeasureInput, who: Actor): Promise<ScoredMeasure> {
  const planned = planMeasure(input, who);
  const taken = async () => (await records.read((tx) => tx.measures.get(planned.measure.measure_id))) !== undefined;
  const measure = await takenAs(measureTaken(planned.measure.measure_id), taken, () => records.write(async (tx) => {
    const measure = planned.measure.session_id === null ? planned.measure
      : withSession(planned, (await tx.sessions.get(planned.measure.session_id))?.session);
    if (await tx.measures.get(measure.measure_id)) throw measureTaken(measure.measure_id);
    await ensureClientIn(tx, measure.client_id, who.now.toISOString());
    await tx.measures.insert(measure);
    await appendAudit(tx, { action: 'measure.create', client_id: measure.client_id, object_id: measure.measure_id }, who);
    await recordRiskFlagsIn(tx, measure.client_id, measureRiskFlags(measure), who);
    return measure;
  }));
  return scoreMeasure(measure);
}

/**
 * A risk item answered above 0 opens a risk on the measure's date, whatever the total: PHQ-9 item
 * 9 (thoughts of being better off dead or of self-harm) as suicidal ideation, CORE-10 item 6
 * (plans to end one's life) as a suicide plan. A total recorded without its items opens it as well
 * when the total alone proves the item above 0 (see `impliedRiskItemMinimum`), saying so.
 */
export function measureRiskFlags(measure: Measure): RiskFlag[] {
  const definition = measureDefinition(measure.measure);
  const answer = riskItemAnswer(definition, measure.items);
  const implied = measure.items === null ? impliedRiskItemMinimum(definition, measure.total) ?? 0 : 0;
  if ((answer === null || answer === 0) && implied === 0) return [];
  return [{
    flag: answer !== null && answer > 0
      ? `${definition.name} item ${definition.riskItem} answered ${answer}`
      : `${definition.name} item ${definition.riskItem} at least ${implied} (implied by the total ${measure.total})`,
    kind: measure.measure === 'core10' ? 'suicide_plan' : 'suicidal_ideation',
    at: measure.timestamp,
    source: { type: 'measure', id: measure.measure_id },
  }];
}

/** The risk item's answer as far as it is known: answered, or proved by the total; 0 otherwise. */
export function riskItemLevel(measure: Measure): number {
  const scored = scoreMeasure(measure);
  return scored.risk_item_answer ?? scored.risk_item_implied ?? 0;
}

export function scoreMeasure(measure: Measure): ScoredMeasure {
  const definition = measureDefinition(measure.measure);
  return {
    ...measure,
    name: definition.name,
    max: definition.max,
    band: bandOf(definition, measure.total),
    at_caseness: isCase(definition, measure.total),
    item_scores: measure.items === null ? null : itemScores(definition, measure.items),
    missing_items: missingItems(measure.items),
    risk_item_answer: riskItemAnswer(definition, measure.items),
    // Items unknown: what the total proves; the risk item itself left unanswered: unknown (0), ask it.
    risk_item_implied: measure.items === null ? impliedRiskItemMinimum(definition, measure.total)
      : definition.riskItem > 0 && measure.items[definition.riskItem - 1] === null ? 0 : null,
  };
}

/** A measure as `tpt measures` lists it: with its version, and its void when voided ones are asked for. */
export interface ListedMeasure extends ScoredMeasure {
  version: number;
  voided_at: string | null;
}

/** A client's measures inside the timeframe, newest first (as `sessions` lists); voided ones only when asked for. */
export async function listMeasures(
  records: RecordStore, clientId: string, timeframe: Timeframe, includeVoid: boolean, who: Actor,
): Promise<ListedMeasure[]> {
  checkId(clientId, 'client');
  const start = timeframe.start?.toISOString() ?? '';
  const end = timeframe.end.toISOString();
  // A client not on record is refused before anything is logged: the refusal rolls the entry back.
  return readLogged(records, { action: 'measure.list', client_id: clientId }, who, async (tx) => {
    await requireClientIn(tx, clientId);
    return (await tx.measures.ofClient(clientId, { includeVoid }))
      .filter(({ measure }) => measure.timestamp >= start && measure.timestamp <= end)
      .reverse()
      .map(({ measure, state }) => ({ ...scoreMeasure(measure), version: state.version, voided_at: state.voided_at }));
  });
}
