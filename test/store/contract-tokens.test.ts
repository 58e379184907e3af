import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TokenRow } from '../../src/domain/records.js';
import { ConflictError } from '../../src/store/errors.js';
import type { RecordStore } from '../../src/store/port.js';
import { ENGINES } from './engines.js';

/** The port's contract for API tokens, over every engine: ids and hashes unique, revocation guarded. */

const T0 = '2026-03-02T09:30:00.000Z';

function token(tokenId: string, hash: string): TokenRow {
  return { token_id: tokenId, name: `reception ${tokenId}`, hash, created_at: T0, revoked_at: null, scope: 'read' };
}

for (const engine of ENGINES) {
  describe(`API tokens through the port on ${engine.name}`, () => {
    let stores: [RecordStore, RecordStore];
    let dispose: () => Promise<void>;
    beforeEach(async () => {
      ({ stores, dispose } = await engine.open());
      await stores[0].write(async (tx) => {
        await tx.tokens.insert(token('t2', 'h2'));
        await tx.tokens.insert({ ...token('t1', 'h1'), scope: 'admin' });
      });
    });
    afterEach(async () => dispose());

    it('gives tokens back as written, and the active ones', async () => {
      expect(await stores[1].read((tx) => tx.tokens.all())).toEqual([{ ...token('t1', 'h1'), scope: 'admin' }, token('t2', 'h2')]);
      await stores[0].write(async (tx) => expect(await tx.tokens.revoke('t2', '2026-03-03T09:30:00.000Z')).toBe(true));
      await stores[1].read(async (tx) => {
        expect((await tx.tokens.all())[1]!.revoked_at).toBe('2026-03-03T09:30:00.000Z');
        expect(await tx.tokens.active()).toEqual([{ token_id: 't1', name: 'reception t1', hash: 'h1', scope: 'admin' }]);
      });
    });

    it('refuses a taken id or hash with a ConflictError', async () => {
      await expect(stores[1].write((tx) => tx.tokens.insert(token('t1', 'h9')))).rejects.toBeInstanceOf(ConflictError);
      await expect(stores[1].write((tx) => tx.tokens.insert(token('t9', 'h1')))).rejects.toBeInstanceOf(ConflictError);
      expect(await stores[0].read((tx) => tx.tokens.all())).toHaveLength(2);
    });

    it('two revocations of one token at once: one revokes, the other finds nothing to do', async () => {
      const revoke = (store: RecordStore) => store.write(async (tx) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return tx.tokens.revoke('t1', new Date().toISOString());
      });
      expect((await Promise.all([revoke(stores[0]), revoke(stores[1])])).sort()).toEqual([false, true]);
      expect(await stores[0].write((tx) => tx.tokens.revoke('nope', T0))).toBe(false);
    });
  });
}
