import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { PassThrough } from 'node:stream';
import stringWidth from 'string-width';
import { main } from '../../src/cli.js';
import { runsAt, Sandbox } from '../helpers.js';

// Issue 26: what a new user still tripped over. TZ=Europe/Berlin (UTC+1 in November-December).
const NOW = new Date('2026-12-07T17:00:00Z');
let box: Sandbox;

beforeEach(() => {
  box = new Sandbox();
});
afterEach(() => box.cleanup());

const { run, ok, json } = runsAt(() => box, NOW);

describe('finding 1: the demo never takes real records and never erases what it did not write', () => {
  it('refuses a real client in the demo database, `tpt init` on it, and a new demo over records someone wrote there', () => {
    const demo = join(box.home, 'demo.db');
    const onDemo = { TPT_DB: demo, TPT_KEY_FILE: `${demo}.key` };
    const made = box.spawn(['--db', demo, 'demo']);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain('unset TPT_DB TPT_KEY_FILE');

    // The shell the demo's suggestions set up: init says it is the demo, and a real client is refused.
    const init = box.spawn(['init'], onDemo);
    expect(init.code).toBe(2);
    expect(init.stderr).toMatch(/is the demo database \(TPT_DB points at it\).*unset TPT_DB TPT_KEY_FILE/);
    const real = box.spawn(['log-session', '--client', 'c42', '--mood', '0', '--summary', 'First session'], onDemo);
    expect(real.code).toBe(2);
    expect(real.stderr.trim().split('\n')).toHaveLength(1);
    expect(real.stderr).toContain('this is the demo database');
    expect(box.spawn(['goal', 'create', '--client', 'c42', '--description', 'x'], onDemo).code).toBe(2);
    expect(box.spawn(['measure', 'add', 'c42', '--measure', 'phq9', '--total', '5'], onDemo).code).toBe(2);
    expect(box.spawnOk(['--json', 'clients'], onDemo)).not.toContain('c42');

    // Trying tpt on a demo client is fine, but the next demo keeps it and says how to take it along.
    box.spawnOk(['log-session', '--client', 'demo-avery', '--mood', '1', '--summary', 'My own try'], onDemo);
    const again = box.spawn(['--db', demo, 'demo']);
    expect(again.code).toBe(1);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toContain('holds records the demo did not write (demo-avery: 1 session.create)');
    expect(again.stderr).toContain(`export demo-avery --out demo-avery.json`);
    const sessions = JSON.parse(box.spawnOk(['--json', 'sessions', 'demo-avery', '--limit', '500'], onDemo));
    expect(JSON.stringify(sessions)).toContain('My own try');

    // A demo of the demo's own is replaced as before.
    const fresh = join(box.home, 'fresh.db');
    box.spawnOk(['--db', fresh, 'demo']);
    box.spawnOk(['--db', fresh, '--key-file', `${fresh}.key`, 'clients']);
    expect(box.spawn(['--db', fresh, 'demo']).code).toBe(0);
    expect(existsSync(`${fresh}.key`)).toBe(true);
  });
});

describe('finding 2: the past can be entered (goal create --at)', () => {
  beforeEach(() => {
    expect(box.spawn(['init']).code).toBe(0);
  });

  it('sets a goal in the past, then takes progress and milestones from that day on', async () => {
    await ok(['goal', 'create', '--client', 'c42', '--id', 'g1', '--description', 'Sleep 7 hours', '--at', '2026-11-02', '--target', '2027-03-01']);
    await ok(['goal', 'update', 'g1', '--progress', '30', '--at', '2026-11-16']);
    await ok(['goal', 'update', 'g1', '--progress', '10', '--at', '2026-11-02']);
    await ok(['milestone', 'add', '--goal', 'g1', '--description', 'First full week', '--date', '2026-11-20']);
    const goal = await json(['goal', 'show', 'g1']);
    expect(goal.created_at).toBe(new Date(2026, 10, 2).toISOString());
    expect(goal.completion_percentage).toBe(30);
    expect(goal.history.map((entry: { completion_percentage: number }) => entry.completion_percentage)).toEqual([0, 30, 10]);
    const early = await run(['goal', 'update', 'g1', '--progress', '5', '--at', '2026-11-01']);
    expect(early.code).toBe(2);
    expect(early.stderr).toMatch(/before the goal was set.*goal edit g1 --set-at/);
    expect((await run(['milestone', 'add', '--goal', 'g1', '--description', 'x', '--date', '2026-11-01'])).code).toBe(2);
    expect((await run(['goal', 'create', '--client', 'c42', '--description', 'x', '--at', '2026-12-20'])).code).toBe(2);
  });

  it('corrects when an existing goal was set, audited, so that its history can be entered', async () => {
    await ok(['goal', 'create', '--client', 'c42', '--id', 'g1', '--description', 'Sleep 7 hours']);
    expect((await run(['goal', 'update', 'g1', '--progress', '30', '--at', '2026-11-16'])).code).toBe(2);
    await ok(['goal', 'edit', 'g1', '--set-at', '2026-11-02', '--reason', 'set at intake, entered late']);
    await ok(['goal', 'update', 'g1', '--progress', '30', '--at', '2026-11-16']);
    const goal = await json(['goal', 'show', 'g1']);
    expect(goal.history[0].at).toBe(new Date(2026, 10, 2).toISOString());
    expect(goal.completion_percentage).toBe(30);
    expect(goal.edits[0]).toMatchObject({ reason: 'set at intake, entered late', changes: { created_at: [NOW.toISOString(), new Date(2026, 10, 2).toISOString()] } });
    const audit = await ok(['audit', 'c42']);
    expect(audit).toContain('goal.edit');
    // Not after what is already recorded of the goal.
    expect((await run(['goal', 'edit', 'g1', '--set-at', '2026-11-20', '--reason', 'r'])).code).toBe(2);
  });

  it('refuses a target before the goal was set and warns of a target already past', async () => {
    const before = await run(['goal', 'create', '--client', 'c42', '--description', 'x', '--at', '2026-11-02', '--target', '2026-10-01']);
    expect(before.code).toBe(2);
    expect(before.stderr).toContain('target date 2026-10-01 is before the goal was set (2026-11-02)');
    expect((await run(['--json', 'clients'])).stdout).not.toContain('c42');
    const past = await run(['goal', 'create', '--client', 'c42', '--id', 'g2', '--description', 'x', '--target', '2020-01-31']);
    expect(past.code).toBe(2);
    const late = await run(['goal', 'create', '--client', 'c42', '--id', 'g3', '--description', 'x', '--at', '2026-10-01', '--target', '2026-11-30']);
    expect(late.code).toBe(0);
    expect(late.stderr).toContain('warning: the target date 2026-11-30 of goal g3 is in the past');
  });
});

describe('finding 3: the new-client note wherever a client can be created', () => {
  it('notes a new client, and a near id, for goal create and measure add as for log-session', async () => {
    expect(box.spawn(['init']).code).toBe(0);
    await ok(['log-session', '--client', 'c42', '--mood', '0', '--summary', 'First']);
    const goal = await run(['goal', 'create', '--client', 'nobody', '--description', 'x']);
    expect(goal.stderr).toContain('note: "nobody" is a new client');
    const measure = await run(['measure', 'add', 'c43', '--measure', 'phq9', '--total', '5']);
    expect(measure.code).toBe(0);
    expect(measure.stderr).toContain('note: "c43" is a new client; existing clients with a similar id: c42');
    const again = await run(['measure', 'add', 'c43', '--measure', 'phq9', '--total', '6']);
    expect(again.stderr).not.toContain('new client');
  });
});

describe('finding 4: addenda are shown after the note they amend', () => {
  it('shows the signed note, then each addendum with who, when, why and what it gave', async () => {
    expect(box.spawn(['init']).code).toBe(0);
    await ok(['log-session', '--client', 'c42', '--id', 's1', '--mood', '0', '--summary', 'Talked about the move',
      '--notes', 'Original signed note', '--sign'], new Date('2026-12-01T10:00:00Z'));
    await ok(['session', 'amend', 's1', '--notes', 'Addendum: the client called with late information', '--reason', 'late info'],
      new Date('2026-12-02T10:00:00Z'));
    await ok(['session', 'amend', 's1', '--mood', '-1', '--reason', 'mood misread'], new Date('2026-12-03T10:00:00Z'));
    const shown = await ok(['session', 'show', 's1']);
    const original = shown.indexOf('Original signed note');
    const first = shown.indexOf('── Addendum 1, 2026-12-02 11:00 by tester: late info');
    const second = shown.indexOf('── Addendum 2, 2026-12-03 11:00 by tester: mood misread');
    expect(original, shown).toBeGreaterThan(-1);
    expect(first).toBeGreaterThan(original);
    expect(shown.indexOf('Addendum: the client called with late information')).toBeGreaterThan(first);
    expect(second).toBeGreaterThan(first);
    expect(shown.slice(second)).toMatch(/Mood\s+negative/);
    expect(shown.slice(second)).not.toContain('Progress notes');
    const detail = await json(['session', 'show', 's1']);
    expect(detail.progress_notes).toBe('Addendum: the client called with late information');
    expect(detail.as_signed.progress_notes).toBe('Original signed note');
    expect(detail.addenda.map((addendum: { changes: object }) => Object.keys(addendum.changes))).toEqual([['progress_notes'], ['emotional_state', 'emotional_score']]);
  });
});

describe('finding 8: completion of risk kinds, ids with a hint', () => {
  const SCRIPT = new URL('../../completions/tpt.bash', import.meta.url).pathname;
  /** What bash offers for the words typed (the last one is being completed). */
  function bashOffers(words: string[]): string[] {
    const script = [
      `source ${JSON.stringify(SCRIPT)}`,
      'COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}',
      '_tpt',
      'printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n');
    const result = spawnSync('bash', ['-c', script, 'bash', 'tpt', ...words], { env: box.env, encoding: 'utf8', cwd: box.home });
    return result.stdout.split('\n').filter(Boolean).sort();
  }

  it('completes the kind of `risk resolve c42 <TAB>` and `--crisis-flag`, and gives ids their client and date', async () => {
    expect(box.spawn(['init']).code).toBe(0);
    expect(bashOffers(['risk', 'resolve', 'c42', 'sui'])).toEqual(['suicidal_ideation', 'suicide_attempt', 'suicide_plan']);
    expect(bashOffers(['log-session', '--crisis-flag', 'self'])).toEqual(['self_harm']);
    await ok(['log-session', '--client', 'c42', '--id', 's1', '--mood', '0', '--summary', 'x', '--at', '2026-12-01 10:00']);
    await ok(['goal', 'create', '--client', 'c42', '--id', 'g1', '--description', 'Private words', '--at', '2026-11-02']);
    // zsh and fish show what follows the tab beside the id; bash, which cannot, asks for ids alone.
    expect(box.spawn(['__complete', 'sessions', '--describe']).stdout).toBe('s1\tc42, 2026-12-01 10:00\n');
    expect(box.spawn(['__complete', 'goals', '--describe', '--', 'g']).stdout).toBe('g1\tc42, 2026-11-02 00:00\n');
    expect(box.spawn(['__complete', 'clients', '--describe']).stdout).toBe('c42\n');
    expect(box.spawn(['__complete', 'sessions']).stdout).toBe('s1\n');
  });
});

describe('finding 8: interactive entry shows what it will save, and asks a measure\'s session or date', () => {
  beforeEach(() => {
    expect(box.spawn(['init']).code).toBe(0);
  });
  const typed = (args: string[], answers: { when: RegExp; type: string }[]) => box.runOnTerminal(args, answers, { now: NOW });
  const everyField = [
    { when: /When \(/, type: '2026-12-06 10:00' },
    { when: /Duration in minutes/, type: '50' },
    { when: /Other techniques/, type: 'CBT' },
    { when: /Progress notes/, type: 'kept a diary' },
    { when: /Therapist observations/, type: 'calm' },
    { when: /Homework assigned/, type: 'walk daily' },
    { when: /Focus of the next session/, type: 'work' },
    { when: /Crisis flags/, type: '' },
  ];

  it('log-session -i shows the session before saving, and saves nothing when told not to', async () => {
    const declined = await typed(['log-session', '-i', '--client', 'c1', '--id', 's1', '--summary', 'sleep', '--mood', '0'],
      [...everyField, { when: /Save this session\?/, type: 'n' }]);
    expect(declined.code).toBe(1);
    expect(declined.screen).toMatch(/── To be saved[\s\S]*When\s+2026-12-06 10:00[\s\S]*Progress notes\s+kept a diary[\s\S]*Save this session\?/);
    expect(declined.errors).toEqual(['tpt: not saved: nothing was written (run the command again to enter the session anew)']);
    expect((await run(['--json', 'clients'])).stdout).not.toContain('c1');
    const saved = await typed(['log-session', '-i', '--client', 'c1', '--id', 's1', '--summary', 'sleep', '--mood', '0'],
      [...everyField, { when: /Save this session\?/, type: 'y' }]);
    expect(saved.code, saved.screen).toBe(0);
    expect(await json(['session', 'show', 's1'])).toMatchObject({ timestamp: '2026-12-06T09:00:00.000Z', progress_notes: 'kept a diary' });
  });

  it('measure add on a terminal asks the session it was taken in, or else when', async () => {
    await ok(['log-session', '--client', 'c1', '--id', 's1', '--summary', 'x', '--mood', '0', '--at', '2026-12-01 10:00']);
    const items = Array.from({ length: 7 }, (_, index) => ({ when: new RegExp(`${index + 1}/7 `), type: '' }));
    const inSession = await typed(['measure', 'add', 'c1', '--measure', 'gad7', '--id', 'm1'],
      [...items, { when: /Taken in session/, type: '' }]);
    expect(inSession.code, inSession.screen).toBe(0);
    expect(inSession.screen).toContain('2026-12-01 10:00  s1');
    expect(await json(['measure', 'show', 'm1'])).toMatchObject({ session_id: 's1', timestamp: '2026-12-01T09:00:00.000Z' });
    // "none of these" (the last choice), then a day that is not one, then the day it was taken.
    const dated = await typed(['measure', 'add', 'c1', '--measure', 'gad7', '--id', 'm2'],
      [...items, { when: /Taken in session/, type: '\u001b[B' }, { when: /When was it taken/, type: '2026-12-32' },
        { when: /no such|invalid/, type: '2026-12-03' }]);
    expect(dated.code, dated.screen).toBe(0);
    expect(await json(['measure', 'show', 'm2'])).toMatchObject({ session_id: null, timestamp: '2026-12-02T23:00:00.000Z' });
  });
});

describe('finding 8: GET /api/v1/clients', () => {
  it('lists the clients as `tpt clients --json` does, to a read token, and is in the OpenAPI document', async () => {
    const { servedSandbox } = await import('../helpers.js');
    const { call } = await import('../server.js');
    const served = await servedSandbox('dashboard', 'read');
    try {
      served.box.spawnOk(['log-session', '--client', 'c42', '--mood', '0', '--summary', 'x', '--crisis-flag', 'self_harm']);
      const answer = await call(served.server.port, 'GET', '/api/v1/clients', { token: served.token });
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual(JSON.parse(served.box.spawnOk(['--json', 'clients'])));
      expect(answer.body[0]).toMatchObject({ client_id: 'c42', sessions: 1, open_risks: ['self_harm'] });
      expect((await call(served.server.port, 'GET', '/api/v1/clients')).status).toBe(401);
      expect((await call(served.server.port, 'GET', '/api/v1/clients?x=1', { token: served.token })).status).toBe(400);
      const document = await call(served.server.port, 'GET', '/api/v1/openapi.json', { token: served.token });
      expect(document.body.paths['/api/v1/clients'].get.operationId).toBe('listClients');
    } finally {
      await served.server.stop();
      served.box.cleanup();
    }
  });
});

describe('finding 6: narrow terminals (the tables of sessions and goals)', () => {
  /** Runs tpt in-process with stdout a terminal of `columns` columns. */
  async function onTerminal(columns: number, args: string[]): Promise<string> {
    let text = '';
    const stdout = { write: (chunk: string) => ((text += chunk), true), isTTY: true, columns };
    const code = await main(['node', 'tpt', ...args], { stdin: new PassThrough(), stdout, stderr: { write: () => true, isTTY: false }, env: box.env, now: () => NOW });
    expect(code).toBe(0);
    return text;
  }

  it('at 80 columns gives a session\'s summary and a goal\'s description a line of their own rather than 25 characters', async () => {
    expect(box.spawn(['init']).code).toBe(0);
    const summary = 'Looked at patterns in the mood diary and planned small steps for the coming week';
    await ok(['log-session', '--client', 'c42', '--id', 'c42-s001', '--mood', '-1', '--duration', '50', '--summary', summary, '--crisis-flag', 'suicidal_ideation']);
    await ok(['goal', 'create', '--client', 'c42', '--id', 'c42-goal-1', '--description', 'Keep a regular sleep and meal rhythm, also at weekends']);
    const sessions = await onTerminal(80, ['sessions', 'c42']);
    expect(sessions).toContain(`\n  ${summary.slice(0, 70)}`);
    expect(sessions).toContain('suicidal_ideation');
    const goals = await onTerminal(80, ['goal', 'list', 'c42']);
    expect(goals).toContain('\n  Keep a regular sleep and meal rhythm, also at weekends');
    for (const text of [sessions, goals]) {
      for (const line of text.split('\n')) expect(stringWidth(line), line).toBeLessThanOrEqual(80);
    }
    // Wide enough, each stays on its row.
    expect(await onTerminal(160, ['sessions', 'c42'])).toMatch(/c42-s001 .* Looked at patterns/);
  });
});

describe('finding 7: messages', () => {
  beforeEach(() => {
    expect(box.spawn(['init']).code).toBe(0);
  });

  it('says how to ask for no limit when given --limit 0', () => {
    box.spawnOk(['log-session', '--client', 'c42', '--mood', '0', '--summary', 'x']);
    const zero = box.spawn(['sessions', 'c42', '--limit', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('give a whole number from 1 up (leave the option out for no limit)');
    expect(zero.stderr).not.toContain('9007199254740991');
  });

  it('counts in words that agree: 1 session, 1 client', async () => {
    await ok(['log-session', '--client', 'c24', '--mood', '0', '--summary', 'x']);
    expect(await ok(['client', 'rename', 'c24', 'c42'])).toMatch(/moved 1 session(,|$)/m);
    const out = join(box.home, 'c42.json');
    expect(await ok(['export', 'c42', '--out', out])).toBe(`Exported 1 client, 1 session, as JSON to ${out}\n`);
  });

  it('gives times in messages in local time', async () => {
    await ok(['log-session', '--client', 'c42', '--id', 's1', '--mood', '0', '--summary', 'x', '--sign'], new Date('2026-12-01T10:00:00Z'));
    const again = await run(['session', 'sign', 's1']);
    expect(again.stderr).toBe('tpt: session s1 was signed already, by tester at 2026-12-01 11:00\n');
  });
});

describe('finding 5: a resolution is confirmed on a terminal, and can be corrected or taken back with a reason, audited', () => {
  beforeEach(async () => {
    expect(box.spawn(['init']).code).toBe(0);
    await ok(['log-session', '--client', 'c42', '--id', 's1', '--mood', '-2', '--summary', 'x', '--crisis-flag', 'SI'], new Date('2026-12-01T10:00:00Z'));
  });
  const risk = async () => (await json(['risk', 'list', 'c42']))[0];

  it('asks on a terminal, naming the risk in full, and resolves nothing when told no', async () => {
    const declined = await box.runOnTerminal(['risk', 'resolve', 'c42', 'SI', '--note', 'x'],
      [{ when: /Resolve the suicidal_ideation risk of c42\?/, type: 'n' }], { now: NOW });
    expect(declined.code).toBe(1);
    expect(declined.screen).toContain('The suicidal_ideation risk of c42: open since 2026-12-01, last flagged 2026-12-01 (1 session)');
    expect(declined.errors).toEqual(['tpt: not resolved: nothing was written']);
    expect((await risk()).status).toBe('open');
    const confirmed = await box.runOnTerminal(['risk', 'resolve', 'c42', 'SI', '--note', 'safety plan reviewed'],
      [{ when: /Resolve the suicidal_ideation risk of c42\?/, type: 'y' }], { now: NOW });
    expect(confirmed.code, confirmed.screen).toBe(0);
    expect((await risk()).status).toBe('resolved');
  });

  it('corrects the note and takes the resolution back, each with its reason in the history and an audit entry', async () => {
    await ok(['risk', 'resolve', 'c42', 'suicidal_ideation', '--note', 'no ideation for 6 weks']);
    const already = await run(['risk', 'resolve', 'c42', 'suicidal_ideation', '--note', 'again']);
    expect(already.stderr).toContain('was already resolved at 2026-12-07 18:00 by tester');
    expect((await run(['risk', 'amend', 'c42', 'suicidal_ideation', '--note', 'no ideation for 6 weeks'])).code).toBe(2);
    await ok(['risk', 'amend', 'c42', 'suicidal_ideation', '--note', 'no ideation for 6 weeks', '--reason', 'typo']);
    let current = await risk();
    expect(current).toMatchObject({ status: 'resolved', resolution_note: 'no ideation for 6 weeks', session_ids: ['s1'], flags: ['suicidal_ideation'] });
    expect(current.history.map((event: { event: string; note: string }) => [event.event, event.note])).toEqual([
      ['opened', ''], ['resolved', 'no ideation for 6 weks'], ['reopened', 'correction: typo'], ['resolved', 'no ideation for 6 weeks'],
    ]);
    await ok(['risk', 'reopen', 'c42', 'suicidal_ideation', '--reason', 'resolved for the wrong client']);
    current = await risk();
    expect(current).toMatchObject({ status: 'open', resolved_at: null, opened_at: '2026-12-01T10:00:00.000Z', session_ids: ['s1'], flags: ['suicidal_ideation'] });
    expect(current.history.at(-1)).toMatchObject({ event: 'reopened', source_type: null, note: 'resolved for the wrong client', actor: 'tester' });
    // The report names the open risk again; an open risk has no resolution to amend or take back.
    expect(await ok(['report', 'c42'])).toContain('OPEN RISK');
    expect((await run(['risk', 'reopen', 'c42', 'suicidal_ideation', '--reason', 'r'])).code).toBe(1);
    const audit = await ok(['audit', 'c42']);
    expect(audit).toContain('risk.amend');
    expect(audit.match(/risk\.reopen/g)).toHaveLength(1);
    // The export round trip keeps the whole history.
    const out = join(box.home, 'c42.json');
    await ok(['export', 'c42', '--out', out]);
    const other = join(box.home, 'other.db');
    expect(box.spawn(['--db', other, 'init']).code).toBe(0);
    const imported = box.spawn(['--db', other, 'import', out]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(box.spawnOk(['--db', other, '--json', 'risk', 'list', 'c42']))[0].history).toEqual(current.history);
  });
});

describe('findings 6 and 7: the report on narrow terminals, and in words meant for sharing', () => {
  async function onTerminal(columns: number, args: string[]): Promise<string> {
    let text = '';
    const stdout = { write: (chunk: string) => ((text += chunk), true), isTTY: true, columns };
    const code = await main(['node', 'tpt', ...args], { stdin: new PassThrough(), stdout, stderr: { write: () => true, isTTY: false }, env: box.env, now: () => NOW });
    expect(code).toBe(0);
    return text;
  }

  beforeEach(async () => {
    expect(box.spawn(['init']).code).toBe(0);
    await ok(['goal', 'create', '--client', 'c-42', '--id', 'goal-of-client-with-a-long-id-42', '--description', 'Sleep',
      '--at', '2026-11-02', '--target', '2027-06-30']);
    await ok(['log-session', '--client', 'c-42', '--id', 'session-of-client-with-a-long-id-42', '--mood', '-2',
      '--duration', '50', '--summary', 'x', '--at', '2026-12-01 10:00', '--crisis-flag', 'suicidal_ideation', '--crisis-flag', 'self_harm']);
    await ok(['measure', 'add', 'c-42', '--measure', 'phq9', '--total', '9', '--at', '2026-11-03']);
    await ok(['measure', 'add', 'c-42', '--measure', 'phq9', '--total', '19', '--at', '2026-12-02']);
  });

  it('never splits a crisis flag or the header\'s dates, and keeps goal lines inside 80 and 120 columns', async () => {
    for (const columns of [40, 80, 120]) {
      const text = await onTerminal(columns, ['report', 'c-42', '--last', '3m']);
      // At 40 columns the measures' own lines may still run over; the header, flags and goals never do.
      for (const line of text.split('\n')) {
        if (/[┤┼]/.test(line) || (columns === 40 && !/Progress report|⚠|target|new in/.test(line))) continue; // charts: as wide as their data
        expect(stringWidth(line), `${columns}: ${line}`).toBeLessThanOrEqual(columns);
      }
      expect(text).toMatch(/⚠ suicidal_ideation, self_harm|⚠ self_harm, suicidal_ideation/);
      expect(text).toMatch(/2026-09-07 – 2026-12-07/);
    }
  });

  it('gives the trajectory\'s reasons once above the summary, no "previous" equal to the first, no command line in markdown', async () => {
    const text = await onTerminal(100, ['report', 'c-42', '--last', '3m']);
    const summary = text.slice(text.indexOf('Summary')).replace(/\s+/g, ' ');
    expect(summary).toMatch(/Overall trajectory: [a-z ]+, for the reasons at the top\./);
    expect(summary).not.toContain('PHQ-9 reliably deteriorated');
    expect(text).toContain('baseline = first 9');
    expect(text).not.toMatch(/previous 9 /);
    const markdown = await ok(['report', 'c-42', '--last', '3m', '--format', 'markdown']);
    expect(markdown).not.toMatch(/tpt risk resolve|--note/);
    expect(markdown).toContain('| = first |');
    // --json keeps the summary whole, for those who read it alone.
    const report = await json(['report', 'c-42', '--last', '3m']);
    expect(report.summary).toContain(`Overall trajectory: ${report.headline}.`);
  });
});
