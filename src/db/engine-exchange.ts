import type { ExchangeReads, ExchangeWrites } from '../store/port-exchange.js';
import type { Store } from './store.js';

/** The exchange facet of the port on SQLite, over today's queries. */
export function sqliteExchange(_store: Store): ExchangeReads & ExchangeWrites {
  return {};
}
