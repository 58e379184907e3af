import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestStream } from '../../src/core/ingest.js';
import { progressReport } from '../../src/core/report.js';
import { signSession, voidSession } from '../../src/core/session-corrections.js';
import { listSessions, logSession } from '../../src/core/sessions.js';
import { emotionalTrends } from '../../src/core/trends.js';
import type { RecordStore } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * Machine-written sessions (issue 25) over both engines: the port marks and finds them, and core's
 * session writes over HTTP (a machine's source) and ingest label them the same on each engine.
 */

const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T10:00:00.000Z`;
const who = (actor = 'dr.k') => ({ actor, now: new Date('2026-04-01T12:00:00Z') });
const MARCH = { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-03-31T23:59:59.999Z') };

for (const engine of ENGINES) {
  describe(`machine-written sessions on ${engine.name}`, () => {
    let records: RecordStore;
    let other: RecordStore;
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      let stores: [RecordStore, RecordStore];
      ({ stores, dispose } = await engine.open());
      [records, other] = stores;
    });
    afterEach(async () => dispose());

    it('marks a machine\'s sessions, and finds them by range, void and signature', async () => {
      await logSession(records, { client_id: 'c1', session_id: 'p1', timestamp: at(2), conversation_summary: 'a', emotional_state: -1 }, who());
      await logSession(records, { client_id: 'c1', session_id: 'm1', timestamp: at(9), conversation_summary: 'b', emotional_state: 2 }, who('api:bot'), false, 'machine');
      await logSession(records, { client_id: 'c1', session_id: 'm2', timestamp: at(23), conversation_summary: 'c', emotional_state: 2 }, who('api:bot'), false, 'machine');
      await logSession(records, { client_id: 'c2', session_id: 'm9', timestamp: at(23), conversation_summary: 'd', emotional_state: 0 }, who('api:bot'), false, 'machine');
      await expect(logSession(records, { client_id: 'c1', conversation_summary: 'e', emotional_state: 0 }, who('api:bot'), true, 'machine'))
        .rejects.toThrow('a machine-written session is stored as an unsigned draft');
      await signSession(other, 'm2', who());
      const entries = await other.read((tx) => tx.sessions.machineWritten('c1'));
      expect(entries).toEqual([
        { session_id: 'm1', timestamp: at(9), emotional_score: 2, signed_at: null },
        { session_id: 'm2', timestamp: at(23), emotional_score: 2, signed_at: '2026-04-01T12:00:00.000Z' },
      ]);
      expect(await other.read((tx) => tx.sessions.machineWritten('c1', { start: at(10), end: at(31) }))).toHaveLength(1);
      await voidSession(records, 'm1', 'test', who());
      expect((await other.read((tx) => tx.sessions.machineWritten('c1'))).map((entry) => entry.session_id)).toEqual(['m2']);
      expect((await other.read((tx) => tx.sessions.machineWritten('c1', { includeVoid: true }))).map((entry) => entry.session_id)).toEqual(['m1', 'm2']);
      const listed = await listSessions(other, 'c1', { start: null, end: new Date(at(31)) }, who(), undefined, true);
      expect(listed.map((session) => [session.session_id, session.source, session.mood_estimated]))
        .toEqual([['m2', 'machine', false], ['m1', 'machine', true], ['p1', 'person', false]]);
    });

    it('ingest marks lines of a machine, and over HTTP every line; a report and trends count them as by hand', async () => {
      const lines = [
        { type: 'session', id: 'p1', client_id: 'c1', timestamp: at(2), conversation_summary: 'a', emotional_state: 'negative' },
        { type: 'session', id: 'm1', source: 'machine', client_id: 'c1', timestamp: at(9), conversation_summary: 'b', emotional_state: 'very_positive' },
        // A crisis flag takes the one-by-one road: marked there as well.
        { type: 'session', id: 'm2', source: 'machine', client_id: 'c1', timestamp: at(23), conversation_summary: 'c', emotional_state: 'very_positive', crisis_flags: ['self_harm'] },
        { type: 'session', id: 'p2', source: 'person', client_id: 'c1', timestamp: at(16), conversation_summary: 'd', emotional_state: 'neutral' },
      ].map((line) => `${JSON.stringify(line)}\n`);
      await ingestStream(records, Readable.from(lines), { who: () => who() }, () => {});
      // Over HTTP (a service token): the line without "source" is a machine's; one saying "person" is refused.
      const results: { outcome: string; error?: string }[] = [];
      await ingestStream(records, Readable.from([
        `${JSON.stringify({ type: 'session', id: 'm3', client_id: 'c1', timestamp: at(30), conversation_summary: 'e', emotional_state: 'positive' })}\n`,
        `${JSON.stringify({ type: 'session', id: 'x1', source: 'person', client_id: 'c1', timestamp: at(30), conversation_summary: 'f', emotional_state: 'positive' })}\n`,
      ]), { who: () => who('api:bot'), byMachine: true }, (batch) => void results.push(...batch));
      expect(results.map((result) => result.outcome)).toEqual(['created', 'refused']);
      expect(results[1]!.error).toContain('entries sent with an API token are machine-written');
      await signSession(records, 'm3', who());
      expect((await other.read((tx) => tx.sessions.machineWritten('c1'))).map((entry) => entry.session_id)).toEqual(['m1', 'm2', 'm3']);

      // x = 0, 7, 14, 21, 28 days; y = −1, +2, 0, +2, +1 (m1, m2 estimated): see test/e2e/labels.test.ts.
      const all = (await progressReport(other, 'c1', MARCH, who())).report;
      expect(all.mood_ratings).toEqual({ rated_by: 'any', clinician_rated: 3, estimated: 2, left_out: 0 });
      expect(all.overall_emotional_trend).toMatchObject({ avg_emotional_score: 0.8, slope_per_30_days: 1.7143, data_points: 5 });
      const rated = (await progressReport(other, 'c1', MARCH, who(), 'clinician')).report;
      expect(rated.sessions_count).toBe(5);
      expect(rated.overall_emotional_trend).toMatchObject({ avg_emotional_score: 0, slope_per_30_days: 2.1429, volatility: 1, data_points: 3 });
      // The crisis of an estimated session stays a crisis: only its mood leaves the figures.
      expect(rated.crisis_events.map((event) => [event.session_id, event.mood_estimated])).toEqual([['m2', true]]);
      const trends = await emotionalTrends(other, 'c1', MARCH, 'month', who(), 'clinician');
      expect(trends.overall).toMatchObject({ avg_emotional_score: 0, slope_per_30_days: 2.1429, data_points: 3 });
      expect(trends.mood_ratings).toEqual({ rated_by: 'clinician', clinician_rated: 3, estimated: 2, left_out: 2 });
    });
  });
}
