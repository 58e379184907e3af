import type { RiskEvent, RiskRow } from '../domain/records.js';
import type { ReadTx, WriteTx } from '../store/port.js';
import { InputError } from './errors.js';

/**
 * The rules a merge of two clients keeps, over the store port (`tpt client merge`,
 * src/core/client-ids.ts): one open course and one live schedule of each measure per client,
 * and one risk per client and kind.
 */

/**
 * Before `tpt client merge`: a client has at most one open course and one live schedule of each
 * measure, so two clients that both have one cannot become one client until a person chooses.
 */
export async function refuseMergeConflicts(tx: ReadTx, from: string, into: string): Promise<void> {
  if ((await tx.admin.hasOpenCourse(from)) && (await tx.admin.hasOpenCourse(into))) {
    throw new InputError(`${from} and ${into} both have an open course: end one first (\`tpt course end ${from} --reason other --note "merged"\`)`);
  }
  const live = new Set(await tx.admin.liveSchedules(into));
  const shared = (await tx.admin.liveSchedules(from)).filter((measure) => live.has(measure));
  if (shared.length > 0) {
    throw new InputError(`${from} and ${into} both have a ${shared.join(', ')} schedule: stop one first (\`tpt measure schedule ${from} ${shared[0]} --stop\`)`);
  }
}

/**
 * Every risk of `from` becomes one of `into`, before the merge: a risk register holds one risk
 * per client and kind, so two of a kind become one. The earlier resolved history comes first,
 * then each side's current episode; the risk is open when either side is (from the earlier
 * opening to the later flag), else it is the side resolved last. A kind only `from` has moves
 * as it is. Returns the risks and events of `from` that now are `into`'s.
 */
export async function combineRisksForMerge(tx: WriteTx, from: string, into: string): Promise<{ risks: number; events: number }> {
  const combined = { risks: 0, events: 0 };
  for (const theirs of await tx.risks.ofClient(from)) {
    const theirEvents = await tx.risks.events(from, theirs.kind);
    const ours = await tx.risks.lock(into, theirs.kind);
    let row: RiskRow;
    let history: RiskEvent[];
    if (!ours) {
      row = { ...theirs, client_id: into };
      history = theirEvents;
    } else {
      const sides = [
        { row: ours, ...splitAtLastResolution(await tx.risks.events(into, ours.kind)) },
        { row: theirs, ...splitAtLastResolution(theirEvents) },
      ].sort((a, b) => (a.resolvedAt < b.resolvedAt ? -1 : a.resolvedAt > b.resolvedAt ? 1 : 0));
      const open = sides.filter((side) => side.row.status === 'open').map((side) => side.row);
      row = open.length === 0
        ? { ...sides[1]!.row, client_id: into }
        : {
          client_id: into, kind: ours.kind, status: 'open',
          opened_at: open.map((risk) => risk.opened_at).sort()[0]!,
          last_flagged_at: open.map((risk) => risk.last_flagged_at).sort().at(-1)!,
          resolved_at: null, resolved_by: null, resolution_note: null,
        };
      history = [...sides[0]!.past, ...sides[1]!.past, ...sides[0]!.episode, ...sides[1]!.episode];
      await tx.admin.deleteRisk(into, ours.kind);
    }
    await tx.admin.deleteRisk(from, theirs.kind);
    await tx.risks.insert(row);
    for (const event of history) await tx.risks.appendEvent(into, row.kind, event);
    combined.risks++;
    combined.events += theirEvents.length;
  }
  return combined;
}

/** A risk's history split after its latest resolution: what that resolution closed, and what came since. */
function splitAtLastResolution(history: RiskEvent[]): { past: RiskEvent[]; episode: RiskEvent[]; resolvedAt: string } {
  const last = history.map((event) => event.event).lastIndexOf('resolved');
  return { past: history.slice(0, last + 1), episode: history.slice(last + 1), resolvedAt: history[last]?.recorded_at ?? '' };
}
