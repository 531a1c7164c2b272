// What the organization routes share: their paths, loading the organization a URL names (and
// asking the policy before anything of it is shown), and the values a form keeps after an error.
import type { Request } from 'express';
import { authorize } from '../access/policy';
import { notFound } from '../http/errors';
import { canOrganization, organizationActions, type OrganizationAction } from './policy';
import type { OrganizationService } from './service';
import type { Organization } from './types';

export const orgPaths = {
  mine: '/organization',
  overview: (id: number) => `/organizations/${id}`,
  units: (id: number) => `/organizations/${id}/units`,
  unit: (id: number, unitId: number) => `/organizations/${id}/units/${unitId}`,
  members: (id: number) => `/organizations/${id}/members`,
  member: (id: number, userId: number) => `/organizations/${id}/members/${userId}`,
  invitations: (id: number) => `/organizations/${id}/invitations`,
  revoke: (id: number, invitationId: number) => `/organizations/${id}/invitations/${invitationId}/revoke`,
  import: (id: number) => `/organizations/${id}/import`,
  importPreview: (id: number, importId: number) => `/organizations/${id}/import/${importId}`,
  assignments: (id: number) => `/organizations/${id}/assignments`,
  removeAssignment: (id: number, assignmentId: number) => `/organizations/${id}/assignments/${assignmentId}/remove`,
  apiTokens: (id: number) => `/organizations/${id}/api-tokens`,
  revokeApiToken: (id: number, tokenId: number) => `/organizations/${id}/api-tokens/${tokenId}/revoke`,
  admin: '/admin/organizations',
  adminOrganization: (id: number) => `/admin/organizations/${id}`,
  join: (token: string) => `/join/${encodeURIComponent(token)}`,
  leave: '/account/organization',
};

/**
 * A numeric id from the URL; anything else is a page that does not exist. A form shown again after
 * an error is drawn from the app's error handler, where Express has already reset `req.params`:
 * the route's parameters are kept on the response the first time they are read, for it.
 */
export function idParam(req: Request, name: string): number {
  const locals = req.res!.locals as { routeParams?: Record<string, unknown> };
  if (req.params[name] !== undefined) locals.routeParams = { ...locals.routeParams, ...req.params };
  const raw = String(req.params[name] ?? locals.routeParams?.[name] ?? '');
  if (!/^\d{1,9}$/.test(raw)) throw notFound();
  return Number(raw);
}

/**
 * The organization named by `:orgId`, once the policy allows the user the action on it. To a
 * manager of another organization it does not exist (404), exactly as an unknown id.
 */
export async function loadOrganization(req: Request, organizations: OrganizationService, action: OrganizationAction): Promise<{ org: Organization; can: ReturnType<typeof organizationActions> }> {
  const id = idParam(req, 'orgId');
  const org = await organizations.find(id);
  authorize(canOrganization(req.user!, action, org));
  return { org, can: organizationActions(req.user!, org) };
}

/** What a form shows again after an error: everything typed except passwords and the token. */
export function keptValues(body: Record<string, unknown> | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(body ?? {})) {
    if (typeof v === 'string' && k !== 'password' && k !== '_csrf') values[k] = v;
  }
  return values;
}

/** YYYY-MM-DD of a date, in UTC (how dates are shown), for a date input's value. */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
