import { Command } from 'commander';
import type { Context } from '../context.js';
import { examples } from './options.js';

export function courseCommand(ctx: Context): Command {
  const course = new Command('course').description('Courses of treatment: the unit of outcome; start one, end one with the reason')
    .addHelpText('after', examples(
      'tpt course start c42',
      'tpt course end c42 --reason completed',
      'tpt course list c42',
    ));

  course
    .command('start')
    .description("Open a course of treatment: each measure's first score of it is the report's baseline")
    .argument('<client>', 'the client id')
    .option('--at <datetime>', 'when it started, local time (default now; a date alone is its midnight)')
    .option('--id <course-id>', 'the course id (default: a new one)')
    .addHelpText('after', examples('tpt course start c42', 'tpt course start c42 --at 2026-01-12'))
    .action(async (clientId: string, opts: { at?: string; id?: string }) => {
      const records = await ctx.records();
      const { startCourse } = await import('../core/courses.js');
      const { renderCourseStarted } = await import('../render/courses.js');
      const started = await startCourse(records, { client_id: clientId, at: opts.at, course_id: opts.id }, ctx.who());
      await ctx.out({ course_id: started.course_id }, () => renderCourseStarted(started));
    });

  course
    .command('end')
    .description('End the open course of treatment, with the reason')
    .argument('<client>', 'the client id')
    .option('--reason <reason>', 'completed | dropped_out | referred_on | declined | other (required)')
    .option('--note <text>', 'in words (required with --reason other)')
    .option('--at <datetime>', 'when it ended, local time (default now; a date alone is the end of that day)')
    .addHelpText('after', examples(
      'tpt course end c42 --reason completed',
      'tpt course end c42 --reason dropped_out --at 2026-05-04',
      'tpt course end c42 --reason other --note "moved abroad"',
    ))
    .action(async (clientId: string, opts: { reason?: string; note?: string; at?: string }) => {
      const records = await ctx.records();
      const { endCourse } = await import('../core/courses.js');
      const { renderCourseEnded } = await import('../render/courses.js');
      const ended = await endCourse(records, { client_id: clientId, reason: opts.reason, note: opts.note, at: opts.at }, ctx.who());
      await ctx.out({ course_id: ended.course_id }, () => renderCourseEnded(ended));
    });

  course
    .command('list')
    .description("A client's courses of treatment, oldest first")
    .argument('<client>', 'the client id')
    .addHelpText('after', examples('tpt course list c42', 'tpt course list c42 --json'))
    .action(async (clientId: string) => {
      const records = await ctx.records();
      const { listCourses } = await import('../core/courses.js');
      const { renderCourseList } = await import('../render/courses.js');
      await ctx.out(await listCourses(records, clientId, ctx.who()), renderCourseList);
    });

  return course;
}
