// The administrator's user pages: find users, see one, and change their role or deactivate or
// reactivate them. Every change goes through a confirmation page (a GET that changes nothing)
// whose form makes the change (a POST). HTTP only: the rules are in users-service.ts.
import { Router, type Request } from 'express';
import { requires } from '../http/guards';
import { badRequest } from '../http/errors';
import { idParam } from '../organizations/route-helpers';
import { ROLES, type Role } from '../accounts/types';
import { auditOrigin } from '../audit/record';
import type { UserAdminService } from './users-service';
import type { SecondFactorService } from '../accounts/second-factor';
import { USERS_PAGE_SIZE } from './users-store';

const ACTIONS = ['role', 'deactivate', 'reactivate', 'reset-second-factor'] as const;
type Action = (typeof ACTIONS)[number];
const DONE = ['role', 'deactivated', 'reactivated', 'secondFactorReset'] as const;

const userPath = (id: number) => `/admin/users/${id}`;

function roleFrom(value: unknown): Role {
  const role = ROLES.find((r) => r === value);
  if (!role) throw badRequest();
  return role;
}

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

function pageFrom(value: unknown): number {
  return typeof value === 'string' && /^\d{1,6}$/.test(value) && Number(value) > 0 ? Number(value) : 1;
}

export function adminUserRoutes({ users, secondFactor }: { users: UserAdminService; secondFactor: SecondFactorService }): Router {
  const router = Router();
  const manage = requires('user:manage');

  router.get('/admin/users', manage, async (req, res) => {
    const q = text(req.query.q, 200);
    const page = pageFrom(req.query.page);
    const { users: list, total } = await users.search(q, page);
    const pages = Math.max(1, Math.ceil(total / USERS_PAGE_SIZE));
    res.page('admin/users', { title: res.locals.t('adminUsers.title'), q, page, pages, total, list, userPath });
  });

  router.get('/admin/users/:userId', manage, async (req, res) => {
    const user = await users.find(idParam(req, 'userId'));
    const done = DONE.find((d) => d === req.query.done) ?? null;
    const factor = await secondFactor.status(user.id);
    res.page('admin/user', { title: user.displayName, user, roles: ROLES, done, userPath, secondFactorSince: factor.enabledAt });
  });

  // The confirmation: says what will happen, and carries the change in its form.
  router.get('/admin/users/:userId/confirm', manage, async (req, res) => {
    const user = await users.find(idParam(req, 'userId'));
    const action = ACTIONS.find((a) => a === req.query.action);
    if (!action) throw badRequest();
    const role = action === 'role' ? roleFrom(req.query.role) : null;
    res.page('admin/user-confirm', { title: res.locals.t(`adminUsers.confirm.${action}Title`), user, action, role, userPath });
  });

  async function change(req: Request, action: Action, userId: number): Promise<string | null> {
    const origin = auditOrigin(req);
    if (action === 'role') {
      await users.changeRole(req.user!, userId, roleFrom(req.body?.role), origin);
      return 'role';
    }
    if (action === 'reset-second-factor') {
      // Ends the user's sessions too; they enrol again (administrators must) at their next sign-in.
      await users.find(userId);
      // Nothing to reset (already off, e.g. a second click): nothing is said to be done.
      return (await secondFactor.resetByAdmin(req.user!, userId, origin)) ? 'secondFactorReset' : null;
    }
    if (action === 'deactivate') {
      await users.deactivate(req.user!, userId, origin);
      return 'deactivated';
    }
    await users.reactivate(req.user!, userId, origin);
    return 'reactivated';
  }

  for (const action of ACTIONS) {
    router.post(`/admin/users/:userId/${action}`, manage, async (req, res) => {
      const userId = idParam(req, 'userId');
      const done = await change(req, action, userId);
      res.redirect(303, done ? `${userPath(userId)}?done=${done}` : userPath(userId));
    });
  }

  return router;
}
