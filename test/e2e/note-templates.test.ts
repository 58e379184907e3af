import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sandbox } from '../helpers.js';

let box: Sandbox;
beforeEach(() => {
  box = new Sandbox();
  expect(box.spawn(['init']).code).toBe(0);
});
afterEach(() => box.cleanup());

/**
 * A fake $EDITOR: records the file it was given, its mode and its directory's mode, and what the
 * template put in it, then writes `note` over it (unless `note` is null) and exits with `status`.
 */
function fakeEditor(note: string | null, status = 0): string {
  const script = join(box.home, 'editor.sh');
  const saved = join(box.home, 'note.txt');
  if (note !== null) writeFileSync(saved, note);
  writeFileSync(script, [
    '#!/bin/sh',
    `echo "$1" > "${box.home}/seen-path"`,
    `stat -c %a "$1" > "${box.home}/seen-mode"`,
    `stat -c %a "$(dirname "$1")" > "${box.home}/seen-dir-mode"`,
    `cp "$1" "${box.home}/seen-template"`,
    note === null ? '' : `cat "${saved}" > "$1"`,
    `exit ${status}`,
  ].join('\n'));
  chmodSync(script, 0o755);
  return script;
}

const seen = (what: string) => readFileSync(join(box.home, `seen-${what}`), 'utf8').trim();
const logWith = (editor: string, args: string[] = ['--template', 'soap']) => box.spawn(
  ['--json', 'log-session', '--client', 'c1', '--mood', '1', '--id', 's1', '--at', '2026-03-02 10:00', ...args],
  { EDITOR: editor },
);

describe('log-session --template in $EDITOR', () => {
  it('maps the saved sections onto the session, from a 0600 file in a private directory that is then removed', () => {
    const editor = fakeEditor([
      '# a comment line is never saved',
      '[Subjective: summary]',
      'Slept badly; conflict at work.',
      '',
      '[Objective: observations]',
      'Tense, but engaged.',
      '[Assessment: notes]',
      'Progress on sleep goal stalled.',
      '[Plan: next-focus]',
      'Stimulus control.',
      '[Homework: homework]',
      'Sleep diary.',
    ].join('\n'));
    const result = logWith(editor);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ session_id: 's1' });
    const session = JSON.parse(box.spawn(['--json', 'session', 'show', 's1']).stdout);
    expect(session).toMatchObject({
      conversation_summary: 'Slept badly; conflict at work.', therapist_observations: 'Tense, but engaged.',
      progress_notes: 'Progress on sleep goal stalled.', next_session_focus: 'Stimulus control.', homework_assigned: 'Sleep diary.',
    });
    expect(seen('mode')).toBe('600');
    expect(seen('dir-mode')).toBe('700');
    expect(existsSync(seen('path'))).toBe(false);
    expect(existsSync(join(seen('path'), '..'))).toBe(false);
    const template = seen('template');
    expect(template).toContain('# Session note for client c1, 2026-03-02 10:00 (template soap)');
    expect(template).toContain('[Subjective: summary]');
    expect(template).toContain('[Plan: next-focus]');
  });

  it('joins two sections that fill one field, each under its title (BIRP)', () => {
    const editor = fakeEditor('[Behavior: summary]\nAnxious.\n[Intervention: notes]\nBreathing.\n[Response: notes]\nCalmer.\n[Plan: next-focus]\nExposure.\n');
    expect(logWith(editor, ['--template', 'birp']).code).toBe(0);
    const session = JSON.parse(box.spawn(['--json', 'session', 'show', 's1']).stdout);
    expect(session.progress_notes).toBe('Intervention: Breathing.\n\nResponse: Calmer.');
  });

  it('aborts with nothing written when the editor exits non-zero, and removes the file', () => {
    const result = logWith(fakeEditor('[Subjective: summary]\nhalf a note', 1));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^tpt: the editor \(.*editor\.sh\) exited with status 1: the note is discarded and nothing was written\n$/);
    expect(existsSync(seen('path'))).toBe(false);
    expect(box.spawn(['sessions', 'c1']).code).toBe(2); // no client: nothing was written
  });

  it('aborts with nothing written when the note is left empty (only the template)', () => {
    const result = logWith(fakeEditor(null));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('tpt: the note is empty: nothing was written\n');
    expect(existsSync(seen('path'))).toBe(false);
    expect(box.spawn(['sessions', 'c1']).code).toBe(2);
  });

  it("takes the user's own templates from $XDG_CONFIG_HOME/tpt/templates/", () => {
    const dir = join(box.home, 'config', 'tpt', 'templates');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'intake.txt'), '[Presenting problem: summary]\n# in the client\'s words\n[Risk: observations]\n');
    const editor = fakeEditor('[Presenting problem: summary]\nPanic attacks.\n[Risk: observations]\nNone reported.\n');
    expect(logWith(editor, ['--template', 'intake']).code).toBe(0);
    expect(seen('template')).toContain("# in the client's words");
    expect(JSON.parse(box.spawn(['--json', 'session', 'show', 's1']).stdout)).toMatchObject({
      conversation_summary: 'Panic attacks.', therapist_observations: 'None reported.',
    });
  });

  it('refuses an unknown template, a bad heading, or text options beside a template, before the editor opens', () => {
    const editor = fakeEditor('[Subjective: summary]\nx');
    const unknown = logWith(editor, ['--template', 'nope']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no template "nope": use soap, dap, birp, or put your own in');
    const dir = join(box.home, 'config', 'tpt', 'templates');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'bad.txt'), '[Feelings: mood]\n');
    expect(logWith(editor, ['--template', 'bad']).stderr).toContain('names no field: use one of summary, notes');
    const both = logWith(editor, ['--template', 'soap', '--summary', 'x']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('tpt: --template writes the note in the editor: leave out --summary\n');
    const badGoal = logWith(editor, ['--template', 'soap', '--goal', 'no-such-goal']);
    expect(badGoal.code).toBe(2);
    expect(existsSync(join(box.home, 'seen-path'))).toBe(false); // the editor never opened
  });
});
