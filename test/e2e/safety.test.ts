import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadValidator } from '../fhir-validator.js';
import { Sandbox } from '../helpers.js';

// Issue 21, "Clinical safety, second pass": each of its ten findings on its own client, named after
// it. Records are written in-process with a fixed clock where the time they were recorded matters;
// every report, export and listing is read from the built bin/tpt.js. TZ=Europe/Berlin unless said.

let box: Sandbox;
const DAY = 86_400_000;
/** Today at 10:00 UTC, so that "N days ago" stays inside `--last 30d` whatever the hour the test runs. */
const TODAY = new Date(new Date().toISOString().slice(0, 10) + 'T10:00:00Z');
const ago = (days: number, hours = 0) => new Date(TODAY.getTime() - days * DAY + hours * 3_600_000).toISOString();

async function ok(args: string[], now: string | Date = new Date()): Promise<string> {
  const result = await box.run(args, { now: new Date(now) });
  if (result.code !== 0) throw new Error(`tpt ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

function spawnJson(args: string[], env: Record<string, string> = {}): any {
  const result = box.spawn(['--json', ...args], env);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

const session = (client: string, at: string, mood: number, ...extra: string[]) =>
  ok(['log-session', '--client', client, '--summary', `session at ${at}`, '--mood', String(mood), '--at', at, ...extra], at);

/** A PHQ-9 whose answers add up to `total` (item 9 answered 0 unless given). */
function phq9Items(total: number, item9 = 0): string {
  const items = Array.from({ length: 9 }, () => 0);
  items[8] = item9;
  let rest = total - item9;
  for (let i = 0; i < 8 && rest > 0; i++) rest -= (items[i] = Math.min(3, rest));
  return items.join(',');
}
function gad7Items(total: number): string {
  const items = Array.from({ length: 7 }, () => 0);
  let rest = total;
  for (let i = 0; i < 7 && rest > 0; i++) rest -= (items[i] = Math.min(3, rest));
  return items.join(',');
}

beforeAll(() => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
});
afterAll(() => box.cleanup());

describe('issue 21: clinical safety, second pass', () => {
  it('1. two measures at the same instant have one order, and a repeat within minutes claims no change', async () => {
    // Three sessions at 0, a week apart: mood stable. Two PHQ-9s at the second session, 20 recorded
    // first, then 5; their ids sort the other way, so an order by id would read 5 → 20.
    for (const days of [21, 14, 7]) await session('f1', ago(days), 0);
    const [middle] = spawnJson(['sessions', 'f1']).map((s: { session_id: string }) => s.session_id).slice(1, 2);
    await ok(['measure', 'add', 'f1', '--measure', 'phq9', '--items', phq9Items(20), '--session', middle, '--id', 'z-first'], ago(14, 1));
    await ok(['measure', 'add', 'f1', '--measure', 'phq9', '--items', phq9Items(5), '--session', middle, '--id', 'a-second'], ago(14, 2));
    // One hour apart: a repeat, not a change either.
    await ok(['measure', 'add', 'f1', '--measure', 'gad7', '--items', gad7Items(15), '--at', ago(7)], ago(7));
    await ok(['measure', 'add', 'f1', '--measure', 'gad7', '--items', gad7Items(3), '--at', ago(7, 1)], ago(7, 1));
    const runs = Array.from({ length: 3 }, () => spawnJson(['report', 'f1', '--last', '30d']));
    for (const report of runs) {
      const [phq9, gad7] = report.measures.measures;
      expect(phq9).toMatchObject({ first: { measure_id: 'z-first', total: 20 }, latest: { measure_id: 'a-second', total: 5 } });
      expect(phq9.reliable_change).toBeNull();
      expect(phq9.flags).toContain('first and latest less than 14 days apart: no change claimed (the PHQ-9 asks about the last 2 weeks)');
      expect(gad7.reliable_change).toBeNull();
      expect(report).toMatchObject({ overall_trajectory: 'stable', trajectory_rule: 8 });
      expect(report.concerns.join(' ')).not.toMatch(/reliably/);
    }
  });

  it('2. a total that proves the risk item was endorsed opens the risk; one that proves nothing says the item is unknown', async () => {
    // PHQ-9 26: the other eight items add to at most 24, so item 9 is at least 2.
    const shown = await ok(['measure', 'add', 'f2', '--measure', 'phq9', '--total', '26', '--at', ago(3)], ago(3));
    expect(shown).toContain('⚠ item 9 (thoughts of being better off dead or of self-harm) at least 2, implied by the total 26');
    // CORE-10 37: the other nine items score at most 36, so item 6 is at least 1.
    await ok(['measure', 'add', 'f2', '--measure', 'core10', '--total', '37', '--at', ago(3)], ago(3));
    const risks = spawnJson(['risk', 'list', 'f2']);
    expect(risks.map((risk: { kind: string; status: string; flags: string[] }) => [risk.kind, risk.status, risk.flags]).sort()).toEqual([
      ['suicidal_ideation', 'open', ['PHQ-9 item 9 at least 2 (implied by the total 26)']],
      ['suicide_plan', 'open', ['CORE-10 item 6 at least 1 (implied by the total 37)']],
    ]);
    // A PHQ-9 total of 14 proves nothing about item 9: the headline and the measures section say it is unknown.
    await ok(['measure', 'add', 'f2b', '--measure', 'phq9', '--total', '14', '--at', ago(2)], ago(2));
    expect(spawnJson(['risk', 'list', 'f2b'])).toEqual([]);
    const report = spawnJson(['report', 'f2b', '--last', '30d']);
    const unknown = `item 9 (thoughts of being better off dead or of self-harm) unknown: total only on ${ago(2).slice(0, 10)}; ask about it`;
    expect(report.concerns).toContain(`PHQ-9 ${unknown}`);
    expect(report.headline).toContain(`PHQ-9 ${unknown}`);
    expect(report.measures.measures[0].flags).toContain(unknown);
  });

  it('3. an open risk from before the timeframe keeps a 30-day report from saying improving', async () => {
    await session('f3', ago(70), -2, '--crisis-flag', 'suicidal_ideation');
    // Mood rising through the last four weeks: −1, 0, 0, 1, 2 (improving on its own).
    for (const [days, mood] of [[28, -1], [21, 0], [14, 0], [7, 1], [1, 2]] as const) await session('f3', ago(days), mood);
    const report = spawnJson(['report', 'f3', '--last', '30d']);
    expect(report.overall_emotional_trend.trend_direction).toBe('improving');
    expect(report.open_risks.map((risk: { kind: string }) => risk.kind)).toEqual(['suicidal_ideation']);
    expect(report).toMatchObject({ overall_trajectory: 'mixed', trajectory_rule: 5 });
  });

  it('4. the timeframe does not cut off the baseline: 5 → 10 → 13 is a deterioration, 18 → 11 an improvement', async () => {
    for (const days of [25, 18, 11, 4]) await session('f4', ago(days), 0);
    for (const [days, total] of [[60, 5], [20, 10], [5, 13]] as const) {
      await ok(['measure', 'add', 'f4', '--measure', 'phq9', '--items', phq9Items(total), '--at', ago(days)], ago(days));
    }
    const report = spawnJson(['report', 'f4', '--last', '30d']);
    const [phq9] = report.measures.measures;
    expect(phq9).toMatchObject({
      baseline: { total: 5 }, first: { total: 10 }, latest: { total: 13 }, change: 3, reliable_change: 'no_reliable_change',
      change_from_baseline: 8, reliable_change_from_baseline: 'reliable_deterioration',
    });
    expect(report).toMatchObject({ overall_trajectory: 'declining', trajectory_rule: 1 });
    expect(report.concerns[0]).toBe(`PHQ-9 reliably deteriorated (5 → 13 since the baseline on ${ago(60).slice(0, 10)})`);

    // One PHQ-9 of 11 in the default 30 days, 18 sixty days before: improved, not "not improved in this timeframe".
    await ok(['measure', 'add', 'f4b', '--measure', 'phq9', '--items', phq9Items(18), '--at', ago(60)], ago(60));
    await ok(['measure', 'add', 'f4b', '--measure', 'phq9', '--items', phq9Items(11), '--at', ago(5)], ago(5));
    const single = spawnJson(['report', 'f4b']);
    expect(single.measures.measures[0]).toMatchObject({ count: 1, baseline: { total: 18 }, reliable_change_from_baseline: 'reliable_improvement' });
    expect(single.recommendations.join(' ')).not.toMatch(/not reliably improved/);
    // A first score ever, alone: no claim either way, but a date to repeat it.
    await ok(['measure', 'add', 'f4c', '--measure', 'phq9', '--items', phq9Items(11), '--at', ago(5)], ago(5));
    const first = spawnJson(['report', 'f4c']);
    expect(first.recommendations.join(' ')).not.toMatch(/not reliably improved/);
    expect(first.recommendations).toContain(
      `PHQ-9 is at caseness (latest 11, moderate, on ${ago(5).slice(0, 10)}) with no earlier score at least 14 days before it ` +
      'to judge a change: repeat it in 2 weeks and review the treatment plan then.',
    );
  });

  it('5. nine sessions at −1 and one at 0 (mean −0.9) are persistently low mood, not "no rule raised a concern"', async () => {
    await ok(['goal', 'create', '--client', 'f5', '--id', 'f5-walk', '--description', 'Walk daily', '--progress', '40'], '2026-05-01T10:00:00Z');
    const scores = [-1, -1, -1, -1, 0, -1, -1, -1, -1, -1];
    for (const [i, mood] of scores.entries()) await session('f5', new Date(Date.UTC(2026, 5, 1 + 7 * i, 10)).toISOString(), mood);
    const report = spawnJson(['report', 'f5', '--since', '2026-06-01', '--until', '2026-08-03']);
    expect(report.overall_emotional_trend).toMatchObject({ avg_emotional_score: -0.9, data_points: 10 });
    expect(report.concerns).toEqual(['persistently low mood (9 of 10 sessions at -1 or below, mean -0.9)']);
    expect(report.recommendations[0]).toMatch(/^Mood stayed low through this timeframe \(9 of 10 sessions at -1 or below, mean -0.9\)/);
    expect(report.recommendations.join(' ')).not.toContain('No rule raised a concern');
  });

  it('6. the NHS Talking Therapies outcome takes each measure\'s own first and last score, the same in every time zone', async () => {
    // Intake: PHQ-9 16 at 23:30 UTC, GAD-7 12 an hour later, on the next UTC day; six weeks on, 6 and 5.
    const at = (iso: string) => ['--at', iso];
    await ok(['measure', 'add', 'f6', '--measure', 'phq9', '--items', phq9Items(16), ...at('2026-03-02T23:30:00Z')], '2026-03-03T00:00:00Z');
    await ok(['measure', 'add', 'f6', '--measure', 'gad7', '--items', gad7Items(12), ...at('2026-03-03T00:30:00Z')], '2026-03-03T01:00:00Z');
    await ok(['measure', 'add', 'f6', '--measure', 'phq9', '--items', phq9Items(6), ...at('2026-04-14T12:00:00Z')], '2026-04-14T12:00:00Z');
    await ok(['measure', 'add', 'f6', '--measure', 'gad7', '--items', gad7Items(5), ...at('2026-04-15T13:00:00Z')], '2026-04-15T13:00:00Z');
    for (const TZ of ['UTC', 'America/New_York', 'Pacific/Auckland', 'Europe/Berlin']) {
      const report = spawnJson(['report', 'f6', '--since', '2026-02-01', '--until', '2026-05-01'], { TZ });
      expect(report.measures.talking_therapies, TZ).toMatchObject({
        phq9_first: { total: 16 }, gad7_first: { total: 12 }, phq9_last: { total: 6 }, gad7_last: { total: 5 },
        at_caseness_at_start: true, below_caseness_at_end: true, recovery: true, reliable_improvement: true, reliable_recovery: true,
      });
    }
  });

  it('7. resolved risks appear in every format of the report and survive export and import', async () => {
    await session('f7', '2026-09-01T10:00', -2, '--crisis-flag', 'self_harm', '--crisis-flag', 'suicidal_ideation');
    await ok(['risk', 'resolve', 'f7', 'self_harm', '--note', 'safety plan reviewed; no urges for 4 weeks'], '2026-09-29T09:00:00Z');
    await ok(['risk', 'resolve', 'f7', 'suicidal_ideation', '--note', 'no ideation since August'], '2026-09-29T09:05:00Z');
    // Reflagged after its resolution: self_harm reopens.
    await session('f7', '2026-10-06T10:00', -1, '--crisis-flag', 'self_harm');
    const range = ['--since', '2026-09-01', '--until', '2026-10-31'];
    const report = spawnJson(['report', 'f7', ...range]);
    expect(report.risk_history.map((e: { kind: string; event: string; actor: string; note: string }) => [e.kind, e.event, e.actor, e.note])).toEqual([
      ['self_harm', 'opened', 'tester', ''],
      ['suicidal_ideation', 'opened', 'tester', ''],
      ['self_harm', 'resolved', 'tester', 'safety plan reviewed; no urges for 4 weeks'],
      ['suicidal_ideation', 'resolved', 'tester', 'no ideation since August'],
      ['self_harm', 'reopened', 'tester', ''],
    ]);
    const table = box.spawn(['report', 'f7', ...range]).stdout;
    expect(table).toContain('Risks in this timeframe');
    expect(table).toContain('suicidal_ideation resolved by tester: no ideation since August');
    const markdown = box.spawn(['report', 'f7', ...range, '--format', 'markdown']).stdout;
    expect(markdown).toContain('## Risks in this timeframe');
    expect(markdown).toMatch(/\| suicidal_ideation \| resolved \| tester \| {2}\| no ideation since August \|/);

    // export → import into a new database → export: the same document but for its time.
    const out = join(box.home, 'f7.json');
    expect(box.spawn(['export', 'f7', '--out', out]).code).toBe(0);
    const other = new Sandbox();
    try {
      expect(other.spawn(['init']).code).toBe(0);
      const imported = other.spawn(['import', out]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toContain('risks      added 2, skipped 0, replaced 0');
      const mine = box.spawn(['export', 'f7']).stdout.split('\n').slice(1);
      const theirs = other.spawn(['export', 'f7']).stdout.split('\n').slice(1);
      expect(theirs).toEqual(mine);
      const risks = JSON.parse(other.spawn(['--json', 'risk', 'list', 'f7']).stdout);
      expect(risks.map((risk: { kind: string; status: string }) => [risk.kind, risk.status])).toEqual([['self_harm', 'open'], ['suicidal_ideation', 'resolved']]);
      expect(risks[1]).toMatchObject({ resolved_by: 'tester', resolution_note: 'no ideation since August' });
      // Importing the same file again changes nothing.
      expect(other.spawn(['import', out]).stdout).toContain('risks      added 0, skipped 2, replaced 0');
      // A risk resolved since is a conflict, as any record: refused whole, or replaced when asked.
      expect(other.spawn(['risk', 'resolve', 'f7', 'self_harm', '--note', 'resolved in the other practice']).code).toBe(0);
      const conflict = other.spawn(['import', out]);
      expect(conflict.code).toBe(1);
      expect(conflict.stderr).toMatch(/^conflict: risk self_harm \(client f7\) differs in state, history\ntpt: 1 record\(s\) in the file differ/);
      expect(other.spawn(['import', out, '--on-conflict', 'replace']).stdout).toContain('risks      added 0, skipped 1, replaced 1');
      expect(other.spawn(['export', 'f7']).stdout.split('\n').slice(1)).toEqual(mine);
    } finally {
      other.cleanup();
    }

    // An export of version 2 (no register) still imports: its flags open the risks, as before.
    const old = JSON.parse(box.spawn(['export', 'f7']).stdout);
    old.version = 2;
    delete old.clients[0].risks;
    const oldFile = join(box.home, 'f7-v2.json');
    writeFileSync(oldFile, JSON.stringify(old));
    const older = new Sandbox();
    try {
      expect(older.spawn(['init']).code).toBe(0);
      expect(older.spawn(['import', oldFile]).code).toBe(0);
      const risks = JSON.parse(older.spawn(['--json', 'risk', 'list', 'f7']).stdout);
      expect(risks.map((risk: { kind: string; status: string }) => [risk.kind, risk.status]).sort()).toEqual([['self_harm', 'open'], ['suicidal_ideation', 'open']]);
    } finally {
      older.cleanup();
    }
  }, 90_000); // some thirty spawned commands: slower on a loaded machine, PostgreSQL or not

  it('8. a session voided as logged for the wrong client carries none of its text into the FHIR Bundle', async () => {
    await session('f8', '2026-09-01T10:00', 0);
    const wrong = await ok(['--json', 'log-session', '--client', 'f8', '--at', '2026-09-08T10:00', '--mood', '-2',
      '--summary', 'OTHER-CLIENT disclosed abuse by her partner', '--notes', 'OTHER-CLIENT notes', '--crisis-flag', 'other: OTHER-CLIENT words'], '2026-09-08T10:00:00Z');
    const { session_id: wrongId } = JSON.parse(wrong);
    await ok(['session', 'void', wrongId, '--reason', 'logged for the wrong client'], '2026-09-08T11:00:00Z');
    const text = box.spawn(['export', 'f8', '--format', 'fhir']).stdout;
    const bundle = JSON.parse(text);
    const decoded = bundle.entry.map((e: { resource: { content?: { attachment: { data?: string } }[] } }) =>
      (e.resource.content ?? []).map((c) => Buffer.from(c.attachment.data ?? '', 'base64').toString('utf8')).join('')).join('\n');
    expect(text).not.toContain('OTHER-CLIENT');
    expect(decoded).not.toContain('OTHER-CLIENT');
    const ofWrong = bundle.entry.filter((e: { resource: { identifier?: unknown } }) => JSON.stringify(e.resource.identifier ?? '').includes(wrongId));
    expect(ofWrong.map((e: { resource: { resourceType: string; status: string } }) => [e.resource.resourceType, e.resource.status])).toEqual([
      ['Encounter', 'entered-in-error'], ['DocumentReference', 'entered-in-error'],
    ]);
    // The lossless JSON export keeps it, with its void.
    const json = box.spawn(['export', 'f8']).stdout;
    expect(json).toContain('OTHER-CLIENT disclosed abuse by her partner');
    expect(json).toContain('logged for the wrong client');
  });

  it('9. the FHIR Bundle carries each risk as a Condition and a Flag and answers on the LOINC forms, and passes the validator', async () => {
    await session('f9', '2026-09-01T10:00', -1, '--crisis-flag', 'self_harm');
    await ok(['risk', 'resolve', 'f9', 'self_harm', '--note', 'no self-harm for 6 weeks'], '2026-10-13T09:00:00Z');
    await session('f9', '2026-10-20T10:00', -1);
    const [s2] = spawnJson(['sessions', 'f9']).map((s: { session_id: string }) => s.session_id);
    // PHQ-9 with item 9 answered 2; GAD-7 with item 2 answered 2 ("More days than not" on its form); CORE-10.
    await ok(['measure', 'add', 'f9', '--measure', 'phq9', '--items', '2,2,1,1,0,1,0,0,2', '--session', s2, '--id', 'f9-phq'], '2026-10-20T10:30:00Z');
    await ok(['measure', 'add', 'f9', '--measure', 'gad7', '--items', '1,2,1,1,0,1,0', '--session', s2, '--id', 'f9-gad'], '2026-10-20T10:31:00Z');
    await ok(['measure', 'add', 'f9', '--measure', 'core10', '--items', '1,3,2,0,1,0,2,1,1,0', '--session', s2, '--id', 'f9-core'], '2026-10-20T10:32:00Z');
    await ok(['measure', 'add', 'f9', '--measure', 'core10', '--items', '1,3,2,0,1,0,2,1,x,0', '--at', '2026-10-27T10:00', '--id', 'f9-core-x'], '2026-10-27T10:00:00Z');
    const wrong = JSON.parse(await ok(['--json', 'log-session', '--client', 'f9', '--at', '2026-10-21T10:00', '--mood', '-2',
      '--summary', 'OTHER-CLIENT summary'], '2026-10-21T10:00:00Z')).session_id;
    await ok(['session', 'void', wrong, '--reason', 'logged for the wrong client'], '2026-10-21T11:00:00Z');
    const text = box.spawn(['export', 'f9', '--format', 'fhir']).stdout;
    expect(text).not.toContain('OTHER-CLIENT');
    const bundle = JSON.parse(text);
    const resources = bundle.entry.map((e: { resource: any }) => e.resource);

    const flags = resources.filter((r: any) => r.resourceType === 'Flag');
    expect(flags.map((f: any) => [f.code.coding[0].code, f.status, Boolean(f.period.end)]).sort()).toEqual([
      ['risk-self_harm', 'inactive', true], ['risk-suicidal_ideation', 'active', false],
    ]);
    const conditions = resources.filter((r: any) => r.resourceType === 'Condition');
    expect(conditions.map((c: any) => [c.code.coding[0].code, c.clinicalStatus.coding[0].code]).sort()).toEqual([
      ['risk-self_harm', 'resolved'], ['risk-suicidal_ideation', 'active'],
    ]);
    expect(conditions.find((c: any) => c.clinicalStatus.coding[0].code === 'resolved').note.at(-1).text)
      .toBe('Resolved by tester: no self-harm for 6 weeks');

    const phq = resources.find((r: any) => r.resourceType === 'QuestionnaireResponse' && r.identifier.value === 'f9-phq');
    expect(phq.questionnaire).toBe('http://loinc.org/q/44249-1');
    expect(phq.item.map((i: any) => i.linkId)).toEqual([
      '/44250-9', '/44255-8', '/44259-0', '/44254-1', '/44251-7', '/44258-2', '/44252-5', '/44253-3', '/44260-8', '/44261-6',
    ]);
    expect(phq.item[8].answer[0].valueCoding).toEqual({ system: 'http://loinc.org', code: 'LA6570-1', display: 'More than half the days' });
    expect(phq.item[9].answer[0].valueDecimal).toBe(9);
    const gad = resources.find((r: any) => r.resourceType === 'QuestionnaireResponse' && r.identifier.value === 'f9-gad');
    expect(gad.item[1]).toMatchObject({ linkId: '/68509-9', answer: [{ valueCoding: { code: 'LA18938-3', display: 'More days than not' } }] });

    const { validateResource, requiredCodes } = await loadValidator();
    const failures: string[] = [];
    for (const resource of resources) {
      try {
        validateResource(resource as never);
      } catch (error) {
        failures.push(`${resource.resourceType}: ${(error as Error).message}`);
      }
      for (const [element, allowed] of requiredCodes(resource.resourceType)) {
        const value = resource[element];
        if (typeof value === 'string' && !allowed.has(value)) failures.push(`${resource.resourceType}.${element} = ${value}`);
      }
    }
    expect(failures).toEqual([]);
    expect(() => validateResource(bundle as never)).not.toThrow();
    const urls = new Set(bundle.entry.map((e: { fullUrl: string }) => e.fullUrl));
    for (const reference of text.match(/"reference":"[^"]+"/g) ?? []) expect(urls.has(reference.slice(13, -1)), reference).toBe(true);
  });

  it('10. input that cannot shift: an empty item is refused, clinical abbreviations find their kind, "none" is not a flag', async () => {
    await session('f10', '2026-09-01T10:00', 0);
    const before = box.spawn(['--json', 'measures', 'f10']).stdout;
    const empty = box.spawn(['measure', 'add', 'f10', '--measure', 'phq9', '--items', '1,2,1,1,,0,1,0,0,3']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^tpt: PHQ-9 has 9 items, got 10 answers \(item 5 is empty\): /);
    const emptyNine = box.spawn(['measure', 'add', 'f10', '--measure', 'phq9', '--items', '1,2,1,,0,1,0,0,3']);
    expect(emptyNine.code).toBe(2);
    expect(emptyNine.stderr).toMatch(/^tpt: PHQ-9 item 4 is empty: give every answer, 0-3; /);
    expect(box.spawn(['--json', 'measures', 'f10']).stdout).toBe(before);

    for (const [flag, kind] of [['SH', 'self_harm'], ['OD', 'substance_crisis'], ['cutting', 'self_harm']] as const) {
      await session(`f10-${flag}`, '2026-09-02T10:00', -1, '--crisis-flag', flag);
      expect(spawnJson(['risk', 'list', `f10-${flag}`]).map((risk: { kind: string }) => risk.kind)).toEqual([kind]);
    }
    for (const word of ['none', 'N/A', 'nil']) {
      const refused = box.spawn(['log-session', '--client', 'f10-none', '--summary', 'x', '--mood', '0', '--crisis-flag', word]);
      expect(refused.code, word).toBe(2);
      expect(refused.stderr).toBe(`tpt: "${word}" is not a crisis flag: when there is no crisis, leave --crisis-flag out\n`);
    }
    expect(box.spawn(['sessions', 'f10-none']).code).toBe(2);

    // CORE-10 with one item unanswered (x): pro-rated as its authors prescribe. Scores 1, 4−3, 4−2,
    // 0, 1, 0, 2, 1, –, 0 add to 8 over nine items: 8 × 10 / 9 = 8.89, so 9.
    const prorated = await ok(['measure', 'add', 'f10', '--measure', 'core10', '--items', '1,3,2,0,1,0,2,1,x,0', '--at', '2026-09-03T10:00', '--id', 'f10-core'], '2026-09-03T10:00:00Z');
    expect(prorated).toContain('9/40 low level');
    expect(prorated).toContain('pro-rated: item 9 not answered');
    expect(spawnJson(['measure', 'show', 'f10-core'])).toMatchObject({ items: [1, 3, 2, 0, 1, 0, 2, 1, null, 0], total: 9, missing_items: [9] });
    const section = spawnJson(['report', 'f10', '--since', '2026-09-01', '--until', '2026-09-30']).measures.measures[0];
    expect(section.flags).toContain('pro-rated: 9 on 2026-09-03 (item 9 not answered)');
    // Item 6, the risk item, left unanswered: pro-rated too, and the risk item is unknown: ask it.
    const noRiskItem = await ok(['measure', 'add', 'f10', '--measure', 'core10', '--items', '1,3,2,0,1,x,2,1,1,0', '--at', '2026-09-10T10:00'], '2026-09-10T10:00:00Z');
    expect(noRiskItem).toContain("⚠ item 6 (plans to end one's life) unknown (not answered): ask about it");
    const twoMissing = box.spawn(['measure', 'add', 'f10', '--measure', 'core10', '--items', '1,3,x,0,1,0,2,1,x,0']);
    expect(twoMissing.code).toBe(2);
    expect(twoMissing.stderr).toMatch(/^tpt: CORE-10 items 3, 9 are not answered: its total is pro-rated over at most 1 missing item/);
    const phqMissing = box.spawn(['measure', 'add', 'f10', '--measure', 'phq9', '--items', '1,2,1,x,0,1,0,0,3']);
    expect(phqMissing.code).toBe(2);
    expect(phqMissing.stderr).toMatch(/^tpt: PHQ-9 item 4 is not answered: the PHQ-9 is scored only with every answer/);
    // Through export and import whole.
    const file = join(box.home, 'f10.json');
    expect(box.spawn(['export', 'f10', '--out', file]).code).toBe(0);
    const other = new Sandbox();
    try {
      expect(other.spawn(['init']).code).toBe(0);
      expect(other.spawn(['import', file]).code).toBe(0);
      expect(JSON.parse(other.spawn(['--json', 'measure', 'show', 'f10-core']).stdout)).toMatchObject({ total: 9, missing_items: [9] });
    } finally {
      other.cleanup();
    }
  }, 90_000); // many spawned commands: slower on a loaded machine, PostgreSQL or not
});
