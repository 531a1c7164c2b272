// Publishing a draft, and the published versions of a course: its history with what changed in
// each, and a preview of the draft or of any version exactly as a learner sees it.
import type { SessionUser } from '../accounts/types';
import type { CompiledCourse } from '../curriculum/types';
import type { CourseRow } from '../curriculum/service';
import { parseCourseFiles } from '../curriculum/parse';
import { diffCourses } from './diff';
import { withGlossaryAt } from './preview-links';
import type { AuthoringContext, Owner, ShownProblem } from './context';
import { notFound } from '../http/errors';
import { audit, type AuditOrigin } from '../audit/record';

export function versionOperations(ctx: AuthoringContext) {
  const { curriculum, clock } = ctx;

  async function versionList(course: CourseRow) {
    const rows = await curriculum.listVersions(course.id);
    const out = [];
    let before: CompiledCourse | null = null;
    for (const [i, r] of rows.entries()) {
      const compiled = await curriculum.version(r.id);
      if (!compiled) continue;
      out.push({
        id: r.id, number: i + 1, publishedAt: r.publishedAt, publishedBy: r.publishedBy, title: compiled.title,
        notes: r.notes ?? compiled.versionNotes, current: r.id === course.currentVersionId,
        contentHash: r.contentHash, changes: diffCourses(before, compiled),
        hasFiles: await curriculum.hasVersionFiles(r.id),
      });
      before = compiled;
    }
    return out.reverse();
  }

  return {
    /**
     * Publishes the draft: refused with its problems when any is an error (nothing published
     * changes), else one transaction through the curriculum service with the version's files.
     */
    async publish(slug: string, user: SessionUser, notes: string | null, origin?: AuditOrigin): Promise<{ ok: false; problems: ShownProblem[] } | { ok: true; versionId: number; changed: boolean }> {
      const course = await ctx.loadCourse(slug);
      const rows = await ctx.draftFiles(course.id);
      const files = await ctx.loadFiles(rows);
      const parsed = parseCourseFiles(slug, files, slug, { mediaHome: 'browser' });
      if (!parsed.course) return { ok: false, problems: ctx.shownProblems(slug, parsed.problems) };
      const result = await curriculum.publish(parsed.course, user.displayName, parsed.mediaContent, {
        source: 'browser', files, publishedByUserId: user.id, notes,
        inTransaction: (trx, p) => audit.record(trx, { actor: user, action: 'course.published', target: { type: 'course', id: slug }, details: { versionId: p.versionId, changed: p.changed }, origin, at: clock.now() }),
      });
      return { ok: true, ...result };
    },

    async versions(slug: string) {
      const course = await ctx.loadCourse(slug);
      return { slug: course.slug, owner: await ctx.owner(course), source: course.source, versions: await versionList(course) };
    },

    /**
     * A course as a learner would see it: the draft, or a published version. A draft with errors
     * is shown as far as it compiles: its title and every module that compiles, with `problems`
     * naming what is left out (one broken module hides only itself). Only a draft whose course.md
     * details do not compile gives its problems instead. Glossary links open the glossary of what
     * is previewed.
     */
    async previewCourse(slug: string, versionId: number | null): Promise<{ course: CompiledCourse; versionId: number | null; owner: Owner; problems: ShownProblem[] } | { course: null; problems: ShownProblem[]; owner: Owner }> {
      const course = await ctx.loadCourse(slug);
      const who = await ctx.owner(course);
      if (versionId === null && course.source === 'browser') {
        const { parsed } = await ctx.draft(course);
        const glossaryAt = `/author/courses/${slug}/preview-glossary`;
        if (parsed.course) return { course: withGlossaryAt(parsed.course, slug, glossaryAt), versionId: null, owner: who, problems: [] };
        const problems = ctx.shownProblems(slug, parsed.problems);
        const partial = parsed.partial;
        if (!partial?.details) return { course: null, problems, owner: who };
        const shown: CompiledCourse = {
          slug, ...partial.details, hours: null, versionNotes: null, validityMonths: null, refresher: null,
          overviewHtml: partial.overviewHtml, modules: partial.modules, glossary: partial.glossary, media: [], contentHash: '',
        };
        return { course: withGlossaryAt(shown, slug, glossaryAt), versionId: null, owner: who, problems: problems.filter((p) => p.severity === 'error') };
      }
      const id = versionId ?? course.currentVersionId;
      if (id === null) throw notFound();
      const versions = await curriculum.listVersions(course.id);
      if (!versions.some((v) => v.id === id)) throw notFound();
      const compiled = await curriculum.version(id);
      if (!compiled) throw notFound();
      return { course: withGlossaryAt(compiled, slug, `/author/courses/${slug}/preview-glossary?version=${id}`), versionId: id, owner: who, problems: [] };
    },
  };
}
