import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session } from '../../src/domain/records.js';
import type { RecordStore } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * The port's contract for amendments, over every engine: an amendment makes a new version and
 * keeps the old one whole; its guard refuses a voided session or a version that moved on; and
 * amendments at once from two connections each make their own version, none lost.
 */

const T0 = '2026-03-02T09:30:00.000Z';

function session(sessionId: string): Session {
  return {
    session_id: sessionId, client_id: 'c1', timestamp: T0, conversation_summary: 'First telling of the accident',
    emotional_state: 'negative', emotional_score: -1, therapeutic_goals: ['drive again'], progress_notes: 'Avoids the motorway',
    therapist_observations: 'Calm until the junction came up', next_session_focus: 'Timeline', session_duration_minutes: 50,
    techniques_used: ['narrative'], homework_assigned: 'Write the timeline', crisis_flags: [], metadata: { room: 'green' },
  };
}

/** What core's `session amend` does through the port: lock, check, amend the next version, audit. */
async function amendOnce(store: RecordStore, sessionId: string, summary: string, actor: string): Promise<number> {
  return store.write(async (tx) => {
    const found = await tx.sessions.lock(sessionId);
    if (!found) throw new Error(`no session ${sessionId}`);
    const version = found.state.version + 1;
    // A tick between the check and the write, as core's own awaits will give: another writer
    // gets its chance to run here, and only the row's lock keeps it out.
    await new Promise((resolve) => setTimeout(resolve, 1));
    const amended = await tx.sessions.amend({ ...found.session, conversation_summary: summary }, {
      version, amended_at: new Date().toISOString(), amended_by: actor, amend_reason: `why ${summary}`, addendum: found.state.signed_at !== null,
    });
    // Checked under the row's lock: a guard that refuses now means the lock did not hold.
    if (!amended) throw new Error(`the guarded amendment to version ${version} found the session moved on`);
    await tx.audit.append({ at: new Date().toISOString(), actor, action: 'session.amend', client_id: 'c1', object_id: sessionId, outcome: 'ok' });
    return version;
  });
}

for (const engine of ENGINES) {
  describe(`session amendments through the port on ${engine.name}`, () => {
    let stores: [RecordStore, RecordStore];
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ stores, dispose } = await engine.open());
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('c1', T0);
        await tx.sessions.insert(session('s1'));
      });
    });
    afterEach(async () => dispose());

    it('makes a new version and keeps every earlier one whole', async () => {
      const later = '2026-03-03T10:00:00.000Z';
      await stores[0].write(async (tx) => {
        expect(await tx.sessions.amend({ ...session('s1'), conversation_summary: 'Second telling', emotional_state: 'neutral', emotional_score: 0 },
          { version: 2, amended_at: later, amended_by: 'dr', amend_reason: 'misheard the date', addendum: false })).toBe(true);
        await tx.sessions.setSigned('s1', later, 'dr');
      });
      await stores[1].write(async (tx) => {
        expect(await tx.sessions.amend({ ...session('s1'), conversation_summary: 'Third telling', crisis_flags: ['nightmares'], emotional_state: 'neutral', emotional_score: 0 },
          { version: 3, amended_at: later, amended_by: 'dr2', amend_reason: 'addendum after review', addendum: true })).toBe(true);
      });
      await stores[1].read(async (tx) => {
        const { session: current, state } = (await tx.sessions.get('s1'))!;
        expect(current.conversation_summary).toBe('Third telling');
        expect(current.crisis_flags).toEqual(['nightmares']);
        expect(state).toMatchObject({ version: 3, amended_at: later, amended_by: 'dr2', amend_reason: 'addendum after review', addendum: true, signed_by: 'dr' });
        const { session_id: _id, ...first } = session('s1');
        expect(await tx.sessions.versions('s1')).toEqual([
          { ...first, version: 1, amended_at: null, amended_by: null, amend_reason: null, addendum: false },
          { ...first, conversation_summary: 'Second telling', emotional_state: 'neutral', emotional_score: 0,
            version: 2, amended_at: later, amended_by: 'dr', amend_reason: 'misheard the date', addendum: false },
        ]);
        expect((await tx.sessions.ofClient('c1'))[0]).toMatchObject({ conversation_summary: 'Third telling', version: 3 });
        expect(await tx.sessions.versions('nope')).toEqual([]);
      });
    });

    it('refuses, writing nothing, a voided session, a version that moved on, or no session', async () => {
      const mark = { version: 2, amended_at: T0, amended_by: 'dr', amend_reason: 'r', addendum: false };
      await stores[0].write(async (tx) => {
        expect(await tx.sessions.amend({ ...session('s1'), conversation_summary: 'skips one' }, { ...mark, version: 3 })).toBe(false);
        expect(await tx.sessions.amend({ ...session('nope') }, mark)).toBe(false);
        await tx.sessions.setVoided('s1', { at: T0, by: 'dr', reason: 'wrong client' });
        expect(await tx.sessions.amend({ ...session('s1'), conversation_summary: 'on a void' }, mark)).toBe(false);
      });
      await stores[1].read(async (tx) => {
        const { session: current, state } = (await tx.sessions.get('s1'))!;
        expect(current).toEqual(session('s1'));
        expect(state.version).toBe(1);
        expect(await tx.sessions.versions('s1')).toEqual([]);
      });
    });

    it('amendments at once from two connections: each its own version, none lost (a property)', async () => {
      let run = 0;
      await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 2, maxLength: 5 }), async (delays) => {
        const sessionId = `a${run++}`;
        await stores[0].write((tx) => tx.sessions.insert(session(sessionId)));
        const versions = await Promise.all(delays.map(async (delay, index) => {
          await new Promise((resolve) => setTimeout(resolve, delay));
          return amendOnce(stores[index % 2]!, sessionId, `telling ${index}`, `writer${index}`);
        }));
        expect([...versions].sort((a, b) => a - b)).toEqual(delays.map((_, index) => index + 2));
        await stores[1].read(async (tx) => {
          const earlier = await tx.sessions.versions(sessionId);
          const { session: current, state } = (await tx.sessions.get(sessionId))!;
          expect(earlier.map((version) => version.version)).toEqual(delays.map((_, index) => index + 1));
          expect(state.version).toBe(delays.length + 1);
          // Every telling is somewhere, once: the current one or a kept version.
          const tellings = [...earlier.slice(1).map((version) => version.conversation_summary), current.conversation_summary];
          expect(tellings.sort()).toEqual(delays.map((_, index) => `telling ${index}`).sort());
        });
      }), { numRuns: 10 });
    }, 120_000);
  });
}
