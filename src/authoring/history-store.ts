// Knex queries for a draft's history (`course_draft_saves`, `course_draft_save_files`) and for zip
// uploads waiting for their confirmation (`course_upload_holds`). File bytes are the curriculum's.
import type { Db } from '../db/knex';
import { toDate, toNumber, toNumberOrNull } from '../db/values';

export type SaveKind = 'save' | 'autosave' | 'upload' | 'restore' | 'modules' | 'media' | 'create' | 'earlier';

export interface SaveRow {
  id: number;
  courseId: number;
  authorId: number | null;
  authorName: string | null;
  kind: SaveKind;
  file: string | null;
  restoredFrom: number | null;
  startedAt: Date;
  savedAt: Date;
}

const saveColumns = ['s.id', 's.course_id', 's.author_id', 'u.display_name as author_name', 's.kind', 's.file', 's.restored_from', 's.started_at', 's.saved_at'];

function toSave(r: Record<string, unknown>): SaveRow {
  return {
    id: toNumber(r.id), courseId: toNumber(r.course_id), authorId: toNumberOrNull(r.author_id),
    authorName: r.author_name == null ? null : String(r.author_name), kind: String(r.kind) as SaveKind,
    file: r.file == null ? null : String(r.file), restoredFrom: toNumberOrNull(r.restored_from),
    startedAt: toDate(r.started_at), savedAt: toDate(r.saved_at),
  };
}

/** A course's saves, newest first. */
export async function listSaves(db: Db, courseId: number, limit = 200): Promise<SaveRow[]> {
  const rows = await db('course_draft_saves as s').leftJoin('users as u', 'u.id', 's.author_id')
    .where('s.course_id', courseId).orderBy('s.id', 'desc').limit(limit).select(saveColumns);
  return rows.map(toSave);
}

export async function findSave(db: Db, courseId: number, id: number): Promise<SaveRow | null> {
  const r = await db('course_draft_saves as s').leftJoin('users as u', 'u.id', 's.author_id')
    .where({ 's.course_id': courseId, 's.id': id }).first(saveColumns);
  return r ? toSave(r) : null;
}

export async function latestSave(db: Db, courseId: number): Promise<SaveRow | null> {
  const r = await db('course_draft_saves as s').leftJoin('users as u', 'u.id', 's.author_id')
    .where('s.course_id', courseId).orderBy('s.id', 'desc').first(saveColumns);
  return r ? toSave(r) : null;
}

/** The save just before this one, or null for the first. */
export async function saveBefore(db: Db, courseId: number, id: number): Promise<SaveRow | null> {
  const r = await db('course_draft_saves as s').leftJoin('users as u', 'u.id', 's.author_id')
    .where('s.course_id', courseId).andWhere('s.id', '<', id).orderBy('s.id', 'desc').first(saveColumns);
  return r ? toSave(r) : null;
}

export async function saveFiles(db: Db, saveId: number): Promise<{ path: string; sha256: string }[]> {
  const rows = await db('course_draft_save_files').where({ save_id: saveId }).orderBy('path').select('path', 'sha256');
  return rows.map((r) => ({ path: String(r.path), sha256: String(r.sha256) }));
}

/** The files of several saves at once, by save id. */
export async function filesOfSaves(db: Db, saveIds: number[]): Promise<Map<number, { path: string; sha256: string }[]>> {
  const out = new Map<number, { path: string; sha256: string }[]>(saveIds.map((id) => [id, []]));
  for (let i = 0; i < saveIds.length; i += 200) {
    const rows = await db('course_draft_save_files').whereIn('save_id', saveIds.slice(i, i + 200)).orderBy('path').select('save_id', 'path', 'sha256');
    for (const r of rows) out.get(toNumber(r.save_id))?.push({ path: String(r.path), sha256: String(r.sha256) });
  }
  return out;
}

export async function insertSave(db: Db, row: { courseId: number; authorId: number | null; kind: SaveKind; file: string | null; restoredFrom: number | null; at: Date }): Promise<number> {
  const [r] = await db('course_draft_saves').insert({
    course_id: row.courseId, author_id: row.authorId, kind: row.kind, file: row.file, restored_from: row.restoredFrom, started_at: row.at, saved_at: row.at,
  }).returning('id');
  return typeof r === 'object' ? toNumber((r as { id: unknown }).id) : toNumber(r);
}

export async function touchSave(db: Db, id: number, at: Date): Promise<void> {
  await db('course_draft_saves').where({ id }).update({ saved_at: at });
}

/** Sets a save's files to the draft's files now. */
export async function snapshotDraftInto(db: Db, saveId: number, courseId: number): Promise<void> {
  await db('course_draft_save_files').where({ save_id: saveId }).delete();
  const files = await db('course_draft_files').where({ course_id: courseId }).select('path', 'sha256');
  for (let i = 0; i < files.length; i += 100) {
    await db('course_draft_save_files').insert(files.slice(i, i + 100).map((f) => ({ save_id: saveId, path: f.path, sha256: f.sha256 })));
  }
}

// ---- Zip uploads waiting for "replace this draft?" ----

export async function insertHold(db: Db, hold: { token: string; userId: number; slug: string; files: { path: string; sha256: string }[]; at: Date }): Promise<void> {
  await db('course_upload_holds').insert({ token: hold.token, user_id: hold.userId, slug: hold.slug, files: JSON.stringify(hold.files), created_at: hold.at });
}

export async function findHold(db: Db, token: string, userId: number): Promise<{ slug: string; files: { path: string; sha256: string }[]; createdAt: Date } | null> {
  const r = await db('course_upload_holds').where({ token, user_id: userId }).first('slug', 'files', 'created_at');
  return r ? { slug: String(r.slug), files: JSON.parse(String(r.files)) as { path: string; sha256: string }[], createdAt: toDate(r.created_at) } : null;
}

export async function deleteHold(db: Db, token: string): Promise<void> {
  await db('course_upload_holds').where({ token }).delete();
}

/** The files (by hash) of every upload still waiting for its answer. */
export async function heldUploadFiles(db: Db): Promise<Set<string>> {
  const held = new Set<string>();
  for (const r of await db('course_upload_holds').select('files')) {
    for (const f of JSON.parse(String(r.files)) as { sha256: string }[]) held.add(f.sha256);
  }
  return held;
}

/** Deletes the holds made before `before`; how many there were. */
export async function deleteHoldsBefore(db: Db, before: Date): Promise<number> {
  return db('course_upload_holds').where('created_at', '<', before).delete();
}
