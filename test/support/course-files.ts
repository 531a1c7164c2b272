// Small courses as in-memory file sets, compiled by the real parser: what a trainer's folder would
// hold, without a folder. Pure (no database), so unit tests can use it too.
import path from 'node:path';
import { stringify } from 'yaml';
import { parseCourseFiles, readCourseFolder, type CourseFiles } from '../../src/curriculum/parse';
import type { CompiledCourse } from '../../src/curriculum/types';
import { FIXTURE_CURRICULUM } from './paths';

export interface ModuleSpec {
  /** The module's key: the slug part of its file name. */
  key: string;
  title?: string;
  minutes?: number;
  /** Markdown after the front matter. */
  body?: string;
}

export interface CourseSpec {
  title?: string;
  summary?: string;
  minutes?: number;
  hours?: number;
  validityMonths?: number;
  refresher?: string;
  overview?: string;
  /** Keys, or fuller specs; numbered 01-, 02-, ... in this order. */
  modules?: (string | ModuleSpec)[];
}

function frontMatter(data: Record<string, unknown>, body: string): Buffer {
  const defined = Object.fromEntries(Object.entries(data).filter(([, v]) => v !== undefined));
  return Buffer.from(`---\n${stringify(defined, { lineWidth: 0 })}---\n${body}\n`);
}

/** The files of a small valid course: course.md and one NN-key.md per module. */
export function courseFiles(spec: CourseSpec = {}): CourseFiles {
  const files: CourseFiles = new Map();
  files.set('course.md', frontMatter({
    title: spec.title ?? 'Factory course',
    summary: spec.summary ?? 'A course made by the test factories.',
    audience: ['all'],
    minutes: spec.minutes ?? 10,
    hours: spec.hours,
    validity_months: spec.validityMonths,
    refresher: spec.refresher,
  }, spec.overview ?? 'A course made for one test.'));
  (spec.modules ?? ['one', 'two']).forEach((m, i) => {
    const module = typeof m === 'string' ? { key: m } : m;
    const file = `${String(i + 1).padStart(2, '0')}-${module.key}.md`;
    files.set(file, frontMatter({ title: module.title ?? `Module ${module.key}`, minutes: module.minutes ?? 5 }, module.body ?? `## ${module.key}\n\nText of ${module.key}.`));
  });
  return files;
}

/** The files of one course of the fixture curriculum (test/fixtures/curriculum/<slug>). */
export function fixtureCourseFiles(slug: string): CourseFiles {
  const { files, problems } = readCourseFolder(path.join(FIXTURE_CURRICULUM, slug));
  if (problems.length) throw new Error(`fixture course ${slug}: ${problems.map((p) => p.message).join('; ')}`);
  return files;
}

/** Compiles a file set with the real parser; any error fails the test that asked, loudly. */
export function compileCourse(slug: string, files: CourseFiles): { course: CompiledCourse; mediaContent: Map<string, Buffer> } {
  const parsed = parseCourseFiles(slug, files, `/factory/${slug}`);
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (!parsed.course || errors.length) throw new Error(`course ${slug} does not compile:\n${errors.map((p) => `${p.file}:${p.line}: ${p.message}`).join('\n')}`);
  return { course: parsed.course, mediaContent: parsed.mediaContent };
}
