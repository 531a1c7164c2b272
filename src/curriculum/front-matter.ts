// One source file of a course, read before it is compiled: the YAML front matter split from the
// Markdown body, validated against the schema of its kind (course, module, glossary), and the body's
// own checks (raw HTML, unsafe links, level-1 headings, template text left in). Every problem names
// its file and line. parse.ts puts the files of a course together.
import { LineCounter, parseDocument, isMap, isScalar } from 'yaml';
import { z } from 'zod';
import { AUDIENCES, REVIEW_STATUSES, type Problem } from './types';
import { findRawHtml, findUnsafeLinks } from './render';
import { problemAt } from './problems';
import { findPlaceholders } from './placeholders';
import { SLUG } from './names';
import { completionSchema, gradingSchema } from './course-rules';

const text = (max: number) => z.string().trim().min(1, 'field.empty').max(max, 'field.tooLong');

/** One line of a course's record of review: which part, who should review it, and whether they have. */
const reviewSchema = z.strictObject({
  part: text(300),
  by: text(300),
  status: z.enum(REVIEW_STATUSES),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'field.date').optional(),
  note: text(500).optional(),
});

export const courseSchema = z.strictObject({
  title: text(200),
  summary: text(500),
  audience: z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(z.enum(AUDIENCES)).min(1, 'field.audienceRequired')),
  minutes: z.number().int('field.wholeMinutes').positive('field.positive'),
  hours: z.number().positive('field.positive').max(100, 'field.tooBig').optional(),
  language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'field.languageCode').default('en'),
  objectives: z.array(text(300)).default([]),
  version_notes: text(2000).optional(),
  validity_months: z.number().int('field.wholeMonths').min(1, 'field.positive').max(120, 'field.tooBig').optional(),
  refresher: z.string().regex(SLUG, 'field.courseSlug').optional(),
  review: z.array(reviewSchema).default([]),
  grading: gradingSchema.optional(),
  completion: completionSchema.optional(),
});

export const glossarySchema = z.strictObject({
  terms: z.record(z.string().trim().min(1), text(1000)),
});

/** Files a course may use, by extension. SVG is refused: it can carry script. */
export const moduleSchema = z.strictObject({
  title: text(200),
  minutes: z.number().int('field.wholeMinutes').positive('field.positive'),
  objectives: z.array(text(300)).default([]),
  content_warning: text(500).optional(),
  handout: z.boolean().optional(),
});

export interface Source {
  file: string;
  content: string | Buffer;
}

export interface FrontMatter {
  data: unknown;
  body: string;
  /** Line in the file where the body starts (1-based). */
  bodyLine: number;
  /** Line of each top-level key, for pointing at a field. */
  keyLines: Map<string, number>;
}

export function splitFrontMatter(src: Source, problems: Problem[]): FrontMatter | null {
  const error = (line: number, key: string, params: Record<string, unknown> = {}) => problems.push(problemAt(src.file, line, key, params));
  const lines = String(src.content).replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') {
    error(1, 'frontMatterMissing');
    return null;
  }
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (end < 0) {
    error(1, 'frontMatterUnclosed');
    return null;
  }
  const yamlText = lines.slice(1, end).join('\n');
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) {
    const line = e.linePos?.[0]?.line ?? 1;
    error(line + 1, 'yaml', { detail: e.message.split('\n')[0] });
  }
  if (doc.errors.length) return null;
  const keyLines = new Map<string, number>();
  if (isMap(doc.contents)) {
    for (const item of doc.contents.items) {
      if (isScalar(item.key) && item.key.range) keyLines.set(String(item.key.value), lineCounter.linePos(item.key.range[0]).line + 1);
    }
  }
  return { data: doc.toJS() ?? {}, body: lines.slice(end + 1).join('\n'), bodyLine: end + 2, keyLines };
}

export function validate<T>(schema: z.ZodType<T>, fm: FrontMatter, src: Source, problems: Problem[]): T | null {
  const result = schema.safeParse(fm.data);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? '');
    if (issue.code === 'unrecognized_keys') {
      // A key inside a field (grading: { colour: ... }) is named with its field, at the field's line.
      const parent = issue.path.map(String).join('.');
      for (const k of issue.keys) {
        problems.push(problemAt(src.file, (parent ? fm.keyLines.get(String(issue.path[0])) : fm.keyLines.get(k)) ?? 2, 'unknownField', { field: parent ? `${parent}.${k}` : k }));
      }
      continue;
    }
    const given = fm.data && typeof fm.data === 'object' ? (fm.data as Record<string, unknown>)[key] : undefined;
    const missing = issue.path.length === 1 && given === undefined;
    const line = fm.keyLines.get(key) ?? 2;
    if (missing) {
      problems.push(problemAt(src.file, line, 'missingField', { field: key }));
      continue;
    }
    // zod's own wording is for programmers; our schemas name a message for trainers.
    const field = issue.path.join('.');
    const detail = issue.message.startsWith('field.') ? issue.message
      : issue.code === 'invalid_value' ? 'field.oneOf'
        : issue.code === 'invalid_type' ? (issue.expected === 'array' ? 'field.list' : 'field.type')
          : 'field.invalid';
    const values = issue.code === 'invalid_value' ? issue.values.join(', ') : '';
    const limit = issue.code === 'too_big' ? issue.maximum : issue.code === 'too_small' ? issue.minimum : '';
    problems.push(problemAt(src.file, line, detail, { field, values, expected: issue.code === 'invalid_type' ? issue.expected : '', limit }));
  }
  return null;
}

/** Template sentences a trainer left in the file (see placeholders.ts), by line of the whole file. */
export function checkPlaceholders(src: Source, problems: Problem[]): void {
  for (const { line, text: sentence } of findPlaceholders(String(src.content))) {
    problems.push(problemAt(src.file, line, 'placeholderText', { text: sentence }, 'warning'));
  }
}

export function checkBody(fm: FrontMatter, src: Source, problems: Problem[]): void {
  checkPlaceholders(src, problems);
  for (const line of findRawHtml(fm.body)) {
    problems.push(problemAt(src.file, fm.bodyLine + line - 1, 'rawHtml'));
  }
  for (const { line, href } of findUnsafeLinks(fm.body)) {
    problems.push(problemAt(src.file, fm.bodyLine + line - 1, 'unsafeLink', { href }));
  }
  fm.body.split(/\r?\n/).forEach((l, i) => {
    if (/^# /.test(l)) {
      problems.push(problemAt(src.file, fm.bodyLine + i, 'headingLevel1', {}, 'warning'));
    }
  });
}

/**
 * A course's minutes differ from its modules' sum by more than a quarter of that sum: the time
 * learners are told (and managers plan with) is not the time the modules say they take.
 */
export function minutesDisagree(courseMinutes: number, moduleSum: number): boolean {
  return Math.abs(courseMinutes - moduleSum) * 4 > moduleSum;
}
