import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listAudit, verifyAudit } from '../../src/core/audit.js';
import { listClients } from '../../src/core/clients.js';
import { amendRiskResolution, listRisks, reopenRisk, resolveRisk } from '../../src/core/risks.js';
import { amendSession, restoreSession, showSessionDetail, signSession, voidSession } from '../../src/core/session-corrections.js';
import { listSessions, logSession, techniquesOfClient } from '../../src/core/sessions.js';
import { authenticate, createToken, listTokens, revoke } from '../../src/core/tokens.js';
import type { RecordStore } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * Core's sessions, risks, tokens and audit log on the port: the same use cases over every engine
 * give the same answers (hand-computed here), and the same refusals.
 */

const day = (n: number, hour = 10) => new Date(`2026-03-${String(n).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00.000Z`);
const who = (n: number, actor = 'dr.k') => ({ actor, now: day(n, 18) });
const ALL_TIME = { start: null, end: day(31) };

for (const engine of ENGINES) {
  describe(`sessions, risks and tokens in core on ${engine.name}`, () => {
    let records: RecordStore;
    let other: RecordStore;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      let stores: [RecordStore, RecordStore];
      ({ stores, dispose } = await engine.open());
      [records, other] = stores;
    });
    afterEach(async () => dispose());

    it('logs, signs, amends, voids and restores sessions, and lists them', async () => {
      const first = await logSession(records, {
        client_id: 'c1', session_id: 's1', timestamp: '2026-03-02T10:00:00Z', conversation_summary: 'Sleep diary',
        emotional_state: 'negative', techniques_used: ['CBT', 'breathing'], crisis_flags: ['SI'],
      }, who(2), true);
      expect(first).toMatchObject({ session_id: 's1', emotional_score: -1, crisis_flags: ['suicidal_ideation'] });
      await logSession(records, {
        client_id: 'c1', session_id: 's2', timestamp: '2026-03-09T10:00:00Z', conversation_summary: 'Tram', emotional_state: 1,
        techniques_used: ['breathing'],
      }, who(9));
      await expect(logSession(other, { client_id: 'c2', session_id: 's2', conversation_summary: 'x', emotional_state: 0 }, who(9)))
        .rejects.toThrow('a session with id "s2" already exists: choose another --id');

      const amended = await amendSession(other, 's1', { emotional_state: 'neutral' }, 'mood entered wrong', who(10));
      expect(amended).toMatchObject({ version: 2, amendments: 1, addendum: true, signed_by: 'dr.k', emotional_score: 0 });
      expect(amended.addenda).toEqual([{
        version: 2, amended_at: day(10, 18).toISOString(), amended_by: 'dr.k', amend_reason: 'mood entered wrong',
        changes: { emotional_state: 'neutral', emotional_score: 0 },
      }]);
      await expect(voidSession(records, 's1', 'wrong client', who(10))).rejects.toThrow(/is signed and cannot be voided/);
      expect(await voidSession(records, 's2', 'wrong client', who(11))).toMatchObject({ voided_at: day(11, 18).toISOString() });
      await expect(signSession(other, 's2', who(11))).rejects.toThrow(/is voided: restore it before signing/);
      expect((await listSessions(other, 'c1', ALL_TIME, who(12))).map((listed) => listed.session_id)).toEqual(['s1']);
      expect((await listSessions(other, 'c1', ALL_TIME, who(12), 1, true)).map((listed) => listed.session_id)).toEqual(['s2']);
      await restoreSession(records, 's2', who(12));
      expect(await techniquesOfClient(other, 'c1', who(12))).toEqual(['breathing', 'CBT']);
      await expect(listSessions(other, 'nobody', ALL_TIME, who(12))).rejects.toThrow('no client "nobody"');

      const shown = await showSessionDetail(records, 's1', true, who(13));
      expect(shown.history!.map((version) => [version.version, version.emotional_state])).toEqual([[1, 'negative'], [2, 'neutral']]);

      const [client] = await listClients(other, who(13));
      expect(client).toEqual({
        client_id: 'c1', created_at: day(2, 18).toISOString(), sessions: 2, last_session: day(9).toISOString(),
        last_crisis: day(2).toISOString(), active_goals: 0, average_goal_progress: null, open_risks: ['suicidal_ideation'],
      });
      expect((await listAudit(records, 'c1', { start: day(10, 0), end: day(12, 0) }, who(13))).map((entry) => entry.action))
        .toEqual(['session.amend', 'session.void']);
      expect(await verifyAudit(records)).toMatchObject({ intact: true, problem: null });
    });

    it('opens, resolves, corrects and reopens a risk, audited', async () => {
      await logSession(records, {
        client_id: 'c1', session_id: 's1', timestamp: '2026-03-02T10:00:00Z', conversation_summary: 'x', emotional_state: -2,
        crisis_flags: ['self-harm'],
      }, who(2));
      const resolved = await resolveRisk(other, 'c1', 'SH', 'safety plan', who(3));
      expect(resolved).toMatchObject({ kind: 'self_harm', status: 'resolved', resolution_note: 'safety plan', session_ids: ['s1'], flags: ['self_harm'] });
      await expect(resolveRisk(records, 'c1', 'self_harm', 'again', who(3))).rejects.toThrow(/was already resolved/);
      expect(await amendRiskResolution(records, 'c1', 'self_harm', 'safety plan agreed', 'typo', who(4)))
        .toMatchObject({ status: 'resolved', resolution_note: 'safety plan agreed' });
      const reopened = await reopenRisk(other, 'c1', 'self_harm', 'too early', who(5));
      expect(reopened.history.map((event) => [event.event, event.note])).toEqual([
        ['opened', ''], ['resolved', 'safety plan'], ['reopened', 'correction: typo'], ['resolved', 'safety plan agreed'], ['reopened', 'too early'],
      ]);
      expect((await listRisks(records, undefined, true, who(6))).map((risk) => [risk.client_id, risk.kind])).toEqual([['c1', 'self_harm']]);
      // The register of every client (risk.list) names no client: it is not among c1's entries.
      expect((await listAudit(other, 'c1', ALL_TIME, who(6))).map((entry) => entry.action)).toEqual([
        'session.create', 'risk.open', 'risk.resolve', 'risk.amend', 'risk.reopen', 'audit.list',
      ]);
    });

    it('makes, checks, lists and revokes tokens', async () => {
      const made = await createToken(records, 'desk', who(2), 'write');
      expect(await authenticate(other, made.token)).toEqual({ token_id: made.token_id, name: 'desk', scope: 'write' });
      expect(await authenticate(other, 'tpt_not-a-token')).toBeUndefined();
      expect(await listTokens(other)).toEqual([{ token_id: made.token_id, name: 'desk', created_at: day(2, 18).toISOString(), revoked_at: null, scope: 'write' }]);
      await revoke(other, made.token_id, who(3));
      await expect(revoke(records, made.token_id, who(3))).rejects.toThrow(`no active token "${made.token_id}"`);
      expect(await authenticate(records, made.token)).toBeUndefined();
      expect(await verifyAudit(other)).toMatchObject({ intact: true, entries: 2 });
    });
  });
}
