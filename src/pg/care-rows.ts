import type pg from 'pg';
import type { CareReads, CareWrites } from '../store/port-care.js';
import type { FieldCipher } from './field-cipher.js';

/** The care facet of the port on PostgreSQL. */
export function pgCare(_client: pg.ClientBase, _cipher: FieldCipher): CareReads & CareWrites {
  return {};
}
