import { spawnSync } from 'node:child_process';

/** A whole process to time: argv[0] is the program. */
export interface Job {
  argv: string[];
  /** The whole environment besides PATH: none of the caller's TPT_*, NODE_OPTIONS or TASKRC leaks in. */
  env?: Record<string, string>;
  /** Run before each timed run, untimed (for example to reset a file). */
  before?: () => void;
}

export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export class JobFailed extends Error {}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** Runs `job` once and returns its wall time in milliseconds; stdout is discarded, as a pipe would be. */
export function timeOnce(job: Job): number {
  job.before?.();
  const started = process.hrtime.bigint();
  const result = spawnSync(job.argv[0]!, job.argv.slice(1), {
    env: { PATH: process.env.PATH ?? '', ...job.env },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.error) throw new JobFailed(`${job.argv.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    const line = (result.stderr ?? '').trim().split('\n')[0] ?? '';
    throw new JobFailed(`${job.argv.slice(1).join(' ')} exited ${result.status}: ${line}`);
  }
  return elapsed;
}

/**
 * Times `subject` and `reference` alternately (reference, subject, reference, …) after `warmup`
 * untimed rounds, so both see the same noise from the rest of the machine; the ratio of the
 * medians is the figure that holds from one machine to another.
 */
export function timePair(subject: Job, reference: Job, runs: number, warmup: number): { subject: Stats; reference: Stats } {
  for (let i = 0; i < warmup; i++) {
    timeOnce(reference);
    timeOnce(subject);
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < runs; i++) {
    b.push(timeOnce(reference));
    a.push(timeOnce(subject));
  }
  return { subject: stats(a), reference: stats(b) };
}
