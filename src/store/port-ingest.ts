import type { Measure, Session } from '../domain/records.js';

/**
 * The store port's ingest facet (issue 25): what `tpt ingest` and POST /api/v1/ingest read and
 * write, a batch of lines at a time. The lines a sender gave ids are kept in `ingested` (which
 * line made which record, and its digest), so that a resend is a no-op and the same id with other
 * content is refused. Every operation runs inside the transaction it is called on, and looks up
 * or writes a whole batch at once: one statement (or a few) per batch, not one per line.
 */

/** A line taken before: what it was (its kind and digest) and what it made. */
export interface IngestedLine {
  kind: string;
  digest: string;
  record_id: string;
}

/** A line taken now, as `ingested` keeps it. */
export interface IngestedRow extends IngestedLine {
  line_id: string;
  client_id: string;
  ingested_at: string;
}

export interface IngestReads {
  /** The lines among these ids taken before, by id. */
  taken(lineIds: readonly string[]): Promise<Map<string, IngestedLine>>;
  /** Which of these ids a record of the kind has (made by an ingest or not). */
  existing(kind: 'session' | 'measure', ids: readonly string[]): Promise<Set<string>>;
}

export interface IngestWrites {
  /**
   * New sessions of existing clients, each checked already, in as few statements as the engine
   * allows; an id any session has is a ConflictError (and the transaction is to be rolled back).
   */
  insertSessions(sessions: readonly Session[]): Promise<void>;
  /** New measures of existing clients, without a session (a measure naming one goes by `measures.insert`). */
  insertMeasures(measures: readonly Measure[]): Promise<void>;
  /** Notes the lines taken; a line id taken before is a ConflictError. */
  record(rows: readonly IngestedRow[]): Promise<void>;
}
