import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { commandReference, walkCommands } from '../../scripts/command-reference.mjs';
import { examplesIn, problemsOf } from './examples.js';
import { brokenLinks } from './links.js';

// The manual and the program must agree: docs/commands.md is what the program generates, and every
// `tpt …` example in the README and docs/ names commands and options the program has.

const root = new URL('../../', import.meta.url);
const read = (file: string): string => readFileSync(new URL(file, root), 'utf8');
const silent = { write: () => true };
const { program } = buildProgram({ stdin: process.stdin, stdout: silent, stderr: silent, env: {} } as never);

/** docs/SPEC.md is the contract as written, not a page of the manual: it is not checked here. */
const manual = ['README.md', ...readdirSync(new URL('docs/', root)).filter((file) => file.endsWith('.md') && file !== 'SPEC.md').map((file) => `docs/${file}`)];

describe('the manual', () => {
  it('begins with a README of at most 200 lines', () => {
    // A new user reads the README whole; the rest of the manual is a link away (issue 26).
    expect(read('README.md').split('\n').length).toBeLessThanOrEqual(200);
  });

  it('links only to files and headings that exist', () => {
    const root = new URL('../../', import.meta.url).pathname;
    expect([...manual, 'docs/SPEC.md'].flatMap((file) => brokenLinks(root, file))).toEqual([]);
  });

  it('would catch a link to a missing file or heading', () => {
    const root = mkdtempSync(join(tmpdir(), 'tpt-links-'));
    try {
      mkdirSync(join(root, 'docs'));
      writeFileSync(join(root, 'docs', 'a.md'), '# A page\n\n## The trajectory rule (`overall_trajectory`)\n');
      writeFileSync(join(root, 'README.md'), '[ok](docs/a.md#the-trajectory-rule-overall_trajectory) [gone](docs/b.md) [typo](docs/a.md#the-trajectory) [web](https://example.org/x)\n');
      expect(brokenLinks(root, 'README.md')).toEqual(['README.md: docs/b.md (no such file)', 'README.md: docs/a.md#the-trajectory (no such heading)']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('has an index that names every page of docs/', () => {
    const index = read('docs/README.md');
    expect(manual.filter((file) => file.startsWith('docs/') && file !== 'docs/README.md' && !index.includes(`(${file.slice(5)})`))).toEqual([]);
  });
});

describe('the command reference', () => {
  it('is what the program generates (else run `npm run docs`)', () => {
    expect(read('docs/commands.md')).toBe(commandReference(program));
  });

  it('names every command and option of the program', () => {
    const reference = read('docs/commands.md');
    const missing: string[] = [];
    for (const command of walkCommands(program)) {
      const path = command.parent ? `tpt ${pathOf(command)}` : 'tpt';
      if (!reference.includes(`## \`${path}\``)) missing.push(path);
      for (const option of command.options) if (!option.hidden && !reference.includes(`\`${option.flags}\``)) missing.push(`${path} ${option.flags}`);
    }
    expect(missing).toEqual([]);
  });
});

describe('the examples of the manual', () => {
  it('are found in every page', () => {
    // A change to the example finder that finds nothing would pass the next test vacuously.
    expect(examplesIn(read('README.md')).length).toBeGreaterThan(20);
    expect(examplesIn(read('docs/usage.md')).length).toBeGreaterThan(50);
  });

  it('name only commands and options the program has', () => {
    const problems = manual.flatMap((file) => examplesIn(read(file)).flatMap((example) =>
      problemsOf(program, example.text).map((problem) => `${file}:${example.line}: ${example.text}: ${problem}`)));
    expect(problems).toEqual([]);
  });

  it('catch a misspelt command, subcommand or option', () => {
    expect(problemsOf(program, 'tpt sesions c42')).toEqual(['`sesions` is no command of `tpt`']);
    expect(problemsOf(program, 'tpt goal creat --client c42')).toEqual(['`creat` is no command of `tpt goal`']);
    expect(problemsOf(program, 'tpt report c42 --lats 3m')).toEqual(['`--lats` is no option of `tpt report`']);
    expect(problemsOf(program, 'tpt session restore|sing <id>')).toEqual(['`restore|sing` is no command of `tpt session`']);
    expect(problemsOf(program, 'tpt report c42 --last 3m --json --format markdown > c42.md')).toEqual([]);
    expect(examplesIn('```sh\ntpt sessoins c42   # tpt is here\n```\nprose about tpt is fine, `tpt clients` too').map((e) => e.text)).toEqual(['tpt sessoins c42', 'tpt clients']);
  });
});

function pathOf(command: { name(): string; parent: unknown }): string {
  const words: string[] = [];
  for (let c = command as { name(): string; parent: unknown } | null; c?.parent; c = c.parent as typeof c) words.unshift(c.name());
  return words.join(' ');
}
