import { Command } from 'commander';
import type { Context } from '../context.js';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { examples } from './options.js';

/** The client whose report the demo prints: the crisis story shows every section of a report. */
const SHOWN_CLIENT = 'demo-drew';

export function demoCommand(ctx: Context): Command {
  return new Command('demo')
    .description('Create a demo database of synthetic clients over 12 months and print one report (never your own database)')
    .addHelpText('after', examples('tpt demo', 'tpt --db /tmp/demo.db demo', 'tpt demo --json'))
    .action(async () => {
      const { demoDbPath } = await import('../paths.js');
      const { openFreshDemo, demoKeyPath, requireDirectoryOf } = await import('../setup.js');
      const { DEMO_STORIES, generateDemo } = await import('../core/demo.js');
      const { addMonths } = await import('../core/timeframe.js');
      const { localDateString } = await import('../core/time.js');
      const { progressReport } = await import('../core/report.js');
      if (ctx.databaseUrl !== undefined) {
        // The demo replaces its earlier self whole, which a PostgreSQL database shared with real
        // records (or another demo) cannot be: it stays an SQLite file of its own.
        const { InputError } = await import('../core/errors.js');
        const fix = ctx.globals.database !== undefined ? 'drop --database' : 'run it as `TPT_DATABASE_URL= tpt demo`';
        throw new InputError(`the demo is made in an SQLite file of its own, never in a PostgreSQL database: ${fix}`);
      }
      const path = ctx.globals.db ?? demoDbPath(ctx.env);
      requireDirectoryOf(path, demoDbPath(ctx.env));
      await openFreshDemo(ctx, path);
      const now = ctx.now();
      const created = await generateDemo(await ctx.records(), now);
      const view = await progressReport(await ctx.records(), SHOWN_CLIENT, { start: addMonths(now, -12), end: now }, ctx.who());
      if (ctx.json) {
        await ctx.out({ database: path, key_file: demoKeyPath(path), ...created, report: view.report }, () => '');
        return;
      }
      const keyPath = demoKeyPath(path);
      const tpt = tptAsTyped(ctx.env);
      ctx.note([
        `Created a demo database at ${path} (key: ${keyPath})`,
        `${created.clients.length} synthetic clients, ${created.sessions} sessions, ${created.goals} goals, ${created.milestones} milestones over 12 months:`,
        ...DEMO_STORIES.map((story) => `  ${story.client_id.padEnd(11)} ${story.story}`),
        '',
        `The report of ${SHOWN_CLIENT} over the 12 months:`,
        '',
      ].join('\n'));
      const { renderReport } = await import('../render/report.js');
      await ctx.out(view, renderReport);
      ctx.note([
        '',
        'Try it on the demo (these variables point tpt at the demo, not your own records):',
        `  export TPT_DB=${shellWord(path)} TPT_KEY_FILE=${shellWord(keyPath)}`,
        `  ${tpt} clients`,
        `  ${tpt} risk list                                 # open and resolved risks, with their history`,
        `  ${tpt} report demo-avery --last 12m              # improving`,
        `  ${tpt} report demo-blake --last 6m               # declining`,
        `  ${tpt} trends demo-casey --last 12m --by month   # mixed: goals advance, mood sinks`,
        `  ${tpt} report ${SHOWN_CLIENT} --last 12m --format markdown > ${SHOWN_CLIENT}.md`,
        `  ${tpt} sessions ${SHOWN_CLIENT} --since ${localDateString(addMonths(now, -6))} --limit 10`,
        '',
        'While they are set, tpt works on the demo, which takes no clients but its own (demo-…) and is',
        `replaced by the next \`${tpt} demo\`. For your own records: \`unset TPT_DB TPT_KEY_FILE\`, then \`${tpt} init\`.`,
      ].join('\n'));
    });
}


/**
 * How the person can run tpt where they read the demo's suggestions: `tpt` when it is on their
 * PATH, else `npx tpt` (so after `npm install && npx tpt demo` in a clone, the lines work as
 * printed). Under npx the PATH holds npm's own bin directories, which the shell does not.
 */
function tptAsTyped(env: Record<string, string | undefined>): string {
  if (env.npm_command === 'exec') return 'npx tpt';
  const onPath = (env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, 'tpt')));
  return onPath ? 'tpt' : 'npx tpt';
}

/** A path as one shell word. */
function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
