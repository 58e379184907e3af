import { describe, expect, it } from 'vitest';
import { fold, matchCandidate, parseSearchText, wordsOf } from '../../src/core/search.js';
import { InputError } from '../../src/core/errors.js';
import type { SearchCandidate } from '../../src/store/port-search.js';

function session(fields: Record<string, string>): SearchCandidate {
  return {
    kind: 'session', id: 's1', client_id: 'c1', time: '2026-03-02T09:30:00.000Z', voided: false,
    fields: Object.entries(fields),
  };
}

describe('folding words', () => {
  it('ignores case and accents, composed or not, and compatibility forms', () => {
    // é (U+00E9) and e + U+0301 both fold to e; ﬁ (U+FB01) to fi; Ä to a.
    expect(fold('Café Cafe\u0301 ﬁle ÄRGER')).toBe('cafe cafe file arger');
    expect(wordsOf("Don't e-mail l'école, 42x!")).toEqual(['don', 't', 'e', 'mail', 'l', 'ecole', '42x']);
  });
});

describe('the search text', () => {
  it('makes each word a term and each quoted phrase one term', () => {
    expect(parseSearchText('Sleep "panic  Attack" naïve')).toEqual([['sleep'], ['panic', 'attack'], ['naive']]);
    // Typographic quotes count as quotes; an unclosed quote runs to the end.
    expect(parseSearchText('“slept badly” "woke early')).toEqual([['slept', 'badly'], ['woke', 'early']]);
  });

  it('refuses a text with no word, or too many', () => {
    expect(() => parseSearchText(' "" !? ')).toThrow(InputError);
    expect(() => parseSearchText(Array.from({ length: 17 }, (_, i) => `w${i}`).join(' '))).toThrow(/at most 16/);
    expect(() => parseSearchText('a'.repeat(501))).toThrow(/at most 500/);
  });
});

describe('matching a record', () => {
  const record = session({
    conversation_summary: 'Talked about the week. She slept badly after the argument with her brother on Sunday night.',
    progress_notes: 'Panic attack on the tram, managed with breathing.',
    therapist_observations: '',
    next_session_focus: 'Sleep diary',
  });

  it('needs every word, anywhere in the record', () => {
    expect(matchCandidate(record, parseSearchText('slept tram'))).toBeDefined();
    expect(matchCandidate(record, parseSearchText('slept bus'))).toBeUndefined();
  });

  it('matches whole words only', () => {
    // "sleep" is a word of next_session_focus; "slee" is no word anywhere.
    expect(matchCandidate(record, parseSearchText('slee'))).toBeUndefined();
    expect(matchCandidate(record, parseSearchText('sleep'))?.field).toBe('next_session_focus');
  });

  it('matches a phrase as its words in a row, in one field', () => {
    expect(matchCandidate(record, parseSearchText('"panic attack"'))?.field).toBe('progress_notes');
    expect(matchCandidate(record, parseSearchText('"attack panic"'))).toBeUndefined();
    // "night" ends the summary and "panic" starts the notes: not a phrase across fields.
    expect(matchCandidate(record, parseSearchText('"night panic"'))).toBeUndefined();
  });

  it('shows six words either side of the first match, the matched words marked', () => {
    const hit = matchCandidate(record, parseSearchText('BROTHER slept'))!;
    // Talked(0) about(1) the(2) week(3) She(4) slept(5) badly(6) … her(11) brother(12) … night(15):
    // the first term found is "brother" (terms in the order given), so words 6..15 are shown, cut
    // before "badly" and to the end; "slept" (5) is outside the window.
    expect(hit.snippet).toBe('… badly after the argument with her [brother] on Sunday night.');
    expect(hit).toMatchObject({ client_id: 'c1', kind: 'session', id: 's1', field: 'conversation_summary', voided: false });
  });

  it('marks every matched word in the window and keeps the text as written', () => {
    const hit = matchCandidate(session({ description: 'Café twice: cafe\u0301 and CAFE.' }), parseSearchText('cafe'))!;
    expect(hit.snippet).toBe('[Café] twice: [cafe\u0301] and [CAFE].');
  });
});
