// Knex queries for courses and their immutable published versions.
import type { Db } from '../db/knex';
import { toNumber } from '../db/values';

export async function upsertCourse(db: Db, slug: string, now: Date): Promise<number> {
  await db('courses').insert({ slug, created_at: now }).onConflict('slug').ignore();
  const row = await db('courses').where({ slug }).first('id');
  return toNumber(row.id);
}

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

export async function setCurrentVersion(db: Db, courseId: number, versionId: number): Promise<number> {
  // Returns 1 when the pointer moved, 0 when it already pointed there.
  return db('courses')
    .where({ id: courseId })
    .where((q) => q.whereNull('current_version_id').orWhereNot('current_version_id', versionId))
    .update({ current_version_id: versionId });
}

export async function insertMedia(db: Db, files: { sha256: string; contentType: string; content: Buffer }[]): Promise<void> {
  for (const f of files) {
    await db('media_files').insert({ sha256: f.sha256, content_type: f.contentType, size: f.content.length, content: f.content })
      .onConflict('sha256').ignore();
  }
}

export async function loadMedia(db: Db, sha256: string): Promise<{ contentType: string; content: Buffer } | null> {
  const row = await db('media_files').where({ sha256 }).first('content_type', 'content');
  return row ? { contentType: String(row.content_type), content: Buffer.from(row.content) } : null;
}

export async function loadCompiled(db: Db, versionId: number): Promise<string | null> {
  const row = await db('course_versions').where({ id: versionId }).first('compiled');
  return row ? String(row.compiled) : null;
}

export async function listCurrentVersions(db: Db): Promise<{ courseId: number; slug: string; versionId: number }[]> {
  const rows = await db('courses').whereNotNull('current_version_id').orderBy('slug').select('id', 'slug', 'current_version_id');
  return rows.map((r) => ({ courseId: toNumber(r.id), slug: String(r.slug), versionId: toNumber(r.current_version_id) }));
}
