import { chmodSync } from 'node:fs';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';

/** The goal, milestone and measure reads on the port still say so when their audit entry cannot be written. */
let box: Sandbox;
beforeEach(() => {
  box = new Sandbox();
});
afterEach(() => box.cleanup());

it('reads a read-only file, warning that each read is not in the audit log', () => {
  for (const args of [
    ['init'], ['goal', 'create', '--client', 'c1', '--description', 'Sleep', '--id', 'g1'],
    ['milestone', 'add', '--goal', 'g1', '--description', 'first week', '--id', 'm1'],
    ['measure', 'add', 'c1', '--measure', 'gad7', '--total', '5', '--id', 'x1'],
  ]) expect(box.spawn(args).code, args.join(' ')).toBe(0);
  chmodSync(box.dbPath, 0o444);
  for (const [args, action] of [
    [['goal', 'show', 'g1'], 'goal.read of c1'], [['goal', 'list', 'c1'], 'goal.list of c1'],
    [['milestone', 'list', 'c1'], 'milestone.list of c1'], [['milestone', 'show', 'm1'], 'milestone.read of c1'],
    [['measures', 'c1'], 'measure.list of c1'], [['measure', 'show', 'x1'], 'measure.read of c1'],
  ] as const) {
    const read = box.spawn([...args]);
    expect(read.code, read.stderr).toBe(0);
    expect(read.stderr).toMatch(new RegExp(`warning: .*read-only.*not in the audit log: ${action.replace('.', '\\.')} by tester`));
  }
});
