import type pg from 'pg';
import type { ExchangeReads, ExchangeWrites } from '../store/port-exchange.js';
import type { FieldCipher } from './field-cipher.js';

/** The exchange facet of the port on PostgreSQL. */
export function pgExchange(_client: pg.ClientBase, _cipher: FieldCipher): ExchangeReads & ExchangeWrites {
  return {};
}
