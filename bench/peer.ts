import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Prng } from './prng.js';

/**
 * Taskwarrior as the peer: a mature, fast, local command-line journal. It gets as many tasks per
 * project as tpt has sessions per client, in a throw-away TASKDATA and TASKRC, so the user's own
 * tasks are never touched.
 */

export function taskwarriorVersion(): string | null {
  const result = spawnSync('task', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

export interface TaskwarriorSandbox {
  env: Record<string, string>;
}

/** Project i holds the tasks that stand beside client i's sessions. */
export const projectName = (index: number) => `P${String(index + 1).padStart(2, '0')}`;

/** Imports `counts[i]` pending tasks into project i, deterministically, with one `task import`. */
export function taskwarriorSandbox(dir: string, counts: readonly number[], seed: number): TaskwarriorSandbox {
  const data = join(dir, 'taskdata');
  mkdirSync(data, { recursive: true });
  const rc = join(dir, 'taskrc');
  writeFileSync(rc, [
    `data.location=${data}`,
    'confirmation=off',
    'verbose=nothing',
    'color=off',
    'hooks=off',
    'news.version=99.0.0',
    '',
  ].join('\n'));
  const env = { HOME: dir, TASKRC: rc, TASKDATA: data };
  const prng = new Prng(seed);
  const hex = (digits: number) => Array.from({ length: digits }, () => prng.int(0, 15).toString(16)).join('');
  const tasks: object[] = [];
  const entry = Date.UTC(2025, 0, 1);
  counts.forEach((count, p) => {
    for (let k = 0; k < count; k++) {
      tasks.push({
        uuid: `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`,
        description: `Follow up with ${projectName(p)} on homework ${k + 1}`,
        project: projectName(p),
        status: 'pending',
        entry: new Date(entry + (tasks.length % 300) * 86_400_000).toISOString().replace(/[-:]|\.\d{3}/g, ''),
      });
    }
  });
  const file = join(dir, 'tasks.json');
  writeFileSync(file, JSON.stringify(tasks));
  const result = spawnSync('task', ['import', file], { env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`task import failed: ${(result.stderr || result.stdout).trim().split('\n')[0]}`);
  return { env };
}
