import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { textWidth } from '../../src/render/text-width.js';

describe('textWidth', () => {
  it('counts printable ASCII a column a character, and the rest as string-width does', () => {
    expect(textWidth('')).toBe(0);
    expect(textWidth('ses-00001  45 min')).toBe(17);
    expect(textWidth('caf\u00e9')).toBe(4);
    expect(textWidth('\u65e5\u672c')).toBe(4); // two wide characters
    expect(textWidth('\u{1F600}')).toBe(2);
    expect(textWidth('\u001b[1mab\u001b[22m')).toBe(2); // styled: the escapes take no column
    expect(textWidth('a\tb')).toBe(2); // a control character takes none
    for (const text of ['#', '0', '~', ' x ', 'very_negative (-2)', '2021-01-06 15:00', '\u2013', 'a\u2192b']) {
      expect(textWidth(text)).toBe(stringWidth(text));
    }
  });

  it('agrees with string-width on every character it counts itself, and on the warning sign as an emoji', () => {
    const own = [...range(0x20, 0x7e), ...range(0xa0, 0xff), 0x2013, 0x2014, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2026, 0x2192, 0x26a0];
    for (const code of own) expect(textWidth(String.fromCodePoint(code))).toBe(stringWidth(String.fromCodePoint(code)));
    expect(textWidth('\u26a0 safety concern at home')).toBe(24);
    expect(textWidth('\u26a0\ufe0f')).toBe(stringWidth('\u26a0\ufe0f')); // with the emoji selector: two columns
    expect(textWidth('\u26a0\ufe0f')).toBe(2);
    expect(textWidth('\u00e9\u0301')).toBe(stringWidth('\u00e9\u0301')); // a combining accent takes none
  });
});

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
