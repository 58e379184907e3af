import type pg from 'pg';
import type { TokenRow } from '../domain/records.js';
import type { TokenReads, TokenWrites } from '../store/port.js';
import { isoOrNull } from './sealer.js';

/**
 * The API tokens of the port on PostgreSQL: a reference table of no client. A token is kept as
 * its hash only, so nothing here is sealed; an id or hash taken is the unique keys' to decide.
 */

interface Row extends Omit<TokenRow, 'created_at' | 'revoked_at'> {
  created_at: Date;
  revoked_at: Date | null;
}

export function pgTokens(client: pg.ClientBase): TokenReads & TokenWrites {
  return {
    all: async () => (await client.query<Row>('SELECT * FROM api_tokens ORDER BY created_at, token_id COLLATE "C"')).rows
      .map((row) => ({ ...row, created_at: row.created_at.toISOString(), revoked_at: isoOrNull(row.revoked_at) })),
    active: async () => (await client.query<Pick<TokenRow, 'token_id' | 'name' | 'hash' | 'scope'>>(
      'SELECT token_id, name, hash, scope FROM api_tokens WHERE revoked_at IS NULL')).rows,
    insert: async (token) => {
      await client.query(
        'INSERT INTO api_tokens (token_id, name, hash, created_at, revoked_at, scope) VALUES ($1, $2, $3, $4, $5, $6)',
        [token.token_id, token.name, token.hash, token.created_at, token.revoked_at, token.scope]);
    },
    revoke: async (tokenId, at) => (await client.query(
      'UPDATE api_tokens SET revoked_at = $2 WHERE token_id = $1 AND revoked_at IS NULL', [tokenId, at])).rowCount === 1,
  };
}
