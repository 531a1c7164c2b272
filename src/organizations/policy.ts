// Who may do what to an organization. Every rule starts with the tenant check: `holds` is asked
// about this organization's id, so a manager of one organization is refused every other one, and
// is refused in a way that reveals nothing (to them, another organization's pages do not exist).
import type { SessionUser } from '../accounts/types';
import { holds } from '../access/holds';
import { allow, deny, hidden, type Decision } from '../access/policy';

export type OrganizationAction =
  /** See the organization's page: its people, units, links, assignments. */
  | 'view'
  /** Change people's units and roles, remove people. */
  | 'manageMembers'
  | 'manageUnits'
  /** Make, list and revoke invitation links; import staff files. */
  | 'invite'
  /** Require courses of the organization, a unit or a person. */
  | 'assign'
  /** The administrator's side: see it in the list of organizations, name its managers. */
  | 'administer'
  /** Make and revoke the organization's reporting API tokens (src/api/). */
  | 'manageApiTokens';

export function canOrganization(user: SessionUser, action: OrganizationAction, org: { id: number }): Decision {
  const target = { organizationId: org.id };
  switch (action) {
    case 'administer':
      return holds(user, 'organization:manage', target) ? allow : deny();
    case 'view':
    case 'manageMembers':
    case 'manageUnits':
    case 'invite':
    case 'assign':
      return holds(user, 'member:manage', target) ? allow : hidden;
    case 'manageApiTokens':
      return holds(user, 'api-token:manage', target) ? allow : hidden;
  }
}

/** What the user may do here, for a view to show only the buttons that will work. */
export function organizationActions(user: SessionUser, org: { id: number }): Record<OrganizationAction, boolean> {
  const actions: OrganizationAction[] = ['view', 'manageMembers', 'manageUnits', 'invite', 'assign', 'administer', 'manageApiTokens'];
  return Object.fromEntries(actions.map((a) => [a, canOrganization(user, a, org).allowed])) as Record<OrganizationAction, boolean>;
}

/** Leaving is a member's own act on their own membership; there is nothing to leave without one. */
export function canLeave(user: SessionUser): Decision {
  return user.membership && holds(user, 'account:edit', { ownerId: user.id }) ? allow : hidden;
}
