import type { SearchCandidate, SearchKind, SearchQuery, SearchReads } from '../store/port-search.js';
import type { Store } from './store.js';

/**
 * The search facet on SQLite: the FTS5 index of migration 11 narrows to the records whose
 * fields hold every term (a phrase as a phrase), then their text is read from the records
 * themselves (one client's records are read whole). The index folds case and accents as src/core/search.ts does, so what it leaves out
 * cannot match; core checks what it lets through.
 */
export function sqliteSearch(store: Store): SearchReads {
  return {
    candidates: async (query: SearchQuery): Promise<SearchCandidate[]> => {
      if (query.terms.length === 0) return [];
      // One client's records are a few hundred: read them all, which is quicker than the index's
      // list of every record holding a common word, and core's match is the only judge.
      const rows = store.statement(query.clientId === null ? candidatesSql(true) : candidatesSql(false)).all({
        ...(query.clientId === null ? { match: ftsMatch(query.terms) } : { client: query.clientId }),
        since: query.since,
        until: query.until,
        since_date: query.sinceDate,
        until_date: query.untilDate,
        include_void: query.includeVoid ? 1 : 0,
      }) as CandidateRow[];
      return rows.map((row) => ({
        kind: row.kind,
        id: row.id,
        client_id: row.client_id,
        time: row.time,
        voided: row.voided === 1,
        fields: FIELDS[row.kind].map((name, index) => [name, row[`f${index + 1}` as 'f1'] ?? ''] as [string, string]),
      }));
    },
  };
}

/** The searched fields of each kind, in the index's columns a, b, c, d. */
const FIELDS: Record<SearchKind, readonly string[]> = {
  session: ['conversation_summary', 'progress_notes', 'therapist_observations', 'next_session_focus'],
  goal: ['description', 'notes'],
  milestone: ['description'],
};

interface CandidateRow {
  kind: SearchKind;
  id: string;
  client_id: string;
  time: string;
  voided: number;
  f1: string;
  f2: string | null;
  f3: string | null;
  f4: string | null;
}

/**
 * Each term an FTS5 phrase ("a b"), all of them required. The words are folded letters and
 * digits only (src/core/search.ts), so none holds a quote or an FTS5 operator.
 */
function ftsMatch(terms: string[][]): string {
  return terms.map((words) => `"${words.join(' ')}"`).join(' AND ');
}

/**
 * The records in the timeframe, narrowed by the index (`indexed`: those it lists for @match) or
 * to one client (@client). SQL of this module only; the values are bound.
 */
function candidatesSql(indexed: boolean): string {
  const hits = (kind: string, alias: string, id: string) => (indexed
    ? `FROM hits h JOIN ${kind}s ${alias} ON h.kind = '${kind}' AND ${alias}.${id} = h.record_id WHERE`
    : `FROM ${kind}s ${alias} WHERE ${alias}.client_id = @client AND`);
  return `
  ${indexed ? `WITH hits AS (SELECT d.kind, d.record_id FROM search_text t JOIN search_docs d ON d.doc = t.rowid
                 WHERE search_text MATCH @match)` : ''}
  SELECT 'session' AS kind, s.session_id AS id, s.client_id, s.timestamp AS time, s.voided_at IS NOT NULL AS voided,
         s.conversation_summary AS f1, s.progress_notes AS f2, s.therapist_observations AS f3, s.next_session_focus AS f4
    ${hits('session', 's', 'session_id')} (@since IS NULL OR s.timestamp >= @since)
     AND s.timestamp <= @until AND (@include_void = 1 OR s.voided_at IS NULL)
  UNION ALL
  SELECT 'goal', g.goal_id, g.client_id, g.created_at, 0, g.description, g.notes, NULL, NULL
    ${hits('goal', 'g', 'goal_id')} (@since IS NULL OR g.created_at >= @since) AND g.created_at <= @until
  UNION ALL
  SELECT 'milestone', m.milestone_id, m.client_id, m.achieved_date, m.voided_at IS NOT NULL, m.description, NULL, NULL, NULL
    ${hits('milestone', 'm', 'milestone_id')} (@since_date IS NULL OR m.achieved_date >= @since_date)
     AND m.achieved_date <= @until_date AND (@include_void = 1 OR m.voided_at IS NULL)`;
}

/** The triggers that index a new row, one by one: a bulk load sets them aside (`pauseIndexing`). */
const INSERT_TRIGGERS = ['search_session_insert', 'search_goal_insert', 'search_milestone_insert'];

/**
 * Sets the index's insert triggers aside for a bulk load and returns what ends it: the triggers
 * back as they were, and the rows the load inserted indexed at once, from their rowids (an FTS5
 * insert from a SELECT builds its index in one pass, where a trigger per row costs about three
 * times the import). Both run inside the load's transaction (SQLite's DDL is transactional), so a
 * load that fails or is killed rolls them back with its rows: never a row without its words in
 * the index, nor words without their row. Rows the load changed rather than inserted keep their
 * update triggers, which find nothing to take out for a row not yet indexed and leave its words
 * to the fill.
 */
export function pauseIndexing(store: Store, before: { session: number; goal: number; milestone: number }): () => void {
  const triggers = store.statement(
    `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (${INSERT_TRIGGERS.map(() => '?').join(', ')})`,
  ).all(...INSERT_TRIGGERS) as { name: string; sql: string }[];
  for (const { name } of triggers) store.statement(`DROP TRIGGER ${name}`).run();
  const doc = (store.statement('SELECT coalesce(max(doc), 0) AS n FROM search_docs').get() as { n: number }).n;
  return () => {
    for (const { sql } of triggers) store.statement(sql).run();
    store.statement(`INSERT INTO search_docs (kind, record_id) SELECT 'session', session_id FROM sessions WHERE rowid > ? ORDER BY rowid`)
      .run(before.session);
    store.statement(`INSERT INTO search_docs (kind, record_id) SELECT 'goal', goal_id FROM goals WHERE rowid > ? ORDER BY rowid`)
      .run(before.goal);
    store.statement(`INSERT INTO search_docs (kind, record_id) SELECT 'milestone', milestone_id FROM milestones WHERE rowid > ? ORDER BY rowid`)
      .run(before.milestone);
    // In the order of doc, as FTS5 takes rows quickest (the + keeps the scan on doc, not on kind).
    store.statement(`
      INSERT INTO search_text (rowid, a, b, c, d)
        SELECT d.doc, s.conversation_summary, s.progress_notes, s.therapist_observations, s.next_session_focus
          FROM search_docs d JOIN sessions s ON s.session_id = d.record_id WHERE d.doc > ? AND +d.kind = 'session'
        UNION ALL
        SELECT d.doc, g.description, g.notes, '', '' FROM search_docs d JOIN goals g ON g.goal_id = d.record_id
          WHERE d.doc > ? AND +d.kind = 'goal'
        UNION ALL
        SELECT d.doc, m.description, '', '', '' FROM search_docs d JOIN milestones m ON m.milestone_id = d.record_id
          WHERE d.doc > ? AND +d.kind = 'milestone'`).run(doc, doc, doc);
  };
}
