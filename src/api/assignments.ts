// GET /api/v1/assignments: the courses the organization requires, of whom, and by when (the
// assignments in force; a removed one is no longer listed). An assignment never changes once
// made, so `updated_since` is when it was made.
import type { OrganizationService } from '../organizations/service';
import { byKey, type ListEndpoint } from './endpoint';
import { courseParameter, invalidParameter, sinceParameter, unitParameter } from './query';
import { assignmentPageSchema, type AssignmentOut } from './schemas';

const TARGETS = { organization: 'organization', unit: 'unit', user: 'learner' } as const;

export function assignmentsEndpoint(organizations: OrganizationService): ListEndpoint<AssignmentOut> {
  const key = (a: AssignmentOut) => [a.id];
  return {
    path: '/assignments',
    name: 'listAssignments',
    summary: 'The courses the organization requires',
    description: 'Every assignment in force, by id: a course required of the whole organization, of a unit, or of one learner, due on a date or within a number of days of joining.',
    filters: [
      { ...courseParameter, description: 'Only assignments of this course: its id or its slug.' },
      { ...unitParameter, description: 'Only assignments that reach the people of this unit (its id): those of the whole organization, of the unit, and of a person in it. `none`: those that reach people in no unit.' },
      sinceParameter('updated_since', 'assignments made'),
    ],
    page: assignmentPageSchema,
    key,
    async load(organizationId, f) {
      const [assignments, units, courses] = await Promise.all([
        organizations.assignments.list(organizationId), organizations.units(organizationId), organizations.assignments.courses(),
      ]);
      const unitNames = new Map(units.map((u) => [u.id, u.name]));
      let courseId: number | undefined;
      if (f.course !== undefined) {
        const c = f.course as number | string;
        courseId = typeof c === 'number' ? c : courses.find((x) => x.slug === c)?.courseId;
        if (courseId === undefined || !(courses.some((x) => x.courseId === courseId) || assignments.some((a) => a.courseId === courseId))) throw invalidParameter('course', 'noSuchCourse');
      }
      const unit = f.unit as number | null | undefined;
      if (typeof unit === 'number' && !unitNames.has(unit)) throw invalidParameter('unit', 'noSuchUnit');
      // A person's assignment reaches a unit through the person's unit today.
      const unitOfPerson = unit === undefined ? new Map<number, number | null>() : new Map((await organizations.members(organizationId)).map((m) => [m.userId, m.unitId]));
      const since = f.updated_since as Date | undefined;
      return assignments
        .filter((a) => courseId === undefined || a.courseId === courseId)
        .filter((a) => unit === undefined || a.target === 'organization' || (a.target === 'unit' ? a.unitId === unit : a.userId !== null && unitOfPerson.get(a.userId) === unit))
        .filter((a) => !since || a.createdAt.getTime() >= since.getTime())
        .map((a) => ({
          id: a.id,
          course: { id: a.courseId, slug: a.courseSlug, title: a.courseTitle },
          target: TARGETS[a.target],
          unit: a.unitId === null ? null : { id: a.unitId, name: unitNames.get(a.unitId) ?? '' },
          learnerId: a.userId,
          dueAt: a.dueAt?.toISOString() ?? null,
          withinDays: a.withinDays,
          renews: a.renews,
          createdAt: a.createdAt.toISOString(),
        }))
        .sort(byKey(key));
    },
  };
}
