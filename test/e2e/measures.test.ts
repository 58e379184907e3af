import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { loadValidator } from '../fhir-validator.js';
import { Sandbox } from '../helpers.js';

let box: Sandbox;
beforeEach(() => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
  const logged = box.spawn(['log-session', '--client', 'c1', '--mood', '-1', '--summary', 'Low week', '--id', 's1', '--at', '2026-03-02T10:00']);
  expect(logged.code, logged.stderr).toBe(0);
});
afterEach(() => box.cleanup());

interface Scored {
  measure_id: string;
  client_id: string;
  measure: string;
  timestamp: string;
  session_id: string | null;
  items: number[] | null;
  total: number;
  band: string;
  at_caseness: boolean;
  item_scores: number[] | null;
  risk_item_answer: number | null;
}

describe('tpt measure add', () => {
  it('computes the total from the items, takes the session\'s time, and shows band and caseness', () => {
    const added = box.spawn(['measure', 'add', 'c1', '--measure', 'phq9', '--items', '2,2,1,2,1,1,1,1,0', '--session', 's1', '--id', 'm1']);
    expect(added.code, added.stderr).toBe(0);
    // 2+2+1+2+1+1+1+1+0 = 11: moderate (10-14), at caseness (≥ 10)
    expect(added.stdout).toBe('Recorded PHQ-9 m1 for c1: 11/27 moderate\n  at caseness (≥ 10)\n');
    const shown = box.spawn(['--json', 'measure', 'show', 'm1']);
    const measure = JSON.parse(shown.stdout) as Scored;
    expect(measure).toMatchObject({
      measure_id: 'm1', client_id: 'c1', measure: 'phq9', timestamp: '2026-03-02T09:00:00.000Z', session_id: 's1',
      items: [2, 2, 1, 2, 1, 1, 1, 1, 0], total: 11, band: 'moderate', at_caseness: true, risk_item_answer: 0,
    });
  });

  it('reverse-scores CORE-10 items 2 and 3 and lists the topics, not the wording', () => {
    // answers 1,4,0,1,1,0,2,1,1,0 → scores 1,0,4,1,1,0,2,1,1,0 = 11: mild, at caseness (≥ 11)
    const added = box.spawn(['--json', 'measure', 'add', 'c1', '--measure', 'CORE-10', '--items', '1,4,0,1,1,0,2,1,1,0', '--at', '2026-03-03']);
    expect(added.code, added.stderr).toBe(0);
    const { measure_id: id } = JSON.parse(added.stdout) as { measure_id: string };
    expect(id).toMatch(/^msr_[a-z2-9]{8}$/);
    const measure = JSON.parse(box.spawn(['--json', 'measure', 'show', id]).stdout) as Scored;
    expect(measure).toMatchObject({ measure: 'core10', total: 11, band: 'mild', at_caseness: true, item_scores: [1, 0, 4, 1, 1, 0, 2, 1, 1, 0] });
    const text = box.spawn(['measure', 'show', id]).stdout;
    expect(text).toContain('0 (reversed)');
    expect(text).toContain('© CORE System Trust');
  });

  it('records a total alone, marked as such, when the items are unknown', () => {
    const added = box.spawn(['measure', 'add', 'c1', '--measure', 'gad7', '--total', '9', '--at', '2026-02-01', '--id', 'g1']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('total only, items unknown');
    const measure = JSON.parse(box.spawn(['--json', 'measure', 'show', 'g1']).stdout) as Scored;
    expect(measure).toMatchObject({ items: null, total: 9, band: 'mild', at_caseness: true, item_scores: null, risk_item_answer: null });
  });

  const refusals: [string, string[], string][] = [
    ['too few answers', ['--measure', 'gad7', '--items', '1,2,3'], 'tpt: GAD-7 has 7 items, got 3 answers: give 7 answers 0-3, item 1 first (e.g. --items 1,1,1,1,1,1,1)\n'],
    ['an answer out of range', ['--measure', 'phq9', '--items', '0,0,0,4,0,0,0,0,0'], 'tpt: PHQ-9 item 4 is "4": each answer is a whole number 0-3; give 9 answers 0-3, item 1 first (e.g. --items 1,1,1,1,1,1,1,1,1)\n'],
    ['an unknown measure', ['--measure', 'bdi', '--items', '1'], 'tpt: unknown measure "bdi": use one of phq9, gad7, core10\n'],
    ['a total beside items that disagree', ['--measure', 'gad7', '--items', '1,1,1,1,1,1,1', '--total', '8'], 'tpt: total 8 does not match the items (7): give the items alone; the total is computed\n'],
    ['a total over the maximum', ['--measure', 'gad7', '--total', '22'], 'tpt: a GAD-7 total is 0-21 (got 22): check the total\n'],
    ['neither items nor total without a terminal', ['--measure', 'gad7'], 'tpt: missing --items: give the answers, item 1 first (or --total N when only the total is known; no terminal to ask on)\n'],
    ['a session of another client', ['--measure', 'gad7', '--total', '3', '--session', 's2'], 'tpt: session "s2" belongs to client "c2", not "c1": name one of this client\'s sessions\n'],
  ];
  for (const [what, args, message] of refusals) {
    it(`refuses ${what} with exit 2 and writes nothing`, async () => {
      // In-process, for speed: the same program with captured streams.
      expect((await box.run(['log-session', '--client', 'c2', '--mood', '0', '--summary', 'x', '--id', 's2'])).code).toBe(0);
      const result = await box.run(['measure', 'add', 'c1', ...args]);
      expect(result.stderr).toBe(message);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(await box.json(['measures', 'c1'])).toEqual([]);
    });
  }

  it('refuses a measure id that exists (exit 1)', () => {
    expect(box.spawn(['measure', 'add', 'c1', '--measure', 'gad7', '--total', '3', '--id', 'x1']).code).toBe(0);
    const again = box.spawn(['measure', 'add', 'c1', '--measure', 'gad7', '--total', '4', '--id', 'x1']);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('tpt: a measure with id "x1" already exists: choose another --id\n');
  });
});

describe('a risk item above 0', () => {
  it('opens a risk that shows in clients and at the top of the next report, whatever the total', () => {
    // PHQ-9 total 1 (minimal), but item 9 answered 1.
    const added = box.spawn(['measure', 'add', 'c1', '--measure', 'phq9', '--items', '0,0,0,0,0,0,0,0,1', '--at', '2026-03-03', '--id', 'r1']);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain('1/27 minimal');
    expect(added.stdout).toContain('⚠ item 9 (thoughts of being better off dead or of self-harm) answered 1');
    const clients = JSON.parse(box.spawn(['--json', 'clients']).stdout);
    expect(clients.find((c: { client_id: string }) => c.client_id === 'c1').open_risks).toEqual(['suicidal_ideation']);
    expect(box.spawn(['clients']).stdout).toContain('⚠ suicidal_ideation');
    const report = JSON.parse(box.spawn(['--json', 'report', 'c1', '--since', '2026-03-01', '--until', '2026-03-31']).stdout);
    expect(report.open_risks).toMatchObject([{ kind: 'suicidal_ideation', opened_at: '2026-03-02T23:00:00.000Z', measure_ids: ['r1'] }]);
    const table = box.spawn(['report', 'c1', '--since', '2026-03-01', '--until', '2026-03-31']).stdout;
    const firstLines = table.split('\n').slice(0, 6).join('\n');
    expect(firstLines).toContain('suicidal_ideation');
  });
});

describe('tpt measures', () => {
  it('lists a client\'s measures newest first, within a timeframe', () => {
    box.spawn(['measure', 'add', 'c1', '--measure', 'phq9', '--total', '15', '--at', '2026-01-10', '--id', 'a']);
    box.spawn(['measure', 'add', 'c1', '--measure', 'phq9', '--total', '8', '--at', '2026-03-10', '--id', 'b']);
    const all = JSON.parse(box.spawn(['--json', 'measures', 'c1']).stdout) as Scored[];
    expect(all.map((m) => [m.measure_id, m.total, m.band])).toEqual([['b', 8, 'mild'], ['a', 15, 'moderately severe']]);
    const march = JSON.parse(box.spawn(['--json', 'measures', 'c1', '--since', '2026-03-01']).stdout) as Scored[];
    expect(march.map((m) => m.measure_id)).toEqual(['b']);
    const table = box.spawn(['measures', 'c1']).stdout;
    expect(table).toContain('15/27 moderately severe');
    expect(table).toContain('2 measures');
    expect(box.spawn(['measures', 'nobody']).code).toBe(2);
  });
});

describe('measures in trends and report', () => {
  it('show first, previous and latest score with band, change and flags, in every format', async () => {
    // PHQ-9 16 → 12 → 9 (−7: reliable improvement, below caseness at the end); GAD-7 with the first
    // and last PHQ-9 on the same days: 10 → 5 (−5, reliable). At caseness at the start, below on both at the end.
    const adds: [string, string, string][] = [
      ['2026-01-05', 'phq9', '2,2,2,2,2,2,2,1,1'], ['2026-01-05', 'gad7', '2,2,2,1,1,1,1'],
      ['2026-02-02', 'phq9', '2,2,1,1,2,1,1,1,1'], ['2026-03-02', 'phq9', '1,1,1,1,1,1,1,1,1'],
      ['2026-03-02', 'gad7', '1,1,1,1,1,0,0'],
    ];
    for (const [at, measure, items] of adds) {
      expect((await box.run(['measure', 'add', 'c1', '--measure', measure, '--items', items, '--at', at])).code).toBe(0);
    }
    const span = ['--since', '2026-01-01', '--until', '2026-03-31'];
    const report = await box.json<{ measures: { measures: any[]; talking_therapies: any } }>(['report', 'c1', ...span]);
    const phq9 = report.measures.measures[0];
    expect(phq9).toMatchObject({
      measure: 'phq9', count: 3, change: -7, change_from_previous: -3, reliable_change: 'reliable_improvement',
      first: { total: 16, band: 'moderately severe', at_caseness: true }, previous: { total: 12, band: 'moderate' },
      latest: { total: 9, band: 'mild', at_caseness: false },
    });
    expect(phq9.flags).toEqual([
      'below caseness (< 10)', 'reliable improvement since the baseline (16 on 2026-01-05)', 'reliable improvement in this timeframe',
      'item 9 (thoughts of being better off dead or of self-harm) answered 1 on 2026-01-05, 1 on 2026-02-02, 1 on 2026-03-02',
    ]);
    expect(report.measures.measures[1]).toMatchObject({ measure: 'gad7', change: -5, reliable_change: 'reliable_improvement' });
    expect(report.measures.talking_therapies).toMatchObject({
      phq9_first: { total: 16 }, phq9_last: { total: 9 }, gad7_first: { total: 10 }, gad7_last: { total: 5 }, at_caseness_at_start: true, below_caseness_at_end: true,
      recovery: true, reliable_improvement: true, reliable_deterioration: false, reliable_recovery: true,
    });
    const table = (await box.run(['report', 'c1', ...span])).stdout;
    expect(table).toContain('Outcome measures');
    // Each score whole; the line breaks between them where the report is narrower than the three.
    expect(table).toMatch(/baseline = first 16 moderately severe \(2026-01-05\)\s+previous 12 moderate \(2026-02-02\)\s+latest 9 mild \(2026-03-02\)/);
    expect(table).toContain('┄ caseness (10)');
    expect(table).toContain('reliable recovery');
    const markdown = (await box.run(['report', 'c1', ...span, '--format', 'markdown'])).stdout;
    expect(markdown).toContain('## Outcome measures');
    expect(markdown).toContain('| PHQ-9 | 3 | 16 moderately severe (2026-01-05) | 16 moderately severe (2026-01-05) | 12 moderate (2026-02-02) | 9 mild (2026-03-02) | -7 | -7 |');
    const trends = await box.json<{ measures: { measures: any[] } }>(['trends', 'c1', ...span]);
    expect(trends.measures.measures.map((m) => [m.measure, m.latest.total])).toEqual([['phq9', 9], ['gad7', 5]]);
    expect((await box.run(['trends', 'c1', ...span])).stdout).toContain('Outcome measures');
  });
});

describe('measures in the trajectory rule', () => {
  it('never calls a timeframe improving when mood rises but the PHQ-9 reliably deteriorated', async () => {
    // Mood −1 (s1, 03-02), then 0, 1, 2 a week apart: improving. PHQ-9 9 → 15 (+6): reliably worse.
    for (const [id, mood, day] of [['s2', '0', '09'], ['s3', '1', '16'], ['s4', '2', '23']] as const) {
      expect((await box.run(['log-session', '--client', 'c1', '--mood', mood, '--summary', 'Week', '--id', id, '--at', `2026-03-${day}T10:00`])).code).toBe(0);
    }
    expect((await box.run(['measure', 'add', 'c1', '--measure', 'phq9', '--items', '2,2,2,1,1,1,0,0,0', '--session', 's1'])).code).toBe(0);
    expect((await box.run(['measure', 'add', 'c1', '--measure', 'phq9', '--items', '2,2,2,2,2,2,2,1,0', '--session', 's4'])).code).toBe(0);
    const span = ['--since', '2026-03-01', '--until', '2026-03-31'];
    const report = await box.json<{ overall_emotional_trend: { trend_direction: string }; overall_trajectory: string; trajectory_rule: number; concerns: string[] }>(['report', 'c1', ...span]);
    expect(report.overall_emotional_trend.trend_direction).toBe('improving');
    expect(report).toMatchObject({ overall_trajectory: 'declining', trajectory_rule: 1 });
    expect(report.concerns[0]).toBe('PHQ-9 reliably deteriorated (9 → 15)');
    const table = (await box.run(['report', 'c1', ...span])).stdout;
    expect(table).toContain('Overall trajectory: DECLINING');
    expect(table).toContain('PHQ-9 reliably deteriorated (9 → 15)');
    expect(table).not.toContain('IMPROVING');
  });
});

describe('measures in export and import', () => {
  it('carry measures and their items through JSON losslessly, and list them in CSV', () => {
    box.spawn(['measure', 'add', 'c1', '--measure', 'phq9', '--items', '2,2,1,2,1,1,1,1,1', '--session', 's1', '--id', 'p1']);
    box.spawn(['measure', 'add', 'c1', '--measure', 'core10', '--items', '1,4,0,1,1,0,2,1,1,0', '--at', '2026-03-03', '--id', 'k1']);
    box.spawn(['measure', 'add', 'c1', '--measure', 'gad7', '--total', '9', '--at', '2026-02-01', '--id', 'g1']);
    const exported = box.spawn(['export', 'c1']);
    expect(exported.code, exported.stderr).toBe(0);
    const doc = JSON.parse(exported.stdout) as { clients: { measures: Record<string, unknown>[] }[] };
    expect(doc.clients[0]!.measures.map((m) => [m.measure_id, m.items, m.total])).toEqual([
      ['g1', null, 9], ['p1', [2, 2, 1, 2, 1, 1, 1, 1, 1], 12], ['k1', [1, 4, 0, 1, 1, 0, 2, 1, 1, 0], 11],
    ]);

    const csv = parse(box.spawn(['export', 'c1', '--format', 'csv', '--table', 'measures']).stdout) as string[][];
    expect(csv[0]).toEqual([
      'measure_id', 'client_id', 'measure', 'timestamp', 'session_id', 'items', 'total', 'band', 'created_at', 'version',
    ]);
    expect(csv.slice(1).map((row) => [row[0], row[5], row[6], row[7]])).toEqual([
      ['g1', '', '9', 'mild'], ['p1', '2; 2; 1; 2; 1; 1; 1; 1; 1', '12', 'moderate'], ['k1', '1; 4; 0; 1; 1; 0; 2; 1; 1; 0', '11', 'mild'],
    ]);

    const file = join(box.home, 'c1.json');
    writeFileSync(file, exported.stdout);
    const other = new Sandbox();
    try {
      expect(other.spawn(['init']).code).toBe(0);
      const imported = other.spawn(['import', file]);
      expect(imported.code, imported.stderr).toBe(0);
      expect(imported.stdout).toContain('measures   added 3, skipped 0, replaced 0');
      const again = other.spawn(['export', 'c1']).stdout;
      const withoutTime = (text: string) => text.replace(/"exported_at":"[^"]+"/, '');
      expect(withoutTime(again)).toBe(withoutTime(exported.stdout));
      // Importing the same file again finds every measure on record as it is.
      expect(other.spawn(['import', file]).stdout).toContain('measures   added 0, skipped 3, replaced 0');
    } finally {
      other.cleanup();
    }
  });

  it('refuses an imported measure whose total does not match its items, and writes nothing', () => {
    box.spawn(['measure', 'add', 'c1', '--measure', 'gad7', '--items', '1,1,1,1,1,1,1', '--id', 'g7']);
    const doc = JSON.parse(box.spawn(['export', 'c1']).stdout);
    doc.clients[0].measures[0].total = 8;
    doc.clients[0].measures[0].measure_id = 'g8';
    const file = join(box.home, 'bad.json');
    writeFileSync(file, JSON.stringify(doc));
    const result = box.spawn(['import', file]);
    expect(result.stderr).toBe(`tpt: measure "g8" of client "c1": total 8 does not match the items (7)\n`);
    expect(result.code).toBe(2);
    expect(JSON.parse(box.spawn(['--json', 'measures', 'c1']).stdout).map((m: Scored) => m.measure_id)).toEqual(['g7']);
  });
});

describe('tpt export --format fhir', () => {
  it('writes one Bundle of type collection with the client as a pseudonymous Patient', () => {
    box.spawn(['measure', 'add', 'c1', '--measure', 'phq9', '--items', '2,2,1,2,1,1,1,1,1', '--session', 's1', '--id', 'p1']);
    const out = join(box.home, 'c1.fhir.json');
    const result = box.spawn(['--json', 'export', 'c1', '--format', 'fhir', '--out', out]);
    expect(result.code, result.stderr).toBe(0);
    // Item 9 answered 1 opened a suicidal_ideation risk: its Condition and Flag close the Bundle.
    expect(JSON.parse(result.stdout)).toEqual({ out, format: 'fhir', clients: 1, resources: 8, encrypted: null });
    const bundle = JSON.parse(readFileSync(out, 'utf8'));
    expect(bundle.resourceType).toBe('Bundle');
    expect(bundle.type).toBe('collection');
    const types = bundle.entry.map((e: { resource: { resourceType: string } }) => e.resource.resourceType);
    expect(types).toEqual(['Patient', 'Encounter', 'Observation', 'DocumentReference', 'QuestionnaireResponse', 'Observation', 'Condition', 'Flag']);
    const patient = bundle.entry[0].resource;
    expect(Object.keys(patient).sort()).toEqual(['id', 'identifier', 'resourceType']);
    expect(patient.identifier).toEqual([{ system: 'urn:tpt:fhir:id:client', value: 'c1' }]);
    const total = bundle.entry[5].resource;
    expect(total.code.coding[0]).toMatchObject({ system: 'http://loinc.org', code: '44261-6' });
    expect(total.valueInteger).toBe(12);
    expect(total.encounter.reference).toBe(bundle.entry[1].fullUrl);
    const note = bundle.entry[3].resource;
    expect(note.type.coding[0]).toMatchObject({ system: 'http://loinc.org', code: '11506-3' });
    expect(Buffer.from(note.content[0].attachment.data, 'base64').toString('utf8')).toBe('Summary: Low week');
  });
});

describe('a FHIR export of the demo', () => {
  // `tpt demo` makes an SQLite file of its own whatever the engine: its sandbox is SQLite's.
  const demo = new Sandbox({ engine: 'sqlite' });
  let bundle: { entry: { fullUrl: string; resource: Record<string, unknown> & { resourceType: string } }[] } & Record<string, unknown>;
  beforeAll(() => {
    expect(demo.spawn(['demo']).code).toBe(0);
    const db = join(demo.home, 'data', 'tpt', 'demo.db');
    const on = ['--db', db, '--key-file', `${db}.key`];
    // One measure amended and one voided, so their statuses (amended, entered-in-error) are validated too.
    const [first, second] = (JSON.parse(demo.spawn([...on, '--json', 'measures', 'demo-avery']).stdout) as { measure_id: string }[])
      .map((measure) => measure.measure_id);
    expect(demo.spawn([...on, 'measure', 'amend', first!, '--total', '6', '--reason', 'only the total was kept']).code).toBe(0);
    expect(demo.spawn([...on, 'measure', 'void', second!, '--reason', 'entered twice']).code).toBe(0);
    const exported = demo.spawn([...on, 'export', '--all', '--format', 'fhir']);
    expect(exported.code, exported.stderr).toBe(0);
    bundle = JSON.parse(exported.stdout);
  });
  afterAll(() => demo.cleanup());

  it('passes @medplum/core\'s validator, every resource and the Bundle itself', async () => {
    const { validateResource } = await loadValidator();
    const failures: string[] = [];
    for (const { resource } of bundle.entry) {
      try {
        validateResource(resource as never);
      } catch (error) {
        failures.push(`${resource.resourceType}/${resource.id as string}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(() => validateResource(bundle as never)).not.toThrow();
    const statuses = new Set(bundle.entry.filter((e) => e.resource.resourceType === 'Observation').map((e) => e.resource.status));
    expect([...statuses].sort()).toEqual(['amended', 'entered-in-error', 'final']);
    const kinds = new Set(bundle.entry.map((e) => e.resource.resourceType));
    expect([...kinds].sort()).toEqual([
      'Condition', 'DocumentReference', 'Encounter', 'Flag', 'Goal', 'Observation', 'Patient',
      ...(kinds.has('QuestionnaireResponse') ? ['QuestionnaireResponse'] : []),
    ]);
  });

  it('uses only codes of the value set wherever FHIR binds a code element as required', async () => {
    const { requiredCodes } = await loadValidator();
    expect(requiredCodes('Observation').map(([element]) => element)).toContain('status');
    expect(requiredCodes('Goal').map(([element]) => element)).toContain('lifecycleStatus');
    const failures: string[] = [];
    for (const { resource } of [...bundle.entry, { resource: bundle as never }]) {
      for (const [element, allowed] of requiredCodes(resource.resourceType)) {
        const value = resource[element];
        if (typeof value === 'string' && !allowed.has(value)) failures.push(`${resource.resourceType}.${element} = ${value}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('gives every full URL once and resolves every reference inside the Bundle', () => {
    const urls = new Set(bundle.entry.map((e) => e.fullUrl));
    expect(urls.size).toBe(bundle.entry.length);
    const references = JSON.stringify(bundle).match(/"reference":"[^"]+"/g) ?? [];
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) expect(urls.has(reference.slice(13, -1)), reference).toBe(true);
  });
});

