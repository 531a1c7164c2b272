// Reads a curriculum folder: one folder per course with course.md and NN-slug.md modules.
// Every problem names its file and line; a course with errors is not compiled.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { LineCounter, parseDocument, isMap, isScalar } from 'yaml';
import { z } from 'zod';
import { AUDIENCES, REVIEW_STATUSES, type CompiledCourse, type CompiledModule, type MediaFile, type Problem } from './types';
import { anchorFor, findRawHtml, findUnsafeLinks, renderMarkdown, RENDERER_VERSION, type RenderContext } from './render';
import { compileBody } from './blocks';
import { problemAt } from './problems';
import { titleProblems } from './certificate-text';
import { createI18n } from '../i18n';
import { MEDIA_NAME, MODULE_FILE, SLUG } from './names';
import { compileCompletion, compileGrading, completionSchema, gradingSchema, unknownReferences } from './course-rules';
import { compileSurvey, extractSurvey } from './survey';
import { answerCues, cueWarnings } from './cues';

const text = (max: number) => z.string().trim().min(1, 'field.empty').max(max, 'field.tooLong');

/** One line of a course's record of review: which part, who should review it, and whether they have. */
const reviewSchema = z.strictObject({
  part: text(300),
  by: text(300),
  status: z.enum(REVIEW_STATUSES),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'field.date').optional(),
  note: text(500).optional(),
});

const courseSchema = z.strictObject({
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

const glossarySchema = z.strictObject({
  terms: z.record(z.string().trim().min(1), text(1000)),
});

/** Files a course may use, by extension. SVG is refused: it can carry script. */
export const MEDIA_TYPES: Record<string, string> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.mp3': 'audio/mpeg', '.m4a': 'audio/mp4', '.ogg': 'audio/ogg',
  '.pdf': 'application/pdf', '.vtt': 'text/vtt',
};
export const MAX_MEDIA_BYTES = 25 * 1024 * 1024;

const moduleSchema = z.strictObject({
  title: text(200),
  minutes: z.number().int('field.wholeMinutes').positive('field.positive'),
  objectives: z.array(text(300)).default([]),
  content_warning: text(500).optional(),
  handout: z.boolean().optional(),
});

interface Source {
  file: string;
  content: string | Buffer;
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

function validate<T>(schema: z.ZodType<T>, fm: FrontMatter, src: Source, problems: Problem[]): T | null {
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

function checkBody(fm: FrontMatter, src: Source, problems: Problem[]): void {
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

export function hashSources(root: string, sources: Source[]): string {
  const h = crypto.createHash('sha256').update(`renderer:${RENDERER_VERSION}\n`);
  const named = sources.map((s) => ({ name: path.relative(root, s.file).split(path.sep).join('/'), content: s.content }));
  for (const s of named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const bytes = Buffer.isBuffer(s.content) ? s.content : Buffer.from(s.content, 'utf8');
    h.update(`${s.name}\n${bytes.length}\n`).update(bytes);
  }
  return h.digest('hex');
}

export interface ParsedCourse {
  slug: string;
  course: CompiledCourse | null;
  problems: Problem[];
  /** The bytes of each media file, by sha256: stored beside the version when it is published. */
  mediaContent: Map<string, Buffer>;
  /**
   * What did compile, even when the course has errors elsewhere: the authoring preview shows a
   * module as soon as that module compiles. Never published.
   */
  partial?: { overviewHtml: string; modules: CompiledModule[]; glossary: CompiledCourse['glossary'] };
}

/** A course's files by relative POSIX path ("course.md", "01-x.md", "media/form.png"). */
export type CourseFiles = Map<string, Buffer>;

/** Reads a course folder from disk: its top-level files and its media/ folder. */
export function readCourseFolder(dir: string): { files: CourseFiles; problems: Problem[] } {
  const files: CourseFiles = new Map();
  const problems: Problem[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isFile()) files.set(entry.name, fs.readFileSync(full));
    else if (entry.isDirectory() && entry.name === 'media') {
      for (const m of fs.readdirSync(full, { withFileTypes: true })) {
        if (m.name.startsWith('.')) continue;
        if (m.isFile()) files.set(`media/${m.name}`, fs.readFileSync(path.join(full, m.name)));
        else problems.push(problemAt(path.join(full, m.name), 1, 'mediaFolder'));
      }
    } else if (entry.isDirectory()) {
      problems.push(problemAt(full, 1, 'otherFolder', {}, 'warning'));
    }
  }
  return { files, problems };
}

function readMedia(root: string, files: CourseFiles, problems: Problem[], sources: Source[]): { files: MediaFile[]; content: Map<string, Buffer> } {
  const media: MediaFile[] = [];
  const content = new Map<string, Buffer>();
  for (const rel of [...files.keys()].filter((k) => k.startsWith('media/')).sort()) {
    const name = rel.slice('media/'.length);
    const file = path.join(root, rel);
    const type = MEDIA_TYPES[path.extname(name).toLowerCase()];
    if (!MEDIA_NAME.test(name)) {
      problems.push(problemAt(file, 1, 'mediaName'));
      continue;
    }
    if (!type) {
      problems.push(problemAt(file, 1, 'mediaType', { types: Object.keys(MEDIA_TYPES).join(' ') }));
      continue;
    }
    const bytes = files.get(rel)!;
    if (bytes.length > MAX_MEDIA_BYTES) {
      problems.push(problemAt(file, 1, 'mediaTooLarge', { size: (bytes.length / 1048576).toFixed(1), limit: MAX_MEDIA_BYTES / 1048576 }));
      continue;
    }
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    media.push({ path: rel, sha256, contentType: type, size: bytes.length });
    content.set(sha256, bytes);
    sources.push({ file, content: bytes });
  }
  return { files: media, content };
}

function readGlossary(root: string, files: CourseFiles, problems: Problem[], sources: Source[]): Map<string, { term: string; anchor: string; definition: string }> {
  const terms = new Map<string, { term: string; anchor: string; definition: string }>();
  const bytes = files.get('glossary.md');
  if (!bytes) return terms;
  const file = path.join(root, 'glossary.md');
  const src = { file, content: bytes.toString('utf8') };
  sources.push(src);
  const fm = splitFrontMatter(src, problems);
  const data = fm ? validate(glossarySchema, fm, src, problems) : null;
  for (const [term, definition] of Object.entries(data?.terms ?? {})) {
    if (terms.has(term.toLowerCase())) {
      problems.push(problemAt(file, fm?.keyLines.get('terms') ?? 2, 'termTwice', { term }));
    }
    terms.set(term.toLowerCase(), { term, anchor: anchorFor(term), definition });
  }
  return terms;
}

const labelCache = new Map<string, (key: string) => string>();
function labelsFor(language: string): (key: string) => string {
  let label = labelCache.get(language);
  if (!label) {
    const t = createI18n().getFixedT(language);
    label = (key: string) => t(key);
    labelCache.set(language, label);
  }
  return label;
}

/** Parses one course folder on disk. `course` is null when any problem is an error. */
export function parseCourseDir(dir: string): ParsedCourse {
  const { files, problems } = readCourseFolder(dir);
  const parsed = parseCourseFiles(path.basename(dir), files, dir);
  return { ...parsed, problems: [...problems, ...parsed.problems], course: problems.some((p) => p.severity === 'error') ? null : parsed.course };
}

/**
 * Parses a course from its files, wherever they came from (a folder, a draft, an upload).
 * Problems name files as `root/relative-path`.
 */
export function parseCourseFiles(slug: string, files: CourseFiles, root: string): ParsedCourse {
  const dir = root;
  const problems: Problem[] = [];
  const none = { slug, course: null, problems, mediaContent: new Map<string, Buffer>() };
  const error = (file: string, line: number, key: string, params: Record<string, unknown> = {}) => problems.push(problemAt(file, line, key, params));
  if (!SLUG.test(slug)) error(dir, 1, 'courseSlug', { slug });

  const courseFile = path.join(dir, 'course.md');
  if (!files.has('course.md')) {
    error(courseFile, 1, 'courseMdMissing');
    return none;
  }

  const sources: Source[] = [{ file: courseFile, content: files.get('course.md')!.toString('utf8') }];
  const courseFm = splitFrontMatter(sources[0], problems);
  const meta = courseFm ? validate(courseSchema, courseFm, sources[0], problems) : null;
  if (meta && courseFm) problems.push(...titleProblems(meta.title, courseFile, courseFm.keyLines.get('title') ?? 2));
  const media = readMedia(dir, files, problems, sources);
  const glossary = readGlossary(dir, files, problems, sources);

  const moduleFiles = [...files.keys()].filter((n) => !n.includes('/') && n.endsWith('.md') && !['course.md', 'README.md', 'glossary.md'].includes(n)).sort();
  for (const n of [...files.keys()].filter((n) => !n.includes('/') && !n.endsWith('.md'))) {
    problems.push(problemAt(path.join(dir, n), 1, 'strayFile', {}, 'warning'));
  }
  const moduleUrls = new Map<string, string>();
  for (const name of moduleFiles) {
    const m = MODULE_FILE.exec(name);
    if (m) {
      const url = `/courses/${slug}/modules/${m[2]}`;
      moduleUrls.set(name, url).set(m[2], url);
    }
  }
  const usedMedia = new Set<string>();
  const mediaUrls = new Map(media.files.map((f) => [f.path, `/courses/${slug}/media/${f.sha256}/${path.basename(f.path)}`]));
  const context = (file: string, offset: number): RenderContext => ({
    slug,
    glossary: new Map([...glossary].map(([k, v]) => [k, v.anchor])),
    media: (p: string) => {
      usedMedia.add(p);
      return mediaUrls.get(p);
    },
    modules: moduleUrls,
    label: labelsFor(meta?.language ?? 'en'),
    problem: (line, key, params = {}, severity = 'error') => problems.push(problemAt(file, line + offset, key, params, severity)),
  });

  if (courseFm) checkBody(courseFm, sources[0], problems);
  // The survey block lives in course.md's body; the rest of the body is the overview.
  const courseCtx = context(courseFile, courseFm ? courseFm.bodyLine - 1 : 0);
  const { overview, block: surveyBlock } = courseFm ? extractSurvey(courseFm.body, courseCtx.problem) : { overview: '', block: null };
  const survey = surveyBlock ? compileSurvey(surveyBlock, courseCtx, courseCtx.problem) : null;
  const overviewHtml = courseFm ? renderMarkdown(overview, courseCtx) : '';

  const modules: CompiledModule[] = [];
  const numbers = new Map<string, string>();
  const keys = new Map<string, string>();
  for (const name of moduleFiles) {
    const file = path.join(dir, name);
    const match = MODULE_FILE.exec(name);
    if (!match) {
      error(file, 1, 'moduleFileName', { name });
      continue;
    }
    const [, number, key] = match;
    if (numbers.has(number)) error(file, 1, 'moduleNumberTwice', { number, other: numbers.get(number) });
    if (keys.has(key)) error(file, 1, 'moduleKeyTwice', { key, other: keys.get(key) });
    numbers.set(number, name);
    keys.set(key, name);
    const src = { file, content: files.get(name)!.toString('utf8') };
    sources.push(src);
    const fm = splitFrontMatter(src, problems);
    if (!fm) continue;
    const m = validate(moduleSchema, fm, src, problems);
    checkBody(fm, src, problems);
    if (!fm.body.trim()) error(file, fm.bodyLine, 'moduleEmpty');
    const ctx = context(file, fm.bodyLine - 1);
    const body = compileBody(fm.body, ctx, key, ctx.problem);
    if (m) {
      // A handout is made to print: checks and reflections are forms, and forms are not printed.
      if (m.handout && (body.checks.length || body.reflections.length)) {
        problems.push(problemAt(file, fm.keyLines.get('handout') ?? 2, 'handoutInteractive', {}, 'warning'));
      }
      modules.push({ key, title: m.title, minutes: m.minutes, objectives: m.objectives, contentWarning: m.content_warning ?? null, handout: m.handout ?? false, ...body });
    }
  }
  if (moduleFiles.length === 0) error(courseFile, 1, 'noModules');
  const grading = compileGrading(meta?.grading);
  const completion = compileCompletion(meta?.completion);
  for (const p of unknownReferences(grading, completion, modules, Boolean(survey))) {
    error(courseFile, courseFm?.keyLines.get(p.field) ?? 2, p.key, p.params);
  }
  for (const w of cueWarnings(answerCues(modules))) problems.push(problemAt(courseFile, 1, w.key, w.params, 'warning'));
  for (const f of media.files) {
    if (!usedMedia.has(f.path)) problems.push(problemAt(path.join(dir, f.path), 1, 'mediaUnused', {}, 'warning'));
  }

  const glossaryList = () => [...glossary.values()].sort((a, b) => a.term.localeCompare(b.term))
    .map((g) => ({ term: g.term, anchor: g.anchor, definitionHtml: renderMarkdown(g.definition) }));
  if (problems.some((p) => p.severity === 'error') || !meta || !courseFm) return { ...none, problems, partial: { overviewHtml, modules, glossary: glossaryList() } };
  return {
    slug,
    problems,
    mediaContent: media.content,
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
      validityMonths: meta.validity_months ?? null,
      refresher: meta.refresher ?? null,
      review: meta.review.map((r) => ({ part: r.part, by: r.by, status: r.status, date: r.date ?? null, note: r.note ?? null })),
      grading,
      completion,
      survey,
      overviewHtml,
      modules,
      glossary: glossaryList(),
      media: media.files,
      contentHash: hashSources(dir, sources),
    },
  };
}

/** Parses every course folder under `root` (folders starting with . or _ are ignored). */
export function parseCurriculum(root: string): { courses: CompiledCourse[]; problems: Problem[]; media: Map<string, Buffer> } {
  const problems: Problem[] = [];
  const courses: CompiledCourse[] = [];
  const media = new Map<string, Buffer>();
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(root, { withFileTypes: true });
  } catch {
    return { courses, media, problems: [problemAt(root, 1, 'curriculumMissing')] };
  }
  for (const e of entries.filter((d) => d.isDirectory() && !/^[._]/.test(d.name)).sort((a, b) => a.name.localeCompare(b.name))) {
    let result: ParsedCourse;
    try {
      result = parseCourseDir(path.join(root, e.name));
    } catch (err) {
      // A file that vanished mid-read (an editor saving) or cannot be read: this course is skipped, the others go on.
      const reason = (err as NodeJS.ErrnoException).code ?? (err instanceof Error ? err.message : String(err));
      problems.push(problemAt(path.join(root, e.name), 1, 'folderUnreadable', { reason }));
      continue;
    }
    problems.push(...result.problems);
    if (result.course) courses.push(result.course);
    for (const [sha, bytes] of result.mediaContent) media.set(sha, bytes);
  }
  return { courses, problems, media };
}

/** The problem with its file shown relative to `root` (the terminal's folder, the repository...). */
export function relativeProblem(p: Problem, root: string): Problem {
  return { ...p, file: path.relative(root, p.file) || p.file };
}

export function formatProblem(p: Problem, cwd = process.cwd()): string {
  const { file } = relativeProblem(p, cwd);
  return `${file}:${p.line}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}
