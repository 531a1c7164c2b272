// The administrator's side of organizations: the list, creating one, and naming its managers
// (an existing account by email, or a new person who gets a personal link). HTTP only.
import { Router, type Request, type Response } from 'express';
import { requires } from '../http/guards';
import { auditOrigin } from '../audit/record';
import { showErrorsOnForm } from '../http/error-handler';
import type { FieldErrors } from '../http/validate';
import type { OrganizationService } from './service';
import type { IssuedLink } from './invitations';
import { managerSchema, newPersonNameSchema, organizationSchema, parseOrgForm } from './schemas';
import { keptValues, loadOrganization, orgPaths } from './route-helpers';
import { ORGANIZATION_TYPES } from './types';

const NAMED = ['added', 'promoted', 'emailed'] as const;

export function adminOrganizationRoutes({ organizations, unprintableCharacters }: {
  organizations: OrganizationService;
  unprintableCharacters: (name: string) => string[];
}): Router {
  const router = Router();
  const admin = requires('organization:manage');

  async function showList(res: Response, values: Record<string, string> = {}, errors: FieldErrors = {}, status = 200) {
    const list = await organizations.list();
    res.page('admin/organizations', { title: res.locals.t('adminOrg.title'), list, values, errors, types: ORGANIZATION_TYPES, paths: orgPaths }, status);
  }

  async function showOrganization(req: Request, res: Response, o: { values?: Record<string, string>; errors?: FieldErrors; issued?: IssuedLink[]; status?: number } = {}) {
    const { org } = await loadOrganization(req, organizations, 'administer');
    const [managers, units] = await Promise.all([organizations.managers(org.id), organizations.units(org.id)]);
    const named = NAMED.find((n) => n === req.query.named) ?? null;
    res.page('admin/organization', {
      title: org.name, org, managers, units, named, created: req.query.created === '1',
      values: o.values ?? {}, errors: o.errors ?? {}, issued: o.issued ?? null, paths: orgPaths,
    }, o.status ?? 200);
  }

  router.get('/admin/organizations', admin, (_req, res) => showList(res));

  router.post('/admin/organizations', admin, async (req, res) => {
    const form = parseOrgForm(organizationSchema, req.body);
    if (!form.ok) return showList(res, keptValues(req.body), form.errors, 422);
    showErrorsOnForm(res, async (err) => {
      if (err.id !== 'organization_name_taken') return false;
      await showList(res, keptValues(req.body), { name: 'org.validation.nameTaken' }, 409);
      return true;
    });
    const id = await organizations.create(req.user!, form.data, auditOrigin(req));
    res.redirect(303, `${orgPaths.adminOrganization(id)}?created=1`);
  });

  router.get('/admin/organizations/:orgId', admin, (req, res) => showOrganization(req, res));

  router.post('/admin/organizations/:orgId/managers', admin, async (req, res) => {
    const values = keptValues(req.body);
    const form = parseOrgForm(managerSchema, req.body);
    if (!form.ok) return showOrganization(req, res, { values, errors: form.errors, status: 422 });
    let displayName = '';
    if (form.data.displayName) {
      const name = parseOrgForm(newPersonNameSchema, { displayName: form.data.displayName });
      if (!name.ok) return showOrganization(req, res, { values, errors: name.errors, status: 422 });
      const bad = unprintableCharacters(name.data.displayName);
      if (bad.length) return showOrganization(req, res, { values, errors: { displayName: { key: 'validation.nameUnprintable', params: { characters: bad.join(' ') } } }, status: 422 });
      displayName = name.data.displayName;
    }
    showErrorsOnForm(res, async (err) => {
      if (err.id !== 'already_in_organization') return false;
      await showOrganization(req, res, { values, errors: { email: 'org.validation.inOtherOrganization' }, status: 409 });
      return true;
    });
    const { org } = await loadOrganization(req, organizations, 'administer');
    const result = await organizations.nameManager(req.user!, org.id, { email: form.data.email, displayName }, auditOrigin(req));
    if (result.kind === 'nameNeeded') return showOrganization(req, res, { values, errors: { displayName: 'org.validation.managerNameNeeded' }, status: 422 });
    if (result.kind === 'invited' && result.links.length) return showOrganization(req, res, { issued: result.links });
    res.redirect(303, `${orgPaths.adminOrganization(org.id)}?named=${result.kind === 'invited' ? 'emailed' : result.kind}`);
  });

  return router;
}
