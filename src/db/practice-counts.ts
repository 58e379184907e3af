import type { Store } from './store.js';

/** Counts over the whole practice, for monitoring: numbers only, never a client or a text. */
export function openRiskCount(store: Store): number {
  return (store.statement("SELECT count(*) AS n FROM risks WHERE status = 'open'").get() as { n: number }).n;
}

export function sessionsSince(store: Store, since: string): number {
  return (store.statement('SELECT count(*) AS n FROM live_sessions WHERE timestamp >= ?').get(since) as { n: number }).n;
}

export function clientCount(store: Store): number {
  return (store.statement('SELECT count(*) AS n FROM clients').get() as { n: number }).n;
}
