// Publishing courses as immutable versions, and serving compiled versions from a cache keyed by
// version id. A version never changes once written, so any instance may cache it forever.
import type { Logger } from 'pino';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { CompiledCourse, Problem } from './types';
import { parseCurriculum, formatProblem } from './parse';
import * as store from './store';

export function createCurriculumService({ db, clock, logger }: { db: Db; clock: Clock; logger: Logger }) {
  const versions = new Map<number, CompiledCourse>();
  let lastProblems: Problem[] = [];

  /** Publishes a compiled course with its media, in one transaction. Publishing the same content again changes nothing. */
  async function publish(course: CompiledCourse, publishedBy: string, media: Map<string, Buffer> = new Map()): Promise<{ versionId: number; changed: boolean }> {
    return db.transaction(async (trx) => {
      await store.insertMedia(trx, course.media.map((m) => {
        const content = media.get(m.sha256);
        if (!content) throw new Error(`media ${m.path} of ${course.slug} has no content`);
        return { sha256: m.sha256, contentType: m.contentType, content };
      }));
      const courseId = await store.upsertCourse(trx, course.slug, clock.now());
      await store.insertVersion(trx, {
        courseId, contentHash: course.contentHash, title: course.title, compiled: JSON.stringify(course), publishedBy, publishedAt: clock.now(),
      });
      const versionId = (await store.findVersionId(trx, courseId, course.contentHash))!;
      const changed = (await store.setCurrentVersion(trx, courseId, versionId)) > 0;
      versions.set(versionId, course);
      return { versionId, changed };
    });
  }

  return {
    publish,

    /**
     * Publishes every valid course in the folder. An invalid course is skipped (its last good
     * version, if any, stays published) and its problems are logged and kept for administrators.
     */
    async syncFromDisk(dir: string): Promise<{ published: string[]; problems: Problem[] }> {
      const { courses, problems, media } = parseCurriculum(dir);
      const published: string[] = [];
      for (const course of courses) {
        const { changed } = await publish(course, 'curriculum folder', media);
        if (changed) published.push(course.slug);
      }
      for (const p of problems) logger[p.severity === 'error' ? 'error' : 'warn']({ file: p.file, line: p.line }, formatProblem(p));
      lastProblems = problems;
      return { published, problems };
    },

    /** A media file by content hash; immutable, so it may be cached forever. */
    media(sha256: string) {
      return /^[0-9a-f]{64}$/.test(sha256) ? store.loadMedia(db, sha256) : Promise.resolve(null);
    },

    problems(): Problem[] {
      return lastProblems;
    },

    /** The compiled course of a version; loaded from the database once per instance. */
    async version(versionId: number): Promise<CompiledCourse | null> {
      const cached = versions.get(versionId);
      if (cached) return cached;
      const json = await store.loadCompiled(db, versionId);
      if (!json) return null;
      const course = JSON.parse(json) as CompiledCourse;
      versions.set(versionId, course);
      return course;
    },

    /** Every course with a published version, current version first-class. */
    async catalog(): Promise<{ courseId: number; versionId: number; course: CompiledCourse }[]> {
      const rows = await store.listCurrentVersions(db);
      const out = [];
      for (const r of rows) {
        const course = await this.version(r.versionId);
        if (course) out.push({ courseId: r.courseId, versionId: r.versionId, course });
      }
      return out;
    },
  };
}

export type CurriculumService = ReturnType<typeof createCurriculumService>;
