import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatePractice, writeExportFile, type ClientBundle, type Scale } from '../../bench/generate.js';
import { stats } from '../../bench/timing.js';
import { Sandbox } from '../helpers.js';
import { ID_PATTERN } from '../../src/core/ids.js';
import { scoreOf } from '../../src/core/scale.js';

const TINY: Scale = { clients: 7, sessions: 300, goals: 20, milestones: 45, years: 2 };
const dir = mkdtempSync(join(tmpdir(), 'tpt-bench-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ExportDocument {
  format: string;
  version: number;
  clients: ({ client_id: string; created_at: string } & Omit<ClientBundle, 'client'>)[];
}

describe('the practice generator', () => {
  it('writes the same bytes for the same seed, and other bytes for another seed', () => {
    writeExportFile(join(dir, 'a.json'), TINY, 42);
    writeExportFile(join(dir, 'b.json'), TINY, 42);
    writeExportFile(join(dir, 'c.json'), TINY, 43);
    const a = readFileSync(join(dir, 'a.json'));
    expect(a.equals(readFileSync(join(dir, 'b.json')))).toBe(true);
    expect(a.equals(readFileSync(join(dir, 'c.json')))).toBe(false);
  });

  it('writes a tpt export document holding exactly the scale asked for', () => {
    const written = writeExportFile(join(dir, 'doc.json'), TINY, 7);
    const doc = JSON.parse(readFileSync(join(dir, 'doc.json'), 'utf8')) as ExportDocument;
    expect(doc.format).toBe('tpt-export');
    expect(doc.version).toBe(1);
    expect(doc.clients).toHaveLength(7);
    const count = (key: 'sessions' | 'goals' | 'milestones') => doc.clients.reduce((n, c) => n + c[key].length, 0);
    expect(count('sessions')).toBe(300);
    // 20 goals over 7 clients: goal g to client g mod 7, so clients 0..5 hold 3 and client 6 holds 2.
    expect(count('goals')).toBe(20);
    expect(doc.clients.map((c) => c.goals.length)).toEqual([3, 3, 3, 3, 3, 3, 2]);
    expect(count('milestones')).toBe(45);
    expect(written.goal_history).toBe(doc.clients.reduce((n, c) => n + c.goals.reduce((h, g) => h + g.history.length, 0), 0));
    expect(written.bytes).toBe(readFileSync(join(dir, 'doc.json')).length);
  });

  it('keeps every reference within its client and every record valid', () => {
    const ids = new Set<string>();
    const unique = (id: string) => {
      expect(id).toMatch(ID_PATTERN);
      expect(ids.has(id)).toBe(false);
      ids.add(id);
    };
    generatePractice(TINY, 9, ({ client, sessions, goals, milestones }) => {
      unique(client.client_id);
      const goalIds = new Set(goals.map((g) => g.goal_id));
      for (const s of sessions) {
        unique(s.session_id);
        expect(s.client_id).toBe(client.client_id);
        expect(s.emotional_score).toBe(scoreOf(s.emotional_state));
        for (const g of s.therapeutic_goals) expect(goalIds.has(g)).toBe(true);
        expect(s.timestamp < '2026-01-01').toBe(true);
      }
      for (const g of goals) {
        unique(g.goal_id);
        expect(g.client_id).toBe(client.client_id);
        const last = g.history[g.history.length - 1]!;
        expect([last.completion_percentage, last.status, last.at]).toEqual([g.completion_percentage, g.status, g.updated_at]);
        expect(g.milestones.every((m) => milestones.some((x) => x.milestone_id === m && x.goal_id === g.goal_id))).toBe(true);
      }
      for (const m of milestones) {
        unique(m.milestone_id);
        expect(m.client_id).toBe(client.client_id);
        expect(goalIds.has(m.goal_id)).toBe(true);
      }
    });
  });

  it('gives the first client the most sessions, so the worst case per client is known', () => {
    const counts: number[] = [];
    const result = generatePractice(TINY, 5, ({ sessions }) => counts.push(sessions.length));
    expect(result.heaviest_sessions).toBe(Math.max(...counts));
    expect(counts[0]).toBe(result.heaviest_sessions);
  });
});

describe('the generated practice through tpt import', () => {
  it('imports whole through tpt import, the code path the benchmark measures', async () => {
    const box = new Sandbox();
    try {
      const file = join(dir, 'import.json');
      writeExportFile(file, TINY, 11);
      expect((await box.run(['init'])).code).toBe(0);
      const imported = await box.run(['--no-input', 'import', file]);
      expect(imported.stderr).toBe('');
      expect(imported.code).toBe(0);
      const clients = await box.json<{ client_id: string; sessions: number }[]>(['clients']);
      expect(clients).toHaveLength(7);
      expect(clients.reduce((n, c) => n + c.sessions, 0)).toBe(300);
      const goals = await box.json<unknown[]>(['goal', 'list', clients[0]!.client_id]);
      // Goals 0, 7 and 14 of 20 belong to the first client.
      expect(goals).toHaveLength(3);
    } finally {
      box.cleanup();
    }
  });
});

describe('the timing statistics', () => {
  it('takes the middle sample, or the mean of the two middle ones', () => {
    // sorted 1 2 5 9 40: median 5
    expect(stats([9, 1, 40, 5, 2])).toEqual({ median: 5, min: 1, max: 40, runs: 5 });
    // sorted 1 2 5 9: median (2 + 5) / 2 = 3.5
    expect(stats([9, 1, 5, 2]).median).toBe(3.5);
  });
});
