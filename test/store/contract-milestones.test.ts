import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Goal, Milestone } from '../../src/domain/records.js';
import { ConflictError, NotFoundError } from '../../src/store/errors.js';
import type { RecordStore } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * The port's contract for milestones, over every engine: add, read in a goal's order, void and
 * restore guarded in the update, ids decided by the engine, and voids and restores at once from
 * two connections coming out as some order of them one at a time.
 */

const T0 = '2026-03-02T09:30:00.000Z';

function goal(goalId: string, clientId: string): Goal {
  return {
    goal_id: goalId, client_id: clientId, description: 'Walk the dog past the school', target_date: null,
    completion_percentage: 0, status: 'active', milestones: [], notes: '', created_at: T0, updated_at: T0,
  };
}

function milestone(milestoneId: string, achievedDate: string, goalId = 'g1'): Milestone {
  return { milestone_id: milestoneId, goal_id: goalId, client_id: 'c1', description: `Reached the gate (${milestoneId})`, achieved_date: achievedDate, significance: 'medium' };
}

const LIVE = { voided_at: null, voided_by: null, void_reason: null };

type Change = 'void' | 'restore';

class Refused extends Error {}

/** What core's `milestone void` and `restore` do through the port: lock, check, change, audit. */
async function change(store: RecordStore, milestoneId: string, what: Change, actor: string): Promise<void> {
  await store.write(async (tx) => {
    const found = await tx.milestones.lock(milestoneId);
    if (!found) throw new Error(`no milestone ${milestoneId}`);
    if ((found.voided_at !== null) !== (what === 'restore')) throw new Refused(what);
    // A tick between the check and the write, as core's awaits give: only the lock keeps others out.
    await new Promise((resolve) => setTimeout(resolve, 1));
    const at = new Date().toISOString();
    if (!await tx.milestones.setVoided(milestoneId, what === 'void' ? { at, by: actor, reason: 'entered twice' } : null)) {
      throw new Error(`the guarded ${what} found another state than the check under lock`);
    }
    await tx.audit.append({ at, actor, action: `milestone.${what}`, client_id: 'c1', object_id: milestoneId, outcome: 'ok' });
  });
}

for (const engine of ENGINES) {
  describe(`milestones through the port on ${engine.name}`, () => {
    let stores: [RecordStore, RecordStore];
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ stores, dispose } = await engine.open());
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('c1', T0);
        await tx.clients.ensure('c2', T0);
        await tx.goals.insert(goal('g1', 'c1'));
        await tx.goals.insert(goal('g2', 'c1'));
        await tx.goals.insert(goal('h1', 'c2'));
      });
    });
    afterEach(async () => dispose());

    it('gives milestones back in a goal\'s order, voided ones when asked, and in the goal\'s list', async () => {
      await stores[0].write(async (tx) => {
        await tx.milestones.insert(milestone('m2', '2026-03-05'), T0);
        await tx.milestones.insert(milestone('m1', '2026-03-04'), T0);
        await tx.milestones.insert(milestone('m3', '2026-03-04', 'g2'), '2026-03-04T10:00:00.000Z');
        expect(await tx.milestones.setVoided('m2', { at: T0, by: 'dr', reason: 'entered twice' })).toBe(true);
      });
      await stores[1].read(async (tx) => {
        expect(await tx.milestones.get('m1')).toEqual({ ...milestone('m1', '2026-03-04'), ...LIVE });
        expect(await tx.milestones.get('m2')).toEqual({ ...milestone('m2', '2026-03-05'), voided_at: T0, voided_by: 'dr', void_reason: 'entered twice' });
        expect((await tx.milestones.ofClient('c1')).map((m) => m.milestone_id)).toEqual(['m1', 'm3']);
        expect((await tx.milestones.ofClient('c1', { includeVoid: true })).map((m) => m.milestone_id)).toEqual(['m1', 'm3', 'm2']);
        expect((await tx.milestones.ofClient('c1', { goalId: 'g1', includeVoid: true })).map((m) => m.milestone_id)).toEqual(['m1', 'm2']);
        expect(await tx.milestones.ofClient('c2')).toEqual([]);
        expect((await tx.goals.get('g1'))!.milestones).toEqual(['m1']);
        expect(await tx.milestones.get('nope')).toBeUndefined();
      });
    });

    it('refuses a taken id, a missing goal and another client\'s goal, writing nothing', async () => {
      await stores[0].write((tx) => tx.milestones.insert(milestone('m1', '2026-03-04'), T0));
      await expect(stores[1].write((tx) => tx.milestones.insert({ ...milestone('m1', '2026-03-09'), description: 'other' }, T0)))
        .rejects.toBeInstanceOf(ConflictError);
      await expect(stores[1].write((tx) => tx.milestones.insert(milestone('m2', '2026-03-04', 'nope'), T0))).rejects.toBeInstanceOf(NotFoundError);
      await expect(stores[1].write((tx) => tx.milestones.insert(milestone('m3', '2026-03-04', 'h1'), T0))).rejects.toBeInstanceOf(NotFoundError);
      await stores[0].read(async (tx) => {
        expect((await tx.milestones.ofClient('c1', { includeVoid: true })).map((m) => [m.milestone_id, m.achieved_date])).toEqual([['m1', '2026-03-04']]);
        expect(await tx.milestones.ofClient('c2', { includeVoid: true })).toEqual([]);
      });
    });

    it('guards void and restore in the update itself', async () => {
      await stores[0].write(async (tx) => {
        await tx.milestones.insert(milestone('m1', '2026-03-04'), T0);
        expect(await tx.milestones.setVoided('m1', null)).toBe(false);
        expect(await tx.milestones.setVoided('m1', { at: T0, by: 'dr', reason: 'r' })).toBe(true);
        expect(await tx.milestones.setVoided('m1', { at: T0, by: 'dr2', reason: 'again' })).toBe(false);
        expect(await tx.milestones.setVoided('m1', null)).toBe(true);
        expect(await tx.milestones.setVoided('nope', null)).toBe(false);
      });
      expect(await stores[1].read((tx) => tx.milestones.get('m1'))).toEqual({ ...milestone('m1', '2026-03-04'), ...LIVE });
    });

    it('voids and restores at once come out as some order of them one at a time (a property)', async () => {
      let run = 0;
      await fc.assert(fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom<Change>('void', 'restore'), fc.integer({ min: 0, max: 3 })), { minLength: 2, maxLength: 5 }),
        fc.boolean(),
        async (changes, startVoided) => {
          const milestoneId = `p${run++}`;
          await stores[0].write(async (tx) => {
            await tx.milestones.insert(milestone(milestoneId, '2026-03-04'), T0);
            if (startVoided) await tx.milestones.setVoided(milestoneId, { at: T0, by: 'dr', reason: 'r' });
          });
          const results = await Promise.allSettled(changes.map(async ([what, delay], index) => {
            await new Promise((resolve) => setTimeout(resolve, delay));
            await change(stores[index % 2]!, milestoneId, what, `writer${index}`);
          }));
          for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(Refused);
          const done = (await stores[1].read((tx) => tx.audit.entries('c1')))
            .filter((entry) => entry.object_id === milestoneId).sort((a, b) => a.seq - b.seq)
            .map((entry) => entry.action.replace('milestone.', '') as Change);
          expect(done).toHaveLength(results.filter((result) => result.status === 'fulfilled').length);
          // Each one that went through must be allowed from where the one before left it.
          let voided = startVoided;
          for (const what of done) {
            expect(voided, done.join(', ')).toBe(what === 'restore');
            voided = what === 'void';
          }
          expect((await stores[0].read((tx) => tx.milestones.get(milestoneId)))!.voided_at !== null).toBe(voided);
        },
      ), { numRuns: 10 });
    }, 120_000);
  });
}
