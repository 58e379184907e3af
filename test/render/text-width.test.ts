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
});
