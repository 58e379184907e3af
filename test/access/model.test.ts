import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_ACTIONS, PRACTICE_ACTIONS, ROLES, decide, readableClients,
  type Action, type Practice, type Role,
} from '../../src/access/model.js';

/**
 * The oracle: issue 23's role list written out again as a table, by scope, independently of
 * decide()'s code. 'own' = assigned to the caller; 'supervised' = assigned to an active clinician
 * the caller supervises; 'any' = every client; 'practice' = the practice-wide actions.
 */
type Scope = 'own' | 'supervised' | 'any' | 'practice';
const GRANTS: Record<Role, Partial<Record<Action, Scope[]>>> = {
  clinician: { 'client.see': ['own'], 'clinical.read': ['own'], 'clinical.write': ['own'] },
  clinician_all_clients: { 'client.see': ['any'], 'clinical.read': ['any'], 'clinical.write': ['own'] },
  supervisor: {
    'client.see': ['own', 'supervised'], 'clinical.read': ['own', 'supervised'], 'clinical.write': ['own'],
    'note.review': ['supervised'],
  },
  practice_manager: {
    'client.see': ['any'], 'accounts.manage': ['practice'], 'caseload.manage': ['practice'], 'access-log.read': ['practice'],
  },
  auditor: { 'audit.read': ['practice'], 'access-log.read': ['practice'] },
  administrator: { 'keys.manage': ['practice'], 'retention.manage': ['practice'], 'backup.run': ['practice'] },
};
const CASELOAD_ROLES = ['clinician', 'clinician_all_clients', 'supervisor'];

function oracle(practice: Practice, caller: string, action: Action, client: string | undefined): boolean {
  const me = practice.accounts.find((account) => account.id === caller);
  if (!me || me.disabled) return false;
  const scopes = GRANTS[me.role][action] ?? [];
  const assigned = (who: string, c: string) => {
    const account = practice.accounts.find((a) => a.id === who);
    return account !== undefined && !account.disabled && CASELOAD_ROLES.includes(account.role) &&
      practice.assignments.some((row) => row.account === who && row.client === c);
  };
  return scopes.some((scope) => {
    if (scope === 'practice') return true;
    if (client === undefined) return false;
    if (scope === 'any') return true;
    if (scope === 'own') return assigned(caller, client);
    return me.role === 'supervisor' && practice.supervisions.some((s) => s.supervisor === caller && assigned(s.clinician, client));
  });
}

const ACCOUNT_IDS = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
const CLIENT_IDS = ['c1', 'c2', 'c3', 'c4', 'c5'];
/** A client no practice holds: the "does it exist" probe. */
const GHOST = 'ghost';

const practiceArb: fc.Arbitrary<Practice> = fc.record({
  accounts: fc.uniqueArray(
    fc.record({ id: fc.constantFrom(...ACCOUNT_IDS), role: fc.constantFrom(...ROLES), disabled: fc.boolean() }),
    { selector: (account) => account.id, minLength: 1, maxLength: ACCOUNT_IDS.length },
  ),
  assignments: fc.uniqueArray(
    fc.record({ account: fc.constantFrom(...ACCOUNT_IDS), client: fc.constantFrom(...CLIENT_IDS) }),
    { selector: (row) => `${row.account}/${row.client}`, maxLength: 12 },
  ),
  supervisions: fc.uniqueArray(
    fc.record({ supervisor: fc.constantFrom(...ACCOUNT_IDS), clinician: fc.constantFrom(...ACCOUNT_IDS) }),
    { selector: (row) => `${row.supervisor}/${row.clinician}`, maxLength: 6 },
  ),
});
const callerArb = fc.constantFrom(...ACCOUNT_IDS, 'stranger');
const clientArb = fc.constantFrom(...CLIENT_IDS, GHOST);

describe('the access decision', () => {
  it('agrees with the oracle on random practices and requests: no leak, no wrongful refusal', () => {
    fc.assert(fc.property(practiceArb, callerArb, fc.constantFrom(...CLIENT_ACTIONS), clientArb, (practice, caller, action, client) => {
      expect(decide(practice, caller, action, client)).toBe(oracle(practice, caller, action, client) ? 'allow' : 'deny');
    }), { numRuns: 5000 });
    fc.assert(fc.property(practiceArb, callerArb, fc.constantFrom(...PRACTICE_ACTIONS), (practice, caller, action) => {
      expect(decide(practice, caller, action)).toBe(oracle(practice, caller, action, undefined) ? 'allow' : 'deny');
    }), { numRuns: 2000 });
  });

  it('answers a refused client exactly as a client that does not exist', () => {
    fc.assert(fc.property(practiceArb, callerArb, fc.constantFrom(...CLIENT_ACTIONS), fc.constantFrom(...CLIENT_IDS), (practice, caller, action, client) => {
      // Remove every trace of the client: if the caller was refused, the answer must not change.
      const without: Practice = { ...practice, assignments: practice.assignments.filter((row) => row.client !== client) };
      const refused = decide(practice, caller, action, client);
      if (refused === 'deny') expect(decide(without, caller, action, client)).toBe('deny');
      expect(decide(without, caller, action, client)).toBe(decide(without, caller, action, GHOST));
    }), { numRuns: 3000 });
  });

  it('reads clinical text exactly where readableClients says (the set row-level security enforces)', () => {
    fc.assert(fc.property(practiceArb, callerArb, clientArb, (practice, caller, client) => {
      const readable = readableClients(practice, caller);
      const inSet = readable === 'all' || readable.has(client);
      expect(decide(practice, caller, 'clinical.read', client)).toBe(inSet ? 'allow' : 'deny');
    }), { numRuns: 3000 });
  });

  it('worked examples', () => {
    const practice: Practice = {
      accounts: [
        { id: 'ana', role: 'clinician', disabled: false },
        { id: 'ben', role: 'clinician', disabled: false },
        { id: 'sue', role: 'supervisor', disabled: false },
        { id: 'pam', role: 'practice_manager', disabled: false },
        { id: 'old', role: 'clinician', disabled: true },
      ],
      assignments: [{ account: 'ana', client: 'c1' }, { account: 'ben', client: 'c2' }, { account: 'old', client: 'c3' }],
      supervisions: [{ supervisor: 'sue', clinician: 'ana' }],
    };
    expect(decide(practice, 'ana', 'clinical.write', 'c1')).toBe('allow');
    expect(decide(practice, 'ana', 'clinical.read', 'c2')).toBe('deny');
    expect(decide(practice, 'sue', 'clinical.read', 'c1')).toBe('allow');
    expect(decide(practice, 'sue', 'clinical.write', 'c1')).toBe('deny');
    expect(decide(practice, 'sue', 'note.review', 'c1')).toBe('allow');
    expect(decide(practice, 'sue', 'note.review', 'c2')).toBe('deny');
    expect(decide(practice, 'pam', 'client.see', 'c2')).toBe('allow');
    expect(decide(practice, 'pam', 'clinical.read', 'c2')).toBe('deny');
    expect(decide(practice, 'old', 'clinical.read', 'c3')).toBe('deny');
    expect(readableClients(practice, 'sue')).toEqual(new Set(['c1']));
  });
});
