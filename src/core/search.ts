import type { RecordStore } from '../store/port.js';
import type { SearchCandidate, SearchKind, SearchQuery } from '../store/port-search.js';
import { readLogged } from './audit.js';
import { requireClientIn } from './clients.js';
import { InputError } from './errors.js';
import type { Actor } from './model.js';
import { localDateString } from './time.js';
import type { Timeframe } from './timeframe.js';

/**
 * `tpt search` (issue 24): words in the notes. A word is a run of letters and digits, compared
 * case- and accent-insensitively (Unicode NFKD, combining marks removed, lower case); every word
 * given must occur in the record, and a quoted phrase must occur as those words in a row, in one
 * field. The engine narrows (src/store/port-search.ts); this module decides, so both engines
 * find the same records.
 */
export interface SearchOptions {
  /** One client's records, or (null) every client's. */
  clientId: string | null;
  timeframe: Timeframe;
  includeVoid: boolean;
  /** At most this many hits, the newest. */
  limit?: number | undefined;
}

export interface SearchHit {
  client_id: string;
  kind: SearchKind;
  id: string;
  /** A session's time, a goal's creation (UTC ISO 8601), a milestone's day achieved (a date). */
  time: string;
  /** The field the snippet is from. */
  field: string;
  /** Words around the first match, the matched words between [ and ]; "…" where text is left out. */
  snippet: string;
  voided: boolean;
}

const MAX_TERMS = 16;
const MAX_QUERY_LENGTH = 500;

/** Case and accents folded away: NFKD, lower case, combining marks removed. */
export function fold(text: string): string {
  return text.normalize('NFKD').toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '');
}

/** The folded words of a text. */
export function wordsOf(text: string): string[] {
  return fold(text).match(WORD) ?? [];
}

const WORD = /[\p{L}\p{N}\p{Co}]+/gu;
/** A word as it stands in the text, its marks with it (a decomposed é is one word). */
const TEXT_WORD = /[\p{L}\p{N}\p{Co}][\p{L}\p{N}\p{Co}\p{M}]*/gu;

/**
 * The terms of a search text: each quoted phrase one term, each other word one term, all folded.
 * Nothing to search for, or too much, is an InputError.
 */
export function parseSearchText(text: string): string[][] {
  if (text.length > MAX_QUERY_LENGTH) {
    throw new InputError(`the search text is ${text.length} characters: give at most ${MAX_QUERY_LENGTH}`);
  }
  const terms: string[][] = [];
  // Quotes split the text: the odd parts were inside quotes (an unclosed quote runs to the end).
  text.replace(/[\u201c\u201d\u201e]/g, '"').split('"').forEach((part, index) => {
    const words = wordsOf(part);
    if (index % 2 === 1) {
      if (words.length > 0) terms.push(words);
    } else {
      for (const word of words) terms.push([word]);
    }
  });
  if (terms.length === 0) {
    throw new InputError('the search text has no word in it: give a word or a "quoted phrase" to look for, e.g. tpt search sleep');
  }
  if (terms.length > MAX_TERMS) {
    throw new InputError(`the search text has ${terms.length} words and phrases: give at most ${MAX_TERMS}`);
  }
  return terms;
}

/** A field's words, each with where it stands in the field's text. */
interface Located {
  word: string;
  start: number;
  end: number;
}

function locate(text: string): Located[] {
  const located: Located[] = [];
  for (const match of text.matchAll(TEXT_WORD)) {
    // One word in the text may fold to several (½ to 1 and 2): each stands where the word does.
    for (const word of wordsOf(match[0])) located.push({ word, start: match.index, end: match.index + match[0].length });
  }
  return located;
}

/** Where `term` starts in `words` (its words in a row), or -1. */
function find(words: Located[], term: string[]): number {
  outer: for (let at = 0; at + term.length <= words.length; at++) {
    for (let index = 0; index < term.length; index++) {
      if (words[at + index]!.word !== term[index]) continue outer;
    }
    return at;
  }
  return -1;
}

/** The hit a candidate is, when every term occurs in one of its fields; else undefined. */
export function matchCandidate(candidate: SearchCandidate, terms: string[][]): SearchHit | undefined {
  const fields = candidate.fields.map(([name, text]) => ({ name, text, words: locate(text) }));
  let first: { field: (typeof fields)[number]; at: number; length: number } | undefined;
  for (const term of terms) {
    let found = false;
    for (const field of fields) {
      const at = find(field.words, term);
      if (at < 0) continue;
      found = true;
      if (first === undefined) first = { field, at, length: term.length };
      break;
    }
    if (!found) return undefined;
  }
  if (first === undefined) return undefined;
  return {
    client_id: candidate.client_id,
    kind: candidate.kind,
    id: candidate.id,
    time: candidate.time,
    field: first.field.name,
    snippet: snippet(first.field.text, first.field.words, first.at, first.length, terms),
    voided: candidate.voided,
  };
}

const CONTEXT_WORDS = 6;

/**
 * A few words either side of the first match, on one line, every word of any term between [ and ].
 * Plain text: the caller makes it visible for a terminal.
 */
function snippet(text: string, words: Located[], at: number, length: number, terms: string[][]): string {
  const from = Math.max(0, at - CONTEXT_WORDS);
  const to = Math.min(words.length - 1, at + length - 1 + CONTEXT_WORDS);
  const wanted = new Set(terms.flat());
  const start = from === 0 ? 0 : words[from]!.start;
  const end = to === words.length - 1 ? text.length : words[to]!.end;
  let out = '';
  let cursor = start;
  let previousStart = -1;
  for (let index = from; index <= to; index++) {
    const word = words[index]!;
    if (!wanted.has(word.word) || word.start === previousStart) continue;
    out += `${text.slice(cursor, word.start)}[${text.slice(word.start, word.end)}]`;
    cursor = word.end;
    previousStart = word.start;
  }
  out += text.slice(cursor, end);
  const line = out.replace(/\s+/g, ' ').trim();
  return `${from > 0 ? '\u2026 ' : ''}${line}${to < words.length - 1 ? ' \u2026' : ''}`;
}

/** Newest first; at the same time sessions, goals, milestones, then by id. */
function newestFirst(a: SearchHit, b: SearchHit): number {
  if (a.time !== b.time) return a.time < b.time ? 1 : -1;
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const KIND_ORDER: Record<SearchKind, number> = { session: 0, goal: 1, milestone: 2 };

/** The query an engine is given for these terms and options. */
export function searchQuery(terms: string[][], options: SearchOptions): SearchQuery {
  const { start, end } = options.timeframe;
  return {
    terms,
    clientId: options.clientId,
    since: start === null ? null : start.toISOString(),
    until: end.toISOString(),
    sinceDate: start === null ? null : localDateString(start),
    untilDate: localDateString(end),
    includeVoid: options.includeVoid,
  };
}

/** The records matching every term, newest first, as the engine and this module decide together. */
export async function findHits(records: RecordStore, terms: string[][], options: SearchOptions): Promise<SearchHit[]> {
  return records.read(async (tx) => {
    if (options.clientId !== null) await requireClientIn(tx, options.clientId);
    const candidates = await tx.search.candidates(searchQuery(terms, options));
    const hits: SearchHit[] = [];
    for (const candidate of candidates) {
      const hit = matchCandidate(candidate, terms);
      if (hit) hits.push(hit);
    }
    hits.sort(newestFirst);
    return options.limit === undefined ? hits : hits.slice(0, options.limit);
  });
}

/**
 * Searches the notes and logs one `search` entry for each client whose text it shows, before
 * showing it. The words searched for are not logged: they may be clinical.
 */
export async function searchNotes(records: RecordStore, text: string, options: SearchOptions, who: Actor): Promise<SearchHit[]> {
  const terms = parseSearchText(text);
  const hits = await findHits(records, terms, options);
  const clients = [...new Set(hits.map((hit) => hit.client_id))].sort();
  if (clients.length === 0) return hits;
  return readLogged(records, clients.map((clientId) => ({ action: 'search', client_id: clientId })), who, async () => hits);
}
