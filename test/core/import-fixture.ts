import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { readKeyFile } from '../../src/db/key-file.js';
import type { Sandbox } from '../helpers.js';

/** Records with every field filled, unicode, newlines, quotes, commas and would-be formulas. */
export async function seedRichRecords(box: Sandbox): Promise<void> {
  const at = (iso: string) => ({ now: new Date(iso) });
  const ok = async (args: string[], when: { now: Date }) => {
    const result = await box.run(args, when);
    expect(result.code, result.stderr).toBe(0);
  };
  await ok(['init'], at('2026-01-01T08:00:00Z'));
  await ok(['goal', 'create', '--client', 'c1', '--id', 'g1', '--description', 'Sleep 7 hours, "really" — ünïcödé',
    '--target', '2026-06-30', '--progress', '10', '--notes', 'line one\nline two, with a comma'], at('2026-01-02T09:00:00Z'));
  await ok(['goal', 'update', 'g1', '--progress', '62.5', '--note', 'better; "much"\nreally'], at('2026-02-01T09:00:00Z'));
  await ok(['goal', 'update', 'g1', '--status', 'paused', '--note', 'holiday'], at('2026-02-15T09:00:00Z'));
  await ok(['milestone', 'add', '--goal', 'g1', '--id', 'm1', '--description', '=HYPERLINK("http://evil.example","x")',
    '--date', '2026-02-01', '--significance', 'high'], at('2026-02-01T10:00:00Z'));
  await ok(['milestone', 'add', '--goal', 'g1', '--id', 'm0', '--description', 'First full night 🌙',
    '--date', '2026-01-20', '--significance', 'low'], at('2026-01-21T10:00:00Z'));
  await ok(['log-session', '--client', 'c1', '--id', 's1', '--at', '2026-01-05T09:30',
    '--summary', '=HYPERLINK("http://evil.example","click me")', '--mood', 'very_positive', '--goal', 'g1',
    '--notes', 'multi\nline, "quoted", comma', '--observations', 'He said "hi", then left; ünï 🧠',
    '--next-focus', '+review, -avoid', '--duration', '50', '--technique', 'CBT; part 2', '--technique', 'back\\slash',
    '--homework', '-5 push-ups', '--crisis-flag', 'suicidal_ideation', '--crisis-flag', '@risk',
    '--meta', 'modality=in_person', '--meta', 'room=a=b;c'], at('2026-01-05T10:00:00Z'));
  await ok(['log-session', '--client', 'c1', '--id', 's2', '--at', '2026-01-12', '--summary', 'Plain week',
    '--mood', '-2'], at('2026-01-12T10:00:00Z'));
  await ok(['log-session', '--client', 'c2', '--id', 's3', '--at', '2026-01-06T14:00', '--summary', 'Intake',
    '--mood', 'neutral', '--duration', '90'], at('2026-01-06T15:00:00Z'));
  await ok(['goal', 'create', '--client', 'c2', '--id', 'g2', '--description', 'Return to work'], at('2026-01-06T15:05:00Z'));
}

export interface RowCounts {
  clients: number;
  sessions: number;
  goals: number;
  goal_history: number;
  milestones: number;
}

/** What the database holds, counted directly (not through tpt). */
export function rowCounts(box: Sandbox): RowCounts {
  const db = openDatabase(box.dbPath, readKeyFile(box.keyPath));
  try {
    const count = (table: string) => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return {
      clients: count('clients'), sessions: count('sessions'), goals: count('goals'),
      goal_history: count('goal_history'), milestones: count('milestones'),
    };
  } finally {
    db.close();
  }
}

/** The audit entries of one action, as [client_id, object_id]. */
export function auditOf(box: Sandbox, action: string): [string | null, string | null][] {
  const db = openDatabase(box.dbPath, readKeyFile(box.keyPath));
  try {
    return (db.prepare('SELECT client_id, object_id FROM audit_log WHERE action = ? ORDER BY seq').all(action) as {
      client_id: string | null; object_id: string | null;
    }[]).map((row) => [row.client_id, row.object_id]);
  } finally {
    db.close();
  }
}

export function writeFile(box: Sandbox, name: string, text: string): string {
  const path = join(box.home, name);
  writeFileSync(path, text);
  return path;
}
