// What every part of the authoring service shares: finding a course and its owner, reading a
// draft's files (with caches) and parsing them, writing files to a draft, and showing problems
// relative to the course folder. Built once per service by createAuthoringContext.
import path from 'node:path';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { SessionUser } from '../accounts/types';
import type { Problem } from '../curriculum/types';
import type { CourseRow, CourseSource, CurriculumService, FileRow } from '../curriculum/service';
import { sha256Of, storeCourseFiles } from '../curriculum/service';
import { parseCourseFiles, type CourseFiles, type ParsedCourse } from '../curriculum/parse';
import { MODULE_FILE, SLUG } from '../curriculum/names';
import * as store from './store';
import { isEditableFile, moduleFiles, renumber, stateKey } from './course-files';
import { notFound } from '../http/errors';
import type { AuthoringLimits } from './limits';
import { storageQuota } from './quota';
import { keepCurrent, recordSave } from './history';
import type { SaveKind } from './history-store';

/** Who keeps a course, shown on every authoring page. */
export interface Owner {
  source: CourseSource;
  /** For a browser course: the trainer who made it. */
  createdByName: string | null;
}

export type ShownProblem = Omit<Problem, 'file'> & {
  /** Path inside the course folder (course.md, 02-x.md, media/a.png), or '' for the folder itself. */
  file: string;
  /** True when the file opens in the editor. */
  editable: boolean;
};

export interface AuthoringDeps {
  db: Db;
  clock: Clock;
  curriculum: CurriculumService;
  curriculumDir: string;
  limits: AuthoringLimits;
}

// File bytes never change for a hash, so any instance may cache them; the budget keeps big media
// from filling memory.
const BLOB_BUDGET = 64 * 1024 * 1024;

export function createAuthoringContext(deps: AuthoringDeps) {
  const { db, clock, curriculum, curriculumDir } = deps;
  const quota = storageQuota({ db, curriculum, limits: deps.limits });

  const blobCache = new Map<string, Buffer>();
  let blobBytes = 0;
  // Parse results are cached by the draft's file set, without media bytes.
  const parseCache = new Map<string, ParsedCourse>();

  function remember(sha: string, bytes: Buffer) {
    if (bytes.length > BLOB_BUDGET / 4 || blobCache.has(sha)) return;
    blobCache.set(sha, bytes);
    blobBytes += bytes.length;
    for (const [k, v] of blobCache) {
      if (blobBytes <= BLOB_BUDGET) break;
      blobCache.delete(k);
      blobBytes -= v.length;
    }
  }

  /** A draft's files with their sizes and types, in path order (a file whose bytes are not stored is left out). */
  async function draftFiles(courseId: number): Promise<FileRow[]> {
    const rows = await store.draftFileHashes(db, courseId);
    const info = await curriculum.blobInfo([...new Set(rows.map((r) => r.sha256))]);
    return rows.filter((r) => info.has(r.sha256)).map((r) => ({ ...r, ...info.get(r.sha256)! }));
  }

  async function loadFiles(rows: FileRow[]): Promise<CourseFiles> {
    const missing = rows.map((r) => r.sha256).filter((s) => !blobCache.has(s));
    const loaded = await curriculum.loadBlobs([...new Set(missing)]);
    const files: CourseFiles = new Map();
    for (const r of rows) {
      const bytes = blobCache.get(r.sha256) ?? loaded.get(r.sha256);
      if (!bytes) throw new Error(`file ${r.path} has no stored content`);
      remember(r.sha256, bytes);
      files.set(r.path, bytes);
    }
    return files;
  }

  function parse(slug: string, files: CourseFiles, key: string): ParsedCourse {
    const cacheKey = `${slug}\n${key}`;
    const cached = parseCache.get(cacheKey);
    if (cached) return cached;
    const parsed = parseCourseFiles(slug, files, slug, { mediaHome: 'browser' });
    parseCache.set(cacheKey, { ...parsed, mediaContent: new Map() });
    if (parseCache.size > 16) parseCache.delete(parseCache.keys().next().value!);
    return parsed;
  }

  function shownProblems(slug: string, problems: Problem[]): ShownProblem[] {
    return problems.map((p) => {
      const rel = path.relative(slug, p.file).split(path.sep).join('/');
      const file = rel.startsWith('..') ? '' : rel;
      return { ...p, file, editable: isEditableFile(file) };
    }).sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  }

  async function loadCourse(slug: string): Promise<CourseRow> {
    const course = SLUG.test(slug) ? await curriculum.findCourse(slug) : null;
    if (!course) throw notFound();
    return course;
  }

  async function owner(course: CourseRow): Promise<Owner> {
    const draft = (await store.findDrafts(db, [course.id])).get(course.id);
    return { source: course.source, createdByName: draft?.createdByName ?? null };
  }

  async function draft(course: CourseRow) {
    const rows = await draftFiles(course.id);
    const files = await loadFiles(rows);
    const key = stateKey(rows.map((r) => [r.path, r.sha256]));
    return { rows, files, key, parsed: parse(course.slug, files, key) };
  }

  function folderProblems(slug: string): Problem[] {
    const dir = path.join(curriculumDir, slug);
    return curriculum.problems().filter((p) => p.file === dir || p.file.startsWith(dir + path.sep));
  }

  function counts(problems: { severity: string }[]) {
    const errors = problems.filter((p) => p.severity === 'error').length;
    return { errors, warnings: problems.length - errors };
  }

  /**
   * Sets files of a draft (and removes others) in one transaction, marks who changed it, and keeps
   * the result in the draft's history (src/authoring/history.ts).
   */
  async function writeFiles(courseId: number, user: SessionUser, set: CourseFiles, remove: string[] = [], how: { kind: SaveKind; file?: string } = { kind: 'modules' }) {
    // Counted against the trainer who made the course, whoever edits it.
    const maker = (await store.findDrafts(db, [courseId])).get(courseId)?.createdBy ?? user.id;
    await quota.checkRoom(courseId, maker, set);
    await db.transaction(async (trx) => {
      const list = await storeCourseFiles(trx, set);
      await keepCurrent(trx, courseId);
      await store.deleteDraftFiles(trx, courseId, remove);
      for (const f of list) await store.setDraftFile(trx, courseId, f.path, f.sha256);
      await store.touchDraft(trx, courseId, user.id, clock.now());
      await recordSave(trx, { courseId, userId: user.id, kind: how.kind, file: how.file ?? null, at: clock.now() });
    });
    for (const [, bytes] of set) remember(sha256Of(bytes), bytes);
  }

  /** Changes the order of a draft's modules (null: no change); every module is renumbered 01, 02, ... */
  async function reorder(course: CourseRow, user: SessionUser, change: (order: string[]) => string[] | null) {
    const { files } = await draft(course);
    const order = change(moduleFiles(files.keys()));
    if (!order) return;
    const kept = new Map([...files].filter(([p]) => !MODULE_FILE.test(p) || order.includes(p)));
    const next = renumber(kept, order);
    const remove = [...files.keys()].filter((p) => !next.has(p));
    const set = new Map([...next].filter(([p, b]) => files.get(p) !== b));
    await writeFiles(course.id, user, set, remove);
  }

  return {
    ...deps, draftFiles, loadFiles, parse, shownProblems, loadCourse, owner, draft,
    folderProblems, counts, writeFiles, reorder, quota,
  };
}

export type AuthoringContext = ReturnType<typeof createAuthoringContext>;
