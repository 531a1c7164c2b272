// A manager's required training: assign a published course to the organization, a unit or one
// member, due on a date or within days of joining, renewed or not; list and remove. HTTP only.
import { Router, type Request, type Response } from 'express';
import { requires } from '../http/guards';
import type { FieldErrors } from '../http/validate';
import { assignmentSchema, parseOrgForm } from './schemas';
import { idParam, isoDay, keptValues, loadOrganization, orgPaths } from './route-helpers';
import type { OrganizationRouteDeps } from './routes';

const DAY_MS = 24 * 60 * 60 * 1000;
const NOTICES = ['added', 'removed'] as const;

export function assignmentRoutes({ organizations, clock }: OrganizationRouteDeps): Router {
  const router = Router();
  const manage = requires('member:manage');

  async function show(req: Request, res: Response, o: { values?: Record<string, string>; errors?: FieldErrors; status?: number } = {}) {
    const { org, can } = await loadOrganization(req, organizations, 'assign');
    const [assignments, courses, units, members] = await Promise.all([
      organizations.assignments.list(org.id), organizations.assignments.courses(), organizations.units(org.id), organizations.members(org.id),
    ]);
    // Only the people named by an assignment are shown; the form takes an email, not a list of everyone.
    const unitNames = new Map(units.map((u) => [u.id, u.name]));
    const memberNames = new Map(members.map((m) => [m.userId, m.displayName]));
    const rows = assignments.map((a) => ({
      ...a,
      targetName: a.target === 'unit' ? unitNames.get(a.unitId!) ?? null : a.target === 'user' ? memberNames.get(a.userId!) ?? null : null,
    }));
    const defaults = { target: 'organization', dueKind: 'date', dueDate: isoDay(new Date(clock.now().getTime() + 30 * DAY_MS)), withinDays: '30' };
    res.page('organizations/assignments', {
      title: `${res.locals.t('org.assignments.title')} · ${org.name}`, org, can, rows, courses, units, paths: orgPaths,
      values: o.values ?? defaults, errors: o.errors ?? {}, done: NOTICES.find((n) => n === req.query.done) ?? null, today: isoDay(clock.now()),
    }, o.status ?? 200);
  }

  router.get('/organizations/:orgId/assignments', manage, (req, res) => show(req, res));

  router.post('/organizations/:orgId/assignments', manage, async (req, res) => {
    const { org } = await loadOrganization(req, organizations, 'assign');
    const form = parseOrgForm(assignmentSchema, req.body);
    if (!form.ok) return show(req, res, { values: keptValues(req.body), errors: form.errors, status: 422 });
    const person = form.data.target === 'user' ? (await organizations.members(org.id)).find((m) => m.email === form.data.person) : undefined;
    const made = await organizations.assignments.create(org, { ...form.data, userId: person?.userId ?? null }, req.user!.id);
    if (!made.ok) return show(req, res, { values: keptValues(req.body), errors: made.errors, status: 422 });
    res.redirect(303, `${orgPaths.assignments(org.id)}?done=added`);
  });

  router.post('/organizations/:orgId/assignments/:assignmentId/remove', manage, async (req, res) => {
    const { org } = await loadOrganization(req, organizations, 'assign');
    await organizations.assignments.remove(org.id, idParam(req, 'assignmentId'));
    res.redirect(303, `${orgPaths.assignments(org.id)}?done=removed`);
  });

  return router;
}
