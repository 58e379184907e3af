import fc from 'fast-check';
import type { Command } from 'commander';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { Sandbox } from '../helpers.js';

/**
 * Random command lines from the real command and option names (read from the program itself),
 * with hostile values: every run exits 0, 1 or 2 with no stack trace, and `tpt check` passes
 * after all of them. FUZZ_RUNS runs (120 in `npm test`). Runs are in-process, in the sandbox's
 * home as working directory, so any file a command writes lands there.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
/** Commands that would wait for ever (a server) are left out. */
const SKIPPED = new Set(['serve']);

let box: Sandbox;
let cwd = '';

interface Shape { path: string[]; options: string[] }

function shapes(command: Command, path: string[] = []): Shape[] {
  const here = path.length > 0 && !SKIPPED.has(path[0]!)
    ? [{ path, options: command.options.map((option) => option.long ?? option.short!).filter(Boolean) }]
    : [];
  return [...here, ...command.commands.flatMap((sub) => shapes(sub, [...path, sub.name()]))];
}

beforeAll(async () => {
  box = new Sandbox();
  expect((await box.run(['init'])).code).toBe(0);
  expect((await box.run(['log-session', '--client', 'c1', '--id', 's1', '--summary', 'x', '--mood', '1'])).code).toBe(0);
  expect((await box.run(['goal', 'create', '--client', 'c1', '--id', 'g1', '--description', 'd'])).code).toBe(0);
  cwd = process.cwd();
  process.chdir(box.home);
});
afterAll(() => {
  process.chdir(cwd);
  box.cleanup();
});

const hostile = fc.oneof(
  fc.constantFrom('c1', 's1', 'g1', 'tok_x', '', ' ', '-', '--', '-1', '0', '1e309', '99999999999999999999', 'NaN', '1.5',
    '../../etc/passwd', '/dev/null', '/', '.', '%s%n', '$(id)', '`id`', '\u001b[2J', 'é\u0301', '🧠', 'a'.repeat(5000),
    '2026-02-30', '2026-02-30T10:00:00Z', '2026-01-01T10:00:00+14:00', '9999-12-31', '0000-01-01', 'true', 'null',
    '{"a":1}', '[]', 'key=value', '=cmd|calc', '__proto__', 'constructor', 'very_positive', 'achieved', 'csv', 'json',
    'markdown', 'week', '3m', '30d', '0d', 'high', 'admin', 'read', 'root', '\\\\', '"', "'", 'x\ny'),
  fc.string({ unit: 'binary', maxLength: 30 }).map((value) => value.replace(/\u0000/g, '')),
);

it(`${RUNS} random command lines exit 0, 1 or 2 with no stack trace, and the database checks out`, async () => {
  const { program } = buildProgram({ stdin: process.stdin, stdout: { write: () => true }, stderr: { write: () => true }, env: {} });
  const all = shapes(program);
  const globals = ['--json', '--no-input', '--no-color', '--actor'];
  const line = fc.tuple(
    fc.constantFrom(...all),
    fc.array(fc.tuple(fc.nat(), fc.boolean(), hostile), { maxLength: 5 }),
    fc.array(hostile, { maxLength: 2 }),
    fc.subarray(globals),
  ).map(([shape, picks, positionals, chosenGlobals]) => {
    const args = [...chosenGlobals.flatMap((g) => (g === '--actor' ? ['--actor', 'fuzz'] : [g])), ...shape.path, ...positionals];
    for (const [index, withValue, value] of picks) {
      if (shape.options.length === 0) break;
      args.push(shape.options[index % shape.options.length]!);
      if (withValue) args.push(value);
    }
    return args;
  });
  await fc.assert(fc.asyncProperty(line, async (args) => {
    // Never let a fuzzed command replace the database or rekey it away from the sandbox.
    if (args.includes('--db') || args.includes('--key-file')) return;
    const result = await box.run(args);
    expect([0, 1, 2], `tpt ${JSON.stringify(args)}: ${result.stderr}`).toContain(result.code);
    expect(result.stderr, `tpt ${JSON.stringify(args)}`).not.toMatch(/\n\s+at |this is a bug/);
  }), { numRuns: RUNS });
  const check = await box.run(['--json', 'check']);
  expect(check.code, check.stderr).toBe(0);
}, 300_000);
