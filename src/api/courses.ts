// GET /api/v1/courses: the published courses, each with whether the organization requires it.
// Courses are the same for every organization; `assigned` is this organization's own fact.
import type { CurriculumService } from '../curriculum/service';
import type { OrganizationService } from '../organizations/service';
import { byKey, type ListEndpoint } from './endpoint';
import { enumParameter } from './query';
import { coursePageSchema, type CourseOut } from './schemas';

export function coursesEndpoint(curriculum: CurriculumService, organizations: OrganizationService): ListEndpoint<CourseOut> {
  const key = (c: CourseOut) => [c.id];
  return {
    path: '/courses',
    name: 'listCourses',
    summary: 'The published courses',
    description: 'Every published course (its current version), by id, and whether the organization requires it of anyone.',
    filters: [enumParameter('assigned', ['true', 'false'], 'Only courses the organization requires (`true`) or does not (`false`).')],
    page: coursePageSchema,
    key,
    async load(organizationId, f) {
      const [catalog, assignments] = await Promise.all([curriculum.catalog(), organizations.assignments.list(organizationId)]);
      const assigned = new Set(assignments.map((a) => a.courseId));
      return catalog
        .map(({ courseId, course }) => ({
          id: courseId, slug: course.slug, title: course.title, summary: course.summary, language: course.language,
          minutes: course.minutes, hours: course.hours, validityMonths: course.validityMonths, version: course.contentHash,
          assigned: assigned.has(courseId),
        }))
        .filter((c) => f.assigned === undefined || String(c.assigned) === f.assigned)
        .sort(byKey(key));
    },
  };
}
