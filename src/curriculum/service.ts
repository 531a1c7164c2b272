// Publishing courses as immutable versions, and serving compiled versions from a cache keyed by
// version id. A version never changes once written, so any instance may cache it forever.
import crypto from 'node:crypto';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { CompiledCourse, Problem } from './types';
import { parseCurriculum, formatProblem, readCourseFolder, MEDIA_TYPES, type CourseFiles } from './parse';
import * as store from './store';
import type { CourseSource } from './store';
import { problemAt } from './problems';
import { conflict } from '../http/errors';
import { diffCourses } from './diff';

export type { CourseRow, CourseSource, FileRow, VersionRow } from './store';

/** What a learner who finished an earlier version is told about the current one. */
export interface VersionChanges {
  title: string;
  /** The notes of each version published since theirs, oldest first. */
  notes: { text: string; publishedAt: Date }[];
  added: { key: string; title: string }[];
  removed: { key: string; title: string }[];
  edited: { key: string; title: string }[];
  reordered: boolean;
  detailsChanged: boolean;
  publishedAt: Date | null;
}

/** How a course is published: by whom, from where, with which files (see src/authoring/). */
export interface PublishOptions {
  /** Who owns the course: a course is only ever published by its owner ('folder' by default). */
  source?: CourseSource;
  /** Every file of the course folder, recorded with a new version so it can be downloaded exactly. */
  files?: CourseFiles;
  publishedByUserId?: number | null;
  notes?: string | null;
  /** Runs inside the publishing transaction, last (the audit log of a publication from the browser). */
  inTransaction?: (trx: Db, published: { versionId: number; changed: boolean }) => Promise<void>;
}

/** The stored type of a course file's bytes. */
export function contentTypeOf(file: string): string {
  if (file.endsWith('.md')) return 'text/markdown; charset=utf-8';
  return MEDIA_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export function sha256Of(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/**
 * Stores the bytes of a course's files in the blob store and returns each path with its hash.
 * Takes the caller's transaction, so the rows that point at the blobs are written with them.
 */
export async function storeCourseFiles(db: Db, files: CourseFiles): Promise<{ path: string; sha256: string }[]> {
  const list = [...files].map(([p, content]) => ({ path: p, content, sha256: sha256Of(content) }));
  await store.insertBlobs(db, list.map((f) => ({ sha256: f.sha256, contentType: contentTypeOf(f.path), content: f.content })));
  return list.map(({ path: p, sha256 }) => ({ path: p, sha256 }));
}

/**
 * Deletes the stored file bytes nothing refers to any more, except `keep` (files of an upload
 * waiting for its trainer's answer); in the caller's transaction (src/authoring/zip-transfer.ts).
 */
export function deleteUnusedBlobs(db: Db, keep: ReadonlySet<string>): Promise<{ count: number; bytes: number }> {
  return store.deleteUnusedBlobs(db, keep);
}

export function createCurriculumService({ db, clock, logger }: { db: Db; clock: Clock; logger: Logger }) {
  const versions = new Map<number, CompiledCourse>();
  let lastProblems: Problem[] = [];

  /**
   * Publishes a compiled course with its media, in one transaction. Publishing the same content
   * again changes nothing. A course is published only by its owner: a browser course never by the
   * folder sync, a folder course never from the browser (a Conflict, and nothing is written).
   */
  async function publish(course: CompiledCourse, publishedBy: string, media: Map<string, Buffer> = new Map(), options: PublishOptions = {}): Promise<{ versionId: number; changed: boolean }> {
    const source = options.source ?? 'folder';
    return db.transaction(async (trx) => {
      await store.insertBlobs(trx, course.media.map((m) => {
        const content = media.get(m.sha256);
        if (!content) throw new Error(`media ${m.path} of ${course.slug} has no content`);
        return { sha256: m.sha256, contentType: m.contentType, content };
      }));
      const courseId = await store.upsertCourse(trx, course.slug, clock.now());
      const owner = await store.courseSource(trx, courseId);
      if (owner !== source) throw conflict('course_owned_elsewhere', { key: 'errors.course_owned_elsewhere.named', params: { slug: course.slug, owner } });
      const existed = await store.findVersionId(trx, courseId, course.contentHash);
      await store.insertVersion(trx, {
        courseId, contentHash: course.contentHash, title: course.title, compiled: JSON.stringify(course), publishedBy, publishedAt: clock.now(),
      });
      const versionId = (await store.findVersionId(trx, courseId, course.contentHash))!;
      if (existed === null && (options.publishedByUserId != null || options.notes)) {
        await store.setVersionPublisher(trx, versionId, options.publishedByUserId ?? null, options.notes ?? null);
      }
      if (options.files && !(await store.hasVersionFiles(trx, versionId))) {
        await store.insertVersionFiles(trx, versionId, await storeCourseFiles(trx, options.files));
      }
      const changed = (await store.setCurrentVersion(trx, courseId, versionId)) > 0;
      await options.inTransaction?.(trx, { versionId, changed });
      versions.set(versionId, course);
      return { versionId, changed };
    });
  }

  return {
    publish,

    /**
     * Publishes every valid course in the folder. An invalid course is skipped (its last good
     * version, if any, stays published) and its problems are logged and kept for administrators.
     * A course that fails to publish does not stop the others. `log: false` leaves the logging to
     * the caller (the dev watcher prints the problems itself).
     */
    async syncFromDisk(dir: string, { log = true }: { log?: boolean } = {}): Promise<{ published: string[]; problems: Problem[] }> {
      const { courses, problems, media } = parseCurriculum(dir);
      const published: string[] = [];
      for (const course of courses) {
        // A folder never overwrites a course made in the browser: reported, and skipped.
        const existing = await store.findCourse(db, course.slug);
        if (existing?.source === 'browser') {
          problems.push(problemAt(path.join(dir, course.slug), 1, 'ownedByBrowser', { slug: course.slug }));
          continue;
        }
        try {
          const { changed } = await publish(course, 'curriculum folder', media, { source: 'folder', files: readCourseFolder(path.join(dir, course.slug)).files });
          if (changed) published.push(course.slug);
        } catch (err) {
          logger.error({ err, course: course.slug }, 'publishing a course failed');
          problems.push(problemAt(path.join(dir, course.slug), 1, 'publishFailed'));
        }
      }
      if (log) for (const p of problems) logger[p.severity === 'error' ? 'error' : 'warn']({ file: p.file, line: p.line }, formatProblem(p));
      lastProblems = problems;
      return { published, problems };
    },

    /** A media file by content hash; immutable, so it may be cached forever. */
    media(sha256: string) {
      return /^[0-9a-f]{64}$/.test(sha256) ? store.loadBlob(db, sha256) : Promise.resolve(null);
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

    /**
     * What changed between a version a learner finished and a later one (the course's current):
     * the notes of every version published after theirs, and the modules added, removed and
     * edited between the two. Null when the versions are the same or either is gone.
     */
    async changesSince(courseId: number, fromVersionId: number, toVersionId: number): Promise<VersionChanges | null> {
      if (fromVersionId === toVersionId) return null;
      const [before, after] = [await this.version(fromVersionId), await this.version(toVersionId)];
      if (!before || !after) return null;
      const rows = await store.listVersions(db, courseId);
      const notes: VersionChanges['notes'] = [];
      for (const r of rows.filter((v) => v.id > fromVersionId && v.id <= toVersionId)) {
        const text = r.notes ?? (await this.version(r.id))?.versionNotes ?? null;
        if (text) notes.push({ text, publishedAt: r.publishedAt });
      }
      const changes = diffCourses(before, after);
      return {
        title: after.title, notes, added: changes.added, removed: changes.removed, edited: changes.edited,
        reordered: changes.reordered, detailsChanged: changes.detailsChanged,
        publishedAt: rows.find((v) => v.id === toVersionId)?.publishedAt ?? null,
      };
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

    // ---- Courses, versions and stored files, for the authoring area ----

    /** A course by slug (any slug; an invalid one finds nothing). */
    findCourse(slug: string): Promise<store.CourseRow | null> {
      return store.findCourse(db, slug);
    },

    /** Every course, published or not, by slug. */
    listCourses(): Promise<store.CourseRow[]> {
      return store.listCourses(db);
    },

    /** Creates a course kept in the browser, in the caller's transaction; a slug taken is a Conflict. */
    createBrowserCourse(trx: Db, slug: string): Promise<number> {
      return store.insertBrowserCourse(trx, slug, clock.now());
    },

    /** A course's versions, oldest first. */
    listVersions(courseId: number): Promise<store.VersionRow[]> {
      return store.listVersions(db, courseId);
    },

    /** How many versions each course has, by course id. */
    versionCounts(): Promise<Map<number, number>> {
      return store.versionCounts(db);
    },

    /** The files a version was published from (none for versions published before files were kept). */
    versionFiles(versionId: number): Promise<store.FileRow[]> {
      return store.versionFiles(db, versionId);
    },

    hasVersionFiles(versionId: number): Promise<boolean> {
      return store.hasVersionFiles(db, versionId);
    },

    /** Stored file bytes by hash; a hash not stored is absent from the map. */
    loadBlobs(shas: string[]): Promise<Map<string, Buffer>> {
      return store.loadBlobs(db, shas);
    },

    /** The blobs each course holds (draft and versions), each once per course, with their sizes. */
    heldBlobs(courseIds: number[]): Promise<{ courseId: number; sha256: string; size: number }[]> {
      return store.heldBlobs(db, courseIds);
    },

    /** Size and type of stored files by hash, without their bytes. */
    blobInfo(shas: string[]): Promise<Map<string, { size: number; contentType: string }>> {
      return store.blobInfo(db, shas);
    },
  };
}

export type CurriculumService = ReturnType<typeof createCurriculumService>;
