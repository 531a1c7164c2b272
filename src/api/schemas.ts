// The API's responses, as zod schemas: the handlers build their rows through these types, and the
// OpenAPI document's JSON schemas are generated from them (z.toJSONSchema), so what is documented
// is what is sent. Objects are strict (no other member may appear): a test validates real
// responses against the document, so a field added without its schema (a reflection, an answer)
// fails it. Nothing a learner wrote or answered is in any of these.
import { z } from 'zod';
import { ERROR_IDS } from '../http/errors';
import { REQUIREMENT_STATUSES } from '../organizations/requirements';

/** The schemas the OpenAPI document names (its `components.schemas`), by id. */
export const apiSchemas = z.registry<{ id: string }>();

const dateTime = z.iso.datetime().describe('An instant, ISO 8601 in UTC.');
const id = z.number().int().positive();

export const unitRefSchema = z.object({ id, name: z.string() }).describe('A unit of the organization.').register(apiSchemas, { id: 'UnitRef' });

export const courseRefSchema = z.object({ id, slug: z.string(), title: z.string() }).describe('A published course.').register(apiSchemas, { id: 'CourseRef' });

export const learnerSchema = z.object({
  id,
  name: z.string().describe('As registered (the name printed on certificates).'),
  email: z.string(),
  role: z.enum(['member', 'manager']).describe('Their role in the organization.'),
  unit: unitRefSchema.nullable(),
  joinedAt: dateTime.describe('When they joined the organization.'),
  activated: z.boolean().describe('False while an account made for them (by an import) waits for its owner to choose a password.'),
}).describe('A person of the organization.').register(apiSchemas, { id: 'Learner' });

export const assignmentSchema = z.object({
  id,
  course: z.object({ id, slug: z.string().nullable(), title: z.string().nullable() })
    .describe('The course required; its slug and title are null when it is no longer published (it then requires nothing).'),
  target: z.enum(['organization', 'unit', 'learner']).describe('Whom it requires the course of.'),
  unit: unitRefSchema.nullable().describe('The unit, when the target is a unit.'),
  learnerId: id.nullable().describe('The learner, when the target is one person.'),
  dueAt: dateTime.nullable().describe('A fixed due date; null when due a number of days after joining.'),
  withinDays: z.number().int().nonnegative().nullable().describe('Days after joining (or after the assignment was made, for people already there).'),
  renews: z.boolean().describe('Due again whenever the learner\'s certificate expires.'),
  createdAt: dateTime,
}).describe('A course the organization requires of its people (an assignment in force).').register(apiSchemas, { id: 'Assignment' });

export const courseSchema = z.object({
  id,
  slug: z.string(),
  title: z.string(),
  summary: z.string(),
  language: z.string(),
  minutes: z.number().int().nonnegative().describe('About how long it takes.'),
  hours: z.number().nullable().describe('The hours printed on its certificate.'),
  validityMonths: z.number().int().positive().nullable().describe('How long its certificate is valid; null: for good.'),
  version: z.string().describe('The published version\'s content hash.'),
  assigned: z.boolean().describe('The organization requires it of someone.'),
}).describe('A published course.').register(apiSchemas, { id: 'Course' });

export const completionSchema = z.object({
  learner: z.object({ id, name: z.string(), email: z.string() }),
  unit: unitRefSchema.nullable(),
  course: courseRefSchema,
  status: z.enum(REQUIREMENT_STATUSES),
  percent: z.number().int().min(0).max(100).describe('Of the current round of the course.'),
  dueAt: dateTime.nullable().describe('When it is or was due; null when completed and nothing is due again.'),
  completedAt: dateTime.nullable(),
  expiresAt: dateTime.nullable().describe('When the certificate expires, if it does.'),
}).describe('Where one learner stands in one course the organization requires of them.').register(apiSchemas, { id: 'Completion' });

/** A page of a list: its rows, and the link to the next page (null on the last). */
export function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z.object({
    data: z.array(item),
    next: z.string().nullable().describe('The URL of the next page, with the same filters; null on the last page.'),
  }).register(apiSchemas, { id: name });
}

export const learnerPageSchema = pageSchema(learnerSchema, 'LearnerPage');
export const assignmentPageSchema = pageSchema(assignmentSchema, 'AssignmentPage');
export const coursePageSchema = pageSchema(courseSchema, 'CoursePage');
export const completionPageSchema = pageSchema(completionSchema, 'CompletionPage');

export const problemSchema = z.object({
  type: z.string().describe('A URI naming the kind of problem (`tag:bridgework,2026:problem:<id>`).'),
  title: z.string().describe('A short summary of the kind of problem.'),
  status: z.number().int().min(400).max(599),
  detail: z.string().describe('What went wrong with this request, for a person to read.'),
  id: z.enum(ERROR_IDS).describe('The stable error id, for programs to compare.'),
  parameter: z.string().optional().describe('For `invalid_parameter`: the query parameter at fault.'),
}).describe('RFC 9457 problem details; every error of the API has this shape.').register(apiSchemas, { id: 'Problem' });

export type LearnerOut = z.infer<typeof learnerSchema>;
export type AssignmentOut = z.infer<typeof assignmentSchema>;
export type CourseOut = z.infer<typeof courseSchema>;
export type CompletionOut = z.infer<typeof completionSchema>;
