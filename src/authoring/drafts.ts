// Drafts of browser courses: the list of every course, a new course, the course page, and reading,
// saving and previewing one Markdown file in the editor.
import fs from 'node:fs';
import path from 'node:path';
import type { SessionUser } from '../accounts/types';
import type { CourseFiles } from '../curriculum/parse';
import { SLUG, MODULE_FILE } from '../curriculum/names';
import { sha256Of, storeCourseFiles } from '../curriculum/service';
import * as store from './store';
import { frontMatter, isEditableFile, moduleFiles, slugify, stateKey } from './course-files';
import type { AuthoringContext } from './context';
import { recordSave } from './history';
import { withGlossaryAt } from './preview-links';
import { notFound } from '../http/errors';

export interface DraftModule {
  file: string;
  number: string;
  key: string;
  title: string | null;
}

/** The translated example term of a new glossary.md. */
export type GlossaryStarter = { term: string; definition: string };

/** A new glossary.md: one example term, which parses, links with [[term]], and is warned about until replaced. */
export function glossaryTemplate(starter: GlossaryStarter): string {
  return frontMatter({ terms: { [starter.term]: starter.definition } });
}

/** The translated text of a new course's overview and first module. */
export type Starter = { overview: string; moduleTitle: string; moduleBody: string };

export function draftOperations(ctx: AuthoringContext) {
  const { db, clock, curriculum, curriculumDir, limits } = ctx;

  /** Why a slug cannot be used for a new course, or null. */
  async function slugProblem(slug: string): Promise<'slugTaken' | 'slugFolder' | null> {
    const existing = await curriculum.findCourse(slug);
    if (existing) return existing.source === 'folder' ? 'slugFolder' : 'slugTaken';
    return fs.existsSync(path.join(curriculumDir, slug)) ? 'slugFolder' : null;
  }

  return {
    /** Every course, published or draft, with its owner and validation status. */
    async listCourses() {
      const courses = await curriculum.listCourses();
      const drafts = await store.findDrafts(db, courses.map((c) => c.id));
      const versionCounts = await curriculum.versionCounts();
      const out = [];
      for (const c of courses) {
        const current = c.currentVersionId ? await curriculum.version(c.currentVersionId) : null;
        const d = drafts.get(c.id);
        let status = ctx.counts(ctx.folderProblems(c.slug));
        let title = current?.title ?? null;
        let unpublished = false;
        if (c.source === 'browser' && d) {
          const { parsed, rows } = await ctx.draft(c);
          status = ctx.counts(parsed.problems);
          title = parsed.course?.title ?? title;
          const published = c.currentVersionId ? await curriculum.versionFiles(c.currentVersionId) : [];
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
        out.push({ slug, title: null, source: 'folder' as const, createdByName: null, published: false, versions: 0, draftUpdatedAt: null, unpublished: false, ...ctx.counts(ctx.folderProblems(slug)) });
      }
      return out;
    },

    slugProblem,

    /** Creates a browser course: a draft with course.md and one starter module. */
    async createCourse(input: { slug: string; title: string; summary: string; audience: string[]; minutes: number }, user: SessionUser, starter: Starter): Promise<{ ok: true } | { ok: false; problem: 'slugTaken' | 'slugFolder' }> {
      const problem = await slugProblem(input.slug);
      if (problem) return { ok: false, problem };
      const files: CourseFiles = new Map([
        ['course.md', Buffer.from(`${frontMatter({ title: input.title, summary: input.summary, audience: input.audience, minutes: input.minutes })}${starter.overview}\n`, 'utf8')],
        [`01-${slugify(starter.moduleTitle, 'introduction')}.md`, Buffer.from(`${frontMatter({ title: starter.moduleTitle, minutes: 5 })}${starter.moduleBody}\n`, 'utf8')],
      ]);
      try {
        await db.transaction(async (trx) => {
          const courseId = await curriculum.createBrowserCourse(trx, input.slug);
          await store.insertDraft(trx, courseId, user.id, clock.now());
          for (const f of await storeCourseFiles(trx, files)) await store.setDraftFile(trx, courseId, f.path, f.sha256);
          await recordSave(trx, { courseId, userId: user.id, kind: 'create', at: clock.now() });
        });
      } catch (err) {
        if ((err as { status?: number }).status === 409) return { ok: false, problem: 'slugTaken' };
        throw err;
      }
      return { ok: true };
    },

    /** The course page of the authoring area: a browser course's draft, or a folder course read-only. */
    async coursePage(slug: string) {
      const found = SLUG.test(slug) ? await curriculum.findCourse(slug) : null;
      if (!found && ctx.folderProblems(slug).length) {
        // A folder the sync could not publish at all: its problems are all there is to show.
        return {
          slug, source: 'folder' as const, owner: { source: 'folder' as const, createdByName: null }, current: null, currentVersionId: null, draft: null,
          problems: ctx.shownProblems(path.join(curriculumDir, slug), ctx.folderProblems(slug)).map((p) => ({ ...p, editable: false })),
        };
      }
      const course = found ?? await ctx.loadCourse(slug);
      const current = course.currentVersionId ? await curriculum.version(course.currentVersionId) : null;
      const base = { slug: course.slug, source: course.source, owner: await ctx.owner(course), current, currentVersionId: course.currentVersionId };
      if (course.source === 'folder') {
        return { ...base, draft: null, problems: ctx.shownProblems(path.join(curriculumDir, slug), ctx.folderProblems(slug)).map((p) => ({ ...p, editable: false })) };
      }
      const { rows, parsed } = await ctx.draft(course);
      const compiled = parsed.course?.modules ?? parsed.partial?.modules ?? [];
      const titles = new Map(compiled.map((m) => [m.key, m.title]));
      const modules: DraftModule[] = moduleFiles(rows.map((r) => r.path)).map((file) => {
        const [, number, key] = MODULE_FILE.exec(file)!;
        return { file, number, key, title: titles.get(key) ?? null };
      });
      const versionRows = course.currentVersionId ? await curriculum.versionFiles(course.currentVersionId) : [];
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
          // The preview shows a draft as far as it compiles (src/authoring/versions.ts).
          previewable: Boolean(parsed.course || parsed.partial?.details),
        },
        problems: ctx.shownProblems(slug, parsed.problems),
      };
    },

    /** One file of a draft for the editor (an absent glossary.md starts empty). */
    async file(slug: string, file: string, glossaryStarter?: GlossaryStarter) {
      const course = await ctx.loadCourse(slug);
      if (!isEditableFile(file)) throw notFound();
      const rows = await ctx.draftFiles(course.id);
      const row = rows.find((r) => r.path === file);
      if (!row && file !== 'glossary.md') throw notFound();
      // An absent glossary.md opens as a working example, not an empty file that does not parse.
      const text = row ? (await ctx.loadFiles([row])).get(file)!.toString('utf8') : glossaryStarter ? glossaryTemplate(glossaryStarter) : '';
      return { owner: await ctx.owner(course), text, base: row?.sha256 ?? '' };
    },

    /**
     * Saves one Markdown file of a draft. `base` is the hash the editor opened: when the file
     * changed since (another trainer, another tab), nothing is written and the text is given back.
     * An autosave takes the same path (and so never overwrites another text); it differs only in
     * how the history keeps it. On success, `base` is the hash the editor now holds.
     */
    async saveFile(slug: string, file: string, text: string, base: string, user: SessionUser, kind: 'save' | 'autosave' = 'save'): Promise<{ ok: true; base: string } | { ok: false; reason: 'conflict' | 'tooLarge' }> {
      const course = await ctx.loadCourse(slug);
      if (!isEditableFile(file)) throw notFound();
      const bytes = Buffer.from(text.replace(/\r\n?/g, '\n'), 'utf8');
      if (bytes.length > limits.maxMarkdownBytes) return { ok: false, reason: 'tooLarge' };
      const rows = await ctx.draftFiles(course.id);
      const row = rows.find((r) => r.path === file);
      if (!row && file !== 'glossary.md') throw notFound();
      const sha = sha256Of(bytes);
      if (row?.sha256 === sha) return { ok: true, base: sha }; // unchanged, or a double submit
      if ((row?.sha256 ?? '') !== base) return { ok: false, reason: 'conflict' };
      await ctx.writeFiles(course.id, user, new Map([[file, bytes]]), [], { kind, file });
      return { ok: true, base: sha };
    },

    /**
     * The draft parsed with one file replaced by the editor's text: that file's problems, and what
     * a learner would see of it, rendered by the same parser and renderer that publish.
     */
    async previewFile(slug: string, file: string, text: string) {
      const course = await ctx.loadCourse(slug);
      if (!isEditableFile(file)) throw notFound();
      const { rows, files } = await ctx.draft(course);
      const bytes = Buffer.from(text.replace(/\r\n?/g, '\n'), 'utf8');
      const edited = new Map(files).set(file, bytes);
      const parsed = ctx.parse(slug, edited, stateKey([...rows.filter((r) => r.path !== file).map((r): [string, string] => [r.path, r.sha256]), [file, sha256Of(bytes)]]));
      const compiled = parsed.course ?? parsed.partial;
      const key = MODULE_FILE.exec(file)?.[2];
      const problems = ctx.shownProblems(slug, parsed.problems);
      // Glossary links open the draft's glossary (src/authoring/preview-links.ts).
      const glossaryAt = `/author/courses/${slug}/preview-glossary`;
      return {
        kind: key ? 'module' as const : file === 'course.md' ? 'course' as const : 'glossary' as const,
        module: key ? withGlossaryAt(compiled?.modules.find((m) => m.key === key) ?? null, slug, glossaryAt) : null,
        overviewHtml: file === 'course.md' ? withGlossaryAt(compiled?.overviewHtml ?? null, slug, glossaryAt) : null,
        glossary: file === 'glossary.md' ? compiled?.glossary ?? [] : [],
        // In line order, as the trainer reads the file.
        fileProblems: problems.filter((p) => p.file === file).sort((a, b) => a.line - b.line),
        otherErrors: problems.filter((p) => p.file !== file && p.severity === 'error').length,
        tooLarge: bytes.length > limits.maxMarkdownBytes,
      };
    },
  };
}
