import type { Store } from './store.js';

/** The reads of `tpt caseload` that no other view makes. */

/** The client's active goals whose target date (a local date) is before `today`, earliest first. */
export function goalsPastTarget(store: Store, clientId: string, today: string): { goal_id: string; target_date: string }[] {
  return store.statement(`SELECT goal_id, target_date FROM goals
     WHERE client_id = ? AND status = 'active' AND target_date IS NOT NULL AND target_date < ?
     ORDER BY target_date, goal_id`).all(clientId, today) as { goal_id: string; target_date: string }[];
}

/** The client's unsigned live sessions held before `before`: how many, and the oldest. */
export function unsignedSessionsBefore(store: Store, clientId: string, before: string): { count: number; oldest: string | null } {
  return store.statement(`SELECT count(*) AS count, min(timestamp) AS oldest FROM live_sessions
     WHERE client_id = ? AND signed_at IS NULL AND timestamp < ?`).get(clientId, before) as { count: number; oldest: string | null };
}
