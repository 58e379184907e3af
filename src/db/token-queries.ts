import type { Store } from './store.js';

export interface TokenRow {
  token_id: string;
  name: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
  scope: string;
}

export function insertToken(store: Store, token: TokenRow): void {
  store.statement(`INSERT INTO api_tokens (token_id, name, hash, created_at, revoked_at, scope)
                   VALUES (@token_id, @name, @hash, @created_at, @revoked_at, @scope)`).run(token);
}

export function allTokens(store: Store): TokenRow[] {
  return store.statement('SELECT * FROM api_tokens ORDER BY created_at, token_id').all() as TokenRow[];
}

export function activeTokenHashes(store: Store): Pick<TokenRow, 'token_id' | 'name' | 'hash' | 'scope'>[] {
  return store.statement('SELECT token_id, name, hash, scope FROM api_tokens WHERE revoked_at IS NULL')
    .all() as Pick<TokenRow, 'token_id' | 'name' | 'hash' | 'scope'>[];
}

/** Marks a token revoked; returns false when there is no such active token. */
export function revokeToken(store: Store, tokenId: string, at: string): boolean {
  return store.statement('UPDATE api_tokens SET revoked_at = ? WHERE token_id = ? AND revoked_at IS NULL')
    .run(at, tokenId).changes === 1;
}
