import type { Context } from '../context.js';
import { refuseFarFuture } from '../core/date-rules.js';
import { MEASURE_KINDS, MEASURES, type MeasureKind } from '../core/measure-scoring.js';
import type { MeasureInput } from '../core/measures.js';
import { listSessions } from '../core/sessions.js';
import { localDateTimeString, parseDateTime } from '../core/time.js';
import type { RecordStore } from '../store/port.js';

/** Enough of a client's latest sessions to find the one a measure was taken in. */
const RECENT_SESSIONS = 8;

/**
 * Asks on the terminal for the measure and its answers, item by item: with the items' wording for
 * the PHQ-9 and GAD-7 (free to reproduce), and only each item's topic for the CORE-10, whose
 * wording tpt does not reproduce (the person answers on the form; see the README).
 */
export async function askMeasure(ctx: Context, records: RecordStore, given: MeasureInput): Promise<MeasureInput> {
  const ask = await ctx.prompts();
  const kind = (given.measure?.trim().toLowerCase().replace(/-/g, '') ??
    await ask.select<MeasureKind>({
      message: 'Measure',
      choices: MEASURE_KINDS.map((value) => ({ name: MEASURES[value].name, value })),
    })) as MeasureKind;
  const definition = MEASURES[kind];
  if (!definition) return given; // the core names the unknown measure
  if (given.items !== undefined || given.total !== undefined) return { ...given, measure: kind };
  ctx.note(`${definition.name}: ${definition.period}`);
  if (!definition.wordingIsVerbatim) {
    ctx.note('Read each answer from the client\'s CORE-10 form (© CORE System Trust); tpt shows only each item\'s topic.');
  }
  const items: number[] = [];
  for (let index = 0; index < definition.items; index++) {
    items.push(await ask.select<number>({
      message: `${index + 1}/${definition.items}  ${definition.wording[index]}`,
      choices: definition.responses.map((name, value) => ({ name: `${value}  ${name}`, value })),
    }));
  }
  return { ...given, measure: kind, items, ...await askWhen(ctx, records, given) };
}

/**
 * The session the measure was taken in (offering the client's latest ones) or, without one, when
 * it was taken: a form filled in the waiting room is entered after the session, often days later.
 */
async function askWhen(ctx: Context, records: RecordStore, given: MeasureInput): Promise<Pick<MeasureInput, 'session_id' | 'timestamp'>> {
  if (given.session_id !== undefined || given.timestamp !== undefined) return {};
  const ask = await ctx.prompts();
  const sessions = await records.read((tx) => tx.clients.exists(given.client_id))
    ? await listSessions(records, given.client_id, { start: null, end: new Date(ctx.now().getTime() + 86_400_000) }, ctx.who(), RECENT_SESSIONS)
    : [];
  if (sessions.length > 0) {
    const session = await ask.select<string>({
      message: 'Taken in session',
      choices: [
        ...sessions.map((listed) => ({ name: `${localDateTimeString(new Date(listed.timestamp))}  ${listed.session_id}`, value: listed.session_id })),
        { name: 'none of these', value: '' },
      ],
    });
    if (session !== '') return { session_id: session };
  }
  const at = await ask.input({
    message: 'When was it taken (YYYY-MM-DD or YYYY-MM-DD HH:MM, empty for now)',
    validate: (value) => value.trim() === '' || checkTime(value, ctx.now()),
  });
  return at.trim() === '' ? {} : { timestamp: at.trim() };
}

/** An answer checked at its own prompt: the message of the rule it breaks, so the prompt asks again. */
function checkTime(text: string, now: Date): true | string {
  try {
    refuseFarFuture(parseDateTime(text, 'time'), now, 'that time', text.trim());
    return true;
  } catch (error) {
    return (error as Error).message;
  }
}
