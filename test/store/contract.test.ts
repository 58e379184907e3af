import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Goal, Session } from '../../src/domain/records.js';
import { ConflictError } from '../../src/store/errors.js';
import type { RecordStore, WriteTx } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * The store port's contract: one body per behaviour, run over every engine. The state changes
 * here do what core's will do through the port: lock the row, check its state, change it with
 * the guarded update, and audit it, all in one write.
 */

const T0 = '2026-03-02T09:30:00.000Z';

function session(sessionId: string, clientId = 'c1'): Session {
  return {
    session_id: sessionId,
    client_id: clientId,
    timestamp: T0,
    conversation_summary: 'Talked about the panic attacks on the tram',
    emotional_state: 'negative',
    emotional_score: -1,
    therapeutic_goals: [],
    progress_notes: 'Breathing helps',
    therapist_observations: 'Tearful when the brother came up',
    next_session_focus: 'Exposure, first rung',
    session_duration_minutes: 50,
    techniques_used: ['interoceptive exposure'],
    homework_assigned: 'Ride two stops',
    crisis_flags: ['passive si'],
    metadata: { room: 'blue' },
  };
}

function goal(goalId: string, clientId = 'c1'): Goal {
  return {
    goal_id: goalId, client_id: clientId, description: 'Ride the tram to work', target_date: '2026-06-30',
    completion_percentage: 10, status: 'active', milestones: [], notes: 'one stop at a time', created_at: T0, updated_at: T0,
  };
}

const FRESH_STATE = {
  version: 1, amended_at: null, amended_by: null, amend_reason: null, addendum: false,
  signed_at: null, signed_by: null, voided_at: null, voided_by: null, void_reason: null,
};

type Change = 'void' | 'sign' | 'restore';

/** A change the session's state does not allow, refused after the check under the row's lock. */
class Refused extends Error {}

function allowed(change: Change, state: { signed: boolean; voided: boolean }): boolean {
  return change === 'restore' ? state.voided : !state.signed && !state.voided;
}

async function changeSession(store: RecordStore, sessionId: string, change: Change, actor: string): Promise<void> {
  await store.write(async (tx) => {
    const found = await tx.sessions.lock(sessionId);
    if (!found) throw new Error(`no session ${sessionId}`);
    if (!allowed(change, { signed: found.state.signed_at !== null, voided: found.state.voided_at !== null })) throw new Refused(change);
    const at = new Date().toISOString();
    const changed = change === 'sign'
      ? await tx.sessions.setSigned(sessionId, at, actor)
      : await tx.sessions.setVoided(sessionId, change === 'void' ? { at, by: actor, reason: 'logged under the wrong client' } : null);
    // The row was checked under its lock: a guard that refuses now means the lock did not hold.
    if (!changed) throw new Error(`the guarded ${change} found another state than the check under lock`);
    await tx.audit.append({ at, actor, action: `session.${change}`, client_id: 'c1', object_id: sessionId, outcome: 'ok' });
  });
}

async function audited(tx: WriteTx, action: string, clientId: string, objectId: string | null): Promise<void> {
  await tx.audit.append({ at: new Date().toISOString(), actor: 'tester', action, client_id: clientId, object_id: objectId, outcome: 'ok' });
}

for (const engine of ENGINES) {
  describe(`the store port on ${engine.name}`, () => {
    let stores: [RecordStore, RecordStore];
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ stores, dispose } = await engine.open());
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('c1', T0);
        await tx.sessions.insert(session('s1'));
        await audited(tx, 'session.create', 'c1', 's1');
      });
    });
    afterEach(async () => dispose());

    it('gives back a session, a goal and its history as written, through either connection', async () => {
      await stores[0].write(async (tx) => {
        await tx.goals.insert(goal('g1'));
        await tx.goals.appendHistory('g1', { at: T0, completion_percentage: 10, status: 'active', note: 'created', actor: 'tester' });
      });
      await stores[1].read(async (tx) => {
        expect(await tx.clients.ids()).toEqual(['c1']);
        expect(await tx.sessions.get('s1')).toEqual({ session: session('s1'), state: FRESH_STATE });
        expect(await tx.sessions.ofClient('c1')).toEqual([{ ...session('s1'), version: 1, signed_at: null, voided_at: null }]);
        expect(await tx.goals.get('g1')).toEqual(goal('g1'));
        expect(await tx.goals.ofClient('c1')).toEqual([goal('g1')]);
        expect(await tx.goals.history('g1')).toEqual([{ at: T0, completion_percentage: 10, status: 'active', note: 'created', actor: 'tester' }]);
        expect(await tx.sessions.get('nope')).toBeUndefined();
      });
    });

    it('rolls a write back whole when its work throws', async () => {
      await expect(stores[0].write(async (tx) => {
        await tx.sessions.insert(session('s2'));
        await audited(tx, 'session.create', 'c1', 's2');
        throw new Error('the work changed its mind');
      })).rejects.toThrow('the work changed its mind');
      await stores[1].read(async (tx) => {
        expect(await tx.sessions.get('s2')).toBeUndefined();
        expect((await tx.audit.entries('c1')).map((entry) => entry.object_id)).toEqual(['s1']);
      });
    });

    it('refuses an id that is taken with a ConflictError, and keeps the first record', async () => {
      await expect(stores[1].write((tx) => tx.sessions.insert({ ...session('s1'), conversation_summary: 'other' })))
        .rejects.toBeInstanceOf(ConflictError);
      await stores[0].write((tx) => tx.goals.insert(goal('g1')));
      await expect(stores[1].write((tx) => tx.goals.insert(goal('g1')))).rejects.toBeInstanceOf(ConflictError);
      expect((await stores[0].read((tx) => tx.sessions.get('s1')))!.session.conversation_summary).toBe(session('s1').conversation_summary);
    });

    it('guards each state change in the update itself', async () => {
      await stores[0].write(async (tx) => {
        expect(await tx.sessions.setVoided('s1', null)).toBe(false); // not voided: nothing to restore
        expect(await tx.sessions.setSigned('s1', T0, 'tester')).toBe(true);
        expect(await tx.sessions.setSigned('s1', T0, 'tester')).toBe(false);
        expect(await tx.sessions.setVoided('s1', { at: T0, by: 'tester', reason: 'r' })).toBe(false); // signed
      });
      const { state } = (await stores[1].read((tx) => tx.sessions.get('s1')))!;
      expect(state).toEqual({ ...FRESH_STATE, signed_at: T0, signed_by: 'tester' });
    });

    it('a void and a signature at once, from two connections: one wins, the other is refused', async () => {
      const results = await Promise.allSettled([
        changeSession(stores[0], 's1', 'void', 'a'), changeSession(stores[1], 's1', 'sign', 'b'),
      ]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(Refused);
      const { state } = (await stores[0].read((tx) => tx.sessions.get('s1')))!;
      expect(state.signed_at === null || state.voided_at === null).toBe(true);
      const changes = (await stores[0].read((tx) => tx.audit.entries('c1'))).filter((entry) => /void|sign/.test(entry.action));
      expect(changes).toHaveLength(1);
    });

    it('any changes at once come out as some order of them one at a time (a property)', async () => {
      let run = 0;
      await fc.assert(fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom<Change>('void', 'sign', 'restore'), fc.integer({ min: 0, max: 3 })), { minLength: 2, maxLength: 5 }),
        fc.boolean(),
        async (changes, startVoided) => {
          const sessionId = `p${run++}`;
          await stores[0].write(async (tx) => {
            await tx.sessions.insert(session(sessionId));
            if (startVoided) await tx.sessions.setVoided(sessionId, { at: T0, by: 'tester', reason: 'r' });
          });
          const results = await Promise.allSettled(changes.map(async ([change, delay], index) => {
            await new Promise((resolve) => setTimeout(resolve, delay));
            await changeSession(stores[index % 2]!, sessionId, change, `writer${index}`);
          }));
          for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(Refused);
          // The changes that went through, in the order the audit chain took them, must each be
          // allowed from the state the one before left, and end where the session stands.
          const done = (await stores[1].read((tx) => tx.audit.entries('c1')))
            .filter((entry) => entry.object_id === sessionId).sort((a, b) => a.seq - b.seq)
            .map((entry) => entry.action.replace('session.', '') as Change);
          expect(done).toHaveLength(results.filter((result) => result.status === 'fulfilled').length);
          const state = { signed: false, voided: startVoided };
          for (const change of done) {
            expect(allowed(change, state), `${done.join(', ')} from ${JSON.stringify({ startVoided })}`).toBe(true);
            if (change === 'sign') state.signed = true;
            else state.voided = change === 'void';
          }
          const stands = (await stores[0].read((tx) => tx.sessions.get(sessionId)))!.state;
          expect({ signed: stands.signed_at !== null, voided: stands.voided_at !== null }).toEqual(state);
        },
      ), { numRuns: 12 });
    }, 120_000);

    it('two writers creating one id at once: one record, one ConflictError', async () => {
      const create = (store: RecordStore, summary: string) => store.write(async (tx) => {
        await tx.sessions.insert({ ...session('twin'), conversation_summary: summary });
        await audited(tx, 'session.create', 'c1', 'twin');
      });
      const results = await Promise.allSettled([create(stores[0], 'first'), create(stores[1], 'second')]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expect((results.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
      const entries = await stores[0].read((tx) => tx.audit.entries('c1'));
      expect(entries.filter((entry) => entry.object_id === 'twin')).toHaveLength(1);
    });

    it('many writers appending to the audit log and a goal history at once: every entry kept, chains intact', async () => {
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('c2', T0);
        await tx.goals.insert(goal('g1'));
      });
      const WRITERS = 24;
      await Promise.all(Array.from({ length: WRITERS }, (_, index) => stores[index % 2]!.write(async (tx) => {
        await tx.goals.appendHistory('g1', { at: T0, completion_percentage: index, status: 'active', note: `n${index}`, actor: 'tester' });
        await audited(tx, 'goal.update', index % 3 === 0 ? 'c2' : 'c1', `w${index}`);
      })));
      await stores[1].read(async (tx) => {
        const history = await tx.goals.history('g1');
        expect(history.map((entry) => entry.note).sort()).toEqual(Array.from({ length: WRITERS }, (_, index) => `n${index}`).sort());
        const written = [...await tx.audit.entries('c1'), ...await tx.audit.entries('c2')];
        expect(written.filter((entry) => entry.action === 'goal.update')).toHaveLength(WRITERS);
        expect(await tx.audit.verify()).toEqual({ intact: true, entries: WRITERS + 1, problem: null });
      });
    }, 60_000);
  });
}
