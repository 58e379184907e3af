import { completeIds } from './completion/ids.js';

/**
 * The entry of `tpt __complete …` (bin/tpt.js loads it instead of the command line): it loads
 * neither commander nor any command, so a TAB costs little more than Node's own start.
 */
export function complete(argv: string[]): void {
  void completeIds(argv.slice(3), process.env).then((text) => process.stdout.write(text));
}
