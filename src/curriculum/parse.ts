// Reads a curriculum folder: one folder per course with course.md and NN-slug.md modules.
// Every problem names its file and line; a course with errors is not compiled. Each file's front
// matter and body checks are in front-matter.ts; this puts a course's files together.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { type CompiledCourse, type CompiledModule, type MediaFile, type Problem } from './types';
import { anchorFor, renderMarkdown, RENDERER_VERSION, type RenderContext } from './render';
import { compileBody } from './blocks';
import { NO_LINE, problemAt } from './problems';
import { titleProblems } from './certificate-text';
import { createI18n } from '../i18n';
import { MEDIA_NAME, MODULE_FILE, SLUG } from './names';
import { compileCompletion, compileGrading, unknownReferences } from './course-rules';
import { compileSurvey, extractSurvey } from './survey';
import { answerCues, cueWarnings } from './cues';
import { checkBody, checkPlaceholders, courseSchema, glossarySchema, minutesDisagree, moduleSchema, splitFrontMatter, validate, type Source } from './front-matter';

export const MEDIA_TYPES: Record<string, string> = {
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.mp3': 'audio/mpeg', '.m4a': 'audio/mp4', '.ogg': 'audio/ogg',
  '.pdf': 'application/pdf', '.vtt': 'text/vtt',
};
export const MAX_MEDIA_BYTES = 25 * 1024 * 1024;

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
  partial?: {
    overviewHtml: string; modules: CompiledModule[]; glossary: CompiledCourse['glossary'];
    /** course.md's details when they are valid, so one broken module does not hide the course's title. */
    details: Pick<CompiledCourse, 'title' | 'summary' | 'audience' | 'minutes' | 'language' | 'objectives'> | null;
  };
}

export interface ParseOptions {
  /** Where the course's media come from, for the fix of a missing file (a folder's media/ by default). */
  mediaHome?: 'folder' | 'browser';
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
        else problems.push(problemAt(path.join(full, m.name), NO_LINE, 'mediaFolder'));
      }
    } else if (entry.isDirectory()) {
      problems.push(problemAt(full, NO_LINE, 'otherFolder', {}, 'warning'));
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
      problems.push(problemAt(file, NO_LINE, 'mediaName'));
      continue;
    }
    if (!type) {
      problems.push(problemAt(file, NO_LINE, 'mediaType', { types: Object.keys(MEDIA_TYPES).join(' ') }));
      continue;
    }
    const bytes = files.get(rel)!;
    if (bytes.length > MAX_MEDIA_BYTES) {
      problems.push(problemAt(file, NO_LINE, 'mediaTooLarge', { size: (bytes.length / 1048576).toFixed(1), limit: MAX_MEDIA_BYTES / 1048576 }));
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
  checkPlaceholders(src, problems);
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
export function parseCourseFiles(slug: string, files: CourseFiles, root: string, options: ParseOptions = {}): ParsedCourse {
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
    problems.push(problemAt(path.join(dir, n), NO_LINE, 'strayFile', {}, 'warning'));
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
    mediaHome: options.mediaHome ?? 'folder',
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
  if (meta && modules.length && modules.length === moduleFiles.length) {
    const sum = modules.reduce((total, m) => total + m.minutes, 0);
    if (minutesDisagree(meta.minutes, sum)) {
      problems.push(problemAt(courseFile, courseFm?.keyLines.get('minutes') ?? 2, 'minutesMismatch', { minutes: meta.minutes, sum }, 'warning'));
    }
  }
  const grading = compileGrading(meta?.grading);
  const completion = compileCompletion(meta?.completion);
  for (const p of unknownReferences(grading, completion, modules, Boolean(survey))) {
    error(courseFile, courseFm?.keyLines.get(p.field) ?? 2, p.key, p.params);
  }
  for (const w of cueWarnings(answerCues(modules))) problems.push(problemAt(courseFile, 1, w.key, w.params, 'warning'));
  for (const f of media.files) {
    if (!usedMedia.has(f.path)) problems.push(problemAt(path.join(dir, f.path), NO_LINE, 'mediaUnused', {}, 'warning'));
  }

  const glossaryList = () => [...glossary.values()].sort((a, b) => a.term.localeCompare(b.term))
    .map((g) => ({ term: g.term, anchor: g.anchor, definitionHtml: renderMarkdown(g.definition) }));
  if (problems.some((p) => p.severity === 'error') || !meta || !courseFm) return {
    ...none, problems, partial: {
      overviewHtml, modules, glossary: glossaryList(),
      details: meta ? { title: meta.title, summary: meta.summary, audience: meta.audience, minutes: meta.minutes, language: meta.language ?? 'en', objectives: meta.objectives ?? [] } : null,
    },
  };
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
  const where = p.line === NO_LINE ? file : `${file}:${p.line}`;
  return `${where}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`;
}
