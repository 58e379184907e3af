import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// The README's commands work as written, in order, for a new user in a clean home (issue 26): the
// demo, the tour on it, then a first journal of their own. `npx tpt` is this checkout's
// bin/tpt.js (npx finds it there); the one placeholder, <goal-id>, is the goal the README just made.

const BIN = new URL('../../bin/tpt.js', import.meta.url).pathname;
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const home = mkdtempSync(join(tmpdir(), 'tpt-readme-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

/**
 * The shell lines of the README's fenced blocks that run tpt or set its variables; `npm install &&`
 * before the demo is done already (the tests run in an installed checkout).
 */
function readmeLines(): string[] {
  const lines: string[] = [];
  let fenced = false;
  for (const line of readme.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    else if (fenced && /^(npm install && )?(npx tpt |export TPT_|unset TPT_)/.test(line)) lines.push(line.replace(/^npm install && /, ''));
  }
  return lines;
}

describe('the README, followed as written', () => {
  const lines = readmeLines();

  it('has a demo, a ten-line tour and a first journal', () => {
    expect(lines[0]).toMatch(/^npx tpt demo /);
    expect(lines.some((line) => line.startsWith('npx tpt init'))).toBe(true);
    expect(lines.length).toBeGreaterThanOrEqual(12);
  });

  it('runs without an error, line by line', () => {
    const goalId = `$(node ${BIN} --json goal list c42 | node -e 'process.stdin.on("data", (d) => process.stdout.write(JSON.parse(d)[0].goal_id))')`;
    // Each line echoes itself first, so a failure names the line it was.
    const script = ['set -eu -o pipefail', ...lines.flatMap((line) => [
      `echo ${JSON.stringify(`>>> ${line}`).replace(/\$/g, '\\$')} >&2`,
      line.replace(/^npx tpt /, `node ${BIN} `).replace('<goal-id>', goalId),
    ])].join('\n');
    const result = spawnSync('bash', ['-c', script], {
      cwd: home,
      env: { HOME: home, PATH: process.env.PATH ?? '', TZ: 'Europe/Berlin', NO_COLOR: '1', TPT_ACTOR: 'reader' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/^tpt: /m);
    // The tour's own journal is the user's, not the demo's: the variables were unset in between.
    expect(existsSync(join(home, '.local/share/tpt/tpt.db'))).toBe(true);
    expect(existsSync(join(home, 'c42.json'))).toBe(true);
  }, 180_000);
});
