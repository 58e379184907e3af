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
