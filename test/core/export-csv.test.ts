import { describe, expect, it } from 'vitest';
import { joinList, joinMap, splitList, splitMap } from '../../src/core/export.js';
import { neutraliseCell } from '../../src/core/csv-safety.js';

describe('lists in one CSV cell', () => {
  it('joins items with "; " and escapes backslash and semicolon inside an item', () => {
    // 'a;b' → 'a\;b'; 'c\d' → 'c\\d'; joined by '; '
    expect(joinList(['a;b', 'c\\d', 'e f'])).toBe('a\\;b; c\\\\d; e f');
    expect(joinList([])).toBe('');
  });

  it('splits back to exactly the items it joined', () => {
    const items = ['CBT; part 2', 'back\\slash', '=x', ' lead', ';', '\\;'];
    expect(splitList(joinList(items))).toEqual(items);
    expect(splitList('')).toEqual([]);
  });

  it('writes metadata as key=value pairs, escaping = as well', () => {
    // key 'a=b' → 'a\=b'; value 'x;y' → 'x\;y'
    expect(joinMap({ modality: 'in_person', 'a=b': 'x;y' })).toBe('modality=in_person; a\\=b=x\\;y');
    expect(splitMap(joinMap({ modality: 'in_person', 'a=b': 'x;y', empty: '' }))).toEqual({
      modality: 'in_person', 'a=b': 'x;y', empty: '',
    });
  });
});

describe('CSV formula neutralisation (OWASP)', () => {
  it('prefixes a single quote to text a spreadsheet would run as a formula', () => {
    expect(neutraliseCell('=HYPERLINK("http://x","y")')).toBe('\'=HYPERLINK("http://x","y")');
    for (const start of ['+', '-', '@', '\t', '\r']) expect(neutraliseCell(`${start}1`)).toBe(`'${start}1`);
  });

  it('leaves numbers, empty cells and ordinary text alone', () => {
    expect(neutraliseCell(-2)).toBe(-2);
    expect(neutraliseCell(null)).toBe(null);
    expect(neutraliseCell('')).toBe('');
    expect(neutraliseCell('Felt better; slept 7h = progress')).toBe('Felt better; slept 7h = progress');
  });
});
