import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Goal, GoalStatus, RiskRow, Session } from '../../src/domain/records.js';
import type { RecordStore, SessionRange } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * The port's contract for the listings of `tpt clients`, `tpt sessions` and the technique prompt,
 * over every engine: the same records give the same figures, in the same order.
 */

const MAR_02 = '2026-03-02T09:30:00.000Z';
const MAR_09 = '2026-03-09T09:30:00.000Z';
const MAR_16 = '2026-03-16T09:30:00.000Z';

function session(sessionId: string, clientId: string, timestamp: string, techniques: string[], flags: string[] = []): Session {
  return {
    session_id: sessionId, client_id: clientId, timestamp,
    conversation_summary: `Session ${sessionId}`, emotional_state: 'neutral', emotional_score: 0,
    therapeutic_goals: [], progress_notes: '', therapist_observations: '', next_session_focus: '',
    session_duration_minutes: 50, techniques_used: techniques, homework_assigned: '', crisis_flags: flags, metadata: {},
  };
}

function goal(goalId: string, status: GoalStatus, percentage: number): Goal {
  return {
    goal_id: goalId, client_id: 'a1', description: `Goal ${goalId}`, target_date: null, completion_percentage: percentage,
    status, milestones: [], notes: '', created_at: MAR_02, updated_at: MAR_02,
  };
}

function risk(kind: string, status: 'open' | 'resolved'): RiskRow {
  return {
    client_id: 'a1', kind, status, opened_at: MAR_02, last_flagged_at: MAR_09,
    resolved_at: status === 'resolved' ? MAR_16 : null, resolved_by: status === 'resolved' ? 'dr.k' : null,
    resolution_note: status === 'resolved' ? 'safety plan in place' : null,
  };
}

for (const engine of ENGINES) {
  describe(`listings through the port on ${engine.name}`, () => {
    let stores: [RecordStore, RecordStore];
    let dispose: () => Promise<void>;
    beforeAll(async () => {
      ({ stores, dispose } = await engine.open());
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('b2', MAR_02);
        await tx.clients.ensure('a1', '2026-03-01T08:00:00.000Z');
        await tx.clients.ensure('Z9', MAR_16);
        await tx.sessions.insert(session('s1', 'a1', MAR_02, ['CBT', 'breathing']));
        await tx.sessions.insert(session('s2', 'a1', MAR_09, ['breathing'], ['self_harm']));
        await tx.sessions.insert(session('s0', 'a1', MAR_09, ['breathing', 'ACT']));
        await tx.sessions.insert(session('s3', 'a1', MAR_16, ['CBT', 'Exposure'], ['suicidal_ideation']));
        await tx.sessions.setVoided('s3', { at: MAR_16, by: 'dr.k', reason: 'wrong client' });
        await tx.sessions.insert(session('t1', 'b2', MAR_02, []));
        await tx.goals.insert(goal('g1', 'active', 10));
        await tx.goals.insert(goal('g2', 'achieved', 100));
        await tx.goals.insert(goal('g3', 'discontinued', 0));
        await tx.risks.insert(risk('self_harm', 'open'));
        await tx.risks.insert(risk('harm_to_others', 'resolved'));
        await tx.risks.insert(risk('other', 'open'));
      });
    });
    afterAll(async () => dispose());

    it("gives every client's figures, by id in byte order, voided sessions and discontinued goals left out", async () => {
      expect(await stores[1].read((tx) => tx.clients.summaries())).toEqual([
        {
          client_id: 'Z9', created_at: MAR_16, sessions: 0, last_session: null, last_crisis: null,
          active_goals: 0, average_goal_progress: null, open_risks: [],
        },
        {
          // s3 (16 March, a crisis) is voided: the latest live session and crisis are s2's.
          client_id: 'a1', created_at: '2026-03-01T08:00:00.000Z', sessions: 3, last_session: MAR_09, last_crisis: MAR_09,
          active_goals: 1, average_goal_progress: 55, open_risks: ['other', 'self_harm'],
        },
        {
          client_id: 'b2', created_at: MAR_02, sessions: 1, last_session: MAR_02, last_crisis: null,
          active_goals: 0, average_goal_progress: null, open_risks: [],
        },
      ]);
    });

    it("lists a client's sessions newest first, ids descending at one time, inside a range and up to a limit", async () => {
      const ids = (options: SessionRange) =>
        stores[1].read(async (tx) => (await tx.sessions.ofClient('a1', options)).map((listed) => listed.session_id));
      expect(await ids({})).toEqual(['s2', 's0', 's1']);
      expect(await ids({ includeVoid: true })).toEqual(['s3', 's2', 's0', 's1']);
      // Both ends belong to the range.
      expect(await ids({ start: MAR_09, end: MAR_09 })).toEqual(['s2', 's0']);
      expect(await ids({ start: null, end: MAR_09, limit: 1 })).toEqual(['s2']);
      expect(await ids({ start: '2026-03-10T00:00:00.000Z' })).toEqual([]);
      expect(await ids({ start: '2026-03-10T00:00:00.000Z', includeVoid: true })).toEqual(['s3']);
      const [listed] = await stores[1].read((tx) => tx.sessions.ofClient('a1', { includeVoid: true, limit: 1 }));
      expect(listed).toMatchObject({ session_id: 's3', version: 1, signed_at: null, voided_at: MAR_16, techniques_used: ['CBT', 'Exposure'] });
    });

    it("counts a client's techniques over its live sessions: most used first, then by name in byte order", async () => {
      // breathing 3 times (s0, s1, s2); ACT and CBT once each ("A" before "C"); Exposure only in the voided s3.
      expect(await stores[1].read((tx) => tx.sessions.techniques('a1'))).toEqual(['breathing', 'ACT', 'CBT']);
      expect(await stores[1].read((tx) => tx.sessions.techniques('b2'))).toEqual([]);
      expect(await stores[1].read((tx) => tx.sessions.techniques('nobody'))).toEqual([]);
    });
  });
}
