import { createHash, createHmac, hkdfSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GENESIS_HASH,
  NO_CLIENT_CHAIN,
  appendAudit,
  auditKeyFrom,
  describeProblem,
  entryHash,
  verifyAllChains,
  verifyChain,
  type AuditEvent,
} from '../../src/pg/audit-chain.js';
import { openPool, type PgPool } from '../../src/pg/connect.js';
import { fieldKeyFrom } from '../../src/pg/field-cipher.js';
import { migrate } from '../../src/pg/migrate.js';
import { inTransaction } from '../../src/pg/transaction.js';
import { BusyError, type StoreError } from '../../src/store/errors.js';
import { useTestDatabase } from '../support/postgres.js';

const database = useTestDatabase();
const FIELD_KEY = fieldKeyFrom({ kind: 'raw', hex: 'ab'.repeat(32) });
const KEY = auditKeyFrom(FIELD_KEY);
const KEYS = [KEY];
let db: PgPool;
beforeAll(async () => {
  db = await openPool(database.url(), { max: 12 });
  await migrate(db);
});
afterAll(async () => {
  await db?.pool.end();
});

function event(chainKey: string, n: number): AuditEvent {
  return {
    chainKey, at: new Date(Date.UTC(2026, 2, 1, 9, 30, 0, n)), actor: 'dr a', action: 'session.log',
    clientId: chainKey === NO_CLIENT_CHAIN ? null : 'anna', objectId: `S${n}`, outcome: 'ok',
  };
}

async function chainOf(length: number): Promise<string> {
  const chainKey = randomUUID();
  for (let n = 1; n <= length; n++) await inTransaction(db, (client) => appendAudit(client, event(chainKey, n), KEY));
  return chainKey;
}

/** Changes the log as its administrator could: with the append-only triggers off for the session. */
async function tamper(sql: string, values: unknown[]): Promise<void> {
  await inTransaction(db, async (client) => {
    await client.query(`SET LOCAL session_replication_role = replica`);
    await client.query(sql, values);
  });
}

describe('the PostgreSQL audit chain', () => {
  it('hashes the entry\'s canonical form under the audit key, linked to the genesis hash, and moves the head', async () => {
    const chainKey = '11111111-1111-4111-8111-111111111111';
    const entry = await inTransaction(db, (client) => appendAudit(client, event(chainKey, 1), KEY));
    const canonical =
      `["11111111-1111-4111-8111-111111111111",1,"2026-03-01T09:30:00.001Z","dr a","session.log","anna","S1","ok","${FIELD_KEY.id}","${'0'.repeat(64)}"]`;
    const auditSecret = Buffer.from(hkdfSync('sha256', FIELD_KEY.secret, 'tpt', 'tpt audit chain v1', 32));
    expect(entry).toMatchObject({
      seq: 1, keyId: FIELD_KEY.id, prevHash: GENESIS_HASH, hash: createHmac('sha256', auditSecret).update(canonical).digest('hex'),
    });
    const head = (await db.pool.query('SELECT seq, hash FROM audit_heads WHERE chain_key = $1', [chainKey])).rows[0];
    expect(head).toEqual({ seq: 1, hash: entry.hash });
    expect(await verifyChain(db.pool, chainKey, KEYS)).toEqual({ chainKey, entries: 1, head: { seq: 1, hash: entry.hash } });
  });

  it('an entry rolled back with its write leaves no trace, and the chain goes on without a gap', async () => {
    const chainKey = await chainOf(2);
    await expect(inTransaction(db, async (client) => {
      await appendAudit(client, event(chainKey, 3), KEY);
      throw new Error('the write it records failed');
    })).rejects.toThrow('the write it records failed');
    const next = await inTransaction(db, (client) => appendAudit(client, event(chainKey, 4), KEY));
    expect(next.seq).toBe(3);
    expect((await verifyChain(db.pool, chainKey, KEYS)).problem).toBeUndefined();
  });

  it('many concurrent appenders over many chains: every chain whole, numbered without gaps', async () => {
    const chains = [NO_CLIENT_CHAIN, ...Array.from({ length: 15 }, () => randomUUID())];
    const perChain = 25;
    // Interleaved so that writers of one chain and of others are in flight together.
    const writes = [];
    for (let n = 1; n <= perChain; n++) {
      for (const chainKey of chains) writes.push(inTransaction(db, (client) => appendAudit(client, event(chainKey, n), KEY)));
    }
    const entries = await Promise.all(writes);
    for (const chainKey of chains) {
      const seqs = entries.filter((entry) => entry.chainKey === chainKey).map((entry) => entry.seq).sort((a, b) => a - b);
      expect(seqs).toEqual(Array.from({ length: perChain }, (_, i) => i + 1));
      const report = await verifyChain(db.pool, chainKey, KEYS);
      expect(report.problem).toBeUndefined();
      expect(report.entries).toBe(perChain);
    }
    const all = await verifyAllChains(db.pool, KEYS);
    expect(all.filter((report) => report.problem !== undefined)).toEqual([]);
  });

  it('a writer of one client never waits on another client\'s chain; a writer of the same client does', async () => {
    const [a, b] = [await chainOf(1), await chainOf(1)];
    let releaseA!: () => void;
    const aMayCommit = new Promise<void>((resolve) => (releaseA = resolve));
    let aAppended!: () => void;
    const aHoldsItsHead = new Promise<void>((resolve) => (aAppended = resolve));
    const holder = inTransaction(db, async (client) => {
      await appendAudit(client, event(a, 2), KEY);
      aAppended();
      await aMayCommit;
    });
    await aHoldsItsHead;
    try {
      // With A's head locked by an open transaction, B appends at once ...
      const other = await inTransaction(db, async (client) => {
        await client.query(`SET LOCAL lock_timeout = '2s'`);
        return appendAudit(client, event(b, 2), KEY);
      });
      expect(other.seq).toBe(2);
      // ... and a second writer of A waits for the first (here: past its lock timeout).
      const same = await inTransaction(db, async (client) => {
        await client.query(`SET LOCAL lock_timeout = '100ms'`);
        return appendAudit(client, event(a, 3), KEY);
      }).then(() => undefined, (error: StoreError) => error);
      expect(same).toBeInstanceOf(BusyError);
    } finally {
      releaseA();
      await holder;
    }
    expect((await verifyChain(db.pool, a, KEYS)).entries).toBe(2);
  });

  it('catches an edited entry', async () => {
    const chainKey = await chainOf(10);
    await tamper(`UPDATE audit_log SET actor = 'someone else' WHERE chain_key = $1 AND seq = 3`, [chainKey]);
    const report = await verifyChain(db.pool, chainKey, KEYS);
    expect(report.problem).toEqual({ kind: 'changed', seq: 3 });
    expect(describeProblem(report)).toBe(
      `the audit chain of client key ${chainKey}: entry 3 does not match its hash (changed, or moved from another place): the log was altered outside tpt: compare it with a backup to see what changed`);
  });

  it('catches a deleted entry', async () => {
    const chainKey = await chainOf(10);
    await tamper('DELETE FROM audit_log WHERE chain_key = $1 AND seq = 4', [chainKey]);
    expect((await verifyChain(db.pool, chainKey, KEYS)).problem).toEqual({ kind: 'missing', seq: 4 });
  });

  it('catches two entries reordered (their places swapped)', async () => {
    const chainKey = await chainOf(10);
    await tamper('UPDATE audit_log SET seq = 1000 WHERE chain_key = $1 AND seq = 5', [chainKey]);
    await tamper('UPDATE audit_log SET seq = 5 WHERE chain_key = $1 AND seq = 6', [chainKey]);
    await tamper('UPDATE audit_log SET seq = 6 WHERE chain_key = $1 AND seq = 1000', [chainKey]);
    expect((await verifyChain(db.pool, chainKey, KEYS)).problem).toEqual({ kind: 'changed', seq: 5 });
  });

  it('catches a forger who deletes an entry and rehashes the rest of the chain, head and all, without the key', async () => {
    const chainKey = await chainOf(6);
    await tamper('DELETE FROM audit_log WHERE chain_key = $1 AND seq = 3', [chainKey]);
    // Renumber and relink every later entry and the head, with hashes made as SHA-256 (or under
    // any key but tpt's): every link and the head agree again; only the keyed hash tells.
    const rows = (await db.pool.query('SELECT * FROM audit_log WHERE chain_key = $1 ORDER BY seq', [chainKey])).rows;
    let prev = rows[1].hash as string;
    for (const row of rows.slice(2)) {
      const seq = Number(row.seq) - 1;
      const canonical = JSON.stringify([chainKey, seq, row.at.toISOString(), row.actor, row.action, row.client_id,
        row.object_id, row.outcome, row.key_id, prev]);
      const hash = createHash('sha256').update(canonical).digest('hex');
      await tamper('UPDATE audit_log SET seq = $3, prev_hash = $4, hash = $5 WHERE chain_key = $1 AND seq = $2',
        [chainKey, row.seq, seq, prev, hash]);
      prev = hash;
    }
    await tamper('UPDATE audit_heads SET seq = 5, hash = $2 WHERE chain_key = $1', [chainKey, prev]);
    expect((await verifyChain(db.pool, chainKey, KEYS)).problem).toEqual({ kind: 'changed', seq: 3 });
  });

  it('verifies a chain across a rekey with both keys, and names a key it was not given', async () => {
    const chainKey = await chainOf(2);
    const newKey = auditKeyFrom(fieldKeyFrom({ kind: 'raw', hex: 'cd'.repeat(32) }));
    await inTransaction(db, (client) => appendAudit(client, event(chainKey, 3), newKey));
    expect((await verifyChain(db.pool, chainKey, [newKey, KEY])).problem).toBeUndefined();
    const report = await verifyChain(db.pool, chainKey, [newKey]);
    expect(report.problem).toEqual({ kind: 'unknown-key', seq: 1, keyId: KEY.id });
    expect(describeProblem(report)).toBe(
      `the audit chain of client key ${chainKey}: entry 1 was hashed under key ${KEY.id}, which was not given: give that key file to verify it`);
    // A hash is bound to its key: the same entry under another key does not verify.
    const entry = { chainKey, seq: 1, at: new Date(0), actor: 'a', action: 'b', clientId: null, objectId: null,
      outcome: 'ok' as const, keyId: KEY.id, prevHash: GENESIS_HASH };
    expect(entryHash(entry, KEY)).not.toBe(entryHash(entry, newKey));
  });

  it('catches a chain cut at its end', async () => {
    const chainKey = await chainOf(10);
    await tamper('DELETE FROM audit_log WHERE chain_key = $1 AND seq > 8', [chainKey]);
    const report = await verifyChain(db.pool, chainKey, KEYS);
    expect(report.problem).toEqual({ kind: 'truncated', lastSeq: 8, headSeq: 10 });
    expect(describeProblem(report)).toContain('ends at entry 8 but its head says 10 (entries cut from the end)');
  });

  it('catches an entry moved to another client\'s chain', async () => {
    const [from, to] = [await chainOf(3), await chainOf(3)];
    await tamper('UPDATE audit_log SET chain_key = $2, seq = 4 WHERE chain_key = $1 AND seq = 3', [from, to]);
    expect((await verifyChain(db.pool, to, KEYS)).problem).toEqual({ kind: 'changed', seq: 4 });
    expect((await verifyChain(db.pool, from, KEYS)).problem).toEqual({ kind: 'truncated', lastSeq: 2, headSeq: 3 });
  });
});
