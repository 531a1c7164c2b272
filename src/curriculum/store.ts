// Knex queries for courses, their immutable published versions (with the files each was published
// from) and the content-addressed blob store `media_files`. File bytes live there once, by sha256
// (see the migration 20261123130000_authoring); versions and drafts hold only (path, sha256) rows.
// This is the one store of these tables: the authoring feature reaches them through the
// curriculum service.
import type { Db } from '../db/knex';
import { isForeignKeyViolation, isSqlite, isUniqueViolation } from '../db/knex';
import { toDateOrNull, toNumber, toNumberOrNull } from '../db/values';
import { conflict } from '../http/errors';

/** Who keeps a course: the curriculum folder, or the browser (the authoring area). */
export type CourseSource = 'folder' | 'browser';

export interface CourseRow {
  id: number;
  slug: string;
  source: CourseSource;
  currentVersionId: number | null;
}

export interface FileRow {
  path: string;
  sha256: string;
  size: number;
  contentType: string;
}

export interface VersionRow {
  id: number;
  contentHash: string;
  title: string;
  publishedBy: string;
  publishedByUserId: number | null;
  publishedAt: Date;
  notes: string | null;
}

// ---- Courses ----

function courseRow(r: Record<string, unknown>): CourseRow {
  return {
    id: toNumber(r.id), slug: String(r.slug), source: r.source === 'browser' ? 'browser' : 'folder',
    currentVersionId: toNumberOrNull(r.current_version_id),
  };
}

export async function upsertCourse(db: Db, slug: string, now: Date): Promise<number> {
  await db('courses').insert({ slug, created_at: now }).onConflict('slug').ignore();
  const row = await db('courses').where({ slug }).first('id');
  return toNumber(row.id);
}

export async function findCourse(db: Db, slug: string): Promise<CourseRow | null> {
  const r = await db('courses').where({ slug }).first('id', 'slug', 'source', 'current_version_id');
  return r ? courseRow(r) : null;
}

export async function listCourses(db: Db): Promise<CourseRow[]> {
  const rows = await db('courses').orderBy('slug').select('id', 'slug', 'source', 'current_version_id');
  return rows.map(courseRow);
}

export async function courseSource(db: Db, courseId: number): Promise<CourseSource> {
  const r = await db('courses').where({ id: courseId }).first('source');
  return r?.source === 'browser' ? 'browser' : 'folder';
}

/** Creates a browser course; a slug that is taken (by any course) is a Conflict. */
export async function insertBrowserCourse(db: Db, slug: string, now: Date): Promise<number> {
  try {
    const [row] = await db('courses').insert({ slug, source: 'browser', created_at: now }).returning('id');
    return toNumber(typeof row === 'object' ? row.id : row);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict('slug_taken');
    throw err;
  }
}

export async function setCurrentVersion(db: Db, courseId: number, versionId: number): Promise<number> {
  // Returns 1 when the pointer moved, 0 when it already pointed there.
  return db('courses')
    .where({ id: courseId })
    .where((q) => q.whereNull('current_version_id').orWhereNot('current_version_id', versionId))
    .update({ current_version_id: versionId });
}

export async function listCurrentVersions(db: Db): Promise<{ courseId: number; slug: string; versionId: number }[]> {
  const rows = await db('courses').whereNotNull('current_version_id').orderBy('slug').select('id', 'slug', 'current_version_id');
  return rows.map((r) => ({ courseId: toNumber(r.id), slug: String(r.slug), versionId: toNumber(r.current_version_id) }));
}

// ---- Versions ----

export async function findVersionId(db: Db, courseId: number, contentHash: string): Promise<number | null> {
  const row = await db('course_versions').where({ course_id: courseId, content_hash: contentHash }).first('id');
  return row ? toNumber(row.id) : null;
}

export async function insertVersion(
  db: Db,
  v: { courseId: number; contentHash: string; title: string; compiled: string; publishedBy: string; publishedAt: Date },
): Promise<void> {
  // Two instances starting together may both publish the same content: the second insert is a no-op.
  await db('course_versions')
    .insert({ course_id: v.courseId, content_hash: v.contentHash, title: v.title, compiled: v.compiled, published_by: v.publishedBy, published_at: v.publishedAt })
    .onConflict(['course_id', 'content_hash'])
    .ignore();
}

export async function loadCompiled(db: Db, versionId: number): Promise<string | null> {
  const row = await db('course_versions').where({ id: versionId }).first('compiled');
  return row ? String(row.compiled) : null;
}

export async function listVersions(db: Db, courseId: number): Promise<VersionRow[]> {
  const rows = await db('course_versions').where({ course_id: courseId }).orderBy('id', 'asc')
    .select('id', 'content_hash', 'title', 'published_by', 'published_by_user_id', 'published_at', 'notes');
  return rows.map((r) => ({
    id: toNumber(r.id), contentHash: String(r.content_hash), title: String(r.title), publishedBy: String(r.published_by),
    publishedByUserId: toNumberOrNull(r.published_by_user_id), publishedAt: toDateOrNull(r.published_at)!,
    notes: r.notes == null ? null : String(r.notes),
  }));
}

export async function setVersionPublisher(db: Db, versionId: number, userId: number | null, notes: string | null): Promise<void> {
  await db('course_versions').where({ id: versionId }).update({ published_by_user_id: userId, notes });
}

export async function versionCounts(db: Db): Promise<Map<number, number>> {
  const rows: { course_id: unknown; n: unknown }[] = await db('course_versions').groupBy('course_id').select('course_id').count({ n: '*' });
  return new Map(rows.map((r) => [toNumber(r.course_id), toNumber(r.n)]));
}

// ---- The files a version was published from ----

export async function versionFiles(db: Db, versionId: number): Promise<FileRow[]> {
  const rows = await db('course_version_files as f')
    .join('media_files as m', 'm.sha256', 'f.sha256')
    .where('f.version_id', versionId)
    .orderBy('f.path')
    .select('f.path', 'f.sha256', 'm.size', 'm.content_type');
  return rows.map((r) => ({ path: String(r.path), sha256: String(r.sha256), size: toNumber(r.size), contentType: String(r.content_type) }));
}

export async function hasVersionFiles(db: Db, versionId: number): Promise<boolean> {
  return Boolean(await db('course_version_files').where({ version_id: versionId }).first('path'));
}

export async function insertVersionFiles(db: Db, versionId: number, files: { path: string; sha256: string }[]): Promise<void> {
  for (const f of files) {
    await db('course_version_files').insert({ version_id: versionId, path: f.path, sha256: f.sha256 }).onConflict(['version_id', 'path']).ignore();
  }
}

// ---- Blobs: file bytes by content hash ----

/**
 * Stores file bytes by content hash; a hash already stored is left as it is. The one writer of
 * `media_files`. On PostgreSQL the rows are then locked against deletion until the caller's
 * transaction ends, so that deleteUnusedBlobs cannot take a stored blob between this and the
 * reference the caller is about to write (on SQLite, transactions never interleave).
 */
export async function insertBlobs(db: Db, blobs: { sha256: string; contentType: string; content: Buffer }[]): Promise<void> {
  for (const b of blobs) {
    await db('media_files').insert({ sha256: b.sha256, content_type: b.contentType, size: b.content.length, content: b.content })
      .onConflict('sha256').ignore();
  }
  if (!isSqlite(db) && blobs.length) {
    for (let i = 0; i < blobs.length; i += 500) {
      await db('media_files').whereIn('sha256', blobs.slice(i, i + 500).map((b) => b.sha256)).forKeyShare().select('sha256');
    }
  }
}

/** The tables whose rows refer to a blob: a draft's files, a published version's, a saved draft's. */
const BLOB_REFERENCES = [['course_draft_files', 'd'], ['course_version_files', 'v'], ['course_draft_save_files', 's']] as const;

/** Blobs no row of BLOB_REFERENCES refers to. */
function unreferencedBlobs(db: Db) {
  let q = db('media_files as m');
  for (const [table, alias] of BLOB_REFERENCES) q = q.whereNotExists((sub) => sub.select(db.raw('1')).from(`${table} as ${alias}`).whereRaw('??.sha256 = m.sha256', [alias]));
  return q;
}

/**
 * Deletes the blobs nothing refers to any more (the text of an autosave since replaced, a draft's
 * files after its course was deleted, an upload never confirmed), except those in `keep`; their
 * number and bytes. Each deletion checks again, in its own statement, that nothing refers to the
 * blob, and the foreign keys refuse it if something does.
 */
export async function deleteUnusedBlobs(db: Db, keep: ReadonlySet<string>): Promise<{ count: number; bytes: number }> {
  const rows = await unreferencedBlobs(db).select('m.sha256', 'm.size');
  const unused = rows.map((r) => ({ sha256: String(r.sha256), size: toNumber(r.size) })).filter((b) => !keep.has(b.sha256));
  let count = 0;
  let bytes = 0;
  for (let i = 0; i < unused.length; i += 200) {
    const part = unused.slice(i, i + 200);
    const shas = part.map((b) => b.sha256);
    // One of them referred to since it was read: then one by one, keeping that one.
    if (!(await deleteIfUnused(db, shas))) for (const sha of shas) await deleteIfUnused(db, [sha]);
    const left = new Set((await db('media_files').whereIn('sha256', shas).select('sha256')).map((r) => String(r.sha256)));
    for (const b of part) {
      if (left.has(b.sha256)) continue;
      count++;
      bytes += b.size;
    }
  }
  return { count, bytes };
}

/** Deletes those of the blobs nothing refers to; false when a foreign key refused (in a savepoint, so the caller's transaction goes on). */
async function deleteIfUnused(db: Db, shas: string[]): Promise<boolean> {
  try {
    await db.transaction((sp) => unreferencedBlobs(sp).whereIn('m.sha256', shas).delete());
    return true;
  } catch (err) {
    if (isForeignKeyViolation(err)) return false;
    throw err;
  }
}

export async function loadBlob(db: Db, sha256: string): Promise<{ contentType: string; content: Buffer } | null> {
  const row = await db('media_files').where({ sha256 }).first('content_type', 'content');
  return row ? { contentType: String(row.content_type), content: Buffer.from(row.content) } : null;
}

export async function loadBlobs(db: Db, shas: string[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  // A few at a time: media files may be large.
  for (let i = 0; i < shas.length; i += 20) {
    const rows = await db('media_files').whereIn('sha256', shas.slice(i, i + 20)).select('sha256', 'content');
    for (const r of rows) out.set(String(r.sha256), Buffer.from(r.content));
  }
  return out;
}

/**
 * The blobs each course holds: those of its draft (course_draft_files, written by the authoring
 * store) and of its published versions, each once per course, with their stored sizes. What the
 * storage quotas count.
 */
export async function heldBlobs(db: Db, courseIds: number[]): Promise<{ courseId: number; sha256: string; size: number }[]> {
  if (!courseIds.length) return [];
  const held = db('course_draft_files').whereIn('course_id', courseIds).select('course_id', 'sha256')
    .union((q) => q.from('course_version_files as f').join('course_versions as v', 'v.id', 'f.version_id')
      .whereIn('v.course_id', courseIds).select('v.course_id', 'f.sha256'));
  const rows = await db.from(held.as('h')).join('media_files as m', 'm.sha256', 'h.sha256').select('h.course_id', 'h.sha256', 'm.size');
  return rows.map((r) => ({ courseId: toNumber(r.course_id), sha256: String(r.sha256), size: toNumber(r.size) }));
}

/** Size and type of stored blobs, without their bytes. */
export async function blobInfo(db: Db, shas: string[]): Promise<Map<string, { size: number; contentType: string }>> {
  const out = new Map<string, { size: number; contentType: string }>();
  // Chunked below SQLite's limit of bound variables, whatever the number of files.
  for (let i = 0; i < shas.length; i += 500) {
    const rows = await db('media_files').whereIn('sha256', shas.slice(i, i + 500)).select('sha256', 'size', 'content_type');
    for (const r of rows) out.set(String(r.sha256), { size: toNumber(r.size), contentType: String(r.content_type) });
  }
  return out;
}
