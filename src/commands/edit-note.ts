import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { Context } from '../context.js';
import { InputError, TptError } from '../core/errors.js';
import {
  BUILT_IN_TEMPLATES, noteFileText, parseNote, parseTemplate, type NoteFields, type NoteSection,
} from '../core/note-templates.js';
import { configDir } from '../paths.js';

const TEMPLATE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A template by name: the user's own in $XDG_CONFIG_HOME/tpt/templates/ first, then the built-in ones. */
export function loadTemplate(ctx: Context, name: string): NoteSection[] {
  const dir = join(configDir(ctx.env), 'templates');
  if (!TEMPLATE_NAME.test(name)) throw new InputError(`invalid template name "${name}": use letters, digits, ".", "_" or "-"`);
  for (const file of [join(dir, name), join(dir, `${name}.txt`)]) {
    if (existsSync(file)) return parseTemplate(readFileSync(file, 'utf8'), name);
  }
  const builtIn = BUILT_IN_TEMPLATES[name.toLowerCase()];
  if (builtIn) return builtIn;
  throw new InputError(
    `no template "${name}": use ${Object.keys(BUILT_IN_TEMPLATES).join(', ')}, or put your own in ${dir}/${name}.txt`,
  );
}

/**
 * Opens $VISUAL (or $EDITOR, or vi) on the template, as `git commit` does, and returns the
 * fields of the saved note. The file holds client text in clear, so it is made 0600 in a private
 * 0700 directory (under $XDG_RUNTIME_DIR when there is one: memory, not disk) and removed whatever
 * happens: a saved note, an empty one, an editor that fails, or Ctrl-C (held off while the editor
 * runs, so the removal still happens). An empty note or a failing editor aborts; nothing is written.
 */
export async function writeNoteInEditor(
  ctx: Context, sections: readonly NoteSection[], header: readonly string[],
): Promise<NoteFields> {
  // Loaded only here: logging a session without a template never starts a process.
  const { spawnSync } = await import('node:child_process');
  const editor = ctx.env.VISUAL || ctx.env.EDITOR || 'vi';
  const runtime = ctx.env.XDG_RUNTIME_DIR;
  const base = runtime && isAbsolute(runtime) && existsSync(runtime) ? runtime : tmpdir();
  const dir = mkdtempSync(join(base, 'tpt-note-'));
  // Killed outright (SIGKILL), this process cannot remove the note: the next tpt command does.
  const work = await ctx.registerWork([dir]);
  const ignore = () => {};
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, ignore);
  try {
    const file = join(dir, 'SESSION_NOTE.txt');
    writeFileSync(file, noteFileText(sections, header), { mode: 0o600, flag: 'wx' });
    // Through the shell, as git runs an editor, so that EDITOR="code --wait" works.
    const result = spawnSync('/bin/sh', ['-c', `${editor} "$@"`, editor, file], { stdio: 'inherit' });
    if (result.error) throw new TptError(`cannot run the editor "${editor}": ${result.error.message}; nothing was written`);
    if (result.status !== 0) {
      const how = result.signal ? `was stopped by ${result.signal}` : `exited with status ${result.status}`;
      throw new TptError(`the editor (${editor}) ${how}: the note is discarded and nothing was written`);
    }
    const fields = parseNote(readFileSync(file, 'utf8'));
    if (!fields) throw new TptError('the note is empty: nothing was written');
    return fields;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    work.done();
    for (const signal of signals) process.off(signal, ignore);
  }
}
