// Assignments: a manager requires a published course of the whole organization, one unit or one
// member, due on a date or within a number of days of joining, and optionally again whenever the
// learner's certificate expires. Removing one keeps its row (marked removed).
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { CurriculumService } from '../curriculum/service';
import type { FieldErrors } from '../http/validate';
import { notFound } from '../http/errors';
import type { AssignmentInput } from './schemas';
import * as store from './store';
import type { Assignment, Organization } from './types';

export interface AssignableCourse {
  courseId: number;
  slug: string;
  title: string;
  /** The course's certificates expire: renewing the assignment means something. */
  expires: boolean;
}

export type AssignmentView = Assignment & { courseTitle: string | null; courseSlug: string | null };

/** A date typed as YYYY-MM-DD is due by the end of that day (dates are shown in UTC). */
export function endOfDay(date: string): Date {
  return new Date(`${date}T23:59:59.999Z`);
}

export function createAssignmentService({ db, clock, curriculum }: { db: Db; clock: Clock; curriculum: CurriculumService }) {
  async function courses(): Promise<AssignableCourse[]> {
    const catalog = await curriculum.catalog();
    return catalog.map((c) => ({ courseId: c.courseId, slug: c.course.slug, title: c.course.title, expires: Boolean(c.course.validityMonths) }))
      .sort((a, b) => a.title.localeCompare(b.title));
  }

  return {
    /** The published courses a manager may require. */
    courses,

    /** The organization's assignments in force, with their courses' titles. */
    async list(organizationId: number): Promise<AssignmentView[]> {
      const [assignments, published] = await Promise.all([store.activeAssignments(db, organizationId), courses()]);
      const byId = new Map(published.map((c) => [c.courseId, c]));
      return assignments.map((a) => ({ ...a, courseTitle: byId.get(a.courseId)?.title ?? null, courseSlug: byId.get(a.courseId)?.slug ?? null }));
    },

    /**
     * Requires a course. The course must be published, the unit this organization's, the person one
     * of its members; a due date may not be in the past. Problems come back as field messages.
     */
    async create(org: Organization, input: AssignmentInput & { userId: number | null }, createdBy: number): Promise<{ ok: true; id: number } | { ok: false; errors: FieldErrors }> {
      const errors: FieldErrors = {};
      if (!(await courses()).some((c) => c.courseId === input.courseId)) errors.courseId = 'org.validation.courseRequired';
      if (input.target === 'unit' && !(await store.listUnits(db, org.id)).some((u) => u.id === input.unitId)) errors.unitId = 'org.validation.unitChoice';
      if (input.target === 'user') {
        const m = input.userId === null ? null : await store.findMembership(db, input.userId);
        if (!m || m.organizationId !== org.id) errors.person = 'org.validation.personNotMember';
      }
      const now = clock.now();
      const dueAt = input.dueKind === 'date' ? endOfDay(input.dueDate) : null;
      if (dueAt && dueAt.getTime() < now.getTime()) errors.dueDate = 'org.validation.duePast';
      if (Object.keys(errors).length) return { ok: false, errors };
      const id = await store.insertAssignment(db, {
        organizationId: org.id, courseId: input.courseId, target: input.target,
        unitId: input.target === 'unit' ? input.unitId : null, userId: input.target === 'user' ? input.userId : null,
        dueAt, withinDays: input.dueKind === 'window' ? Number(input.withinDays) : null, renews: input.renews, createdBy, now,
      });
      return { ok: true, id };
    },

    async remove(organizationId: number, id: number): Promise<void> {
      if (!(await store.removeAssignment(db, organizationId, id, clock.now()))) throw notFound();
    },
  };
}

export type AssignmentService = ReturnType<typeof createAssignmentService>;
