// Trainer authoring: courses made and edited in the browser, kept as drafts in the database and
// published as immutable versions through the curriculum service, exactly as folder courses are.
//
// A draft is a set of files (path → content hash), the same files a course folder holds, so the
// one parser (`parseCourseFiles`) checks, previews and publishes it, and a draft or any published
// version downloads as the zip of its folder. Folder courses are read-only here: only their owner,
// the curriculum folder, may change them; the folder sync, in turn, never touches a browser course.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { stringify } from 'yaml';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { SessionUser } from '../accounts/types';
import type { CompiledCourse, CompiledModule, Problem } from './types';
import type { CurriculumService } from './service';
import { contentTypeOf, sha256Of } from './service';
import { MAX_MEDIA_BYTES, MEDIA_TYPES, parseCourseFiles, type CourseFiles, type ParsedCourse } from './parse';
import { readCourseZip, writeCourseZip, ZipError, type ZipLimits } from './zip';
import * as store from './authoring-store';
import { notFound } from '../http/errors';
import { FolderCourseError } from './authoring-policy';

export const AUTHORING_LIMITS = {
  /** One media file (the course format's own limit). */
  maxMediaBytes: MAX_MEDIA_BYTES,
  /** One Markdown file: a long module is 30 KB. */
  maxMarkdownBytes: 256 * 1024,
  /** An uploaded course zip. */
  maxZipBytes: 100 * 1024 * 1024,
  /** Entries in a course zip, folders included. */
  maxZipEntries: 500,
  /** All files of a zip together, uncompressed, as declared before inflating. */
  maxZipTotalBytes: 150 * 1024 * 1024,
  /** Media files in one course. */
  maxMediaFiles: 200,
  /** Modules in one course: the NN- prefix has two digits. */
  maxModules: 99,
};
export type AuthoringLimits = typeof AUTHORING_LIMITS;

export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MODULE_FILE = /^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$/;

/** Who keeps a course, shown on every authoring page. */
export interface Owner {
  source: store.CourseSource;
  /** For a browser course: the trainer who made it. */
  createdByName: string | null;
}

export type ShownProblem = Omit<Problem, 'file'> & {
  /** Path inside the course folder (course.md, 02-x.md, media/a.png), or '' for the folder itself. */
  file: string;
  /** True when the file opens in the editor. */
  editable: boolean;
};

export interface DraftModule {
  file: string;
  number: string;
  key: string;
  title: string | null;
}

export interface Changes {
  first: boolean;
  added: { key: string; title: string }[];
  removed: { key: string; title: string }[];
  edited: { key: string; title: string }[];
  reordered: boolean;
  detailsChanged: boolean;
}

type Starter = { overview: string; moduleTitle: string; moduleBody: string };

const EDITABLE_FIXED = new Set(['course.md', 'glossary.md']);

export function isEditableFile(file: string): boolean {
  return EDITABLE_FIXED.has(file) || MODULE_FILE.test(file);
}

function frontMatter(data: Record<string, unknown>): string {
  return `---\n${stringify(data, { lineWidth: 0 })}---\n`;
}

/** Lowercase ASCII words joined by hyphens: a module key from its title. */
export function slugify(text: string, fallback = 'module'): string {
  const s = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return s || fallback;
}

/** A media file name the course format accepts: letters, digits, dots, hyphens, underscores. */
export function safeMediaName(original: string): string {
  const base = original.split(/[\\/]/).pop() ?? '';
  const ext = path.extname(base).toLowerCase();
  const stem = base.slice(0, base.length - ext.length).normalize('NFKD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^[-_]+|[-_]+$/g, '').slice(0, 80);
  return `${stem || 'file'}${ext.replace(/[^a-z0-9.]/g, '')}`;
}

const starts = (b: Buffer, s: string | number[], at = 0) => {
  const sig = typeof s === 'string' ? Buffer.from(s, 'latin1') : Buffer.from(s);
  return b.length >= at + sig.length && b.subarray(at, at + sig.length).equals(sig);
};

/** Does the content look like the type its name says? (A renamed .exe is not a .png.) */
export function contentMatchesType(type: string, b: Buffer): boolean {
  switch (type) {
    case 'image/png': return starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    case 'image/jpeg': return starts(b, [0xff, 0xd8, 0xff]);
    case 'image/gif': return starts(b, 'GIF87a') || starts(b, 'GIF89a');
    case 'image/webp': return starts(b, 'RIFF') && starts(b, 'WEBP', 8);
    case 'video/mp4': case 'audio/mp4': return starts(b, 'ftyp', 4);
    case 'video/webm': return starts(b, [0x1a, 0x45, 0xdf, 0xa3]);
    case 'audio/mpeg': return starts(b, 'ID3') || (b.length > 1 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0);
    case 'audio/ogg': return starts(b, 'OggS');
    case 'application/pdf': return starts(b, '%PDF-');
    case 'text/vtt': return starts(b.subarray(starts(b, [0xef, 0xbb, 0xbf]) ? 3 : 0), 'WEBVTT');
    default: return false;
  }
}

function stateKey(entries: Iterable<[string, string]>): string {
  const h = crypto.createHash('sha256');
  for (const [p, sha] of [...entries].sort((a, b) => (a[0] < b[0] ? -1 : 1))) h.update(`${p}\0${sha}\n`);
  return h.digest('hex');
}

/** The modules of a compiled course compared by key with the version before. */
export function diffCourses(before: CompiledCourse | null, after: CompiledCourse): Changes {
  if (!before) return { first: true, added: [], removed: [], edited: [], reordered: false, detailsChanged: false };
  const old = new Map(before.modules.map((m) => [m.key, m]));
  const now = new Map(after.modules.map((m) => [m.key, m]));
  const brief = (m: CompiledModule) => ({ key: m.key, title: m.title });
  const kept = after.modules.filter((m) => old.has(m.key)).map((m) => m.key);
  const keptBefore = before.modules.filter((m) => now.has(m.key)).map((m) => m.key);
  const details = (c: CompiledCourse) => JSON.stringify([c.title, c.summary, c.audience, c.minutes, c.hours, c.language, c.objectives, c.validityMonths, c.overviewHtml, c.glossary]);
  return {
    first: false,
    added: after.modules.filter((m) => !old.has(m.key)).map(brief),
    removed: before.modules.filter((m) => !now.has(m.key)).map(brief),
    edited: after.modules.filter((m) => old.has(m.key) && JSON.stringify(m) !== JSON.stringify(old.get(m.key))).map(brief),
    reordered: kept.join('\n') !== keptBefore.join('\n'),
    detailsChanged: details(before) !== details(after),
  };
}

/**
 * Renames module files to 01-, 02-, ... in the given order. Keys (and so learners' progress) stay;
 * links between modules written with file names (`[next](02-x.md)`) are rewritten to the new names.
 */
function renumber(files: CourseFiles, order: string[]): CourseFiles {
  const renames = new Map<string, string>();
  order.forEach((file, i) => {
    const key = MODULE_FILE.exec(file)![2];
    renames.set(file, `${String(i + 1).padStart(2, '0')}-${key}.md`);
  });
  const changed = [...renames].filter(([a, b]) => a !== b);
  const out: CourseFiles = new Map();
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const names = changed.map(([a]) => escape(a)).join('|');
  const inline = names ? new RegExp(`(\\]\\(\\s*<?)(${names})(?=[)#\\s>])`, 'g') : null;
  const reference = names ? new RegExp(`^(\\s{0,3}\\[[^\\]]+\\]:\\s*<?)(${names})(?=[#\\s>]|$)`, 'gm') : null;
  for (const [p, bytes] of files) {
    const name = renames.get(p) ?? p;
    if (inline && reference && p.endsWith('.md') && !p.includes('/')) {
      const text = bytes.toString('utf8');
      const swap = (_m: string, lead: string, old: string) => lead + renames.get(old)!;
      const rewritten = text.replace(inline, swap).replace(reference, swap);
      out.set(name, rewritten === text ? bytes : Buffer.from(rewritten, 'utf8'));
    } else {
      out.set(name, bytes);
    }
  }
  return out;
}

export function createAuthoringService(deps: { db: Db; clock: Clock; curriculum: CurriculumService; curriculumDir: string; limits?: Partial<AuthoringLimits> }) {
  const { db, clock, curriculum, curriculumDir } = deps;
  const limits: AuthoringLimits = { ...AUTHORING_LIMITS, ...deps.limits };
  const zipLimits: ZipLimits = {
    maxZipBytes: limits.maxZipBytes, maxEntries: limits.maxZipEntries, maxTotalBytes: limits.maxZipTotalBytes,
    maxFileBytes: limits.maxMediaBytes, maxTextBytes: limits.maxMarkdownBytes,
  };

  // File bytes never change for a hash, so any instance may cache them; the budget keeps big media
  // from filling memory. Parse results are cached by the draft's file set, without media bytes.
  const blobCache = new Map<string, Buffer>();
  let blobBytes = 0;
  const BLOB_BUDGET = 64 * 1024 * 1024;
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

  async function loadFiles(rows: store.FileRow[]): Promise<CourseFiles> {
    const missing = rows.map((r) => r.sha256).filter((s) => !blobCache.has(s));
    const loaded = await store.loadBlobs(db, [...new Set(missing)]);
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
    const parsed = parseCourseFiles(slug, files, slug);
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

  async function loadCourse(slug: string) {
    const course = SLUG.test(slug) ? await store.findCourse(db, slug) : null;
    if (!course) throw notFound();
    return course;
  }

  /** A browser course for changing; a folder course is refused (the owner is the folder). */
  async function editableCourse(slug: string) {
    const course = await loadCourse(slug);
    if (course.source !== 'browser') throw new FolderCourseError(slug);
    return course;
  }

  async function owner(course: store.CourseRow): Promise<Owner> {
    const draft = (await store.findDrafts(db, [course.id])).get(course.id);
    return { source: course.source, createdByName: draft?.createdByName ?? null };
  }

  async function draft(course: store.CourseRow) {
    const rows = await store.draftFiles(db, course.id);
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

  async function writeFiles(courseId: number, user: SessionUser, set: CourseFiles, remove: string[] = []) {
    await db.transaction(async (trx) => {
      const list = [...set].map(([p, content]) => ({ path: p, content, sha256: sha256Of(content) }));
      await store.insertBlobs(trx, list.map((f) => ({ sha256: f.sha256, contentType: contentTypeOf(f.path), content: f.content })));
      await store.deleteDraftFiles(trx, courseId, remove);
      for (const f of list) await store.setDraftFile(trx, courseId, f.path, f.sha256);
      await store.touchDraft(trx, courseId, user.id, clock.now());
    });
    for (const [, bytes] of set) remember(sha256Of(bytes), bytes);
  }

  function moduleFiles(files: Iterable<string>): string[] {
    return [...files].filter((f) => MODULE_FILE.test(f)).sort();
  }

  async function reorder(course: store.CourseRow, user: SessionUser, change: (order: string[]) => string[] | null) {
    const { files } = await draft(course);
    const order = change(moduleFiles(files.keys()));
    if (!order) return;
    const kept = new Map([...files].filter(([p]) => !MODULE_FILE.test(p) || order.includes(p)));
    const next = renumber(kept, order);
    const remove = [...files.keys()].filter((p) => !next.has(p));
    const set = new Map([...next].filter(([p, b]) => files.get(p) !== b));
    await writeFiles(course.id, user, set, remove);
  }

  async function versionList(course: store.CourseRow) {
    const rows = await store.listVersions(db, course.id);
    const out = [];
    let before: CompiledCourse | null = null;
    for (const [i, r] of rows.entries()) {
      const compiled = await curriculum.version(r.id);
      if (!compiled) continue;
      out.push({
        id: r.id, number: i + 1, publishedAt: r.publishedAt, publishedBy: r.publishedBy, title: compiled.title,
        notes: r.notes ?? compiled.versionNotes, current: r.id === course.currentVersionId,
        contentHash: r.contentHash, changes: diffCourses(before, compiled),
        hasFiles: await store.hasVersionFiles(db, r.id),
      });
      before = compiled;
    }
    return out.reverse();
  }

  return {
    limits,

    /** Every course, published or draft, with its owner and validation status. */
    async listCourses() {
      const courses = await store.listCourses(db);
      const drafts = await store.findDrafts(db, courses.map((c) => c.id));
      const versionCounts = await store.versionCounts(db);
      const out = [];
      for (const c of courses) {
        const current = c.currentVersionId ? await curriculum.version(c.currentVersionId) : null;
        const d = drafts.get(c.id);
        let status = counts(folderProblems(c.slug));
        let title = current?.title ?? null;
        let unpublished = false;
        if (c.source === 'browser' && d) {
          const { parsed, rows } = await draft(c);
          status = counts(parsed.problems);
          title = parsed.course?.title ?? title;
          const published = c.currentVersionId ? await store.versionFiles(db, c.currentVersionId) : [];
          unpublished = stateKey(rows.map((r) => [r.path, r.sha256])) !== stateKey(published.map((r) => [r.path, r.sha256]));
        }
        out.push({
          slug: c.slug, title, source: c.source, createdByName: d?.createdByName ?? null, published: Boolean(current),
          versions: versionCounts.get(c.id) ?? 0, draftUpdatedAt: d?.updatedAt ?? null, unpublished, ...status,
        });
      }
      // Folders the sync could not publish at all: only their problems say they exist.
      const listed = new Set(out.map((c) => c.slug));
      const broken = new Set(curriculum.problems().map((p) => path.relative(curriculumDir, p.file).split(path.sep)[0]).filter((s) => s && !s.startsWith('..') && SLUG.test(s) && !listed.has(s)));
      for (const slug of [...broken].sort()) {
        out.push({ slug, title: null, source: 'folder' as const, createdByName: null, published: false, versions: 0, draftUpdatedAt: null, unpublished: false, ...counts(folderProblems(slug)) });
      }
      return out;
    },

    /** Why a slug cannot be used for a new course, or null. */
    async slugProblem(slug: string): Promise<'slugTaken' | 'slugFolder' | null> {
      const existing = await store.findCourse(db, slug);
      if (existing) return existing.source === 'folder' ? 'slugFolder' : 'slugTaken';
      return fs.existsSync(path.join(curriculumDir, slug)) ? 'slugFolder' : null;
    },

    /** Creates a browser course: a draft with course.md and one starter module. */
    async createCourse(input: { slug: string; title: string; summary: string; audience: string[]; minutes: number }, user: SessionUser, starter: Starter): Promise<{ ok: true } | { ok: false; problem: 'slugTaken' | 'slugFolder' }> {
      const problem = await this.slugProblem(input.slug);
      if (problem) return { ok: false, problem };
      const files: CourseFiles = new Map([
        ['course.md', Buffer.from(`${frontMatter({ title: input.title, summary: input.summary, audience: input.audience, minutes: input.minutes })}${starter.overview}\n`, 'utf8')],
        [`01-${slugify(starter.moduleTitle, 'introduction')}.md`, Buffer.from(`${frontMatter({ title: starter.moduleTitle, minutes: 5 })}${starter.moduleBody}\n`, 'utf8')],
      ]);
      try {
        await db.transaction(async (trx) => {
          const courseId = await store.insertBrowserCourse(trx, input.slug, clock.now());
          await store.insertDraft(trx, courseId, user.id, clock.now());
          const list = [...files].map(([p, content]) => ({ path: p, content, sha256: sha256Of(content) }));
          await store.insertBlobs(trx, list.map((f) => ({ sha256: f.sha256, contentType: contentTypeOf(f.path), content: f.content })));
          for (const f of list) await store.setDraftFile(trx, courseId, f.path, f.sha256);
        });
      } catch (err) {
        if ((err as { status?: number }).status === 409) return { ok: false, problem: 'slugTaken' };
        throw err;
      }
      return { ok: true };
    },

    /** The course page of the authoring area: a browser course's draft, or a folder course read-only. */
    async coursePage(slug: string) {
      const found = SLUG.test(slug) ? await store.findCourse(db, slug) : null;
      if (!found && folderProblems(slug).length) {
        // A folder the sync could not publish at all: its problems are all there is to show.
        return {
          slug, source: 'folder' as const, owner: { source: 'folder' as const, createdByName: null }, current: null, currentVersionId: null, draft: null,
          problems: shownProblems(path.join(curriculumDir, slug), folderProblems(slug)).map((p) => ({ ...p, editable: false })),
        };
      }
      const course = found ?? await loadCourse(slug);
      const current = course.currentVersionId ? await curriculum.version(course.currentVersionId) : null;
      const base = { slug: course.slug, source: course.source, owner: await owner(course), current, currentVersionId: course.currentVersionId };
      if (course.source === 'folder') {
        return { ...base, draft: null, problems: shownProblems(path.join(curriculumDir, slug), folderProblems(slug)).map((p) => ({ ...p, editable: false })) };
      }
      const { rows, parsed } = await draft(course);
      const compiled = parsed.course?.modules ?? parsed.partial?.modules ?? [];
      const titles = new Map(compiled.map((m) => [m.key, m.title]));
      const modules: DraftModule[] = moduleFiles(rows.map((r) => r.path)).map((file) => {
        const [, number, key] = MODULE_FILE.exec(file)!;
        return { file, number, key, title: titles.get(key) ?? null };
      });
      const versionRows = course.currentVersionId ? await store.versionFiles(db, course.currentVersionId) : [];
      const unpublished = stateKey(rows.map((r) => [r.path, r.sha256])) !== stateKey(versionRows.map((r) => [r.path, r.sha256]));
      const drafts = await store.findDrafts(db, [course.id]);
      return {
        ...base,
        draft: {
          title: parsed.course?.title ?? null,
          modules,
          hasGlossary: rows.some((r) => r.path === 'glossary.md'),
          media: rows.filter((r) => r.path.startsWith('media/')).map((r) => ({ name: r.path.slice('media/'.length), path: r.path, size: r.size, contentType: r.contentType, url: `/courses/${course.slug}/media/${r.sha256}/${r.path.slice('media/'.length)}` })),
          otherFiles: rows.filter((r) => !r.path.startsWith('media/') && !isEditableFile(r.path)).map((r) => r.path),
          updatedAt: drafts.get(course.id)?.updatedAt ?? null,
          updatedByName: drafts.get(course.id)?.updatedByName ?? null,
          unpublished,
          valid: Boolean(parsed.course),
        },
        problems: shownProblems(slug, parsed.problems),
      };
    },

    /** One file of a draft for the editor (an absent glossary.md starts empty). */
    async file(slug: string, file: string) {
      const course = await editableCourse(slug);
      if (!isEditableFile(file)) throw notFound();
      const rows = await store.draftFiles(db, course.id);
      const row = rows.find((r) => r.path === file);
      if (!row && file !== 'glossary.md') throw notFound();
      const text = row ? (await loadFiles([row])).get(file)!.toString('utf8') : '';
      return { owner: await owner(course), text, base: row?.sha256 ?? '' };
    },

    /**
     * Saves one Markdown file of a draft. `base` is the hash the editor opened: when the file
     * changed since (another trainer, another tab), nothing is written and the text is given back.
     */
    async saveFile(slug: string, file: string, text: string, base: string, user: SessionUser): Promise<{ ok: true } | { ok: false; reason: 'conflict' | 'tooLarge' }> {
      const course = await editableCourse(slug);
      if (!isEditableFile(file)) throw notFound();
      const bytes = Buffer.from(text.replace(/\r\n?/g, '\n'), 'utf8');
      if (bytes.length > limits.maxMarkdownBytes) return { ok: false, reason: 'tooLarge' };
      const rows = await store.draftFiles(db, course.id);
      const row = rows.find((r) => r.path === file);
      if (!row && file !== 'glossary.md') throw notFound();
      const sha = sha256Of(bytes);
      if (row?.sha256 === sha) return { ok: true }; // unchanged, or a double submit
      if ((row?.sha256 ?? '') !== base) return { ok: false, reason: 'conflict' };
      await writeFiles(course.id, user, new Map([[file, bytes]]));
      return { ok: true };
    },

    /**
     * The draft parsed with one file replaced by the editor's text: that file's problems, and what
     * a learner would see of it, rendered by the same parser and renderer that publish.
     */
    async previewFile(slug: string, file: string, text: string) {
      const course = await editableCourse(slug);
      if (!isEditableFile(file)) throw notFound();
      const { rows, files } = await draft(course);
      const bytes = Buffer.from(text.replace(/\r\n?/g, '\n'), 'utf8');
      const edited = new Map(files).set(file, bytes);
      const parsed = parse(slug, edited, stateKey([...rows.filter((r) => r.path !== file).map((r): [string, string] => [r.path, r.sha256]), [file, sha256Of(bytes)]]));
      const compiled = parsed.course ?? parsed.partial;
      const key = MODULE_FILE.exec(file)?.[2];
      const problems = shownProblems(slug, parsed.problems);
      return {
        kind: key ? 'module' as const : file === 'course.md' ? 'course' as const : 'glossary' as const,
        module: key ? compiled?.modules.find((m) => m.key === key) ?? null : null,
        overviewHtml: file === 'course.md' ? compiled?.overviewHtml ?? null : null,
        glossary: file === 'glossary.md' ? compiled?.glossary ?? [] : [],
        fileProblems: problems.filter((p) => p.file === file),
        otherErrors: problems.filter((p) => p.file !== file && p.severity === 'error').length,
        tooLarge: bytes.length > limits.maxMarkdownBytes,
      };
    },

    async addModule(slug: string, title: string, user: SessionUser): Promise<{ ok: true; file: string } | { ok: false; problem: 'tooManyModules' }> {
      const course = await editableCourse(slug);
      const { files } = await draft(course);
      const modules = moduleFiles(files.keys());
      if (modules.length >= limits.maxModules) return { ok: false, problem: 'tooManyModules' };
      const keys = new Set(modules.map((f) => MODULE_FILE.exec(f)![2]));
      const base = slugify(title);
      let key = base;
      for (let n = 2; keys.has(key); n++) key = `${base}-${n}`;
      const last = modules.length ? Number(MODULE_FILE.exec(modules[modules.length - 1])![1]) : 0;
      if (last >= limits.maxModules) {
        await reorder(course, user, (order) => order); // close the gaps first
        return this.addModule(slug, title, user);
      }
      const file = `${String(last + 1).padStart(2, '0')}-${key}.md`;
      await writeFiles(course.id, user, new Map([[file, Buffer.from(`${frontMatter({ title, minutes: 5 })}## ${title}\n\n`, 'utf8')]]));
      return { ok: true, file };
    },

    /** Moves a module up or down; every module is renumbered 01, 02, ... and keeps its key. */
    async moveModule(slug: string, key: string, direction: 'up' | 'down', user: SessionUser) {
      const course = await editableCourse(slug);
      await reorder(course, user, (order) => {
        const i = order.findIndex((f) => MODULE_FILE.exec(f)![2] === key);
        const j = direction === 'up' ? i - 1 : i + 1;
        if (i < 0) throw notFound();
        if (j < 0 || j >= order.length) return null;
        const next = [...order];
        [next[i], next[j]] = [next[j], next[i]];
        return next;
      });
    },

    async moduleOf(slug: string, key: string) {
      const course = await editableCourse(slug);
      const { files, parsed } = await draft(course);
      const file = moduleFiles(files.keys()).find((f) => MODULE_FILE.exec(f)![2] === key);
      if (!file) throw notFound();
      const title = (parsed.course ?? parsed.partial)?.modules.find((m) => m.key === key)?.title ?? null;
      return { owner: await owner(course), file, key, title };
    },

    /** Deletes a module from the draft (a double submit finds nothing left and changes nothing). */
    async deleteModule(slug: string, key: string, user: SessionUser) {
      const course = await editableCourse(slug);
      await reorder(course, user, (order) => {
        const next = order.filter((f) => MODULE_FILE.exec(f)![2] !== key);
        return next.length === order.length ? null : next;
      });
    },

    /** Adds (or replaces) a media file after checking its type, content and size. */
    async addMedia(slug: string, originalName: string, bytes: Buffer, user: SessionUser): Promise<{ ok: true; name: string; replaced: boolean } | { ok: false; problem: string; values: Record<string, string | number> }> {
      const course = await editableCourse(slug);
      const name = safeMediaName(originalName);
      const ext = path.extname(name).toLowerCase();
      const type = MEDIA_TYPES[ext];
      const allowed = Object.keys(MEDIA_TYPES).join(' ');
      if (!type) return { ok: false, problem: 'badType', values: { ext: ext || originalName, allowed } };
      if (bytes.length === 0) return { ok: false, problem: 'empty', values: {} };
      if (bytes.length > limits.maxMediaBytes) return { ok: false, problem: 'tooLarge', values: {} };
      if (!contentMatchesType(type, bytes)) return { ok: false, problem: 'mismatch', values: { ext } };
      const rows = await store.draftFiles(db, course.id);
      const replaced = rows.some((r) => r.path === `media/${name}`);
      if (!replaced && rows.filter((r) => r.path.startsWith('media/')).length >= limits.maxMediaFiles) {
        return { ok: false, problem: 'tooMany', values: { max: limits.maxMediaFiles } };
      }
      await writeFiles(course.id, user, new Map([[`media/${name}`, bytes]]));
      return { ok: true, name, replaced };
    },

    async deleteMedia(slug: string, name: string, user: SessionUser) {
      const course = await editableCourse(slug);
      await db.transaction(async (trx) => {
        await store.deleteDraftFiles(trx, course.id, [`media/${name}`]);
        await store.touchDraft(trx, course.id, user.id, clock.now());
      });
    },

    /**
     * Publishes the draft: refused with its problems when any is an error (nothing published
     * changes), else one transaction through the curriculum service with the version's files.
     */
    async publish(slug: string, user: SessionUser, notes: string | null): Promise<{ ok: false; problems: ShownProblem[] } | { ok: true; versionId: number; changed: boolean }> {
      const course = await editableCourse(slug);
      const rows = await store.draftFiles(db, course.id);
      const files = await loadFiles(rows);
      const parsed = parseCourseFiles(slug, files, slug);
      if (!parsed.course) return { ok: false, problems: shownProblems(slug, parsed.problems) };
      const result = await curriculum.publish(parsed.course, user.displayName, parsed.mediaContent, { source: 'browser', files, publishedByUserId: user.id, notes });
      return { ok: true, ...result };
    },

    async versions(slug: string) {
      const course = await loadCourse(slug);
      return { slug: course.slug, owner: await owner(course), source: course.source, versions: await versionList(course) };
    },

    /** The zip of the draft's folder. */
    async zipDraft(slug: string): Promise<{ filename: string; bytes: Buffer }> {
      const course = await editableCourse(slug);
      const { files } = await draft(course);
      return { filename: `${slug}-draft.zip`, bytes: writeCourseZip(slug, files) };
    },

    /** The zip of a published version's folder, exactly the files it was published from. */
    async zipVersion(slug: string, versionId: number): Promise<{ filename: string; bytes: Buffer }> {
      const course = await loadCourse(slug);
      const versions = await store.listVersions(db, course.id);
      const index = versions.findIndex((v) => v.id === versionId);
      if (index < 0) throw notFound();
      const rows = await store.versionFiles(db, versionId);
      if (!rows.length) throw notFound();
      return { filename: `${slug}-version-${index + 1}.zip`, bytes: writeCourseZip(slug, await loadFiles(rows)) };
    },

    /**
     * Creates or replaces a browser course's draft from the zip of its folder. Every check of the
     * archive happens before anything is written; a folder course's address is refused.
     */
    async importZip(bytes: Buffer, slugGiven: string, user: SessionUser): Promise<{ slug: string; created: boolean }> {
      const { folder, files } = readCourseZip(bytes, zipLimits);
      const slug = slugGiven || folder || '';
      if (!slug) throw new ZipError(422, 'noSlug');
      if (!SLUG.test(slug) || slug.length > 60) throw new ZipError(422, 'badSlug', { slug: slug.slice(0, 100) });
      if (!files.has('course.md')) throw new ZipError(422, 'noCourseFile');
      if ([...files.keys()].filter((p) => p.startsWith('media/')).length > limits.maxMediaFiles) throw new ZipError(422, 'tooManyMedia', { max: limits.maxMediaFiles });
      const course = await store.findCourse(db, slug);
      if (course?.source === 'folder' || (!course && fs.existsSync(path.join(curriculumDir, slug)))) throw new ZipError(409, 'folderCourse', { slug });
      const created = !course;
      await db.transaction(async (trx) => {
        const courseId = course?.id ?? await store.insertBrowserCourse(trx, slug, clock.now());
        await store.insertDraft(trx, courseId, user.id, clock.now());
        const list = [...files].map(([p, content]) => ({ path: p, content, sha256: sha256Of(content) }));
        await store.insertBlobs(trx, list.map((f) => ({ sha256: f.sha256, contentType: contentTypeOf(f.path), content: f.content })));
        await store.replaceDraftFiles(trx, courseId, list);
        await store.touchDraft(trx, courseId, user.id, clock.now());
      });
      return { slug, created };
    },

    /**
     * A course as a learner would see it: the draft (which must compile), or a published version.
     * Returns the problems instead when the draft does not compile.
     */
    async previewCourse(slug: string, versionId: number | null): Promise<{ course: CompiledCourse; versionId: number | null; owner: Owner } | { course: null; problems: ShownProblem[]; owner: Owner }> {
      const course = await loadCourse(slug);
      const who = await owner(course);
      if (versionId === null && course.source === 'browser') {
        const { parsed } = await draft(course);
        return parsed.course ? { course: parsed.course, versionId: null, owner: who } : { course: null, problems: shownProblems(slug, parsed.problems), owner: who };
      }
      const id = versionId ?? course.currentVersionId;
      if (id === null) throw notFound();
      const versions = await store.listVersions(db, course.id);
      if (!versions.some((v) => v.id === id)) throw notFound();
      const compiled = await curriculum.version(id);
      if (!compiled) throw notFound();
      return { course: compiled, versionId: id, owner: who };
    },
  };
}

export type AuthoringService = ReturnType<typeof createAuthoringService>;
