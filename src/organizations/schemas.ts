// One schema per organization form or filter. Messages are translation keys under `org.validation.`
// (shown beside the field); the form keeps what was typed.
import { z } from 'zod';
import { displayName, email, newPassword } from '../accounts/schemas';
import type { FieldErrors, FormResult } from '../http/validate';
import { ORGANIZATION_ROLES } from '../access/capabilities';
import { ASSIGNMENT_TARGETS, ORGANIZATION_TYPES } from './types';

const text = (max: number, required: string, tooLong: string) =>
  z.string().transform((s) => s.normalize('NFC').trim().replace(/\s+/g, ' '))
    .pipe(z.string().min(1, required).max(max, tooLong).refine((s) => !/[\p{Cc}\p{Cs}]/u.test(s), 'org.validation.characters'));

/** A whole number typed in a form, within bounds. */
const count = (min: number, max: number, message: string) =>
  z.string().trim().regex(/^\d{1,6}$/, message).transform(Number).pipe(z.number().int().min(min, message).max(max, message));

/** An id chosen in a select, or nothing ('' or absent): null. */
const optionalId = z.preprocess((v) => (v === undefined || v === '' ? null : v),
  z.union([z.null(), z.string().regex(/^\d{1,9}$/, 'org.validation.choice').transform(Number)]));

const requiredId = (message: string) => z.string({ message }).regex(/^\d{1,9}$/, message).transform(Number);

export const organizationSchema = z.object({
  name: text(200, 'org.validation.nameRequired', 'org.validation.nameTooLong'),
  type: z.enum(ORGANIZATION_TYPES, { message: 'org.validation.typeRequired' }),
});

/** An administrator names a manager: an existing account by email, or a new person with their name. */
export const managerSchema = z.object({
  email,
  displayName: z.string().optional().transform((s) => s?.trim() ?? ''),
});
export const newPersonNameSchema = z.object({ displayName });

export const unitSchema = z.object({
  name: text(200, 'org.validation.unitRequired', 'org.validation.unitTooLong'),
});

export const memberUnitSchema = z.object({ unitId: optionalId });
export const memberRoleSchema = z.object({ role: z.enum(ORGANIZATION_ROLES, { message: 'org.validation.choice' }) });

/** The member list's filter: a unit's id, `none` (in no unit) or nothing; a page number. */
export const memberFilterSchema = z.object({
  unit: z.union([z.literal(''), z.literal('none'), z.string().regex(/^\d{1,9}$/)]).optional().default(''),
  page: z.string().regex(/^\d{1,6}$/).transform(Number).pipe(z.number().int().min(1)).optional().default(1),
});

export const invitationSchema = z.object({
  unitId: optionalId,
  expiresInDays: count(1, 90, 'org.validation.expiresInDays'),
  maxUses: count(1, 5000, 'org.validation.maxUses'),
});

/** YYYY-MM-DD naming a day that exists (Date would read 30 February as 2 March). */
function isRealDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

export const assignmentSchema = z.object({
  courseId: requiredId('org.validation.courseRequired'),
  target: z.enum(ASSIGNMENT_TARGETS, { message: 'org.validation.targetRequired' }),
  unitId: optionalId,
  /** The member, by email (an organization may have thousands: no list to scroll). */
  person: z.string().optional().transform((s) => s?.trim().toLowerCase() ?? ''),
  dueKind: z.enum(['date', 'window'], { message: 'org.validation.dueKindRequired' }),
  dueDate: z.string().optional().transform((s) => s?.trim() ?? ''),
  withinDays: z.string().optional().transform((s) => s?.trim() ?? ''),
  renews: z.preprocess((v) => v === 'on' || v === '1' || v === 'true', z.boolean()),
}).superRefine((a, ctx) => {
  if (a.target === 'unit' && a.unitId === null) ctx.addIssue({ code: 'custom', path: ['unitId'], message: 'org.validation.unitChoice' });
  if (a.target === 'user' && !a.person) ctx.addIssue({ code: 'custom', path: ['person'], message: 'org.validation.personChoice' });
  if (a.dueKind === 'date' && !isRealDate(a.dueDate)) {
    ctx.addIssue({ code: 'custom', path: ['dueDate'], message: 'org.validation.dueDate' });
  }
  if (a.dueKind === 'window' && !(/^\d{1,3}$/.test(a.withinDays) && Number(a.withinDays) >= 1 && Number(a.withinDays) <= 365)) {
    ctx.addIssue({ code: 'custom', path: ['withinDays'], message: 'org.validation.withinDays' });
  }
});
export type AssignmentInput = z.infer<typeof assignmentSchema>;

/** Someone whose account was made for them chooses a password (and may correct their name). */
export const claimSchema = z.object({ displayName, password: newPassword });

/** Like http/validate's parseForm, for messages under `org.` and the account messages (`validation.`) reused here. */
export function parseOrgForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= /^(org|validation)\./.test(issue.message) ? issue.message : 'org.validation.invalid';
  }
  return { ok: false, errors };
}
