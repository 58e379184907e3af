import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, auditHash, verifyAuditChain } from '../../src/core/audit.js';
import { InputError } from '../../src/core/errors.js';
import type { AuditEntry } from '../../src/core/model.js';

/** An honest chain of `n` entries, hashed the way recordAudit does. */
function chain(n: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const unsigned = {
      seq, at: `2026-03-0${seq}T09:30:00.000Z`, actor: 'dr.k', action: 'session.create',
      client_id: 'c42', object_id: `ses_${seq}`, outcome: 'ok', prev_hash: prev,
    };
    const entry = { ...unsigned, hash: auditHash(unsigned) };
    entries.push(entry);
    prev = entry.hash;
  }
  return entries;
}

/** Recomputes each entry's own hash and link after an attacker rearranged them. */
function rehash(entries: AuditEntry[]): AuditEntry[] {
  return entries.map((entry) => ({ ...entry, hash: auditHash(entry) }));
}

describe('auditHash', () => {
  it('hashes the canonical JSON array of the fields in fixed order', () => {
    // echo -n '[1,"2026-03-01T09:30:00.000Z","dr.k","session.create","c42","ses_a","ok","000…0"]' | sha256sum
    expect(auditHash({
      seq: 1, at: '2026-03-01T09:30:00.000Z', actor: 'dr.k', action: 'session.create',
      client_id: 'c42', object_id: 'ses_a', outcome: 'ok', prev_hash: GENESIS_HASH,
    })).toBe('ec3fde9851d4f944dce55ac9afdaf716694380c5a51ded975f15269ae06669a8');
  });
});

describe('verifyAuditChain', () => {
  it('passes an honest log and reports the count and the head', () => {
    const entries = chain(5);
    expect(verifyAuditChain(entries)).toEqual({
      intact: true, entries: 5, head: entries[4]!.hash, head_seq: 5, broken_seq: null, problem: null,
    });
  });

  it('passes an empty log with the genesis hash as head', () => {
    expect(verifyAuditChain([])).toMatchObject({ intact: true, entries: 0, head: GENESIS_HASH, head_seq: 0 });
  });

  it('names an edited entry', () => {
    const entries = chain(5);
    entries[2] = { ...entries[2]!, actor: 'mallory' };
    expect(verifyAuditChain(entries)).toMatchObject({ intact: false, broken_seq: 3, entries: 5 });
    expect(verifyAuditChain(entries).problem).toMatch(/do not match its hash/);
  });

  it('names the entry after a deleted one', () => {
    const entries = chain(5);
    entries.splice(2, 1); // seq 3 gone: 1, 2, 4, 5
    const result = verifyAuditChain(entries);
    expect(result).toMatchObject({ intact: false, broken_seq: 4 });
    expect(result.problem).toBe('entry 3 is missing before it (deleted)');
  });

  it('names the first of two entries whose places were swapped', () => {
    const entries = chain(5);
    // Rows 2 and 3 trade places but keep their seq column: row 2 now holds entry 3's fields.
    const swapped = [entries[0]!, { ...entries[2]!, seq: 2 }, { ...entries[1]!, seq: 3 }, entries[3]!, entries[4]!];
    expect(verifyAuditChain(swapped)).toMatchObject({ intact: false, broken_seq: 2 });
  });

  it('names a reordered entry even when each entry\'s own hash was recomputed', () => {
    const entries = chain(4);
    const reordered = rehash([entries[0]!, { ...entries[2]!, seq: 2 }, { ...entries[1]!, seq: 3 }, entries[3]!]);
    const result = verifyAuditChain(reordered);
    expect(result).toMatchObject({ intact: false, broken_seq: 2 });
    expect(result.problem).toMatch(/does not link to entry 1/);
  });

  it('cannot see a log cut at its end, but a head kept elsewhere can', () => {
    const entries = chain(5);
    const head = entries[4]!.hash;
    const cut = entries.slice(0, 3);
    expect(verifyAuditChain(cut).intact).toBe(true);
    const result = verifyAuditChain(cut, head);
    expect(result).toMatchObject({ intact: false, broken_seq: 4, given_head_seq: null });
    expect(result.problem).toMatch(/now ends at entry 3/);
  });

  it('accepts a head from before entries were appended honestly', () => {
    const entries = chain(5);
    expect(verifyAuditChain(entries, entries[1]!.hash.toUpperCase())).toMatchObject({ intact: true, given_head_seq: 2 });
  });

  it('refuses a head that is not 64 hex digits', () => {
    expect(() => verifyAuditChain(chain(1), 'abc')).toThrow(InputError);
  });
});
