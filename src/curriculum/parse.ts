// Reads a curriculum folder: one folder per course with course.md and NN-slug.md modules.
// Every problem names its file and line; a course with errors is not compiled.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { LineCounter, parseDocument, isMap, isScalar } from 'yaml';
import { z } from 'zod';
import { AUDIENCES, type CompiledCourse, type CompiledModule, type Problem } from './types';
import { findRawHtml, renderMarkdown, RENDERER_VERSION } from './render';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MODULE_FILE = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const courseSchema = z.strictObject({
  title: text(200),
  summary: text(500),
  audience: z.preprocess((v) => (typeof v === 'string' ? [v] : v), z.array(z.enum(AUDIENCES)).min(1, 'name at least one audience')),
  minutes: z.number().int('must be a whole number of minutes').positive('must be more than 0'),
  hours: z.number().positive('must be more than 0').max(100).optional(),
  language: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'must be a language code such as en or fr').default('en'),
  objectives: z.array(text(300)).default([]),
  version_notes: text(2000).optional(),
});

const moduleSchema = z.strictObject({
  title: text(200),
  minutes: z.number().int('must be a whole number of minutes').positive('must be more than 0'),
  objectives: z.array(text(300)).default([]),
  content_warning: text(500).optional(),
});

interface Source {
  file: string;
  content: string;
}

interface FrontMatter {
  data: unknown;
  body: string;
  /** Line in the file where the body starts (1-based). */
  bodyLine: number;
  /** Line of each top-level key, for pointing at a field. */
  keyLines: Map<string, number>;
}

function splitFrontMatter(src: Source, problems: Problem[]): FrontMatter | null {
  const error = (line: number, message: string) => problems.push({ file: src.file, line, message, severity: 'error' });
  const lines = src.content.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (lines[0]?.trim() !== '---') {
    error(1, 'missing front matter: the file must start with a line "---", then YAML fields, then "---"');
    return null;
  }
  const end = lines.findIndex((l, i) => i > 0 && l.trim() === '---');
  if (end < 0) {
    error(1, 'front matter is not closed: add a line "---" after the YAML fields');
    return null;
  }
  const yamlText = lines.slice(1, end).join('\n');
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  for (const e of doc.errors) {
    const line = e.linePos?.[0]?.line ?? 1;
    error(line + 1, `YAML: ${e.message.split('\n')[0]} (hint: quote values that contain a colon, e.g. title: "A: B")`);
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

function validate<T>(schema: z.ZodType<T>, fm: FrontMatter, src: Source, problems: Problem[]): T | null {
  const result = schema.safeParse(fm.data);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? '');
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) {
        problems.push({ file: src.file, line: fm.keyLines.get(k) ?? 2, message: `unknown field "${k}" (check its spelling)`, severity: 'error' });
      }
      continue;
    }
    const given = fm.data && typeof fm.data === 'object' ? (fm.data as Record<string, unknown>)[key] : undefined;
    const missing = issue.path.length === 1 && given === undefined;
    // zod's own wording is for programmers; our schemas' messages are for trainers.
    let detail = issue.message;
    if (issue.code === 'invalid_type' && detail.startsWith('Invalid input')) detail = `must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`;
    if (issue.code === 'invalid_value') detail = `must be one of: ${issue.values.join(', ')}`;
    const message = missing ? `missing required field "${key}"` : `field "${issue.path.join('.')}": ${detail}`;
    problems.push({ file: src.file, line: fm.keyLines.get(key) ?? 2, message, severity: 'error' });
  }
  return null;
}

function checkBody(fm: FrontMatter, src: Source, problems: Problem[]): void {
  for (const line of findRawHtml(fm.body)) {
    problems.push({
      file: src.file, line: fm.bodyLine + line - 1, severity: 'error',
      message: 'raw HTML is not allowed in course content (it would be shown as text); use Markdown instead',
    });
  }
  fm.body.split(/\r?\n/).forEach((l, i) => {
    if (/^# /.test(l)) {
      problems.push({ file: src.file, line: fm.bodyLine + i, severity: 'warning', message: 'a level-1 heading ("# ") repeats the page title; start sections with "## "' });
    }
  });
}

export function hashSources(sources: Source[]): string {
  const h = crypto.createHash('sha256').update(`renderer:${RENDERER_VERSION}\n`);
  for (const s of [...sources].sort((a, b) => a.file.localeCompare(b.file))) {
    h.update(`${path.basename(s.file)}\n${s.content.length}\n`).update(s.content);
  }
  return h.digest('hex');
}

/** Parses one course folder. `course` is null when any problem is an error. */
export function parseCourseDir(dir: string): { slug: string; course: CompiledCourse | null; problems: Problem[] } {
  const slug = path.basename(dir);
  const problems: Problem[] = [];
  const error = (file: string, line: number, message: string) => problems.push({ file, line, message, severity: 'error' });
  if (!SLUG.test(slug)) error(dir, 1, `course folder name "${slug}" must be lowercase letters, digits and hyphens`);

  const entries = fs.readdirSync(dir, { withFileTypes: true });
  const courseFile = path.join(dir, 'course.md');
  if (!entries.some((e) => e.isFile() && e.name === 'course.md')) {
    error(courseFile, 1, 'missing course.md: every course folder needs one, with title, summary, audience and minutes');
    return { slug, course: null, problems };
  }

  const sources: Source[] = [{ file: courseFile, content: fs.readFileSync(courseFile, 'utf8') }];
  const courseFm = splitFrontMatter(sources[0], problems);
  const meta = courseFm ? validate(courseSchema, courseFm, sources[0], problems) : null;
  if (courseFm) checkBody(courseFm, sources[0], problems);

  const modules: CompiledModule[] = [];
  const numbers = new Map<string, string>();
  const keys = new Map<string, string>();
  const moduleFiles = entries.filter((e) => e.isFile() && e.name.endsWith('.md') && e.name !== 'course.md' && e.name !== 'README.md')
    .map((e) => e.name).sort();
  for (const name of moduleFiles) {
    const file = path.join(dir, name);
    const match = MODULE_FILE.exec(name);
    if (!match) {
      error(file, 1, `module file name "${name}" must look like 01-short-name.md (two digits, a hyphen, lowercase words joined by hyphens)`);
      continue;
    }
    const [, number, key] = match;
    if (numbers.has(number)) error(file, 1, `module number ${number} is also used by ${numbers.get(number)}; give each module its own number`);
    if (keys.has(key)) error(file, 1, `module key "${key}" is also used by ${keys.get(key)}; module keys must be unique in a course`);
    numbers.set(number, name);
    keys.set(key, name);
    const src = { file, content: fs.readFileSync(file, 'utf8') };
    sources.push(src);
    const fm = splitFrontMatter(src, problems);
    if (!fm) continue;
    const m = validate(moduleSchema, fm, src, problems);
    checkBody(fm, src, problems);
    if (!fm.body.trim()) error(file, fm.bodyLine, 'the module has no content after its front matter');
    if (m) {
      modules.push({ key, title: m.title, minutes: m.minutes, objectives: m.objectives, contentWarning: m.content_warning ?? null, html: renderMarkdown(fm.body) });
    }
  }
  if (moduleFiles.length === 0) error(courseFile, 1, 'the course has no modules: add files named 01-first-topic.md, 02-next-topic.md, ...');

  if (problems.some((p) => p.severity === 'error') || !meta || !courseFm) return { slug, course: null, problems };
  return {
    slug,
    problems,
    course: {
      slug,
      title: meta.title,
      summary: meta.summary,
      audience: meta.audience,
      minutes: meta.minutes,
      hours: meta.hours ?? null,
      language: meta.language,
      objectives: meta.objectives,
      versionNotes: meta.version_notes ?? null,
      overviewHtml: renderMarkdown(courseFm.body),
      modules,
      contentHash: hashSources(sources),
    },
  };
}

/** Parses every course folder under `root` (folders starting with . or _ are ignored). */
export function parseCurriculum(root: string): { courses: CompiledCourse[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const courses: CompiledCourse[] = [];
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return { courses, problems: [{ file: root, line: 1, message: 'curriculum folder not found or not readable', severity: 'error' }] };
  }
  for (const e of entries.filter((d) => d.isDirectory() && !/^[._]/.test(d.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    const result = parseCourseDir(path.join(root, e.name));
    problems.push(...result.problems);
    if (result.course) courses.push(result.course);
  }
  return { courses, problems };
}

export function formatProblem(p: Problem, cwd = process.cwd()): string {
  const rel = path.relative(cwd, p.file) || p.file;
  return `${rel}:${p.line}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}
