// Publishing a draft, and the published versions of a course: its history with what changed in
// each, and a preview of the draft or of any version exactly as a learner sees it.
import type { SessionUser } from '../accounts/types';
import type { CompiledCourse } from '../curriculum/types';
import type { CourseRow } from '../curriculum/service';
import { parseCourseFiles } from '../curriculum/parse';
import { diffCourses } from './diff';
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
      const parsed = parseCourseFiles(slug, files, slug);
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
     * A course as a learner would see it: the draft (which must compile), or a published version.
     * Returns the problems instead when the draft does not compile.
     */
    async previewCourse(slug: string, versionId: number | null): Promise<{ course: CompiledCourse; versionId: number | null; owner: Owner } | { course: null; problems: ShownProblem[]; owner: Owner }> {
      const course = await ctx.loadCourse(slug);
      const who = await ctx.owner(course);
      if (versionId === null && course.source === 'browser') {
        const { parsed } = await ctx.draft(course);
        return parsed.course ? { course: parsed.course, versionId: null, owner: who } : { course: null, problems: ctx.shownProblems(slug, parsed.problems), owner: who };
      }
      const id = versionId ?? course.currentVersionId;
      if (id === null) throw notFound();
      const versions = await curriculum.listVersions(course.id);
      if (!versions.some((v) => v.id === id)) throw notFound();
      const compiled = await curriculum.version(id);
      if (!compiled) throw notFound();
      return { course: compiled, versionId: id, owner: who };
    },
  };
}
