import type { FieldCipher } from './field-cipher.js';
import { fieldPlace } from './field-place.js';

/**
 * Seals and opens the free text of one row: each value bound to its table, column and the row's
 * primary key (`client_key` first), so a value moved to another row or column fails on read.
 */
export class RowSealer {
  constructor(private readonly cipher: FieldCipher, private readonly table: string, private readonly primaryKey: readonly (string | number)[]) {}

  seal(column: string, text: string): Buffer {
    return this.cipher.seal(text, fieldPlace(this.table, column, this.primaryKey));
  }

  open(column: string, value: Buffer): string {
    return this.cipher.open(value, fieldPlace(this.table, column, this.primaryKey));
  }

  sealOrNull(column: string, text: string | null): Buffer | null {
    return text === null ? null : this.seal(column, text);
  }

  openOrNull(column: string, value: Buffer | null): string | null {
    return value === null ? null : this.open(column, value);
  }
}

/** A timestamptz as tpt's records hold times: UTC ISO 8601 with milliseconds. */
export function isoOrNull(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
