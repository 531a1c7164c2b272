// A manager's pages for their organization: the overview, units, members and invitation links;
// and `organizationRoutes`, every organization route of the app in one router (the administrator's,
// the staff import, required training, joining and leaving). HTTP only: the policy is asked
// through loadOrganization before anything of an organization is read or changed.
import { Router, type Request, type Response } from 'express';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import { requires } from '../http/guards';
import { auditOrigin } from '../audit/record';
import { badRequest, notFound } from '../http/errors';
import { showErrorsOnForm } from '../http/error-handler';
import type { FieldErrors } from '../http/validate';
import { MEMBERS_PER_PAGE, type OrganizationService } from './service';
import type { IssuedLink } from './invitations';
import { invitationSchema, memberFilterSchema, memberRoleSchema, memberUnitSchema, parseOrgForm, unitSchema } from './schemas';
import { idParam, keptValues, loadOrganization, orgPaths } from './route-helpers';
import { adminOrganizationRoutes } from './admin-routes';
import { importRoutes } from './import-routes';
import { assignmentRoutes } from './assignment-routes';
import { joinRoutes } from './join-routes';

export interface OrganizationRouteDeps {
  organizations: OrganizationService;
  /** Characters of a name no certificate can print (a name typed for a new account is checked). */
  unprintableCharacters: (name: string) => string[];
  /** For the join page's rate limit, counted in the database like the others. */
  db: Db;
  clock: Clock;
}

export function organizationRoutes(deps: OrganizationRouteDeps): Router {
  const router = Router();
  router.use(adminOrganizationRoutes(deps));
  router.use(managerRoutes(deps));
  router.use(importRoutes(deps));
  router.use(assignmentRoutes(deps));
  router.use(joinRoutes(deps));
  return router;
}

const UNIT_NOTICES = ['added', 'renamed'] as const;
const MEMBER_NOTICES = ['unit', 'role'] as const;

function managerRoutes({ organizations }: OrganizationRouteDeps): Router {
  const router = Router();
  const manage = requires('member:manage');
  const notice = <T extends string>(req: Request, allowed: readonly T[]): T | null => allowed.find((n) => n === req.query.done) ?? null;

  /** The navigation link: a manager's own organization. */
  router.get('/organization', manage, (req, res) => {
    res.redirect(303, orgPaths.overview(req.user!.membership!.organizationId));
  });

  router.get('/organizations/:orgId', manage, async (req, res) => {
    const { org, can } = await loadOrganization(req, organizations, 'view');
    const [members, units, invitations, assignments] = await Promise.all([
      organizations.members(org.id), organizations.units(org.id), organizations.invitations.list(org.id), organizations.assignments.list(org.id),
    ]);
    res.page('organizations/overview', {
      title: org.name, org, can, paths: orgPaths,
      counts: {
        members: members.length, managers: members.filter((m) => m.role === 'manager').length, waiting: members.filter((m) => !m.claimed).length,
        units: units.length, links: invitations.open.filter((i) => i.state === 'usable').length, assignments: assignments.length,
      },
    });
  });

  // ---- Units ----

  async function showUnits(req: Request, res: Response, o: { values?: Record<string, string>; errors?: FieldErrors; status?: number } = {}) {
    const { org, can } = await loadOrganization(req, organizations, 'manageUnits');
    const units = await organizations.units(org.id);
    res.page('organizations/units', {
      title: `${res.locals.t('org.units.title')} · ${org.name}`, org, can, units, paths: orgPaths,
      values: o.values ?? {}, errors: o.errors ?? {}, done: notice(req, UNIT_NOTICES),
    }, o.status ?? 200);
  }

  router.get('/organizations/:orgId/units', manage, (req, res) => showUnits(req, res));

  router.post('/organizations/:orgId/units', manage, async (req, res) => {
    const { org } = await loadOrganization(req, organizations, 'manageUnits');
    const form = parseOrgForm(unitSchema, req.body);
    if (!form.ok) return showUnits(req, res, { values: keptValues(req.body), errors: form.errors, status: 422 });
    showErrorsOnForm(res, async (err) => {
      if (err.id !== 'unit_name_taken') return false;
      await showUnits(req, res, { values: keptValues(req.body), errors: { name: 'org.validation.unitTaken' }, status: 409 });
      return true;
    });
    await organizations.addUnit(org.id, form.data.name);
    res.redirect(303, `${orgPaths.units(org.id)}?done=added`);
  });

  router.post('/organizations/:orgId/units/:unitId', manage, async (req, res) => {
    const { org } = await loadOrganization(req, organizations, 'manageUnits');
    const unitId = idParam(req, 'unitId');
    const field = `name-${unitId}`;
    const form = parseOrgForm(unitSchema, req.body);
    const values = { [field]: typeof req.body?.name === 'string' ? req.body.name : '' };
    if (!form.ok) return showUnits(req, res, { values, errors: { [field]: form.errors.name }, status: 422 });
    showErrorsOnForm(res, async (err) => {
      if (err.id !== 'unit_name_taken') return false;
      await showUnits(req, res, { values, errors: { [field]: 'org.validation.unitTaken' }, status: 409 });
      return true;
    });
    await organizations.renameUnit(org.id, unitId, form.data.name);
    res.redirect(303, `${orgPaths.units(org.id)}?done=renamed`);
  });

  // ---- Members ----

  router.get('/organizations/:orgId/members', manage, async (req, res) => {
    const { org, can } = await loadOrganization(req, organizations, 'manageMembers');
    const filter = memberFilterSchema.safeParse(req.query);
    const units = await organizations.units(org.id);
    if (!filter.success) throw badRequest('bad_request', { key: 'org.members.badFilter' });
    const { unit, page } = filter.data;
    const unitId = unit === '' ? undefined : unit === 'none' ? null : Number(unit);
    if (typeof unitId === 'number' && !units.some((u) => u.id === unitId)) throw badRequest('bad_request', { key: 'org.members.badFilter' });
    const all = await organizations.members(org.id, unitId);
    const pages = Math.max(1, Math.ceil(all.length / MEMBERS_PER_PAGE));
    if (page > pages) throw badRequest('bad_request', { key: 'org.members.badPage' });
    res.page('organizations/members', {
      title: `${res.locals.t('org.members.title')} · ${org.name}`, org, can, units, paths: orgPaths,
      members: all.slice((page - 1) * MEMBERS_PER_PAGE, page * MEMBERS_PER_PAGE), total: all.length, page, pages, unit,
      removed: req.query.done === 'removed',
    });
  });

  async function showMember(req: Request, res: Response, o: { issued?: IssuedLink[]; emailed?: number; problem?: string; status?: number } = {}) {
    const { org, can } = await loadOrganization(req, organizations, 'manageMembers');
    const userId = idParam(req, 'userId');
    const [members, units] = await Promise.all([organizations.members(org.id), organizations.units(org.id)]);
    const member = members.find((m) => m.userId === userId);
    if (!member) throw notFound();
    res.page('organizations/member', {
      title: `${member.displayName} · ${org.name}`, org, can, member, units, paths: orgPaths, self: member.userId === req.user!.id,
      done: notice(req, MEMBER_NOTICES), issued: o.issued ?? null, emailed: o.emailed ?? 0, problem: o.problem ?? null,
    }, o.status ?? 200);
  }

  /** The one problem a member's forms can have that is not a bad value: the last manager must stay. */
  const lastManagerOnPage = (req: Request, res: Response) => showErrorsOnForm(res, async (err) => {
    if (err.id !== 'last_manager') return false;
    await showMember(req, res, { problem: 'errors.last_manager.message', status: 409 });
    return true;
  });

  router.get('/organizations/:orgId/members/:userId', manage, (req, res) => showMember(req, res));

  router.post('/organizations/:orgId/members/:userId/unit', manage, async (req, res) => {
    const { org } = await loadOrganization(req, organizations, 'manageMembers');
    const form = parseOrgForm(memberUnitSchema, req.body);
    if (!form.ok) throw badRequest();
    await organizations.setMemberUnit(org.id, idParam(req, 'userId'), form.data.unitId);
    res.redirect(303, `${orgPaths.member(org.id, idParam(req, 'userId'))}?done=unit`);
  });

  router.post('/organizations/:orgId/members/:userId/role', manage, async (req, res) => {
    const { org } = await loadOrganization(req, organizations, 'manageMembers');
    const form = parseOrgForm(memberRoleSchema, req.body);
    if (!form.ok) throw badRequest();
    lastManagerOnPage(req, res);
    const userId = idParam(req, 'userId');
    await organizations.setMemberRole(org.id, userId, form.data.role);
    // A manager who made themselves a member can no longer see this page.
    if (userId === req.user!.id && form.data.role === 'member') return res.redirect(303, '/dashboard');
    res.redirect(303, `${orgPaths.member(org.id, userId)}?done=role`);
  });

  router.post('/organizations/:orgId/members/:userId/remove', manage, async (req, res) => {
    const { org } = await loadOrganization(req, organizations, 'manageMembers');
    const userId = idParam(req, 'userId');
    lastManagerOnPage(req, res);
    await organizations.removeMember(org.id, userId, req.user!, auditOrigin(req));
    if (userId === req.user!.id) return res.redirect(303, '/dashboard');
    res.redirect(303, `${orgPaths.members(org.id)}?done=removed`);
  });

  router.post('/organizations/:orgId/members/:userId/link', manage, async (req, res) => {
    const { org } = await loadOrganization(req, organizations, 'invite');
    const sent = await organizations.invitations.reissue(org, idParam(req, 'userId'), req.user!.id);
    await showMember(req, res, { issued: sent.links, emailed: sent.emailed });
  });

  // ---- Invitation links ----

  async function showInvitations(req: Request, res: Response, o: { values?: Record<string, string>; errors?: FieldErrors; created?: string; status?: number } = {}) {
    const { org, can } = await loadOrganization(req, organizations, 'invite');
    const [units, invitations] = await Promise.all([organizations.units(org.id), organizations.invitations.list(org.id)]);
    res.page('organizations/invitations', {
      title: `${res.locals.t('org.invitations.title')} · ${org.name}`, org, can, units, ...invitations, paths: orgPaths,
      values: o.values ?? { expiresInDays: '14', maxUses: '50' }, errors: o.errors ?? {}, created: o.created ?? null, revoked: req.query.done === 'revoked',
    }, o.status ?? 200);
  }

  router.get('/organizations/:orgId/invitations', manage, (req, res) => showInvitations(req, res));

  router.post('/organizations/:orgId/invitations', manage, async (req, res) => {
    const { org } = await loadOrganization(req, organizations, 'invite');
    const form = parseOrgForm(invitationSchema, req.body);
    if (!form.ok) return showInvitations(req, res, { values: keptValues(req.body), errors: form.errors, status: 422 });
    const units = await organizations.units(org.id);
    if (form.data.unitId !== null && !units.some((u) => u.id === form.data.unitId)) {
      return showInvitations(req, res, { values: keptValues(req.body), errors: { unitId: 'org.validation.choice' }, status: 422 });
    }
    const { link } = await organizations.invitations.createOpen(org, form.data, req.user!.id);
    // The link is shown this once, in full: only its hash is kept.
    await showInvitations(req, res, { created: link });
  });

  router.post('/organizations/:orgId/invitations/:invitationId/revoke', manage, async (req, res) => {
    const { org } = await loadOrganization(req, organizations, 'invite');
    await organizations.invitations.revoke(org.id, idParam(req, 'invitationId'));
    res.redirect(303, `${orgPaths.invitations(org.id)}?done=revoked`);
  });

  return router;
}
