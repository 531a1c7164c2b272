// Staff issue a one-time password link for someone to choose a new password when no email can
// carry it: an administrator for anyone, an organization's manager for its learners. HTTP only.
import { Router, type Request, type Response } from 'express';
import type { PasswordResets } from './password-reset';
import { requires } from '../http/guards';
import { holds } from '../access/holds';
import { forbidden, notFound } from '../http/errors';
import { idParam } from '../organizations/route-helpers';
import { byRequest } from '../audit/record';

export function passwordLinkRoutes({ resets }: { resets: PasswordResets }): Router {
  const router = Router();

  async function issueAndShow(req: Request, res: Response, back: string, organizationId?: number) {
    const issued = await resets.issueLinkFor(idParam(req, 'userId'), organizationId, byRequest(req));
    if (!issued) throw notFound();
    res.page('accounts/password-link', { title: res.locals.t('passwordLink.title', { name: issued.displayName }), issued, back });
  }

  router.post('/admin/users/:userId/reset-link', requires('user:manage'), (req, res) =>
    issueAndShow(req, res, `/admin/users/${idParam(req, 'userId')}`));

  router.post('/organizations/:orgId/members/:userId/reset-link', requires('member:manage'), async (req, res) => {
    const organizationId = idParam(req, 'orgId');
    // Tenant check: a manager of another organization holds member:manage, but not for this one.
    if (!holds(req.user, 'member:manage', { organizationId })) throw forbidden();
    await issueAndShow(req, res, `/organizations/${organizationId}/members/${idParam(req, 'userId')}`, organizationId);
  });

  return router;
}
