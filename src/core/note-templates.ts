import { InputError } from './errors.js';

/**
 * Session notes written in an editor from a template, as `git commit` does it. A template is text
 * with section headings `[Title: field]`; lines starting with `#` are comments and never saved.
 * Each section's text goes to the session field its heading names; several sections naming one
 * field are joined, each under its title. The fields a note can fill are the session's free-text
 * fields; mood, client and the rest come from the options (or the prompts).
 */

export const NOTE_FIELDS = {
  summary: 'conversation_summary',
  notes: 'progress_notes',
  observations: 'therapist_observations',
  homework: 'homework_assigned',
  'next-focus': 'next_session_focus',
} as const;
export type NoteField = keyof typeof NOTE_FIELDS;
export type NoteFields = Partial<Record<(typeof NOTE_FIELDS)[NoteField], string>>;

export interface NoteSection {
  title: string;
  field: NoteField;
  /** Guidance shown under the heading, as comment lines. */
  hint: string;
}

/** The built-in templates: the three structures most used in mental-health notes. */
export const BUILT_IN_TEMPLATES: Record<string, NoteSection[]> = {
  soap: [
    { title: 'Subjective', field: 'summary', hint: 'what the client reports: concerns, mood in their words, events since last time' },
    { title: 'Objective', field: 'observations', hint: 'what you observed: affect, behaviour, appearance, measures' },
    { title: 'Assessment', field: 'notes', hint: 'your clinical reading: progress towards goals, risk' },
    { title: 'Plan', field: 'next-focus', hint: 'next steps and the focus of the next session' },
    { title: 'Homework', field: 'homework', hint: 'what the client will practise before the next session' },
  ],
  dap: [
    { title: 'Data', field: 'summary', hint: 'what the client said and what you observed' },
    { title: 'Assessment', field: 'notes', hint: 'your interpretation: progress, obstacles, risk' },
    { title: 'Plan', field: 'next-focus', hint: 'interventions and the focus of the next session' },
    { title: 'Homework', field: 'homework', hint: 'what the client will practise' },
  ],
  birp: [
    { title: 'Behavior', field: 'summary', hint: 'the client\'s presentation and what they brought to the session' },
    { title: 'Intervention', field: 'notes', hint: 'what you did: techniques, exercises' },
    { title: 'Response', field: 'notes', hint: 'how the client responded to the interventions' },
    { title: 'Plan', field: 'next-focus', hint: 'next steps and the focus of the next session' },
  ],
};

const HEADING = /^\[([^\]:]+):\s*([a-z-]+)\s*\]\s*$/;

/** The sections of a user's template file; refuses a heading that names no known field. */
export function parseTemplate(text: string, name: string): NoteSection[] {
  const sections: NoteSection[] = [];
  let hint: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const heading = HEADING.exec(line.trim());
    if (heading) {
      const field = heading[2]! as NoteField;
      if (!Object.hasOwn(NOTE_FIELDS, field)) {
        throw new InputError(
          `template "${name}": section [${heading[1]}: ${heading[2]}] names no field: use one of ${Object.keys(NOTE_FIELDS).join(', ')}`,
        );
      }
      hint = [];
      sections.push({ title: heading[1]!.trim(), field, hint: '' });
    } else if (line.startsWith('#') && sections.length > 0) {
      hint.push(line.replace(/^#\s?/, ''));
      sections[sections.length - 1]!.hint = hint.join(' ');
    }
  }
  if (sections.length === 0) {
    throw new InputError(`template "${name}" has no section: add headings such as [Subjective: summary]`);
  }
  if (!sections.some((section) => section.field === 'summary')) {
    throw new InputError(`template "${name}" has no section for the summary: add one such as [Summary: summary]`);
  }
  return sections;
}

/** The text the editor opens: a comment header, then each heading with its hint. */
export function noteFileText(sections: readonly NoteSection[], header: readonly string[]): string {
  const lines = [
    ...header.map((line) => `# ${line}`),
    '# Write under each heading. Lines starting with # are ignored.',
    '# Save an empty note (or quit the editor with an error, :cq in vim) to abort: nothing is written.',
  ];
  for (const section of sections) {
    lines.push('', `[${section.title}: ${section.field}]`);
    if (section.hint) lines.push(`# ${section.hint}`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The fields of a saved note. Text above the first heading belongs to the summary (so nothing
 * typed is lost); a heading the template did not have still counts if it names a field. Returns
 * undefined for an empty note.
 */
export function parseNote(text: string): NoteFields | undefined {
  const parts: { title: string | null; field: NoteField; lines: string[] }[] = [{ title: null, field: 'summary', lines: [] }];
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#')) continue;
    const heading = HEADING.exec(line.trim());
    if (heading && Object.hasOwn(NOTE_FIELDS, heading[2]!)) {
      parts.push({ title: heading[1]!.trim(), field: heading[2]! as NoteField, lines: [] });
      continue;
    }
    parts[parts.length - 1]!.lines.push(line);
  }
  const byField = new Map<NoteField, { title: string | null; text: string }[]>();
  for (const part of parts) {
    const body = part.lines.join('\n').trim();
    if (body === '') continue;
    byField.set(part.field, [...(byField.get(part.field) ?? []), { title: part.title, text: body }]);
  }
  if (byField.size === 0) return undefined;
  const fields: NoteFields = {};
  for (const [field, texts] of byField) {
    fields[NOTE_FIELDS[field]] = texts.length === 1
      ? texts[0]!.text
      : texts.map((part) => (part.title ? `${part.title}: ${part.text}` : part.text)).join('\n\n');
  }
  return fields;
}
