// A course in and out as the zip of its folder: download a draft or a published version, and
// upload a zip as a browser course's draft.
import fs from 'node:fs';
import path from 'node:path';
import type { SessionUser } from '../accounts/types';
import { MAX_SLUG_LENGTH, SLUG } from '../curriculum/names';
import { deleteUnusedBlobs, storeCourseFiles, type CourseSource } from '../curriculum/service';
import type { Writable } from 'node:stream';
import { readCourseZip, ZipError, type ZipLimits } from './zip';
import { streamCourseZip } from './zip-stream';
import * as store from './store';
import type { AuthoringContext } from './context';
import { notFound } from '../http/errors';
import { mismatchedMedia } from './media';
import crypto from 'node:crypto';
import type { CourseFiles } from '../curriculum/parse';
import * as history from './history-store';
import { isSqlite, type Db } from '../db/knex';
import { keepCurrent, recordSave } from './history';

/** A zip upload waiting for the trainer to say whether it may replace the draft at its address. */
export interface Held {
  token: string;
  slug: string;
  /** The title of the draft it would replace. */
  title: string | null;
  /** A free address for a new course instead. */
  suggested: string;
}

/** How long a held upload waits for its answer. */
export const HOLD_HOURS = 24;

/**
 * Deletes the uploads whose answer never came (past HOLD_HOURS): the server does so every hour,
 * and each new upload too, so an abandoned one does not wait for the next upload to go.
 */
export function pruneUploadHolds(db: Db, now: Date): Promise<number> {
  return history.deleteHoldsBefore(db, new Date(now.getTime() - HOLD_HOURS * 3600_000));
}

/**
 * Deletes the file bytes nothing refers to any more (an autosave's text since replaced, a deleted
 * course's files, an upload never confirmed): the server does so every hour, after the holds
 * above. An upload still waiting for its answer keeps its files. On PostgreSQL the holds are
 * locked for the moment, so that none is made with files this deletes (SQLite runs one
 * transaction at a time).
 */
export function pruneUnusedFiles(db: Db): Promise<{ count: number; bytes: number }> {
  return db.transaction(async (trx) => {
    if (!isSqlite(trx)) await trx.raw('lock table course_upload_holds in share mode');
    return deleteUnusedBlobs(trx, await history.heldUploadFiles(trx));
  });
}

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
     *
     * Nothing is replaced without asking: with the address left empty the zip makes a new course
     * (at the folder's name, or the first free `name-2`, `name-3`, ...); an address that holds a
     * draft is replaced only when `replace` names it, else the zip is held (its files stored by
     * hash) and `held` says which course to ask about. The replaced draft stays in its history.
     */
    async importZip(
      bytes: Buffer, slugGiven: string, user: SessionUser,
      authorizeTarget: (target: { slug: string; source: CourseSource | null }) => void,
      replace: string | null = null,
    ): Promise<{ slug: string; created: boolean } | { held: Held }> {
      const { folder, files } = readCourseZip(bytes, zipLimits);
      let slug = slugGiven || folder || '';
      if (!slug) throw new ZipError(422, 'noSlug');
      if (!SLUG.test(slug) || slug.length > MAX_SLUG_LENGTH) throw new ZipError(422, 'badSlug', { slug: slug.slice(0, 100) });
      if (!files.has('course.md')) throw new ZipError(422, 'noCourseFile');
      if ([...files.keys()].filter((p) => p.startsWith('media/')).length > limits.maxMediaFiles) throw new ZipError(422, 'tooManyMedia', { max: limits.maxMediaFiles });
      for (const [name, content] of files) {
        const ext = name.startsWith('media/') ? mismatchedMedia(name, content) : null;
        if (ext) throw new ZipError(422, 'mediaMismatch', { name: name.slice(0, 200), ext });
      }
      if (!slugGiven && (await curriculum.findCourse(slug))?.source === 'browser') slug = await freeSlug(slug);
      const course = await curriculum.findCourse(slug);
      // A folder not yet synced is the folder's course all the same.
      authorizeTarget({ slug, source: course?.source ?? (fs.existsSync(path.join(curriculumDir, slug)) ? 'folder' : null) });
      if (course && replace !== slug) return { held: await hold(slug, files, user) };
      return writeImport(slug, files, user);
    },

    /**
     * The trainer's answer about a held zip: replace the draft it was uploaded over, or make a new
     * course at another address. Null when the hold is gone (used, or older than a day).
     */
    async confirmUpload(token: string, user: SessionUser, choice: { replace: true } | { replace: false; slug: string },
      authorizeTarget: (target: { slug: string; source: CourseSource | null }) => void): Promise<{ slug: string; created: boolean } | null> {
      const held = await findHold(token, user);
      if (!held) return null;
      const slug = choice.replace ? held.slug : choice.slug;
      if (!choice.replace && (await curriculum.findCourse(slug) || fs.existsSync(path.join(curriculumDir, slug)))) throw new ZipError(422, 'slugTaken', { slug });
      const course = await curriculum.findCourse(slug);
      authorizeTarget({ slug, source: course?.source ?? (fs.existsSync(path.join(curriculumDir, slug)) ? 'folder' : null) });
      const blobs = await curriculum.loadBlobs([...new Set(held.files.map((f) => f.sha256))]);
      const files: CourseFiles = new Map(held.files.map((f) => [f.path, blobs.get(f.sha256)!]).filter(([, b]) => b) as [string, Buffer][]);
      const result = await writeImport(slug, files, user);
      await history.deleteHold(db, token);
      return result;
    },

    /** A held upload, for its confirmation page. */
    async heldUpload(token: string, user: SessionUser): Promise<Held | null> {
      const held = await findHold(token, user);
      return held ? describeHold(token, held.slug) : null;
    },
  };

  /** A hold of this person's that is still waiting (younger than HOLD_HOURS). */
  async function findHold(token: string, user: SessionUser) {
    const held = /^[0-9a-f]{64}$/.test(token) ? await history.findHold(db, token, user.id) : null;
    return held && clock.now().getTime() - held.createdAt.getTime() < HOLD_HOURS * 3600_000 ? held : null;
  }

  /** The first address from `slug`, `slug-2`, `slug-3`, ... that no course or folder uses. */
  async function freeSlug(slug: string): Promise<string> {
    for (let n = 2; ; n++) {
      const suffix = `-${n}`;
      const candidate = `${slug.slice(0, MAX_SLUG_LENGTH - suffix.length)}${suffix}`;
      if (!(await curriculum.findCourse(candidate)) && !fs.existsSync(path.join(curriculumDir, candidate))) return candidate;
    }
  }

  async function describeHold(token: string, slug: string): Promise<Held> {
    const course = await curriculum.findCourse(slug);
    let title: string | null = null;
    if (course) {
      const { parsed } = await ctx.draft(course);
      title = parsed.course?.title ?? parsed.partial?.details?.title ?? null;
    }
    return { token, slug, title, suggested: await freeSlug(slug) };
  }

  async function hold(slug: string, files: CourseFiles, user: SessionUser): Promise<Held> {
    const token = crypto.randomBytes(32).toString('hex');
    const now = clock.now();
    await db.transaction(async (trx) => {
      await pruneUploadHolds(trx, now);
      await history.insertHold(trx, { token, userId: user.id, slug, files: await storeCourseFiles(trx, files), at: now });
    });
    return describeHold(token, slug);
  }

  async function writeImport(slug: string, files: CourseFiles, user: SessionUser): Promise<{ slug: string; created: boolean }> {
    const course = await curriculum.findCourse(slug);
    const created = !course;
    const maker = course ? (await store.findDrafts(db, [course.id])).get(course.id)?.createdBy ?? user.id : user.id;
    await ctx.quota.checkRoom(course?.id ?? null, maker, files);
    await db.transaction(async (trx) => {
      const courseId = course?.id ?? await curriculum.createBrowserCourse(trx, slug);
      await store.insertDraft(trx, courseId, user.id, clock.now());
      if (course) await keepCurrent(trx, courseId);
      await store.replaceDraftFiles(trx, courseId, await storeCourseFiles(trx, files));
      await store.touchDraft(trx, courseId, user.id, clock.now());
      await recordSave(trx, { courseId, userId: user.id, kind: 'upload', at: clock.now() });
    });
    return { slug, created };
  }
}
