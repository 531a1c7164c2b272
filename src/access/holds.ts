// Whether a user holds a capability, over a given record or anywhere at all. The one function every
// policy, route guard and navigation link asks; the grants themselves are data in capabilities.ts.
import type { SessionUser } from '../accounts/types';
import { CAPABILITIES, type CapabilityName, type Grant } from './capabilities';

/** What a capability is exercised over: the organization a record belongs to, or its owner. */
export interface Target {
  organizationId?: number | null;
  ownerId?: number | null;
}

function grantCovers(user: SessionUser, grant: Grant, target: Target | undefined): boolean {
  switch (grant.scope) {
    case 'site':
      return user.role === grant.role;
    case 'own':
      // Without a target the question is "may they do this to their own records at all?".
      return user.role === grant.role && (target === undefined || target.ownerId === user.id);
    case 'organization': {
      const m = user.membership;
      if (!m || m.role !== grant.role) return false;
      // Tenant check: a manager of organization A holds the capability for A, never for B.
      return target === undefined || (target.organizationId != null && target.organizationId === m.organizationId);
    }
  }
}

/**
 * True when one of the capability's grants covers the user (and the target, when one is given).
 * Without a target it answers "does the user hold this anywhere", which is what a route guard
 * asks before the record is loaded; the policy then asks again with the record.
 */
export function holds(user: SessionUser | null | undefined, capability: CapabilityName, target?: Target): boolean {
  if (!user) return false;
  return CAPABILITIES[capability].grants.some((g) => grantCovers(user, g, target));
}

/** Every capability the user holds somewhere: what views are given instead of the role. */
export function heldCapabilities(user: SessionUser | null | undefined): Set<CapabilityName> {
  const held = new Set<CapabilityName>();
  if (!user) return held;
  for (const name of Object.keys(CAPABILITIES) as CapabilityName[]) if (holds(user, name)) held.add(name);
  return held;
}
