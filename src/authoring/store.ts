// Knex queries for drafts: `course_drafts` (who made and last changed a browser course's draft) and
// `course_draft_files` (its files as path → sha256). The bytes, and the courses themselves, belong
// to the curriculum (src/curriculum/store.ts) and are reached through its service.
import type { Db } from '../db/knex';
import { toDate, toNumber, toNumberOrNull } from '../db/values';

export interface DraftRow {
  courseId: number;
  createdBy: number | null;
  createdByName: string | null;
  updatedBy: number | null;
  updatedByName: string | null;
  createdAt: Date;
  updatedAt: Date;
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

/** A draft's files as path and hash, in path order. */
/** The courses whose draft this person made: theirs, for the per-trainer storage quota. */
export async function coursesCreatedBy(db: Db, userId: number): Promise<number[]> {
  const rows = await db('course_drafts').where({ created_by: userId }).select('course_id');
  return rows.map((r) => toNumber(r.course_id));
}

export async function draftFileHashes(db: Db, courseId: number): Promise<{ path: string; sha256: string }[]> {
  const rows = await db('course_draft_files').where({ course_id: courseId }).orderBy('path').select('path', 'sha256');
  return rows.map((r) => ({ path: String(r.path), sha256: String(r.sha256) }));
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
