import { clientCount, openRiskCount, sessionsSince } from '../db/practice-counts.js';
import type { Store } from '../db/store.js';

/** What a monitor of the practice sees: how many, never who or what (no client id, no text). */
export interface PracticeCounts {
  clients: number;
  open_risks: number;
  /** Sessions dated since the start of today, local time. */
  sessions_today: number;
}

export function practiceCounts(store: Store, now: Date): PracticeCounts {
  const startOfDay = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  return store.readTransaction(() => ({
    clients: clientCount(store),
    open_risks: openRiskCount(store),
    sessions_today: sessionsSince(store, startOfDay.toISOString()),
  }));
}
