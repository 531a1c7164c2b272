// Who may download and erase which account's data: a person their own, only. The last active
// administrator may not erase their account (the site must keep one; the same rule as
// src/admin/users-service.ts), said before the form rather than after the password.
import type { SessionUser } from '../accounts/types';
import { holds } from '../access/holds';
import { allow, deny, type Decision } from '../access/policy';

export type OwnDataAction = 'export' | 'erase';

export function canOwnData(user: SessionUser, action: OwnDataAction, facts: { lastActiveAdmin: boolean }): Decision {
  if (!holds(user, 'account:edit', { ownerId: user.id })) return deny();
  if (action === 'erase' && facts.lastActiveAdmin) return deny('last_admin', 409);
  return allow;
}
