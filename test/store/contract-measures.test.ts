import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Measure, Session } from '../../src/domain/records.js';
import { ConflictError, NotFoundError } from '../../src/store/errors.js';
import type { RecordStore } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * The port's contract for outcome measures, over every engine: items and totals as given (an
 * unanswered item stays null), amendments that keep every earlier version, void and restore
 * guarded in the update, and amendments and voids at once from two connections that come out as
 * some order of them one at a time.
 */

const T0 = '2026-03-02T09:30:00.000Z';

function session(sessionId: string, clientId: string): Session {
  return {
    session_id: sessionId, client_id: clientId, timestamp: T0, conversation_summary: 's', emotional_state: 'neutral',
    emotional_score: 0, therapeutic_goals: [], progress_notes: '', therapist_observations: '', next_session_focus: '',
    session_duration_minutes: null, techniques_used: [], homework_assigned: '', crisis_flags: [], metadata: {},
  };
}

function measure(measureId: string, fields: Partial<Measure> = {}): Measure {
  return {
    measure_id: measureId, client_id: 'c1', measure: 'gad7', timestamp: T0, session_id: 's1',
    items: [1, 2, 0, 3, 1, 2, 1], total: 10, created_at: T0, ...fields,
  };
}

const FRESH = { version: 1, amended_at: null, amended_by: null, amend_reason: null, voided_at: null, voided_by: null, void_reason: null };

type Change = 'amend' | 'void' | 'restore';
class Refused extends Error {}

/** What core's `measure amend`, `void` and `restore` do through the port: lock, check, change, audit. */
async function change(store: RecordStore, measureId: string, what: Change, actor: string): Promise<void> {
  await store.write(async (tx) => {
    const found = await tx.measures.lock(measureId);
    if (!found) throw new Error(`no measure ${measureId}`);
    const voided = found.state.voided_at !== null;
    if (what === 'restore' ? !voided : voided) throw new Refused(what);
    // A tick between the check and the write, as core's awaits give: only the lock keeps others out.
    await new Promise((resolve) => setTimeout(resolve, 1));
    const at = new Date().toISOString();
    const changed = what === 'amend'
      ? await tx.measures.amend({ ...found.measure, total: found.state.version }, {
        version: found.state.version + 1, amended_at: at, amended_by: actor, amend_reason: 'mistyped',
      })
      : await tx.measures.setVoided(measureId, what === 'void' ? { at, by: actor, reason: 'taken twice' } : null);
    if (!changed) throw new Error(`the guarded ${what} found another state than the check under lock`);
    await tx.audit.append({ at, actor, action: `measure.${what}`, client_id: 'c1', object_id: measureId, outcome: 'ok' });
  });
}

for (const engine of ENGINES) {
  describe(`measures through the port on ${engine.name}`, () => {
    let stores: [RecordStore, RecordStore];
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ stores, dispose } = await engine.open());
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('c1', T0);
        await tx.clients.ensure('c2', T0);
        await tx.sessions.insert(session('s1', 'c1'));
        await tx.sessions.insert(session('t1', 'c2'));
      });
    });
    afterEach(async () => dispose());

    it('gives measures back as written, oldest first, with unanswered items and totals alone', async () => {
      const later = '2026-03-09T09:30:00.000Z';
      await stores[0].write(async (tx) => {
        await tx.measures.insert(measure('m2', { timestamp: later, measure: 'core10', items: [1, null, 2, 0, 1, 1, 0, 2, 1, 0], total: 10, session_id: null }));
        await tx.measures.insert(measure('m1'));
        await tx.measures.insert(measure('m3', { measure: 'phq9', items: null, total: 14, session_id: null }));
        expect(await tx.measures.setVoided('m3', { at: later, by: 'dr', reason: 'taken twice' })).toBe(true);
      });
      await stores[1].read(async (tx) => {
        expect(await tx.measures.get('m1')).toEqual({ measure: measure('m1'), state: FRESH });
        expect((await tx.measures.get('m2'))!.measure.items).toEqual([1, null, 2, 0, 1, 1, 0, 2, 1, 0]);
        expect(await tx.measures.get('m3')).toEqual({
          measure: measure('m3', { measure: 'phq9', items: null, total: 14, session_id: null }),
          state: { ...FRESH, voided_at: later, voided_by: 'dr', void_reason: 'taken twice' },
        });
        expect((await tx.measures.ofClient('c1')).map(({ measure: m }) => m.measure_id)).toEqual(['m1', 'm2']);
        expect((await tx.measures.ofClient('c1', { includeVoid: true })).map(({ measure: m }) => m.measure_id)).toEqual(['m1', 'm3', 'm2']);
        expect(await tx.measures.ofClient('c2')).toEqual([]);
        expect(await tx.measures.get('nope')).toBeUndefined();
      });
    });

    it('refuses a taken id and another client\'s session, writing nothing', async () => {
      await stores[0].write((tx) => tx.measures.insert(measure('m1')));
      await expect(stores[1].write((tx) => tx.measures.insert(measure('m1', { total: 3 })))).rejects.toBeInstanceOf(ConflictError);
      await expect(stores[1].write((tx) => tx.measures.insert(measure('m2', { session_id: 't1' })))).rejects.toBeInstanceOf(NotFoundError);
      await expect(stores[1].write((tx) => tx.measures.insert(measure('m3', { session_id: 'nope' })))).rejects.toBeInstanceOf(NotFoundError);
      const all = await stores[0].read((tx) => tx.measures.ofClient('c1', { includeVoid: true }));
      expect(all.map(({ measure: m }) => [m.measure_id, m.total])).toEqual([['m1', 10]]);
    });

    it('amends into a new version, keeps the earlier ones whole, and guards amend, void and restore', async () => {
      const later = '2026-03-03T10:00:00.000Z';
      await stores[0].write(async (tx) => {
        await tx.measures.insert(measure('m1'));
        const amendment = { version: 2, amended_at: later, amended_by: 'dr', amend_reason: 'item 4 misread' };
        expect(await tx.measures.amend(measure('m1', { items: [1, 2, 0, 1, 1, 2, 1], total: 8, session_id: null }), amendment)).toBe(true);
        expect(await tx.measures.amend(measure('m1', { total: 9 }), amendment)).toBe(false); // version moved on
        expect(await tx.measures.setVoided('m1', null)).toBe(false);
        expect(await tx.measures.setVoided('m1', { at: later, by: 'dr', reason: 'r' })).toBe(true);
        expect(await tx.measures.setVoided('m1', { at: later, by: 'dr', reason: 'r' })).toBe(false);
        expect(await tx.measures.amend(measure('m1', { total: 9 }), { ...amendment, version: 3 })).toBe(false); // voided
        expect(await tx.measures.setVoided('m1', null)).toBe(true);
        expect(await tx.measures.amend(measure('m1', { total: 9 }), { ...amendment, version: 3, amend_reason: 'total only' })).toBe(true);
      });
      await stores[1].read(async (tx) => {
        const { measure: current, state } = (await tx.measures.get('m1'))!;
        expect(current).toEqual(measure('m1', { total: 9 }));
        expect(state).toEqual({ ...FRESH, version: 3, amended_at: later, amended_by: 'dr', amend_reason: 'total only' });
        expect(await tx.measures.versions('m1')).toEqual([
          { version: 1, timestamp: T0, session_id: 's1', items: [1, 2, 0, 3, 1, 2, 1], total: 10, amended_at: null, amended_by: null, amend_reason: null },
          { version: 2, timestamp: T0, session_id: null, items: [1, 2, 0, 1, 1, 2, 1], total: 8, amended_at: later, amended_by: 'dr', amend_reason: 'item 4 misread' },
        ]);
        expect(await tx.measures.versions('nope')).toEqual([]);
      });
    });

    it('amendments, voids and restores at once come out as some order of them one at a time (a property)', async () => {
      let run = 0;
      await fc.assert(fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom<Change>('amend', 'void', 'restore'), fc.integer({ min: 0, max: 3 })), { minLength: 2, maxLength: 5 }),
        async (changes) => {
          const measureId = `p${run++}`;
          await stores[0].write((tx) => tx.measures.insert(measure(measureId)));
          const results = await Promise.allSettled(changes.map(async ([what, delay], index) => {
            await new Promise((resolve) => setTimeout(resolve, delay));
            await change(stores[index % 2]!, measureId, what, `writer${index}`);
          }));
          for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(Refused);
          const done = (await stores[1].read((tx) => tx.audit.entries('c1')))
            .filter((entry) => entry.object_id === measureId).sort((a, b) => a.seq - b.seq)
            .map((entry) => entry.action.replace('measure.', '') as Change);
          expect(done).toHaveLength(results.filter((result) => result.status === 'fulfilled').length);
          let voided = false;
          let version = 1;
          for (const what of done) {
            expect(voided, done.join(', ')).toBe(what === 'restore');
            if (what === 'amend') version += 1;
            else voided = what === 'void';
          }
          const { state } = (await stores[0].read((tx) => tx.measures.get(measureId)))!;
          expect({ voided: state.voided_at !== null, version: state.version }).toEqual({ voided, version });
          expect(await stores[0].read((tx) => tx.measures.versions(measureId))).toHaveLength(version - 1);
        },
      ), { numRuns: 10 });
    }, 120_000);
  });
}
