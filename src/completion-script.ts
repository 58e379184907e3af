import { readFileSync } from 'node:fs';
import { InputError } from './core/errors.js';

const FILES: Record<string, string> = { bash: 'tpt.bash', zsh: '_tpt', fish: 'tpt.fish' };

/** The script shipped in `completions/`, so the printed one and the file never differ. */
export function completionScript(shell: string): string {
  const file = Object.hasOwn(FILES, shell) ? FILES[shell] : undefined;
  if (!file) throw new InputError(`unknown shell "${shell}": use bash, zsh or fish`);
  return readFileSync(new URL(`../completions/${file}`, import.meta.url), 'utf8');
}
