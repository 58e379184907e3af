import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RiskEvent, RiskRow } from '../../src/domain/records.js';
import { ConflictError } from '../../src/store/errors.js';
import type { RecordStore } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * The port's contract for risks, over every engine: a risk per client and kind, its state and
 * its append-only history as written, and flags, resolutions and reopenings at once from two
 * connections coming out as some order of them one at a time, with every event kept.
 */

const T0 = '2026-03-02T09:30:00.000Z';

const OPEN: RiskRow = {
  client_id: 'c1', kind: 'self_harm', status: 'open', opened_at: T0, last_flagged_at: T0,
  resolved_at: null, resolved_by: null, resolution_note: null,
};

function flagged(event: RiskEvent['event'], sourceId: string, at = T0): RiskEvent {
  return { event, at, source_type: 'session', source_id: sourceId, flag: 'scratching again', note: '', actor: 'dr', recorded_at: at };
}

type Change = 'flag' | 'resolve' | 'reopen';
class Refused extends Error {}

/** What core's risk commands do through the port: lock the risk, decide on its state, append, update, audit. */
async function change(store: RecordStore, what: Change, actor: string): Promise<void> {
  await store.write(async (tx) => {
    const risk = await tx.risks.lock('c1', 'self_harm');
    if (!risk) throw new Error('no risk');
    if (what === 'resolve' && risk.status !== 'open') throw new Refused(what);
    if (what === 'reopen' && risk.status !== 'resolved') throw new Refused(what);
    // A tick between the decision and the write, as core's awaits give: only the lock keeps others out.
    await new Promise((resolve) => setTimeout(resolve, 1));
    const at = new Date().toISOString();
    if (what === 'resolve') {
      await tx.risks.appendEvent('c1', 'self_harm', { event: 'resolved', at, source_type: null, source_id: null, flag: null, note: 'plan reviewed', actor, recorded_at: at });
      await tx.risks.update({ ...risk, status: 'resolved', resolved_at: at, resolved_by: actor, resolution_note: 'plan reviewed' });
    } else {
      const event = what === 'reopen' ? 'reopened' : risk.status === 'open' ? 'flagged' : 'reopened';
      await tx.risks.appendEvent('c1', 'self_harm', { ...flagged(event, actor, at), actor });
      await tx.risks.update({
        ...risk, status: 'open', last_flagged_at: at, opened_at: event === 'reopened' ? at : risk.opened_at,
        resolved_at: null, resolved_by: null, resolution_note: null,
      });
    }
    await tx.audit.append({ at, actor, action: `risk.${what}`, client_id: 'c1', object_id: 'self_harm', outcome: 'ok' });
  });
}

for (const engine of ENGINES) {
  describe(`risks through the port on ${engine.name}`, () => {
    let stores: [RecordStore, RecordStore];
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ stores, dispose } = await engine.open());
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('c1', T0);
        await tx.risks.insert(OPEN);
        await tx.risks.appendEvent('c1', 'self_harm', flagged('opened', 's1'));
      });
    });
    afterEach(async () => dispose());

    it('gives risks and their history back as written, open ones first', async () => {
      const later = '2026-03-04T09:30:00.000Z';
      const resolved: RiskRow = { ...OPEN, kind: 'substance_use', status: 'resolved', resolved_at: later, resolved_by: 'dr', resolution_note: 'sober six weeks' };
      await stores[0].write(async (tx) => {
        await tx.risks.insert({ ...OPEN, kind: 'substance_use' });
        await tx.risks.update(resolved);
        await tx.risks.appendEvent('c1', 'substance_use', { event: 'resolved', at: later, source_type: null, source_id: null, flag: null, note: 'sober six weeks', actor: 'dr', recorded_at: later });
        await tx.risks.insert({ ...OPEN, kind: 'violence', last_flagged_at: later });
      });
      await stores[1].read(async (tx) => {
        expect(await tx.risks.get('c1', 'self_harm')).toEqual(OPEN);
        expect(await tx.risks.get('c1', 'substance_use')).toEqual(resolved);
        expect((await tx.risks.ofClient('c1')).map((risk) => risk.kind)).toEqual(['violence', 'self_harm', 'substance_use']);
        expect((await tx.risks.ofClient('c1', { openOnly: true })).map((risk) => risk.kind)).toEqual(['violence', 'self_harm']);
        expect(await tx.risks.events('c1', 'self_harm')).toEqual([flagged('opened', 's1')]);
        expect((await tx.risks.events('c1', 'substance_use'))[0]!.note).toBe('sober six weeks');
        expect(await tx.risks.get('c1', 'none')).toBeUndefined();
        expect(await tx.risks.get('nobody', 'self_harm')).toBeUndefined();
        expect(await tx.risks.events('nobody', 'self_harm')).toEqual([]);
      });
    });

    it('refuses a second risk of the same client and kind with a ConflictError', async () => {
      await expect(stores[1].write((tx) => tx.risks.insert({ ...OPEN, opened_at: '2026-03-09T09:30:00.000Z' }))).rejects.toBeInstanceOf(ConflictError);
      expect(await stores[0].read((tx) => tx.risks.get('c1', 'self_harm'))).toEqual(OPEN);
    });

    it('many writers appending to one risk\'s history at once: each event takes its own place', async () => {
      const WRITERS = 12;
      await Promise.all(Array.from({ length: WRITERS }, (_, index) => stores[index % 2]!.write(async (tx) => {
        await tx.risks.appendEvent('c1', 'self_harm', flagged('flagged', `w${index}`));
        await new Promise((resolve) => setTimeout(resolve, 1));
      })));
      const events = await stores[0].read((tx) => tx.risks.events('c1', 'self_harm'));
      expect(events.map((event) => event.source_id).sort()).toEqual(['s1', ...Array.from({ length: WRITERS }, (_, index) => `w${index}`)].sort());
    });

    it('flags, resolutions and reopenings at once come out as some order of them one at a time (a property)', async () => {
      await fc.assert(fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom<Change>('flag', 'resolve', 'reopen'), fc.integer({ min: 0, max: 3 })), { minLength: 2, maxLength: 5 }),
        async (changes) => {
          const before = await stores[0].read(async (tx) => ({ risk: (await tx.risks.get('c1', 'self_harm'))!, events: (await tx.risks.events('c1', 'self_harm')).length }));
          const results = await Promise.allSettled(changes.map(async ([what, delay], index) => {
            await new Promise((resolve) => setTimeout(resolve, delay));
            await change(stores[index % 2]!, what, `writer${index}`);
          }));
          for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(Refused);
          const succeeded = results.filter((result) => result.status === 'fulfilled').length;
          const events = (await stores[1].read((tx) => tx.risks.events('c1', 'self_harm'))).slice(before.events);
          expect(events).toHaveLength(succeeded);
          // Replayed in the history's order, each event is allowed from the status the one before left.
          let status = before.risk.status;
          for (const event of events) {
            if (event.event === 'resolved') expect(status, events.map((e) => e.event).join(', ')).toBe('open');
            if (event.event === 'flagged') expect(status).toBe('open');
            if (event.event === 'reopened') expect(status).toBe('resolved');
            status = event.event === 'resolved' ? 'resolved' : 'open';
          }
          expect((await stores[0].read((tx) => tx.risks.get('c1', 'self_harm')))!.status).toBe(status);
        },
      ), { numRuns: 10 });
    }, 120_000);
  });
}
