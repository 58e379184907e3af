// Writes completions/ from the built program (`npm run completions`): run it after adding or
// changing a command or option, and commit completions/. test/e2e/completion.test.ts fails when
// the committed files differ from what the program generates.
import { writeFileSync } from 'node:fs';
import { buildProgram } from '../dist/cli.js';
import { completionModel } from '../dist/completion/model.js';
import { completionScripts, SCRIPT_FILES } from '../dist/completion/generate.js';

const silent = { write: () => true };
const { program } = buildProgram({ stdin: process.stdin, stdout: silent, stderr: silent, env: {} });
const scripts = completionScripts(completionModel(program));
for (const [shell, file] of Object.entries(SCRIPT_FILES)) {
  writeFileSync(new URL(`../completions/${file}`, import.meta.url), scripts[shell]);
  console.log(`wrote completions/${file}`);
}
