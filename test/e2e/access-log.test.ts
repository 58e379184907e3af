import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';

/**
 * `tpt access-log [client]` and `tpt audit --by A` (issue 23): who read or wrote which
 * client's clinical text, and when, with no text in it; the audit log of one person.
 */

const START = Date.parse('2026-03-02T09:30:00.000Z');
let box: Sandbox;
let runs = 0;

/**
 * Each run a minute after the one before: entries of one instant about different clients have no
 * order on PostgreSQL (one audit chain per client), so the lists are ordered by their times here.
 */
async function ok(args: string[], actor = 'dana'): Promise<string> {
  const result = await box.run(['--actor', actor, ...args], { now: new Date(START + 60_000 * runs++) });
  expect(result.code, `tpt ${args.join(' ')}: ${result.stderr}`).toBe(0);
  return result.stdout;
}

interface AccessEntry { actor: string; access: string; action: string; client_id: string | null; object_id: string | null }

beforeAll(async () => {
  box = new Sandbox();
  await ok(['init']);
  await ok(['log-session', '--client', 'c1', '--id', 's1', '--summary', 'secret worry about the move', '--mood', '0']);
  await ok(['log-session', '--client', 'c2', '--id', 's2', '--summary', 'another secret', '--mood', '1'], 'sam');
  await ok(['session', 'show', 's1'], 'sam');
  await ok(['sessions', 'c2'], 'dana');
});
afterAll(() => box.cleanup());

describe('tpt access-log', () => {
  it('lists each read and write of a client\'s clinical text with who and when, and no text', async () => {
    const out = await ok(['--json', 'access-log', 'c1'], 'lee');
    const entries = JSON.parse(out) as AccessEntry[];
    expect(entries.map(({ actor, access, action, client_id, object_id }) => [actor, access, action, client_id, object_id])).toEqual([
      ['dana', 'write', 'session.create', 'c1', 's1'],
      ['sam', 'read', 'session.read', 'c1', 's1'],
    ]);
    expect(out).not.toMatch(/secret/);
    const text = await ok(['access-log'], 'lee');
    expect(text).toMatch(/dana\s+write\s+session\.create\s+c1/);
    expect(text).toMatch(/dana\s+read\s+session\.list\s+c2/);
    expect(text).not.toMatch(/secret/);
    // The listing of the log is itself in the audit log, but not an access of clinical text.
    expect(text).not.toMatch(/access-log\.list/);
  });

  it('filters by the person with --by', async () => {
    const entries = JSON.parse(await ok(['--json', 'access-log', '--by', 'sam'], 'lee')) as AccessEntry[];
    expect(entries.map((entry) => [entry.access, entry.action, entry.client_id])).toEqual([
      ['write', 'session.create', 'c2'], ['read', 'session.read', 'c1'],
    ]);
  });
});

describe('tpt audit --by', () => {
  it('lists only the entries of that person', async () => {
    const entries = JSON.parse(await ok(['--json', 'audit', '--by', 'sam'], 'lee')) as AccessEntry[];
    // sam's entries only; the two listings sam never made (lee made them) are not there.
    expect(entries.map((entry) => [entry.actor, entry.action, entry.client_id])).toEqual([
      ['sam', 'session.create', 'c2'], ['sam', 'session.read', 'c1'],
    ]);
    const none = await ok(['audit', '--by', 'nobody'], 'lee');
    expect(none).toMatch(/No audit entries/);
  });
});
