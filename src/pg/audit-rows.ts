import type pg from 'pg';
import type { AuditEvent, AuditRecord } from '../domain/records.js';
import type { AuditCheck, AuditListed, AuditRange } from '../store/port.js';
import { appendAudit, describeProblem, NO_CLIENT_CHAIN, verifyChain, type AuditKey } from './audit-chain.js';
import { clientKeyOf, clientKeysOf } from './client-keys.js';

/** The audit log of the port on PostgreSQL: one keyed chain per client (src/pg/audit-chain.ts). */
export class PgAudit {
  constructor(private readonly client: pg.ClientBase, private readonly keys: readonly [AuditKey, ...AuditKey[]]) {}

  /**
   * An entry goes to its client's chain; one about no client, or about an id no client has (a
   * refused read of an unknown id), to the chain of no client.
   */
  async append(event: AuditEvent): Promise<void> {
    const chainKey = (event.client_id === null ? undefined : await clientKeyOf(this.client, event.client_id)) ?? NO_CLIENT_CHAIN;
    await appendAudit(this.client, {
      chainKey, at: new Date(event.at), actor: event.actor, action: event.action, clientId: event.client_id,
      objectId: event.object_id, outcome: event.outcome,
    }, this.keys[0]);
  }

  async entries(clientId: string | null): Promise<AuditRecord[]> {
    const columns = 'seq, at, actor, action, client_id, object_id, outcome';
    const { rows } = clientId === null
      ? await this.client.query(`SELECT ${columns} FROM audit_log ORDER BY at, chain_key, seq`)
      : await this.client.query(`SELECT ${columns} FROM audit_log WHERE chain_key = ANY ($1::uuid[]) ORDER BY at, chain_key, seq`,
        [await clientKeysOf(this.client, clientId)]);
    return (rows as (Omit<AuditRecord, 'at'> & { at: Date })[]).map((row) => ({
      seq: Number(row.seq), at: row.at.toISOString(), actor: row.actor, action: row.action, client_id: row.client_id,
      object_id: row.object_id, outcome: row.outcome,
    }));
  }

  async listed(range: AuditRange): Promise<AuditListed[]> {
    const params: unknown[] = [range.start ?? '-infinity', range.end];
    const chains = range.clientId === null ? '' : ` AND chain_key = ANY ($${params.push(await clientKeysOf(this.client, range.clientId))}::uuid[])`;
    const { rows } = await this.client.query<Omit<AuditListed, 'at' | 'seq'> & { at: Date; seq: string }>(
      `SELECT seq, at, actor, action, client_id, object_id, outcome, prev_hash, hash FROM audit_log
        WHERE at >= $1::timestamptz AND at <= $2::timestamptz${chains} ORDER BY at, chain_key, seq`, params);
    return rows.map((row) => ({
      seq: Number(row.seq), at: row.at.toISOString(), actor: row.actor, action: row.action, client_id: row.client_id,
      object_id: row.object_id, outcome: row.outcome, prev_hash: row.prev_hash, hash: row.hash,
    }));
  }

  /** A client whose chain holds no entry, or a token no `token.create` entry names. */
  async unrecorded(): Promise<string | undefined> {
    const { rows: clients } = await this.client.query<{ client_id: string }>(
      `SELECT client_id FROM clients c WHERE client_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.chain_key = c.client_key)
        ORDER BY client_id COLLATE "C" LIMIT 1`);
    if (clients[0]) return `client "${clients[0].client_id}"`;
    const { rows: tokens } = await this.client.query<{ token_id: string }>(
      `SELECT token_id FROM api_tokens t
        WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'token.create' AND a.object_id = t.token_id)
        ORDER BY token_id COLLATE "C" LIMIT 1`);
    return tokens[0] ? `token ${tokens[0].token_id}` : undefined;
  }

  async verify(): Promise<AuditCheck> {
    const { rows } = await this.client.query<{ chain_key: string }>(
      'SELECT chain_key FROM audit_heads UNION SELECT DISTINCT chain_key FROM audit_log ORDER BY chain_key');
    let entries = 0;
    for (const { chain_key } of rows) {
      const report = await verifyChain(this.client, chain_key, this.keys);
      entries += report.entries;
      const problem = describeProblem(report);
      if (problem !== undefined) return { intact: false, entries, problem };
    }
    return { intact: true, entries, problem: null };
  }
}
