import { spawnSync } from 'node:child_process';
import { rowCounts, type RowCounts } from '../core/import-fixture.js';
import type { Sandbox } from '../helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/**
 * Runs one statement on the PostgreSQL database at `url` and returns its rows (as JSON gives
 * them back): a child process, as in postgres-sync.ts, so that a synchronous test can look at a
 * sandbox's database directly, not through tpt, as the SQLite tests open the file.
 */
export function queryRowsSync<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): T[] {
  const script = `
    const pg = require('pg');
    const client = new pg.Client(process.argv[1]);
    client.connect().then(() => client.query(process.argv[2], JSON.parse(process.argv[3]))).then(
      (result) => { process.stdout.write(JSON.stringify(result.rows)); return client.end(); },
      (error) => { console.error(error.message); process.exitCode = 1; return client.end(); });`;
  const result = spawnSync(process.execPath, ['-e', script, url, sql, JSON.stringify(params)], {
    cwd: ROOT, encoding: 'utf8', timeout: 30_000,
  });
  if (result.status !== 0) throw new Error(`PostgreSQL refused "${sql}": ${result.stderr || result.error?.message}`);
  return JSON.parse(result.stdout) as T[];
}

/** What the sandbox's database holds, counted directly (not through tpt), on either engine. */
export function recordCounts(box: Sandbox): RowCounts {
  if (!box.postgres) return rowCounts(box);
  const [counts] = queryRowsSync<Record<keyof RowCounts, string>>(box.postgres.url, `
    SELECT (SELECT count(*) FROM clients) AS clients, (SELECT count(*) FROM sessions) AS sessions,
           (SELECT count(*) FROM goals) AS goals, (SELECT count(*) FROM goal_history) AS goal_history,
           (SELECT count(*) FROM milestones) AS milestones`);
  // count(*) is a bigint, which pg gives as text.
  return Object.fromEntries(Object.entries(counts!).map(([name, n]) => [name, Number(n)])) as unknown as RowCounts;
}
