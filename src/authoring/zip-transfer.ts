// A course in and out as the zip of its folder: download a draft or a published version, and
// upload a zip as a browser course's draft.
import fs from 'node:fs';
import path from 'node:path';
import type { SessionUser } from '../accounts/types';
import { MAX_SLUG_LENGTH, SLUG } from '../curriculum/names';
import { storeCourseFiles, type CourseSource } from '../curriculum/service';
import type { Writable } from 'node:stream';
import { readCourseZip, ZipError, type ZipLimits } from './zip';
import { streamCourseZip } from './zip-stream';
import * as store from './store';
import type { AuthoringContext } from './context';
import { notFound } from '../http/errors';
import { mismatchedMedia } from './media';

/** A course zip to download: its file name, and what writes it to the response. */
export interface CourseZip {
  filename: string;
  write(out: Writable): Promise<void>;
}

export function zipOperations(ctx: AuthoringContext) {
  const { db, clock, curriculum, curriculumDir, limits } = ctx;
  const zipLimits: ZipLimits = {
    maxZipBytes: limits.maxZipBytes, maxEntries: limits.maxZipEntries, maxTotalBytes: limits.maxZipTotalBytes,
    maxFileBytes: limits.maxMediaBytes, maxTextBytes: limits.maxMarkdownBytes,
  };

  /** Files are loaded one at a time as the zip is written, past the blob cache: a download needs none of them again. */
  const courseZip = (slug: string, filename: string, rows: { path: string; sha256: string }[]): CourseZip => ({
    filename,
    write: (out) => streamCourseZip(out, slug, rows.map((r) => r.path), async (p) => {
      const sha = rows.find((r) => r.path === p)!.sha256;
      const bytes = (await curriculum.loadBlobs([sha])).get(sha);
      if (!bytes) throw new Error(`file ${p} has no stored content`);
      return bytes;
    }),
  });

  return {
    /** The zip of the draft's folder, streamed by `write`. */
    async zipDraft(slug: string): Promise<CourseZip> {
      const course = await ctx.loadCourse(slug);
      return courseZip(slug, `${slug}-draft.zip`, await ctx.draftFiles(course.id));
    },

    /** The zip of a published version's folder, exactly the files it was published from. */
    async zipVersion(slug: string, versionId: number): Promise<CourseZip> {
      const course = await ctx.loadCourse(slug);
      const versions = await curriculum.listVersions(course.id);
      const index = versions.findIndex((v) => v.id === versionId);
      if (index < 0) throw notFound();
      const rows = await curriculum.versionFiles(versionId);
      if (!rows.length) throw notFound();
      return courseZip(slug, `${slug}-version-${index + 1}.zip`, rows);
    },

    /**
     * Creates or replaces a browser course's draft from the zip of its folder. Every check of the
     * archive happens before anything is written. `authorizeTarget` is the caller's policy check of
     * the course the zip would write to (a folder course's address is refused there), asked once
     * that course is known from the zip.
     */
    async importZip(
      bytes: Buffer, slugGiven: string, user: SessionUser,
      authorizeTarget: (target: { slug: string; source: CourseSource | null }) => void,
    ): Promise<{ slug: string; created: boolean }> {
      const { folder, files } = readCourseZip(bytes, zipLimits);
      const slug = slugGiven || folder || '';
      if (!slug) throw new ZipError(422, 'noSlug');
      if (!SLUG.test(slug) || slug.length > MAX_SLUG_LENGTH) throw new ZipError(422, 'badSlug', { slug: slug.slice(0, 100) });
      if (!files.has('course.md')) throw new ZipError(422, 'noCourseFile');
      if ([...files.keys()].filter((p) => p.startsWith('media/')).length > limits.maxMediaFiles) throw new ZipError(422, 'tooManyMedia', { max: limits.maxMediaFiles });
      for (const [name, content] of files) {
        const ext = name.startsWith('media/') ? mismatchedMedia(name, content) : null;
        if (ext) throw new ZipError(422, 'mediaMismatch', { name: name.slice(0, 200), ext });
      }
      const course = await curriculum.findCourse(slug);
      // A folder not yet synced is the folder's course all the same.
      authorizeTarget({ slug, source: course?.source ?? (fs.existsSync(path.join(curriculumDir, slug)) ? 'folder' : null) });
      const created = !course;
      const maker = course ? (await store.findDrafts(db, [course.id])).get(course.id)?.createdBy ?? user.id : user.id;
      await ctx.quota.checkRoom(course?.id ?? null, maker, files);
      await db.transaction(async (trx) => {
        const courseId = course?.id ?? await curriculum.createBrowserCourse(trx, slug);
        await store.insertDraft(trx, courseId, user.id, clock.now());
        await store.replaceDraftFiles(trx, courseId, await storeCourseFiles(trx, files));
        await store.touchDraft(trx, courseId, user.id, clock.now());
      });
      return { slug, created };
    },
  };
}
