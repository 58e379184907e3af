/**
 * The store port's search facet (`tpt search`, issue 24): the records whose words a search may
 * match, each with its text. The engine narrows as it can (SQLite through its index, PostgreSQL
 * not at all: the server holds only ciphertext, so its engine opens the texts in the process);
 * src/core/search.ts decides the match, the same way over both engines.
 */
export type SearchKind = 'session' | 'goal' | 'milestone';

export interface SearchQuery {
  /**
   * The terms, every one of which must occur: each a list of folded words (src/core/search.ts),
   * a phrase when it has more than one. An engine that narrows by them finds at least every
   * record that matches; the caller checks each.
   */
  terms: string[][];
  /** One client's records, or (null) every client's the caller may read. */
  clientId: string | null;
  /** Sessions by time and goals by creation, UTC ISO 8601, inclusive; since null: from the first. */
  since: string | null;
  until: string;
  /** Milestones by the day achieved, local calendar dates (YYYY-MM-DD), inclusive. */
  sinceDate: string | null;
  untilDate: string;
  /** Voided sessions and milestones too. */
  includeVoid: boolean;
}

export interface SearchCandidate {
  kind: SearchKind;
  id: string;
  client_id: string;
  /** A session's time, a goal's creation (UTC ISO 8601), a milestone's day achieved (a date). */
  time: string;
  voided: boolean;
  /** The searched fields by their names in the record, in the record's order. */
  fields: [string, string][];
}

export interface SearchReads {
  candidates(query: SearchQuery): Promise<SearchCandidate[]>;
}
