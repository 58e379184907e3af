import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli.js';
import { Sandbox } from '../helpers.js';

/** Every leaf command of the program, with its path. */
function leaves(command: Command, path: string[] = []): [string[], Command][] {
  if (command.commands.length === 0) return [[path, command]];
  return command.commands.flatMap((sub) => leaves(sub, [...path, sub.name()]));
}

const io = { stdin: process.stdin, stdout: { write: () => true }, stderr: { write: () => true }, env: {} };
const commands = leaves(buildProgram(io).program);

/** Every command that holds others (`goal`, `session`, …), with its path. */
function groups(command: Command, path: string[] = []): [string[], Command][] {
  if (command.commands.length === 0) return [];
  const own: [string[], Command][] = path.length > 0 ? [[path, command]] : [];
  return [...own, ...command.commands.flatMap((sub) => groups(sub, [...path, sub.name()]))];
}

describe('every command group', () => {
  for (const [path, command] of groups(buildProgram(io).program)) {
    it(`${path.join(' ')} --help has examples`, async () => {
      expect(command.description().length).toBeGreaterThan(10);
      const box = new Sandbox();
      const result = await box.run([...path, '--help']);
      box.cleanup();
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Examples:\n {2}\$ tpt /);
    });
  }
});

describe('every command', () => {
  it('is found', () => {
    expect(commands.map(([path]) => path.join(' '))).toEqual(expect.arrayContaining([
      'init', 'demo', 'log-session', 'sessions', 'session show', 'clients', 'goal create', 'goal update',
      'goal list', 'goal show', 'milestone add', 'milestone list', 'completion',
    ]));
  });

  for (const [path, command] of commands) {
    it(`${path.join(' ')} has a description, an example, and renders its help`, async () => {
      expect(command.description().length).toBeGreaterThan(10);
      const box = new Sandbox();
      const result = await box.run([...path, '--help']);
      box.cleanup();
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: tpt ${path.join(' ')}`);
      expect(result.stdout).toMatch(/Examples:\n {2}\$ tpt /);
    });
  }
});
