import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { plainStyle } from '../../src/plain-style.js';

describe('plainStyle', () => {
  it('gives what chalk gives at colour level 0, and is no promise', async () => {
    const chalk = new Chalk({ level: 0 });
    const plain = plainStyle();
    expect(plain.bold('a')).toBe(chalk.bold('a'));
    expect(plain.red.bold('a', 'b')).toBe(chalk.red.bold('a', 'b'));
    expect(plain.dim(42 as unknown as string)).toBe(chalk.dim(42 as unknown as string));
    expect(plain.yellow()).toBe(chalk.yellow());
    expect(plain.level).toBe(0);
    expect(await Promise.resolve(plain)).toBe(plain);
  });
});
