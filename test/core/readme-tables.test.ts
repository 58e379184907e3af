import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RISK_KINDS } from '../../src/core/crisis-flags.js';
import { MEASURES, type MeasureDefinition } from '../../src/core/measure-scoring.js';

// The manual's rule tables say what the code does: each row of the scoring table and of the
// crisis-flag kinds, read from whichever Markdown file of the manual (README.md or docs/) holds it.

const root = new URL('../../', import.meta.url).pathname;

function manualFiles(): string[] {
  const files = [join(root, 'README.md')];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.md')) files.push(path);
    }
  };
  try {
    walk(join(root, 'docs'));
  } catch {
    // no docs/ directory: the README holds everything
  }
  return files;
}

/** The rows (cells, trimmed) of the one table of the manual whose header line is `header`. */
function tableRows(header: string): string[][] {
  const holders = manualFiles().map((file) => readFileSync(file, 'utf8')).filter((text) => text.includes(`${header}\n`));
  expect(holders, `the manual holds the table "${header}" once`).toHaveLength(1);
  const lines = holders[0]!.slice(holders[0]!.indexOf(`${header}\n`)).split('\n');
  const rows: string[][] = [];
  for (const line of lines.slice(2)) {
    if (!line.startsWith('|')) break;
    rows.push(line.slice(1, -1).split(' | ').map((cell) => cell.trim()));
  }
  return rows;
}

const number = (text: string) => Number(/(\d+(?:\.\d+)?)/.exec(text)![1]);

describe('the scoring table (manual, "Scoring, and where each figure comes from")', () => {
  const rows = tableRows('| measure | items | total | bands | caseness | reliable change | re-test spacing | missing items | risk item |');
  const byName = new Map<string, MeasureDefinition>(Object.values(MEASURES).map((definition) => [definition.name, definition]));

  it('has one row per measure, in the code\'s order', () => {
    expect(rows.map((row) => row[0])).toEqual(Object.values(MEASURES).map((definition) => definition.name));
  });

  for (const row of rows) {
    it(`${row[0]}: total, caseness, reliable change, re-test spacing, missing items and risk item as scored`, () => {
      const [name, items, total, , caseness, reliable, spacing, missing, risk] = row as [string, ...string[]];
      const definition = byName.get(name)!;
      expect(items).toMatch(new RegExp(`^${definition.items} × 0–${definition.itemMax}`));
      expect(total).toBe(`0–${definition.max}`);
      expect(number(caseness!)).toBe(definition.caseness);
      expect(number(reliable!)).toBe(Math.round(definition.reliableChange * 100) / 100);
      expect(spacing).toMatch(new RegExp(`^${definition.recallDays} days`));
      expect(missing === 'none' ? 0 : number(missing!)).toBe(definition.maxMissing);
      if (definition.riskItem === 0) {
        expect(risk).toBe('none');
      } else {
        // "item 9 > 0, or a total ≥ 25": the least total the other items cannot reach.
        expect(risk).toBe(`item ${definition.riskItem} > 0, or a total ≥ ${(definition.items - 1) * definition.itemMax + 1}`);
      }
    });
  }
});

describe('the crisis-flag kinds (manual, "Crisis flags and risks")', () => {
  it('lists every kind of the vocabulary, in its order', () => {
    expect(tableRows('| kind | means |').map((row) => row[0])).toEqual(RISK_KINDS.map((kind) => `\`${kind}\``));
  });
});
