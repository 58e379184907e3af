import type pg from 'pg';
import type { AdminReads, AdminWrites } from '../store/port-admin.js';
import type { FieldCipher } from './field-cipher.js';

/** The admin facet of the port on PostgreSQL. */
export function pgAdmin(_client: pg.ClientBase, _cipher: FieldCipher): AdminReads & AdminWrites {
  return {};
}
