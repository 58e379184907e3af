// The library as a consumer gets it: `npm pack` of the built package, unpacked into a scratch
// project's node_modules (no registry: its dependencies are the ones this checkout installed,
// linked beside it), then used from ESM and CommonJS and type-checked by tsc against the published
// declarations. Nothing here reaches into src/: only what the tarball holds counts.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

let project: string;
let files: string[];
const sandbox = new Sandbox();

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), 'tpt-consumer-'));
  // The build is the tests' (test/e2e rebuilds a stale one); --ignore-scripts so packing does not build again.
  const packed = JSON.parse(execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
  files = packed[0]!.files.map((file) => file.path);
  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, 'tpt'), { recursive: true });
  execFileSync('tar', ['-xzf', join(project, packed[0]!.filename), '-C', join(modules, 'tpt'), '--strip-components=1']);
  // The dependencies as installed here, each linked by name (scoped ones by their scope).
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name === 'tpt' || name.startsWith('.')) continue;
    symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  }
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  sandbox.spawnOk(['init', '--no-input']);
  sandbox.spawnOk(['log-session', '--client', 'c42', '--mood', 'neutral', '--summary', 'First meeting', '--at', '2026-03-01T10:00:00Z']);
}, 120_000);

afterAll(() => {
  rmSync(project, { recursive: true, force: true });
  rmSync(sandbox.home, { recursive: true, force: true });
});

function node(file: string, source: string) {
  writeFileSync(join(project, file), source);
  const result = spawnSync(process.execPath, [file], { cwd: project, encoding: 'utf8', env: { ...sandbox.env, DB: sandbox.dbPath, KEY: sandbox.keyPath } });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('the packed package', () => {
  it('holds the library, its types and the command line, and no sources or tests', () => {
    expect(files).toContain('lib/index.js');
    expect(files).toContain('lib/index.cjs');
    expect(files).toContain('lib/types/api/index.d.ts');
    expect(files).toContain('bin/tpt.js');
    expect(files).toContain('schemas/report.schema.json');
    expect(files).toContain('bundle/prom-client.cjs');
    expect(files.filter((file) => /^(src|test|dist)\//.test(file))).toEqual([]);
  });

  it('works from ESM as the docs show: log, measure, goal, read, report, trends, export', () => {
    const out = node('use.mjs', `
      import { openJournal, InputError } from 'tpt';
      const journal = openJournal({ path: process.env.DB, keyFile: process.env.KEY, actor: 'scribe-bot' });
      const goal = journal.createGoal({ client_id: 'c42', description: 'Sleep 7 hours' });
      journal.logSession({ client_id: 'c42', conversation_summary: 'Sleep diary reviewed', emotional_state: 'positive',
        timestamp: '2026-03-08T10:00:00Z', therapeutic_goals: [goal.goal_id] });
      journal.recordMeasure({ client_id: 'c42', measure: 'phq9', items: [1,1,1,1,1,1,1,1,0], timestamp: '2026-03-08T10:00:00Z' });
      const updated = journal.updateGoal(goal.goal_id, { completion_percentage: 40, note: 'five nights of seven' });
      let refused;
      try { journal.logSession({ client_id: 'c42', conversation_summary: 'x', emotional_state: 'happy' }); }
      catch (error) { refused = error instanceof InputError && error.message; }
      const sessions = journal.sessions('c42');
      const report = await journal.report('c42', { since: '2026-01-01' });
      const trends = await journal.trends('c42', { since: '2026-01-01', by: 'week' });
      const exported = await journal.exportDocument({ clientId: 'c42' });
      journal.close();
      console.log(JSON.stringify({ sessions: sessions.length, progress: updated.completion_percentage, refused,
        reportSessions: report.sessions_count,
        trendsBy: trends.by, exportedSessions: exported.clients[0].sessions.length, format: exported.format }));
    `);
    expect(out).toMatchObject({ sessions: 2, progress: 40, reportSessions: 2, trendsBy: 'week', exportedSessions: 2, format: 'tpt-export' });
    expect(out.refused).toMatch(/unknown mood "happy"/);
  });

  it('works from CommonJS, and its writes are in the same audit log as the command line\'s', () => {
    const out = node('use.cjs', `
      const { openJournal } = require('tpt');
      const journal = openJournal({ path: process.env.DB, keyFile: process.env.KEY, actor: 'cjs-bot' });
      const session = journal.logSession({ client_id: 'c42', conversation_summary: 'From CommonJS', emotional_state: -1 });
      journal.close();
      console.log(JSON.stringify({ id: session.session_id, score: session.emotional_score }));
    `);
    expect(out.score).toBe(-1);
    const audit = sandbox.spawnOk(['audit', 'c42', '--json']);
    expect(audit).toContain('cjs-bot');
    expect(audit).toContain('scribe-bot');
  });

  it('runs the examples of docs/library.md as they are written', () => {
    const page = readFileSync(join(ROOT, 'docs', 'library.md'), 'utf8');
    const examples = [...page.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1]!).filter((code) => code.includes('openJournal({'));
    expect(examples.length).toBe(2);
    examples.forEach((code, index) => {
      writeFileSync(join(project, `example${index}.mjs`), code);
      const result = spawnSync(process.execPath, [`example${index}.mjs`], { cwd: project, encoding: 'utf8', env: { ...sandbox.env, DB: sandbox.dbPath, KEY: sandbox.keyPath } });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      if (index === 0) expect(result.stdout).toMatch(/^unknown mood "happy"/);
      if (index === 1) expect(result.stdout).toMatch(/^\d+ \w+ /);
    });
  });

  it('exposes only its entry point: deep imports are refused by the exports map', () => {
    writeFileSync(join(project, 'deep.mjs'), "await import('tpt/dist/db/store.js');");
    const result = spawnSync(process.execPath, ['deep.mjs'], { cwd: project, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/ERR_PACKAGE_PATH_NOT_EXPORTED/);
    // The schemas are published too, under their own names.
    writeFileSync(join(project, 'schema.mjs'), "import s from 'tpt/schemas/export.schema.json' with { type: 'json' }; console.log(JSON.stringify({ type: s.type }));");
    const schema = spawnSync(process.execPath, ['schema.mjs'], { cwd: project, encoding: 'utf8' });
    expect(schema.stdout.trim()).toBe('{"type":"object"}');
  });

  it('type-checks a consumer against the published declarations, and catches a wrong field', { timeout: 120_000 }, () => {
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] },
      files: ['typed.ts'],
    }));
    writeFileSync(join(project, 'typed.ts'), `
      import { openJournal, type ProgressReport, type Session } from 'tpt';
      const journal = openJournal({ path: 'x.db', keyFile: 'key', actor: 'bot' });
      const session: Session = journal.logSession({ client_id: 'c1', conversation_summary: 's', emotional_state: 'neutral' });
      const report: Promise<ProgressReport> = journal.report(session.client_id, { last: '3m' });
      const trajectory: Promise<'improving' | 'stable' | 'declining' | 'mixed' | 'insufficient_data'> = report.then((r) => r.overall_trajectory);
      export { trajectory };
    `);
    const ok = spawnSync(process.execPath, [TSC, '-p', '.'], { cwd: project, encoding: 'utf8' });
    expect(ok.stdout + ok.stderr).toBe('');
    writeFileSync(join(project, 'typed.ts'), `
      import { openJournal } from 'tpt';
      openJournal({ path: 'x.db', keyFile: 'key', actor: 'bot' }).logSession({ client: 'c1' });
    `);
    const wrong = spawnSync(process.execPath, [TSC, '-p', '.'], { cwd: project, encoding: 'utf8' });
    expect(wrong.stdout).toMatch(/client/);
  });
});
