import type pg from 'pg';
import type { AuditEvent, AuditRecord } from '../domain/records.js';
import type { AuditCheck } from '../store/port.js';
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
