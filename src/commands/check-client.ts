import type { Context } from '../context.js';
import { lookAlikeClients } from '../core/client-ids.js';
import { ID_PATTERN } from '../core/ids.js';
import type { RecordStore } from '../store/port.js';

/**
 * A client id about to be used for the first time. On a terminal, when an existing id differs
 * only in case or by one character, asks which is meant before anything is created. Returns the
 * id to use and, for a new client, the note to print once the record is written (so that
 * `--client F1` beside an existing `f1` does not pass unseen).
 */
export async function checkClientId(ctx: Context, records: RecordStore, clientId: string): Promise<{ id: string; note?: string }> {
  const id = clientId.trim();
  if (!ID_PATTERN.test(id)) return { id: clientId };
  const alike = await records.read(async (tx) => ((await tx.clients.exists(id)) ? undefined : lookAlikeClients(tx, id)));
  if (alike === undefined) return { id: clientId };
  if (alike.length > 0 && ctx.canPrompt) {
    const ask = await ctx.prompts();
    const chosen = await ask.select({
      message: `There is no client "${id}" yet, but there is ${alike.map((other) => `"${other}"`).join(', ')}. Which is meant?`,
      choices: [
        ...alike.map((other) => ({ name: `${other} (existing client)`, value: other })),
        { name: `${id} (a new client)`, value: id },
      ],
    });
    if (chosen !== id) return { id: chosen };
  }
  return {
    id,
    note: `note: "${id}" is a new client` + (alike.length > 0
      ? `; existing clients with a similar id: ${alike.join(', ')} (if they are the same person: \`tpt client merge ${id} --into ${alike[0]}\`)`
      : ''),
  };
}
