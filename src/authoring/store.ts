// Knex queries for course ownership, drafts and the files of drafts and published versions.
// File bytes live once in `media_files` (the content-addressed blob store, see the migration
// 20261123130000_authoring); drafts and versions hold only (path, sha256) rows.
import type { Db } from '../db/knex';
import { isUniqueViolation } from '../db/knex';
import { toDate, toDateOrNull, toNumber, toNumberOrNull } from '../db/values';
import { conflict } from '../http/errors';

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

export interface DraftRow {
  courseId: number;
  createdBy: number | null;
  createdByName: string | null;
  updatedBy: number | null;
  updatedByName: string | null;
  createdAt: Date;
  updatedAt: Date;
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

function courseRow(r: Record<string, unknown>): CourseRow {
  return {
    id: toNumber(r.id), slug: String(r.slug), source: r.source === 'browser' ? 'browser' : 'folder',
    currentVersionId: toNumberOrNull(r.current_version_id),
  };
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

export async function insertDraft(db: Db, courseId: number, userId: number, now: Date): Promise<void> {
  await db('course_drafts')
    .insert({ course_id: courseId, created_by: userId, updated_by: userId, created_at: now, updated_at: now })
    .onConflict('course_id')
    .ignore();
}

export async function touchDraft(db: Db, courseId: number, userId: number, now: Date): Promise<void> {
  await db('course_drafts').where({ course_id: courseId }).update({ updated_by: userId, updated_at: now });
}

export async function findDrafts(db: Db, courseIds: number[]): Promise<Map<number, DraftRow>> {
  if (!courseIds.length) return new Map();
  const rows = await db('course_drafts as d')
    .leftJoin('users as c', 'c.id', 'd.created_by')
    .leftJoin('users as u', 'u.id', 'd.updated_by')
    .whereIn('d.course_id', courseIds)
    .select('d.course_id', 'd.created_by', 'c.display_name as created_by_name', 'd.updated_by', 'u.display_name as updated_by_name', 'd.created_at', 'd.updated_at');
  return new Map(rows.map((r) => [toNumber(r.course_id), {
    courseId: toNumber(r.course_id),
    createdBy: toNumberOrNull(r.created_by),
    createdByName: r.created_by_name == null ? null : String(r.created_by_name),
    updatedBy: toNumberOrNull(r.updated_by),
    updatedByName: r.updated_by_name == null ? null : String(r.updated_by_name),
    createdAt: toDate(r.created_at),
    updatedAt: toDate(r.updated_at),
  }]));
}

function fileRows(rows: Record<string, unknown>[]): FileRow[] {
  return rows.map((r) => ({ path: String(r.path), sha256: String(r.sha256), size: toNumber(r.size), contentType: String(r.content_type) }));
}

/** The files listed in a draft's or a version's file table, with their sizes and types. */
async function listedFiles(db: Db, table: 'course_draft_files' | 'course_version_files', owner: { column: string; id: number }): Promise<FileRow[]> {
  const rows = await db(`${table} as f`)
    .join('media_files as m', 'm.sha256', 'f.sha256')
    .where(`f.${owner.column}`, owner.id)
    .orderBy('f.path')
    .select('f.path', 'f.sha256', 'm.size', 'm.content_type');
  return fileRows(rows);
}

export function draftFiles(db: Db, courseId: number): Promise<FileRow[]> {
  return listedFiles(db, 'course_draft_files', { column: 'course_id', id: courseId });
}

export function versionFiles(db: Db, versionId: number): Promise<FileRow[]> {
  return listedFiles(db, 'course_version_files', { column: 'version_id', id: versionId });
}

export async function hasVersionFiles(db: Db, versionId: number): Promise<boolean> {
  return Boolean(await db('course_version_files').where({ version_id: versionId }).first('path'));
}

export async function insertVersionFiles(db: Db, versionId: number, files: { path: string; sha256: string }[]): Promise<void> {
  for (const f of files) {
    await db('course_version_files').insert({ version_id: versionId, path: f.path, sha256: f.sha256 }).onConflict(['version_id', 'path']).ignore();
  }
}

export async function setDraftFile(db: Db, courseId: number, path: string, sha256: string): Promise<void> {
  await db('course_draft_files').insert({ course_id: courseId, path, sha256 }).onConflict(['course_id', 'path']).merge(['sha256']);
}

export async function deleteDraftFiles(db: Db, courseId: number, paths: string[]): Promise<void> {
  if (paths.length) await db('course_draft_files').where({ course_id: courseId }).whereIn('path', paths).delete();
}

export async function replaceDraftFiles(db: Db, courseId: number, files: { path: string; sha256: string }[]): Promise<void> {
  await db('course_draft_files').where({ course_id: courseId }).delete();
  for (const f of files) await db('course_draft_files').insert({ course_id: courseId, path: f.path, sha256: f.sha256 });
}

/** Stores file bytes by content hash; a hash already stored is left as it is. */
export async function insertBlobs(db: Db, blobs: { sha256: string; contentType: string; content: Buffer }[]): Promise<void> {
  for (const b of blobs) {
    await db('media_files').insert({ sha256: b.sha256, content_type: b.contentType, size: b.content.length, content: b.content })
      .onConflict('sha256').ignore();
  }
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
