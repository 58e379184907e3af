/**
 * How a transaction names its caller to PostgreSQL's row-level security: a transaction-local
 * setting, read by my_clients() (src/pg/migrations.ts, step 2). Transaction-local because a
 * session-level setting outlives the checkout of a pooled connection (measured in
 * /work/shared/postgres.md). No driver is imported: anything with pg's `query` will do.
 */
export const CALLER_SETTING = 'tpt.account';

export interface Queryable {
  query(text: string, values?: unknown[]): Promise<unknown>;
}

/** Names `account` as the caller of the transaction `client` is in (call it after BEGIN). */
export async function setCaller(client: Queryable, account: string): Promise<void> {
  await client.query('SELECT set_config($1, $2, true)', [CALLER_SETTING, account]);
}
