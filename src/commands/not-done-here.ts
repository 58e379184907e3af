import { Command } from 'commander';
import { examples } from './options.js';

/**
 * Commands a person may well try on a health record (`tpt session edit`, `tpt session delete`)
 * that tpt does not have, because records are corrected by amendment and never erased one by one.
 * Each is hidden (not in help or completions) and answers with the way it is done instead (exit 2);
 * its own --help shows that way and an example of it.
 */
export function notDoneHere(name: string, answer: string, example: string): Command {
  return new Command(name)
    .description(answer)
    .addHelpText('after', examples(example))
    // Whatever follows is taken and answered the same way (addCommand's settings allow no excess arguments).
    .argument('[anything...]')
    .allowUnknownOption()
    .action(async () => {
      const { InputError } = await import('../core/errors.js');
      throw new InputError(answer);
    });
}
