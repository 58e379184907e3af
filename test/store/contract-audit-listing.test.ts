import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/domain/records.js';
import type { AuditListed, RecordStore } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/**
 * The port's contract for `tpt audit` and `tpt audit verify`, over every engine: the entries of
 * a range with their hashes, and the records on file that no entry names.
 */

const at = (day: number) => `2026-03-${String(day).padStart(2, '0')}T09:30:00.000Z`;

function event(day: number, action: string, clientId: string | null, objectId: string | null = null): AuditEvent {
  return { at: at(day), actor: 'dr.k', action, client_id: clientId, object_id: objectId, outcome: 'ok' };
}

/** What an entry says, without its place in its chain (SQLite has one chain, PostgreSQL one per client). */
const said = ({ seq: _seq, prev_hash: _prev, hash: _hash, ...rest }: AuditListed) => rest;

for (const engine of ENGINES) {
  describe(`the audit listing through the port on ${engine.name}`, () => {
    let stores: [RecordStore, RecordStore];
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ stores, dispose } = await engine.open());
    });
    afterEach(async () => dispose());

    it("lists a range's entries, one client's or all, oldest first, each with its hashes", async () => {
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('c1', at(1));
        await tx.clients.ensure('c2', at(1));
        await tx.audit.append(event(2, 'session.create', 'c1', 's1'));
        await tx.audit.append(event(3, 'session.create', 'c2', 's2'));
        await tx.audit.append(event(4, 'token.create', null, 't1'));
        await tx.audit.append(event(5, 'session.read', 'c1', 's1'));
        await tx.audit.append(event(6, 'session.list', 'c1'));
      });
      const listed = (clientId: string | null, start: string | null, end: string) =>
        stores[1].read((tx) => tx.audit.listed({ clientId, start, end }));
      const all = await listed(null, null, at(31));
      expect(all.map(said)).toEqual([
        event(2, 'session.create', 'c1', 's1'), event(3, 'session.create', 'c2', 's2'), event(4, 'token.create', null, 't1'),
        event(5, 'session.read', 'c1', 's1'), event(6, 'session.list', 'c1'),
      ]);
      for (const entry of all) {
        expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
        expect(entry.prev_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(entry.seq).toBeGreaterThanOrEqual(1);
      }
      // Both ends of the range belong to it.
      expect((await listed('c1', at(2), at(5))).map(said)).toEqual([event(2, 'session.create', 'c1', 's1'), event(5, 'session.read', 'c1', 's1')]);
      expect((await listed(null, at(3), at(4))).map((entry) => entry.action)).toEqual(['session.create', 'token.create']);
      expect(await listed('c2', at(4), at(31))).toEqual([]);
      expect(await listed('nobody', null, at(31))).toEqual([]);
    });

    it('names a client, then a token, that is on record without an entry naming it', async () => {
      expect(await stores[1].read((tx) => tx.audit.unrecorded())).toBeUndefined();
      await stores[0].write(async (tx) => {
        await tx.clients.ensure('c1', at(1));
        await tx.audit.append(event(1, 'session.create', 'c1', 's1'));
        await tx.clients.ensure('c2', at(2));
        await tx.tokens.insert({ token_id: 't1', name: 'desk', hash: 'h1', created_at: at(2), revoked_at: null, scope: 'read' });
      });
      expect(await stores[1].read((tx) => tx.audit.unrecorded())).toBe('client "c2"');
      await stores[0].write((tx) => tx.audit.append(event(3, 'goal.create', 'c2', 'g1')));
      expect(await stores[1].read((tx) => tx.audit.unrecorded())).toBe('token t1');
      // Another action naming the token's id is not its creation.
      await stores[0].write((tx) => tx.audit.append(event(3, 'token.revoke', null, 't1')));
      expect(await stores[1].read((tx) => tx.audit.unrecorded())).toBe('token t1');
      await stores[0].write((tx) => tx.audit.append(event(3, 'token.create', null, 't1')));
      expect(await stores[1].read((tx) => tx.audit.unrecorded())).toBeUndefined();
    });
  });
}
