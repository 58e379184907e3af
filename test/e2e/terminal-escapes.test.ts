import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Sandbox } from '../helpers.js';
import { call, startServer } from '../server.js';

/**
 * Issue 28, finding 3: record text reaches the terminal raw. Escape sequences are planted through
 * every text field, id and flag, over the command line, an import file and HTTP; then every
 * command's output (stdout and stderr, without and with colour) is read for raw control bytes.
 * tpt's own colours are SGR sequences (ESC [ … m); the planted ones are told by their marks.
 */

// A window title (OSC … BEL), concealed text (SGR 8), a C1 CSI clearing the screen, a carriage
// return, DEL, and a bare ESC: what a hostile record would carry.
const EVIL = '\u001b]0;PWNED\u0007\u001b[8mHID\u009b2J\r\u007f\u001bc';
const evil = (what: string) => `${what}${EVIL}`;

const box = new Sandbox();
afterAll(() => box.cleanup());

function run(args: string[], env: Record<string, string> = {}) {
  return box.spawn(args, env);
}

function ok(args: string[]): string {
  const result = run(args);
  if (result.code !== 0) throw new Error(`tpt ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

/** Control bytes other than newline and tab, and SGR sequences when colour is on. */
function rawControls(text: string, colour: boolean): string[] {
  const withoutColour = colour ? text.replace(/\u001b\[[0-9;]*m/g, '') : text;
  return [...withoutColour.matchAll(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g)].map((match) =>
    JSON.stringify(withoutColour.slice(Math.max(0, match.index! - 20), match.index! + 10)));
}

let sessionId = '';
let goalId = '';

beforeAll(async () => {
  ok(['init']);
  // The command line: every text option, an "other:" flag, a technique, metadata, the actor.
  sessionId = JSON.parse(ok(['--json', '--actor', evil('actor'), 'log-session', '--client', 'c1', '--summary', evil('summary'),
    '--mood', 'neutral', '--notes', evil('notes'), '--observations', evil('obs'), '--next-focus', evil('focus'),
    '--technique', evil('tech'), '--homework', evil('homework'), '--crisis-flag', `other: ${evil('flag')}`,
    '--meta', `k=${evil('meta')}`])).session_id;
  goalId = JSON.parse(ok(['--json', 'goal', 'create', '--client', 'c1', '--description', evil('goal'), '--notes', evil('goalnotes')])).goal_id;
  ok(['goal', 'update', goalId, '--progress', '40', '--note', evil('goalnote')]);
  ok(['milestone', 'add', '--goal', goalId, '--description', evil('milestone')]);
  ok(['session', 'amend', sessionId, '--reason', evil('reason'), '--homework', evil('homework2')]);
  // An import file.
  const file = join(box.home, 'evil.json');
  writeFileSync(file, JSON.stringify({
    format: 'tpt-export', version: 1, exported_at: '2026-01-01T00:00:00.000Z',
    clients: [{ client_id: 'c2', created_at: '2024-01-01T00:00:00.000Z', goals: [], milestones: [], sessions: [{
      session_id: 'imp1', client_id: 'c2', timestamp: '2026-01-02T10:00:00.000Z', conversation_summary: evil('imported'),
      emotional_state: 'neutral', emotional_score: 0, therapeutic_goals: [], progress_notes: evil('impnotes'),
      therapist_observations: '', next_session_focus: '', session_duration_minutes: 50, techniques_used: [evil('imptech')],
      homework_assigned: '', crisis_flags: [`other: ${evil('impflag')}`], metadata: { k: evil('value') },
    }] }],
  }));
  ok(['import', file]);
  // HTTP, with a write-scoped token.
  const token = JSON.parse(ok(['--json', 'token', 'create', '--name', 'w', '--scope', 'write'])).token as string;
  const server = await startServer(box);
  try {
    const answer = await call(server.port, 'POST', '/api/v1/sessions', { token, body: {
      client_id: 'c1', conversation_summary: evil('http'), emotional_state: 'neutral', crisis_flags: [`other: ${evil('httpflag')}`],
    } });
    expect(answer.status).toBe(201);
  } finally {
    await server.stop();
  }
}, 60_000);

it('finding 3: record text reaches the terminal raw', () => {
  const evilFile = join(box.home, 'bad.json');
  writeFileSync(evilFile, JSON.stringify({ format: 'tpt-export', version: evil('v'), clients: [] }));
  const badId = join(box.home, 'bad-id.json');
  writeFileSync(badId, JSON.stringify({ format: 'tpt-export', version: 1, exported_at: '2026-01-01T00:00:00.000Z',
    clients: [{ client_id: evil('c'), created_at: '2024-01-01T00:00:00.000Z', sessions: [], goals: [], milestones: [] }] }));
  const commands: string[][] = [
    ['clients'], ['sessions', 'c1'], ['sessions', 'c2'], ['session', 'show', sessionId], ['session', 'show', sessionId, '--history'],
    ['session', 'show', 'imp1'], ['report', 'c1'], ['report', 'c1', '--format', 'markdown'], ['report', 'c1', '--format', 'json'],
    ['report', 'c2', '--from', '2026-01-01'], ['trends', 'c1'], ['goal', 'list', 'c1'], ['goal', 'show', goalId], ['milestone', 'list', 'c1'],
    ['risk', 'list', 'c1'], ['risk', 'list', 'c2'], ['audit'], ['audit', 'c1'], ['token', 'list'], ['export', 'c1'], ['export', 'c2'],
    ['--json', 'sessions', 'c1'], ['--json', 'session', 'show', sessionId], ['--json', 'audit'],
    // Errors that echo what they were given: ids, values, options, files.
    ['sessions', evil('c')], ['session', 'show', evil('ses')], ['goal', 'show', evil('goal')], ['report', 'c1', '--format', evil('f')],
    ['log-session', '--client', 'c1', '--summary', 'x', '--mood', evil('mood')], [evil('--opt')], [evil('cmd')],
    ['import', evilFile], ['import', badId], ['token', 'create', '--name', evil('token')], ['--db', evil('/nowhere/db'), 'clients'],
  ];
  const found: string[] = [];
  for (const args of commands) {
    for (const colour of [false, true]) {
      const result = run(args, colour ? { FORCE_COLOR: '1', NO_COLOR: '' } : {});
      for (const [stream, text] of [['stdout', result.stdout], ['stderr', result.stderr]] as const) {
        const raw = rawControls(text, colour);
        if (raw.length > 0) found.push(`tpt ${JSON.stringify(args)}${colour ? ' (colour)' : ''} ${stream}: ${raw.slice(0, 3).join(' ')}`);
        // A planted colour is never obeyed: its ESC is shown.
        if (colour && text.includes('\u001b[8m')) found.push(`tpt ${JSON.stringify(args)} ${stream}: a planted SGR 8`);
      }
    }
  }
  expect(found).toEqual([]);
  // The text is still there to read, its controls made visible.
  expect(ok(['session', 'show', sessionId])).toContain('summary\\x1B]0;PWNED\\x07\\x1B[8mHID\\x9B2J\\x0D\\x7F\\x1Bc');
  expect(JSON.parse(ok(['--json', 'session', 'show', sessionId])).conversation_summary).toBe(evil('summary'));
}, 120_000);
