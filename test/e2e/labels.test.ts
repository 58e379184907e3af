// Machine-written entries are labelled (issue 25): a report over a client with clinician-rated and
// machine-estimated moods shows both counts, and --rated-by clinician changes the numbers as the
// hand computation below says. Runs on either engine (the e2e and e2e-pg projects).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runsAt, Sandbox, servedSandbox } from '../helpers.js';
import { call } from '../server.js';
import { httpNotOnPostgres } from './on-postgres.js';

const NOW = new Date('2026-04-01T12:00:00Z');
let box: Sandbox;
const { run, ok, json } = runsAt(() => box, NOW);

/**
 * c1 over March 2026, five sessions at 10:00 UTC, x in days from 2 March:
 *   x=0  p1 −1 a person's (log-session)            clinician-rated
 *   x=7  m1 +2 a machine's (ingest, source machine) estimated
 *   x=14 p2  0 a person's                          clinician-rated
 *   x=21 m2 +2 a machine's                          estimated
 *   x=28 m3 +1 a machine's, signed by a clinician   clinician-rated (the signature confirms it)
 * Every mood: ȳ = 4/5 = 0.8; x̄ = 14, Sxx = 196+49+0+49+196 = 490,
 *   Sxy = (−14)(−1.8) + (−7)(1.2) + 0 + (7)(1.2) + (14)(0.2) = 28 → slope 28/490 per day = 1.7143 per 30 days;
 *   volatility √((5·10 − 4²)/(5·4)) = √1.7 = 1.3038.
 * Clinician-rated only (x = 0, 14, 28; y = −1, 0, 1): ȳ = 0; slope 1/14 per day = 2.1429 per 30 days;
 *   volatility √((3·2 − 0)/(3·2)) = 1.
 */
async function twoKindsOfMood(): Promise<void> {
  await ok(['log-session', '--client', 'c1', '--id', 'p1', '--mood', '-1', '--summary', 'Hard week', '--at', '2026-03-02T10:00:00Z']);
  await ok(['log-session', '--client', 'c1', '--id', 'p2', '--mood', '0', '--summary', 'Steadier', '--at', '2026-03-16T10:00:00Z']);
  const line = (id: string, day: string, mood: string) => JSON.stringify({
    type: 'session', id, source: 'machine', client_id: 'c1', timestamp: `2026-03-${day}T10:00:00.000Z`,
    conversation_summary: `Chat ${id}`, emotional_state: mood,
  });
  const file = join(box.home, 'machine.ndjson');
  writeFileSync(file, `${[line('m1', '09', 'very_positive'), line('m2', '23', 'very_positive'), line('m3', '30', 'positive')].join('\n')}\n`);
  const results = (await ok(['ingest', file])).trim().split('\n').map((text) => JSON.parse(text) as { outcome: string });
  expect(results.map((result) => result.outcome)).toEqual(['created', 'created', 'created']);
  await ok(['session', 'sign', 'm3']);
}

const MARCH = ['--since', '2026-03-01', '--until', '2026-03-31'];

describe('machine-written entries are labelled (issue 25)', () => {
  beforeEach(async () => {
    box = new Sandbox();
    await ok(['init']);
  });
  afterEach(() => box.cleanup());

  it('a report shows both counts, and --rated-by clinician changes the numbers as computed by hand', async () => {
    await twoKindsOfMood();
    const all = await json(['report', 'c1', ...MARCH]);
    expect(all.sessions_count).toBe(5);
    expect(all.mood_ratings).toEqual({ rated_by: 'any', clinician_rated: 3, estimated: 2, left_out: 0 });
    expect(all.overall_emotional_trend).toMatchObject({
      avg_emotional_score: 0.8, slope_per_30_days: 1.7143, volatility: 1.3038, data_points: 5, trend_direction: 'improving',
    });
    expect(Object.fromEntries(all.session_summaries.map((listed: { session_id: string; mood_estimated: boolean }) =>
      [listed.session_id, listed.mood_estimated]))).toEqual({ m3: false, m2: true, p2: false, m1: true, p1: false });
    expect(all.summary).toContain('2 of 5 mood values were estimated by a machine and not yet confirmed by a clinician');

    const rated = await json(['report', 'c1', ...MARCH, '--rated-by', 'clinician']);
    // The sessions stay (count, minutes, listing); only their estimated moods leave the figures.
    expect(rated.sessions_count).toBe(5);
    expect(rated.session_summaries).toHaveLength(5);
    expect(rated.mood_ratings).toEqual({ rated_by: 'clinician', clinician_rated: 3, estimated: 2, left_out: 2 });
    expect(rated.overall_emotional_trend).toMatchObject({
      avg_emotional_score: 0, slope_per_30_days: 2.1429, volatility: 1, data_points: 3, trend_direction: 'improving',
    });
    expect(rated.emotional_trends[0]).toMatchObject({ avg_emotional_score: 0, data_points: 3 });

    const trends = await json(['trends', 'c1', ...MARCH, '--by', 'month']);
    expect(trends.mood_ratings).toEqual({ rated_by: 'any', clinician_rated: 3, estimated: 2, left_out: 0 });
    expect(trends.overall).toMatchObject({ avg_emotional_score: 0.8, slope_per_30_days: 1.7143, data_points: 5 });
    const ratedTrends = await json(['trends', 'c1', ...MARCH, '--by', 'month', '--rated-by', 'clinician']);
    expect(ratedTrends.mood_ratings.left_out).toBe(2);
    expect(ratedTrends.overall).toMatchObject({ avg_emotional_score: 0, slope_per_30_days: 2.1429, volatility: 1, data_points: 3 });
    expect(ratedTrends.periods[0]).toMatchObject({ avg_emotional_score: 0, data_points: 3 });
  });

  it('every format of the report and the session list labels the estimated moods', async () => {
    await twoKindsOfMood();
    const text = await ok(['report', 'c1', ...MARCH]);
    expect(text).toContain('Moods: 3 clinician-rated, 2 estimated by a machine and not yet signed');
    expect(text.match(/\[mood estimated\]/g)).toHaveLength(2);
    const markdown = await ok(['report', 'c1', ...MARCH, '--format', 'markdown', '--rated-by', 'clinician']);
    expect(markdown).toContain('- **Moods:** 3 clinician-rated, 2 estimated by a machine and not yet signed (left out of the mood figures (--rated-by clinician))');
    expect(markdown.match(/\[mood estimated\]/g)).toHaveLength(2);
    const html = await ok(['report', 'c1', ...MARCH, '--format', 'html']);
    expect(html).toContain('Moods: 3 clinician-rated, 2 estimated by a machine');
    expect(html.match(/\[mood estimated\]/g)).toHaveLength(2);
    const trendsText = await ok(['trends', 'c1', ...MARCH, '--rated-by', 'clinician']);
    expect(trendsText).toContain('Moods: 3 clinician-rated, 2 estimated by a machine and not yet signed (left out');

    const listed = await json(['sessions', 'c1']);
    expect(listed.map((session: { session_id: string; source: string; mood_estimated: boolean }) =>
      [session.session_id, session.source, session.mood_estimated])).toEqual([
      ['m3', 'machine', false], ['m2', 'machine', true], ['p2', 'person', false], ['m1', 'machine', true], ['p1', 'person', false],
    ]);
    const table = await ok(['sessions', 'c1']);
    expect(table).toContain('5 sessions; 2 moods estimated by a machine, not yet signed');
    expect(table.match(/\[mood estimated\]/g)).toHaveLength(2);

    // Signing confirms: m1 signed, its mood now counts as clinician-rated.
    await ok(['session', 'sign', 'm1']);
    expect((await json(['report', 'c1', ...MARCH])).mood_ratings).toEqual({ rated_by: 'any', clinician_rated: 4, estimated: 1, left_out: 0 });
  });

  it('session show labels a machine-written session and its estimated mood, in text and JSON', async () => {
    await twoKindsOfMood();
    const shown = (id: string) => json(['session', 'show', id]);
    expect(await shown('m1')).toMatchObject({ session_id: 'm1', source: 'machine', mood_estimated: true, signed_at: null });
    expect(await shown('m3')).toMatchObject({ session_id: 'm3', source: 'machine', mood_estimated: false });
    expect(await shown('p1')).toMatchObject({ session_id: 'p1', source: 'person', mood_estimated: false });
    const text = await ok(['session', 'show', 'm1']);
    expect(text).toMatch(/^Mood {9}very_positive \(\+2\) \[mood estimated\]$/m);
    expect(text).toMatch(/^Written by {3}a machine \(mood estimated; `tpt session sign` confirms it\)$/m);
    expect(await ok(['session', 'show', 'm3'])).toMatch(/^Written by {3}a machine \(confirmed by signing\)$/m);
    const person = await ok(['session', 'show', 'p1']);
    expect(person).not.toContain('[mood estimated]');
    expect(person).not.toContain('Written by');
    // A voided machine entry is still a machine's; its history shows no label per version.
    await ok(['session', 'void', 'm2', '--reason', 'duplicate chat']);
    expect(await json(['session', 'show', 'm2', '--history'])).toMatchObject({ source: 'machine', mood_estimated: true });
  });

  it.skipIf(httpNotOnPostgres())('GET progress and trends with rated_by=clinician give the command\'s hand-computed figures', async () => {
    box.cleanup();
    const served = await servedSandbox('monitor', 'read');
    box = served.box;
    try {
      await twoKindsOfMood();
      const get = async (path: string) => {
        const answer = await call(served.server.port, 'GET', path, { token: served.token });
        expect(answer.status, JSON.stringify(answer.body)).toBe(200);
        return answer.body as Record<string, any>;
      };
      const march = 'since=2026-03-01&until=2026-03-31';
      const all = await get(`/api/v1/progress/c1?${march}`);
      expect(all.mood_ratings).toEqual({ rated_by: 'any', clinician_rated: 3, estimated: 2, left_out: 0 });
      expect(all.overall_emotional_trend).toMatchObject({ avg_emotional_score: 0.8, slope_per_30_days: 1.7143, volatility: 1.3038, data_points: 5 });
      const rated = await get(`/api/v1/progress/c1?${march}&rated_by=clinician`);
      expect(rated.sessions_count).toBe(5);
      expect(rated.mood_ratings).toEqual({ rated_by: 'clinician', clinician_rated: 3, estimated: 2, left_out: 2 });
      expect(rated.overall_emotional_trend).toMatchObject({
        avg_emotional_score: 0, slope_per_30_days: 2.1429, volatility: 1, data_points: 3, trend_direction: 'improving',
      });
      expect(rated.emotional_trends[0]).toMatchObject({ avg_emotional_score: 0, data_points: 3 });
      // The same document as the command's, figure for figure.
      expect(rated.overall_emotional_trend).toEqual((await json(['report', 'c1', ...MARCH, '--rated-by', 'clinician'])).overall_emotional_trend);
      expect((await get(`/api/v1/progress/c1?${march}&rated_by=any`)).mood_ratings.left_out).toBe(0);

      const trends = await get(`/api/v1/trends/c1?${march}&by=month&rated_by=clinician`);
      expect(trends.mood_ratings).toEqual({ rated_by: 'clinician', clinician_rated: 3, estimated: 2, left_out: 2 });
      expect(trends.overall).toMatchObject({ avg_emotional_score: 0, slope_per_30_days: 2.1429, volatility: 1, data_points: 3 });
      expect(trends.periods[0]).toMatchObject({ avg_emotional_score: 0, data_points: 3 });
      expect((await get(`/api/v1/trends/c1?${march}&by=month`)).overall).toMatchObject({ avg_emotional_score: 0.8, slope_per_30_days: 1.7143, data_points: 5 });

      for (const path of ['/api/v1/progress/c1?rated_by=robot', '/api/v1/trends/c1?rated_by=']) {
        const wrong = await call(served.server.port, 'GET', path, { token: served.token });
        expect(wrong.status).toBe(400);
        const message = (wrong.body as { error: { code: string; message: string } }).error;
        expect(message.code).toBe('invalid_input');
        expect(message.message).toMatch(/^invalid rated_by "(robot)?": use clinician \(leave out moods a machine estimated\) or any$/);
      }
    } finally {
      await served.server.stop();
    }
  });

  it('a user mistake in --rated-by or "source" is one line, exit 2, nothing changed', async () => {
    const wrong = await run(['report', 'c1', '--rated-by', 'robot']);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.trim().split('\n')).toHaveLength(1);
    expect(wrong.stderr).toContain('invalid --rated-by "robot"');
    const file = join(box.home, 'odd.ndjson');
    writeFileSync(file, `${JSON.stringify({ type: 'session', id: 'x1', source: 'robot', client_id: 'c1', conversation_summary: 'x', emotional_state: 'neutral' })}\n`);
    const result = await run(['ingest', file]);
    expect(JSON.parse(result.stdout.trim())).toMatchObject({ id: 'x1', outcome: 'refused', error: expect.stringContaining('invalid source "robot"') });
    expect((await run(['sessions', 'c1'])).code).not.toBe(0);
  });

  it('the FHIR export labels machine-written entries AI-asserted (HL7 AI Transparency, AIAST)', async () => {
    await twoKindsOfMood();
    const bundle = JSON.parse(await ok(['export', 'c1', '--format', 'fhir']));
    const label = { system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationValue', code: 'AIAST', display: 'Artificial Intelligence asserted' };
    type Resource = { resourceType: string; meta?: { security?: unknown[] }; identifier?: { value: string }[]; encounter?: { reference: string }; status?: string };
    const resources = (bundle.entry as { fullUrl: string; resource: Resource }[]);
    const encounters = resources.filter((entry) => entry.resource.resourceType === 'Encounter');
    const labelled = encounters.filter((entry) => entry.resource.meta?.security?.length).map((entry) => entry.resource.identifier![0]!.value).sort();
    expect(labelled).toEqual(['m1', 'm2', 'm3']);
    for (const entry of encounters) {
      if (labelled.includes(entry.resource.identifier![0]!.value)) expect(entry.resource.meta!.security).toEqual([label]);
    }
    const moods = resources.filter((entry) => entry.resource.resourceType === 'Observation' && entry.resource.encounter);
    const urlOf = (id: string) => encounters.find((entry) => entry.resource.identifier![0]!.value === id)!.fullUrl;
    const moodOf = (id: string) => moods.find((entry) => entry.resource.encounter!.reference === urlOf(id))!.resource;
    // An unsigned machine estimate is preliminary; the signed one and a person's are final.
    expect([moodOf('m1').status, moodOf('m3').status, moodOf('p1').status]).toEqual(['preliminary', 'final', 'final']);
    expect(moodOf('m1').meta!.security).toEqual([label]);
    expect(moodOf('p1').meta).toBeUndefined();
  });

  it('an export carries the label, and an import restores it', async () => {
    await twoKindsOfMood();
    const file = join(box.home, 'c1.json');
    await ok(['export', 'c1', '--out', file]);
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    const sessions = exported.clients[0].sessions as { session_id: string; source?: string }[];
    expect(Object.fromEntries(sessions.map((session) => [session.session_id, session.source ?? null])))
      .toEqual({ p1: null, m1: 'machine', p2: null, m2: 'machine', m3: 'machine' });
    const before = await json(['report', 'c1', ...MARCH, '--rated-by', 'clinician']);
    const second = box;
    box = new Sandbox();
    try {
      await ok(['init']);
      await ok(['import', file]);
      const after = await json(['report', 'c1', ...MARCH, '--rated-by', 'clinician']);
      expect(after.mood_ratings).toEqual(before.mood_ratings);
      expect(after.overall_emotional_trend).toEqual(before.overall_emotional_trend);
      expect((await json(['sessions', 'c1'])).map((session: { source: string }) => session.source))
        .toEqual(['machine', 'machine', 'person', 'machine', 'person']);
    } finally {
      box.cleanup();
      box = second;
    }
  });

  it.skipIf(httpNotOnPostgres())('a session written with an API token is a machine\'s: an unsigned draft with an estimated mood', async () => {
    box.cleanup();
    const served = await servedSandbox('bot', 'write');
    box = served.box;
    try {
      const posted = await call(served.server.port, 'POST', '/api/v1/sessions', {
        token: served.token, body: { client_id: 'c1', session_id: 'h1', conversation_summary: 'From the chat', emotional_state: 'positive' },
      });
      expect(posted.status).toBe(201);
      const listed = JSON.parse(box.spawnOk(['--json', 'sessions', 'c1']));
      expect(listed).toMatchObject([{ session_id: 'h1', source: 'machine', mood_estimated: true, signed_at: null }]);
      // The token cannot confirm its own estimate: a clinician signs at the command line.
      box.spawnOk(['session', 'sign', 'h1']);
      expect(JSON.parse(box.spawnOk(['--json', 'sessions', 'c1']))).toMatchObject([{ session_id: 'h1', source: 'machine', mood_estimated: false }]);
    } finally {
      await served.server.stop();
    }
  });
});
