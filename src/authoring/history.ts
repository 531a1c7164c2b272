// A draft's history: every save kept as the files it left, with who and when; any save compared
// with the draft as it is now, and brought back (which is itself a new save, so nothing is lost).
//
// Autosaves do not flood it: an autosave of the file that the newest entry is an autosave of, by
// the same person, less than AUTOSAVE_WINDOW_MINUTES after that entry began, replaces that entry's
// files instead of adding one. A Save button press, another file, another person, or any other
// change starts a new entry.
import type { Db } from '../db/knex';
import type { SessionUser } from '../accounts/types';
import type { CourseRow } from '../curriculum/service';
import * as history from './history-store';
import type { SaveKind } from './history-store';
import * as store from './store';
import { isEditableFile, stateKey } from './course-files';
import { diffCourses } from './diff';
import { lineDiff, withContext } from './line-diff';
import type { AuthoringContext } from './context';
import { notFound } from '../http/errors';

export const AUTOSAVE_WINDOW_MINUTES = 10;

const keyOf = (files: { path: string; sha256: string }[]) => stateKey(files.map((f) => [f.path, f.sha256]));

/**
 * Called in the transaction of a change, before it: when the newest entry is not the draft as it
 * is (a draft from before history was kept), the draft is kept first, under who last changed it.
 */
export async function keepCurrent(trx: Db, courseId: number): Promise<void> {
  const latest = await history.latestSave(trx, courseId);
  const now = await store.draftFileHashes(trx, courseId);
  if (latest && keyOf(await history.saveFiles(trx, latest.id)) === keyOf(now)) return;
  if (!latest && !now.length) return;
  const d = (await store.findDrafts(trx, [courseId])).get(courseId);
  const at = d?.updatedAt ?? new Date(0);
  const id = await history.insertSave(trx, { courseId, authorId: d?.updatedBy ?? null, kind: 'earlier', file: null, restoredFrom: null, at });
  await history.snapshotDraftInto(trx, id, courseId);
}

/** Called in the transaction of a change, after it: keeps the draft's files as a save. */
export async function recordSave(trx: Db, change: { courseId: number; userId: number; kind: SaveKind; file?: string | null; restoredFrom?: number | null; at: Date }): Promise<void> {
  const file = change.file ?? null;
  if (change.kind === 'autosave') {
    const latest = await history.latestSave(trx, change.courseId);
    if (latest && latest.kind === 'autosave' && latest.authorId === change.userId && latest.file === file
      && change.at.getTime() - latest.startedAt.getTime() < AUTOSAVE_WINDOW_MINUTES * 60_000) {
      await history.snapshotDraftInto(trx, latest.id, change.courseId);
      await history.touchSave(trx, latest.id, change.at);
      return;
    }
  }
  const id = await history.insertSave(trx, { courseId: change.courseId, authorId: change.userId, kind: change.kind, file, restoredFrom: change.restoredFrom ?? null, at: change.at });
  await history.snapshotDraftInto(trx, id, change.courseId);
}

type FileRef = { path: string; sha256: string };

/** Which paths differ between two sets of files. */
function changedPaths(before: FileRef[], after: FileRef[]) {
  const old = new Map(before.map((f) => [f.path, f.sha256]));
  const now = new Map(after.map((f) => [f.path, f.sha256]));
  return {
    added: after.filter((f) => !old.has(f.path)).map((f) => f.path),
    removed: before.filter((f) => !now.has(f.path)).map((f) => f.path),
    changed: after.filter((f) => old.has(f.path) && old.get(f.path) !== f.sha256).map((f) => f.path),
  };
}

export function historyOperations(ctx: AuthoringContext) {
  const { db, clock } = ctx;

  async function saveOf(course: CourseRow, id: number) {
    const save = await history.findSave(db, course.id, id);
    if (!save) throw notFound();
    return save;
  }

  return {
    autosaveWindowMinutes: AUTOSAVE_WINDOW_MINUTES,

    /** The saves of a draft, newest first, each with what it changed from the one before. */
    async history(slug: string) {
      const course = await ctx.loadCourse(slug);
      if (course.source !== 'browser') throw notFound();
      const saves = await history.listSaves(db, course.id);
      const older = saves.length ? await history.saveBefore(db, course.id, saves[saves.length - 1].id) : null;
      const files = await history.filesOfSaves(db, [...saves.map((s) => s.id), ...(older ? [older.id] : [])]);
      const current = keyOf(await store.draftFileHashes(db, course.id));
      const entries = saves.map((s, i) => {
        const before = saves[i + 1] ?? older;
        const mine = files.get(s.id) ?? [];
        return { ...s, current: keyOf(mine) === current, changes: before ? changedPaths(files.get(before.id) ?? [], mine) : null };
      });
      return { slug: course.slug, owner: await ctx.owner(course), source: course.source, entries };
    },

    /** One save compared with the draft now: its files added, removed or changed, and each changed text's lines. */
    async compare(slug: string, id: number) {
      const course = await ctx.loadCourse(slug);
      if (course.source !== 'browser') throw notFound();
      const save = await saveOf(course, id);
      const then = await history.saveFiles(db, save.id);
      const now = await store.draftFileHashes(db, course.id);
      const paths = changedPaths(then, now);
      const textPaths = [...paths.changed, ...paths.added, ...paths.removed].filter(isEditableFile).sort();
      const wanted = [...then, ...now].filter((f) => textPaths.includes(f.path) && f.path.endsWith('.md'));
      const blobs = await ctx.curriculum.loadBlobs([...new Set(wanted.map((f) => f.sha256))]);
      const text = (files: FileRef[], p: string) => {
        const f = files.find((x) => x.path === p);
        return f ? blobs.get(f.sha256)?.toString('utf8') ?? '' : '';
      };
      const texts = textPaths.map((p) => ({ path: p, lines: withContext(lineDiff(text(then, p), text(now, p))) }));
      // The module summary, as the version history shows it, when both compile.
      const thenFiles = await ctx.loadFiles(await withInfo(ctx, then));
      const parsedThen = ctx.parse(course.slug, thenFiles, keyOf(then));
      const { parsed: parsedNow } = await ctx.draft(course);
      const summary = parsedThen.course && parsedNow.course ? diffCourses(parsedThen.course, parsedNow.course) : null;
      const otherChanged = [...paths.changed, ...paths.added, ...paths.removed].filter((p) => !isEditableFile(p)).sort();
      return { slug: course.slug, owner: await ctx.owner(course), save, same: !paths.added.length && !paths.removed.length && !paths.changed.length, texts, otherChanged, summary };
    },

    /** Brings a save back as the draft; the draft it replaces stays in the history. */
    async restore(slug: string, id: number, user: SessionUser): Promise<void> {
      const course = await ctx.loadCourse(slug);
      if (course.source !== 'browser') throw notFound();
      const save = await saveOf(course, id);
      const files = await history.saveFiles(db, save.id);
      await db.transaction(async (trx) => {
        await keepCurrent(trx, course.id);
        await store.replaceDraftFiles(trx, course.id, files);
        await store.touchDraft(trx, course.id, user.id, clock.now());
        await recordSave(trx, { courseId: course.id, userId: user.id, kind: 'restore', restoredFrom: save.id, at: clock.now() });
      });
    },
  };
}

/** File rows with sizes and types, as the context's loader wants them (only files whose bytes are stored). */
async function withInfo(ctx: AuthoringContext, files: FileRef[]) {
  const info = await ctx.curriculum.blobInfo([...new Set(files.map((f) => f.sha256))]);
  return files.filter((f) => info.has(f.sha256)).map((f) => ({ ...f, ...info.get(f.sha256)! }));
}
