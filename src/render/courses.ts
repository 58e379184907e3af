import type { ChalkInstance } from 'chalk';
import type { Course } from '../core/courses.js';
import { renderColumns } from './columns.js';
import { oneLine, when } from './format.js';

export function renderCourseStarted(course: Course): string {
  return `Started course ${course.course_id} of ${course.client_id} on ${when(course.started_at)}: ` +
    'its first score of each measure is the baseline the report compares with.';
}

export function renderCourseEnded(course: Course): string {
  return `Ended course ${course.course_id} of ${course.client_id} on ${when(course.ended_at!)} (${course.end_reason}` +
    `${course.end_note ? `: ${oneLine(course.end_note)}` : ''}); started ${when(course.started_at)}.`;
}

export function renderCourseList(courses: Course[], style: ChalkInstance, _columns = 0, tableWidth = Infinity): string {
  if (courses.length === 0) return 'No courses yet: `tpt course start <client>` opens the first.';
  return renderColumns(
    ['Course', 'Started', 'Ended', 'Reason', 'Note'],
    courses.map((course) => [
      course.course_id, when(course.started_at), course.ended_at ? when(course.ended_at) : style.bold('open'),
      course.end_reason ?? '', course.end_note ? oneLine(course.end_note) : '',
    ]),
    style, { width: tableWidth },
  );
}
