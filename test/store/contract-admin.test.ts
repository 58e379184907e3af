import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mergeClients, renameClient } from '../../src/core/client-ids.js';
import { ConflictError, NotFoundError } from '../../src/core/errors.js';
import type { Actor } from '../../src/core/model.js';
import { purgeClients } from '../../src/core/purge.js';
import { applyRetention, retentionPlan, setRetention } from '../../src/core/retention.js';
import type { Goal, RiskEvent, RiskRow, Session } from '../../src/domain/records.js';
import type { RecordStore } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * The upkeep of the record through the port, over every engine, by core's own use cases: a
 * rename, a merge (a read of the merged client sees both clients' records, the old id is free,
 * risks of one kind are folded into one), a purge (every table of the client, and of the
 * clients merged into it) and the retention policy. Both engines report the same counts.
 */

const T0 = '2026-03-02T09:30:00.000Z';
const T1 = '2026-03-05T09:30:00.000Z';
const WHO: Actor = { actor: 'dr b', now: new Date('2026-03-10T12:00:00.000Z') };

/** The client tables of the SQLite schema, in name order, none of the client's rows in them. */
const NONE = {
  caseload: 0, courses: 0, goal_edits: 0, goals: 0, ingested: 0, measure_schedules: 0, measure_versions: 0, measures: 0,
  milestone_edits: 0, milestones: 0, risk_events: 0, risks: 0, session_versions: 0, sessions: 0,
};

function session(sessionId: string, clientId: string, timestamp = T0): Session {
  return {
    session_id: sessionId, client_id: clientId, timestamp,
    conversation_summary: `summary of ${sessionId}`, emotional_state: 'neutral', emotional_score: 0,
    therapeutic_goals: [], progress_notes: 'notes', therapist_observations: 'observed', next_session_focus: 'next',
    session_duration_minutes: 50, techniques_used: [], homework_assigned: '', crisis_flags: [], metadata: {},
  };
}

function goal(goalId: string, clientId: string): Goal {
  return {
    goal_id: goalId, client_id: clientId, description: 'Ride the tram to work', target_date: '2026-06-30',
    completion_percentage: 10, status: 'active', milestones: [], notes: 'one stop at a time', created_at: T0, updated_at: T0,
  };
}

function risk(clientId: string, kind: string, status: RiskRow['status'] = 'open', flaggedAt = T0): RiskRow {
  return {
    client_id: clientId, kind, status, opened_at: T0, last_flagged_at: flaggedAt,
    resolved_at: status === 'resolved' ? T1 : null, resolved_by: status === 'resolved' ? 'dr b' : null,
    resolution_note: status === 'resolved' ? 'plan reviewed' : null,
  };
}

function event(kind: RiskEvent['event'], note: string, at = T0): RiskEvent {
  return {
    event: kind, at, source_type: kind === 'resolved' ? null : 'session', source_id: kind === 'resolved' ? null : 's-x',
    flag: kind === 'resolved' ? null : `flag: ${note}`, note, actor: 'dr b', recorded_at: at,
  };
}

for (const engine of ENGINES) {
  describe(`the upkeep of the record through the port on ${engine.name}`, () => {
    let stores: [RecordStore, RecordStore];
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ stores, dispose } = await engine.open());
    });
    afterEach(async () => dispose());

    /** c1: a session, a goal with one progress entry, a risk with one event. */
    async function writeClient(records: RecordStore, clientId: string, prefix: string, createdAt = T0): Promise<void> {
      await records.write(async (tx) => {
        await tx.clients.ensure(clientId, createdAt);
        await tx.sessions.insert(session(`${prefix}-s1`, clientId));
        await tx.goals.insert(goal(`${prefix}-g1`, clientId));
        await tx.goals.appendHistory(`${prefix}-g1`, { at: T0, completion_percentage: 10, status: 'active', note: 'started', actor: 'dr b' });
        await tx.risks.insert(risk(clientId, 'self_harm'));
        await tx.risks.appendEvent(clientId, 'self_harm', event('opened', `${prefix} opened`));
      });
    }

    it('renames a client: every record follows, the old id is free, an id in use is refused', async () => {
      await writeClient(stores[0], 'c1', 'c1');
      await writeClient(stores[0], 'taken', 'tk');
      const moved = await renameClient(stores[0], 'c1', 'c2', WHO);
      expect(moved).toEqual({ from: 'c1', to: 'c2', moved: { ...NONE, goals: 1, risk_events: 1, risks: 1, sessions: 1 } });
      await stores[1].read(async (tx) => {
        expect(await tx.clients.ids()).toEqual(['c2', 'taken']);
        expect((await tx.sessions.ofClient('c2')).map((listed) => listed.session_id)).toEqual(['c1-s1']);
        expect((await tx.sessions.get('c1-s1'))!.session.client_id).toBe('c2');
        expect((await tx.goals.ofClient('c2')).map((found) => found.goal_id)).toEqual(['c1-g1']);
        expect(await tx.goals.history('c1-g1')).toHaveLength(1);
        expect(await tx.risks.events('c2', 'self_harm')).toEqual([event('opened', 'c1 opened')]);
        expect(await tx.sessions.ofClient('c1')).toEqual([]);
        expect((await tx.audit.entries(null)).at(-1)).toMatchObject({ action: 'client.rename', client_id: 'c2', object_id: 'c1' });
      });
      await expect(renameClient(stores[1], 'c2', 'taken', WHO)).rejects.toThrow(
        new ConflictError('client "taken" exists already: to put the records of both together, use `tpt client merge c2 --into taken`'));
      await expect(renameClient(stores[1], 'c1', 'c3', WHO)).rejects.toThrow(
        new NotFoundError('no client "c1": see `tpt clients` for the ids on record'));
      // The old id is free for a new client, which has none of the records.
      expect(await stores[1].write((tx) => tx.clients.ensure('c1', T1))).toBe(true);
      expect(await stores[1].read((tx) => tx.sessions.ofClient('c1'))).toEqual([]);
    });

    it('two renames of two clients to one id at once: one wins, the other is refused', async () => {
      await writeClient(stores[0], 'a1', 'a1');
      await writeClient(stores[0], 'b1', 'b1');
      const results = await Promise.allSettled([renameClient(stores[0], 'a1', 'same', WHO), renameClient(stores[1], 'b1', 'same', WHO)]);
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      const refused = results.find((result) => result.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(ConflictError);
      expect((await stores[0].read((tx) => tx.clients.ids())).sort()).toHaveLength(2);
    });

    it('merges a client into another: a read of it sees both, the id is free, risks of one kind fold', async () => {
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('a1', '2025-01-01T00:00:00.000Z');
        await tx.clients.ensure('b1', T0);
        await tx.sessions.insert(session('sA', 'a1', T1));
        await tx.sessions.insert(session('sB', 'b1', T0));
        // a1: self_harm open, violence open; b1: self_harm resolved at T1.
        await tx.risks.insert(risk('a1', 'self_harm'));
        await tx.risks.appendEvent('a1', 'self_harm', event('opened', 'a opened'));
        await tx.risks.insert(risk('a1', 'violence'));
        await tx.risks.appendEvent('a1', 'violence', event('opened', 'a violence'));
        await tx.risks.insert(risk('b1', 'self_harm', 'resolved'));
        await tx.risks.appendEvent('b1', 'self_harm', event('opened', 'b opened'));
        await tx.risks.appendEvent('b1', 'self_harm', event('resolved', 'b resolved', T1));
      });
      const merged = await mergeClients(stores[0], 'a1', 'b1', WHO);
      // Every risk of a1 and its events: two risks, two events.
      expect(merged).toEqual({ from: 'a1', to: 'b1', moved: { ...NONE, risk_events: 2, risks: 2, sessions: 1 } });
      await stores[1].read(async (tx) => {
        expect(await tx.clients.ids()).toEqual(['b1']);
        expect(await tx.clients.exists('a1')).toBe(false);
        expect((await tx.sessions.ofClient('b1')).map((listed) => listed.session_id)).toEqual(['sA', 'sB']);
        expect((await tx.sessions.get('sA'))!.session.client_id).toBe('b1');
        // Open because a1's was; b1's resolved history first, then a1's open episode.
        expect(await tx.risks.ofClient('b1')).toEqual([risk('b1', 'self_harm'), risk('b1', 'violence')]);
        expect((await tx.risks.events('b1', 'self_harm')).map((happened) => happened.note)).toEqual(['b opened', 'b resolved', 'a opened']);
        expect((await tx.risks.events('b1', 'violence')).map((happened) => happened.note)).toEqual(['a violence']);
        // The merged client dates from the earlier of the two; its last contact is a1's session.
        expect(await tx.admin.clientActivity()).toEqual([{
          client_id: 'b1', created_at: '2025-01-01T00:00:00.000Z', last_session: T1, last_goal_change: null,
          last_milestone_achieved: null, last_measure: null,
        }]);
        expect((await tx.audit.entries(null)).at(-1)).toMatchObject({ action: 'client.merge', client_id: 'b1', object_id: 'a1' });
      });
      // The id a1 is free again, for a client of its own.
      expect(await stores[1].write((tx) => tx.clients.ensure('a1', T1))).toBe(true);
      expect(await stores[1].read((tx) => tx.sessions.ofClient('a1'))).toEqual([]);
      // A risk flagged after the merge lands on the one folded risk.
      await stores[1].write(async (tx) => {
        const folded = await tx.risks.lock('b1', 'violence');
        expect(folded).toEqual(risk('b1', 'violence'));
        await tx.risks.appendEvent('b1', 'violence', event('flagged', 'later', T1));
      });
      expect(await stores[0].read((tx) => tx.risks.events('b1', 'violence'))).toHaveLength(2);
    });

    it('refuses a merge into itself or of a client that is not there, and changes nothing', async () => {
      await writeClient(stores[0], 'a1', 'a1');
      await expect(mergeClients(stores[0], 'a1', 'zz', WHO)).rejects.toThrow(new NotFoundError('no client "zz": see `tpt clients` for the ids on record'));
      await expect(mergeClients(stores[0], 'a1', 'a1', WHO)).rejects.toThrow('a client cannot be merged into itself');
      expect(await stores[1].read((tx) => tx.clients.ids())).toEqual(['a1']);
      expect(await stores[1].read((tx) => tx.risks.ofClient('a1'))).toHaveLength(1);
    });

    it('purges a client, and the clients merged into it: every table, the audit entry kept', async () => {
      await writeClient(stores[0], 'a1', 'a1');
      await writeClient(stores[0], 'b1', 'b1');
      await writeClient(stores[0], 'keep', 'kp');
      await mergeClients(stores[0], 'a1', 'b1', WHO);
      const result = await purgeClients(stores[0], ['b1'], 'client.purge', WHO);
      expect(result.purged).toEqual([{
        client_id: 'b1',
        deleted: { goal_history: 2, ...NONE, goals: 2, risk_events: 2, risks: 1, sessions: 2, clients: 1 },
      }]);
      await stores[1].read(async (tx) => {
        expect(await tx.clients.ids()).toEqual(['keep']);
        for (const id of ['a1-s1', 'b1-s1']) expect(await tx.sessions.get(id)).toBeUndefined();
        expect(await tx.goals.get('a1-g1')).toBeUndefined();
        expect(await tx.risks.ofClient('b1')).toEqual([]);
        expect((await tx.sessions.ofClient('keep')).map((listed) => listed.session_id)).toEqual(['kp-s1']);
        expect(await tx.goals.history('kp-g1')).toHaveLength(1);
        expect((await tx.audit.entries(null)).at(-1)).toMatchObject({ action: 'client.purge', client_id: 'b1', object_id: null });
        expect((await tx.audit.verify()).intact).toBe(true);
      });
      // The ids are free: a new b1 has nothing of the old one's.
      expect(await stores[1].write((tx) => tx.clients.ensure('b1', T1))).toBe(true);
      expect(await stores[1].read((tx) => tx.sessions.ofClient('b1'))).toEqual([]);
      await expect(purgeClients(stores[0], ['gone'], 'client.purge', WHO)).rejects.toThrow(
        'no client "gone": see `tpt clients` for the ids on record; nothing was deleted');
    });

    it('purges the clients past the retention policy, and keeps the others', async () => {
      await writeClient(stores[0], 'old', 'old', '2019-01-01T00:00:00.000Z');
      await stores[0].write((tx) => tx.sessions.insert({ ...session('old-s2', 'old'), timestamp: '2019-05-01T10:00:00.000Z' }));
      await writeClient(stores[0], 'recent', 'rc');
      await expect(retentionPlan(stores[0], WHO)).rejects.toThrow('no retention policy yet');
      expect(await setRetention(stores[0], '5', WHO)).toEqual({ retention_years: 5, cutoff: expect.stringMatching(/^2021-03-1/) });
      // old's goal and risk are of T0 too: only a client with no trace since the cutoff is due.
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('dormant', '2019-01-01T00:00:00.000Z');
        await tx.sessions.insert(session('dm-s1', 'dormant', '2019-05-01T10:00:00.000Z'));
      });
      const plan = await retentionPlan(stores[1], WHO);
      expect(plan.clients).toEqual([{ client_id: 'dormant', last_contact: '2019-05-01T10:00:00.000Z' }]);
      const result = await applyRetention(stores[1], plan, WHO);
      expect(result.purged.map((purged) => purged.client_id)).toEqual(['dormant']);
      expect(await stores[0].read((tx) => tx.clients.ids())).toEqual(['old', 'recent']);
      const actions = (await stores[0].read((tx) => tx.audit.entries(null))).map((entry) => entry.action);
      expect(actions.slice(-3)).toEqual(['retention.set', 'retention.review', 'retention.purge']);
    });

    it('leaves out of a retention purge a client with contact since the plan was read', async () => {
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('dormant', '2019-01-01T00:00:00.000Z');
        await tx.sessions.insert(session('dm-s1', 'dormant', '2019-05-01T10:00:00.000Z'));
      });
      await setRetention(stores[0], 5, WHO);
      const plan = await retentionPlan(stores[0], WHO);
      expect(plan.clients.map((client) => client.client_id)).toEqual(['dormant']);
      // A session in between: the purge's own write decides again, and keeps the client.
      await stores[1].write((tx) => tx.sessions.insert(session('dm-s2', 'dormant', T1)));
      expect((await applyRetention(stores[0], plan, WHO)).purged).toEqual([]);
      expect(await stores[1].read((tx) => tx.clients.ids())).toEqual(['dormant']);
    });
  });
}
