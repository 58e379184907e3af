// Types of command-reference.mjs for the strict TypeScript of test/docs/docs.test.ts.
import type { Command } from 'commander';

export function walkCommands(command: Command): Command[];
export function commandReference(program: Command): string;
