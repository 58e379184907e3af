import { PassThrough } from 'node:stream';
import stringWidth from 'string-width';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { Sandbox } from '../helpers.js';

const NOW = new Date('2026-06-15T10:00:00Z');
const LONG = 'Talked at length about the week at work, the argument with a sister, sleep that keeps breaking at four in the morning and a plan for the weekend';

/** Runs tpt in-process with stdout a terminal of `columns` columns. */
async function onTerminal(sandbox: Sandbox, columns: number, args: string[]): Promise<string> {
  let text = '';
  const stdout = { write: (chunk: string) => ((text += chunk), true), isTTY: true, columns };
  const stderr = { write: () => true, isTTY: false };
  const code = await main(['node', 'tpt', ...args], { stdin: new PassThrough(), stdout, stderr, env: sandbox.env, now: () => NOW });
  expect(code).toBe(0);
  return text;
}

describe('tables fit the terminal', () => {
  const sandbox = new Sandbox();
  // In the words of the vocabulary (as stored), and one outside it (kept as typed).
  const flags = ['self_harm', 'suicidal_ideation', 'substance_relapse'];

  beforeAll(async () => {
    expect((await sandbox.run(['init'])).code).toBe(0);
    const log = (id: string, at: string, mood: string, extra: string[] = []) =>
      sandbox.json(['log-session', '--client', 'client-with-a-long-id-42', '--id', id, '--at', at, '--mood', mood, '--summary', LONG, '--duration', '50', ...extra], { now: NOW });
    await log('ses-2026-04-01-a', '2026-04-01 10:00', 'very_negative', flags.flatMap((flag) => ['--crisis-flag', flag]));
    await log('ses-2026-04-20-b', '2026-04-20 10:00', 'negative');
    await log('ses-2026-05-12-c', '2026-05-12 10:00', 'neutral', ['--crisis-flag', 'self_harm']);
    await log('ses-2026-06-01-d', '2026-06-01 10:00', 'positive');
    await sandbox.json(['goal', 'create', '--client', 'client-with-a-long-id-42', '--description', LONG, '--id', 'goal-long'], { now: NOW });
  });
  afterAll(() => sandbox.cleanup());

  const listings = [
    ['sessions', 'client-with-a-long-id-42'],
    ['clients'],
    ['trends', 'client-with-a-long-id-42', '--last', '6m', '--by', 'month'],
    ['goal', 'list', 'client-with-a-long-id-42'],
  ];

  for (const width of [60, 200]) {
    for (const args of listings) {
      it(`${args.join(' ')} at ${width} columns: no line is longer, every crisis flag whole, every id whole`, async () => {
        const text = await onTerminal(sandbox, width, args);
        const lines = text.split('\n');
        if (process.env.SHOW) console.log(text);
        for (const line of lines) expect(stringWidth(line), line).toBeLessThanOrEqual(width);
        const words = new Set(text.split(/[\s,]+/));
        if (args[0] === 'sessions' || args[0] === 'trends') for (const flag of flags) expect(words.has(flag), `${flag} whole`).toBe(true);
        if (args[0] === 'sessions') {
          for (const id of ['ses-2026-04-01-a', 'ses-2026-04-20-b', 'ses-2026-05-12-c', 'ses-2026-06-01-d']) expect(words.has(id)).toBe(true);
          // The summary is cut with an ellipsis, never wrapped onto the next row.
          expect(text).toContain('…');
        }
        if (args[0] === 'clients') expect(text).toContain('⚠');
      });
    }
  }

  it('shows everything in a pipe and with --wide', async () => {
    const piped = await sandbox.run(['sessions', 'client-with-a-long-id-42'], { now: NOW });
    expect(piped.stdout).toContain(LONG);
    const wide = await onTerminal(sandbox, 60, ['--wide', 'sessions', 'client-with-a-long-id-42']);
    expect(wide).toContain(LONG);
    expect(wide).not.toContain('…');
  });
});
