import type pg from 'pg';
import type { SearchCandidate, SearchQuery, SearchReads } from '../store/port-search.js';
import { clientKeysOf, currentClientId } from './client-keys.js';
import type { FieldCipher } from './field-cipher.js';
import { RowSealer } from './sealer.js';

/**
 * The search facet on PostgreSQL. The server holds the notes only as ciphertext, so it cannot
 * match a word, and no word of the search is sent to it: the engine reads the sealed texts of the
 * records in scope (one client's, or every client row-level security lets the caller read: their
 * caseload) and opens them here; src/core/search.ts matches them in the process. A scan: its cost
 * is measured in docs/reading.md.
 */
export function pgSearch(client: pg.ClientBase, cipher: FieldCipher): SearchReads {
  return {
    candidates: async (query: SearchQuery): Promise<SearchCandidate[]> => {
      const keys = query.clientId === null ? null : await clientKeysOf(client, query.clientId);
      if (keys !== null && keys.length === 0) return [];
      const ids = await clientIds(client);
      const idOf = (key: string) => ids.get(key) ?? key;
      const candidates: SearchCandidate[] = [];

      const sessions = await client.query<SessionRow>(
        `SELECT client_key, session_id, "timestamp", voided_at IS NOT NULL AS voided,
                conversation_summary, progress_notes, therapist_observations, next_session_focus
           FROM sessions
          WHERE ($1::uuid[] IS NULL OR client_key = ANY ($1::uuid[]))
            AND ($2::timestamptz IS NULL OR "timestamp" >= $2) AND "timestamp" <= $3 AND ($4 OR voided_at IS NULL)`,
        [keys, query.since, query.until, query.includeVoid]);
      for (const row of sessions.rows) {
        const sealer = new RowSealer(cipher, 'sessions', [row.client_key, row.session_id]);
        candidates.push({
          kind: 'session', id: row.session_id, client_id: idOf(row.client_key), time: row.timestamp.toISOString(), voided: row.voided,
          fields: SESSION_FIELDS.map((name) => [name, sealer.open(name, row[name])]),
        });
      }

      const goals = await client.query<GoalRow>(
        `SELECT client_key, goal_id, created_at, description, notes FROM goals
          WHERE ($1::uuid[] IS NULL OR client_key = ANY ($1::uuid[]))
            AND ($2::timestamptz IS NULL OR created_at >= $2) AND created_at <= $3`,
        [keys, query.since, query.until]);
      for (const row of goals.rows) {
        const sealer = new RowSealer(cipher, 'goals', [row.client_key, row.goal_id]);
        candidates.push({
          kind: 'goal', id: row.goal_id, client_id: idOf(row.client_key), time: row.created_at.toISOString(), voided: false,
          fields: [['description', sealer.open('description', row.description)], ['notes', sealer.open('notes', row.notes)]],
        });
      }

      const milestones = await client.query<MilestoneRow>(
        `SELECT client_key, milestone_id, achieved_date::text AS achieved_date, voided_at IS NOT NULL AS voided, description
           FROM milestones
          WHERE ($1::uuid[] IS NULL OR client_key = ANY ($1::uuid[]))
            AND ($2::date IS NULL OR achieved_date >= $2) AND achieved_date <= $3::date AND ($4 OR voided_at IS NULL)`,
        [keys, query.sinceDate, query.untilDate, query.includeVoid]);
      for (const row of milestones.rows) {
        const sealer = new RowSealer(cipher, 'milestones', [row.client_key, row.milestone_id]);
        candidates.push({
          kind: 'milestone', id: row.milestone_id, client_id: idOf(row.client_key), time: row.achieved_date, voided: row.voided,
          fields: [['description', sealer.open('description', row.description)]],
        });
      }
      return candidates;
    },
  };
}

const SESSION_FIELDS = ['conversation_summary', 'progress_notes', 'therapist_observations', 'next_session_focus'] as const;

interface SessionRow extends Record<(typeof SESSION_FIELDS)[number], Buffer> {
  client_key: string;
  session_id: string;
  timestamp: Date;
  voided: boolean;
}

interface GoalRow {
  client_key: string;
  goal_id: string;
  created_at: Date;
  description: Buffer;
  notes: Buffer;
}

interface MilestoneRow {
  client_key: string;
  milestone_id: string;
  achieved_date: string;
  voided: boolean;
  description: Buffer;
}

/** Every client key with the id a person sees for it (a merged client's, that of the client it went into). */
async function clientIds(client: pg.ClientBase): Promise<Map<string, string>> {
  const { rows } = await client.query<{ client_key: string; client_id: string }>(
    `SELECT c.client_key, ${currentClientId('c.client_key')} AS client_id FROM clients c`);
  return new Map(rows.map((row) => [row.client_key, row.client_id]));
}
