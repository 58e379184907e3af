import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findHits, parseSearchText, type SearchOptions } from '../../src/core/search.js';
import type { Goal, Session } from '../../src/domain/records.js';
import type { RecordStore } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * `tpt search` over every engine: the same records give the same hits, in the same order, on
 * SQLite (its index narrows, core decides) and on PostgreSQL (a scan of the sealed texts,
 * opened in the process). Voided records are left out unless asked for; an amended session is
 * found by its current words only; the timeframe and the client narrow.
 */

const at = (day: number, hour = 10) => `2026-03-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`;

function session(sessionId: string, clientId: string, timestamp: string, summary: string, notes = ''): Session {
  return {
    session_id: sessionId, client_id: clientId, timestamp, conversation_summary: summary, emotional_state: 'neutral', emotional_score: 0,
    therapeutic_goals: [], progress_notes: notes, therapist_observations: '', next_session_focus: '', session_duration_minutes: 50,
    techniques_used: [], homework_assigned: 'Hidden homework insomnia', crisis_flags: [], metadata: {},
  };
}

function goal(goalId: string, clientId: string, createdAt: string, description: string, notes = ''): Goal {
  return {
    goal_id: goalId, client_id: clientId, description, target_date: null, completion_percentage: 0, status: 'active',
    milestones: [], notes, created_at: createdAt, updated_at: createdAt,
  };
}

const EVERYTHING: SearchOptions = { clientId: null, timeframe: { start: null, end: new Date('2026-12-31T00:00:00.000Z') }, includeVoid: false };

for (const engine of ENGINES) {
  describe(`search through the port on ${engine.name}`, () => {
    let stores: [RecordStore, RecordStore];
    let dispose: () => Promise<void>;
    const search = (text: string, options: Partial<SearchOptions> = {}) =>
      findHits(stores[1], parseSearchText(text), { ...EVERYTHING, ...options });

    beforeEach(async () => {
      ({ stores, dispose } = await engine.open());
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('c1', at(1));
        await tx.clients.ensure('c2', at(1));
        await tx.sessions.insert(session('s1', 'c1', at(2), 'Slept badly; the Café downstairs was loud.', 'Panic attack on the tram.'));
        await tx.sessions.insert(session('s2', 'c1', at(9), 'Insomnia again, sleep diary started.'));
        await tx.sessions.insert(session('s3', 'c2', at(5), 'Her insomnia came back after the move.', 'attack of panic, not a panic attack'));
        await tx.sessions.insert(session('s4', 'c2', at(7), 'Insomnia note entered for the wrong client.'));
        await tx.sessions.setVoided('s4', { at: at(8), by: 'dr', reason: 'wrong client' });
        await tx.sessions.insert(session('s5', 'c1', at(12), 'First telling: oldword only.'));
        expect(await tx.sessions.amend({ ...session('s5', 'c1', at(12), 'Second telling: newword only.') },
          { version: 2, amended_at: at(13), amended_by: 'dr', amend_reason: 'misheard', addendum: false })).toBe(true);
        await tx.goals.insert(goal('g1', 'c1', at(3), 'Sleep through the night', 'Insomnia since spring'));
        await tx.milestones.insert({ milestone_id: 'm1', goal_id: 'g1', client_id: 'c1', description: 'Slept six hours (insomnia easing)', achieved_date: '2026-03-10', significance: 'medium' }, at(10));
        await tx.milestones.insert({ milestone_id: 'm2', goal_id: 'g1', client_id: 'c1', description: 'Insomnia gone, entered twice', achieved_date: '2026-03-11', significance: 'low' }, at(11));
        await tx.milestones.setVoided('m2', { at: at(11), by: 'dr', reason: 'entered twice' });
      });
    });
    afterEach(async () => dispose());

    it('finds every live record holding the word, newest first, with where and a snippet', async () => {
      expect(await search('INSOMNIA')).toEqual([
        { client_id: 'c1', kind: 'milestone', id: 'm1', time: '2026-03-10', field: 'description', snippet: 'Slept six hours ([insomnia] easing)', voided: false },
        { client_id: 'c1', kind: 'session', id: 's2', time: at(9), field: 'conversation_summary', snippet: '[Insomnia] again, sleep diary started.', voided: false },
        { client_id: 'c2', kind: 'session', id: 's3', time: at(5), field: 'conversation_summary', snippet: 'Her [insomnia] came back after the move.', voided: false },
        { client_id: 'c1', kind: 'goal', id: 'g1', time: at(3), field: 'notes', snippet: '[Insomnia] since spring', voided: false },
      ]);
    });

    it('ignores accents and case, and needs every word', async () => {
      expect((await search('cafe slept')).map((hit) => hit.id)).toEqual(['s1']);
      expect((await search('cafe insomnia')).map((hit) => hit.id)).toEqual([]);
    });

    it('matches a quoted phrase only as a phrase', async () => {
      // s3 holds "attack" and "panic" and the phrase too; s1 the phrase in its notes.
      expect((await search('"panic attack"')).map((hit) => [hit.id, hit.field])).toEqual([['s3', 'progress_notes'], ['s1', 'progress_notes']]);
      expect((await search('"attack panic"')).map((hit) => hit.id)).toEqual([]);
      expect((await search('"tram panic"')).map((hit) => hit.id)).toEqual([]);
    });

    it('finds voided records only when asked, marked', async () => {
      expect((await search('insomnia', { includeVoid: true })).map((hit) => [hit.id, hit.voided])).toEqual([
        ['m2', true], ['m1', false], ['s2', false], ['s4', true], ['s3', false], ['g1', false],
      ]);
    });

    it('finds an amended session by its current words, never its earlier ones', async () => {
      expect((await search('newword')).map((hit) => hit.id)).toEqual(['s5']);
      expect(await search('oldword')).toEqual([]);
    });

    it('searches the summary, notes, observations, focus, goals and milestones only', async () => {
      // Every session's homework says "Hidden homework": homework is not searched.
      expect(await search('hidden')).toEqual([]);
    });

    it('narrows to one client and to a timeframe', async () => {
      expect((await search('insomnia', { clientId: 'c2' })).map((hit) => hit.id)).toEqual(['s3']);
      // 4 to 9 March, Berlin: s3 (the 5th) and s2 (the 9th, 11:00 local); the milestone of the 10th and the goal of the 3rd are out.
      const timeframe = { start: new Date('2026-03-03T23:00:00.000Z'), end: new Date('2026-03-09T22:59:59.999Z') };
      expect((await search('insomnia', { timeframe })).map((hit) => hit.id)).toEqual(['s2', 's3']);
    });

    it('refuses an unknown client', async () => {
      await expect(search('insomnia', { clientId: 'nobody' })).rejects.toThrow(/no client "nobody"/);
    });
  });
}
