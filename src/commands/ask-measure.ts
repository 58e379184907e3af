import type { Context } from '../context.js';
import { MEASURE_KINDS, MEASURES, type MeasureKind } from '../core/measure-scoring.js';
import type { MeasureInput } from '../core/measures.js';

/**
 * Asks on the terminal for the measure and its answers, item by item: with the items' wording for
 * the PHQ-9 and GAD-7 (free to reproduce), and only each item's topic for the CORE-10, whose
 * wording tpt does not reproduce (the person answers on the form; see the README).
 */
export async function askMeasure(ctx: Context, given: MeasureInput): Promise<MeasureInput> {
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
  return { ...given, measure: kind, items };
}
