import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

export function completionCommand(ctx: Context): Command {
  return new Command('completion')
    .description('Print a shell completion script (bash, zsh or fish)')
    .argument('<shell>', 'bash | zsh | fish')
    .addHelpText('after', examples('tpt completion bash > ~/.local/share/bash-completion/completions/tpt', 'tpt completion fish > ~/.config/fish/completions/tpt.fish'))
    .action(async (shell: string) => {
      const { completionScript } = await import('../completion-script.js');
      ctx.io.stdout.write(completionScript(shell));
    });
}
