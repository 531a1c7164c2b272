// Filling a route pattern's parameters (`/organizations/:orgId`) with real records, for the tests
// that walk the route table (tenant isolation, the access matrix). A parameter the caller has no
// record for fails loudly, naming it, so a new route's parameter is added rather than skipped.

import type { TestApp } from './app';
import type { ReportingOrganization } from './api';
import { makeInvitation } from './organizations';

/** The parameter names of a route pattern, in order. */
export const paramsOf = (path: string): string[] => [...path.matchAll(/:(\w+)/g)].map((m) => m[1]);

/** The pattern with each parameter replaced by its record from `ids`. */
export function fillPath(path: string, ids: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    if (!(name in ids)) throw new Error(`no record for :${name} in ${path}: add one`);
    return encodeURIComponent(ids[name]);
  });
}

/**
 * One of every organization record a route may name, made in organization `a` (an open invitation,
 * a staff file awaiting confirmation, a certificate), as route parameters. `userId` is left to the
 * caller: which person a route is tried on matters to the test. `token` is the invitation's link token.
 */
export async function organizationRecordIds(t: TestApp, a: ReportingOrganization, importedName: string): Promise<Record<string, string>> {
  const token = await makeInvitation(t, a.id, { unitId: a.units.north, by: a.manager.user.id });
  const invitation = (await t.services.organizations.invitations.list(a.id)).open[0].id;
  const org = await t.services.organizations.find(a.id);
  const email = `${importedName.toLowerCase().replace(/[^a-z]+/g, '.')}@example.org`;
  const upload = await t.services.organizations.imports.upload(org, { name: 'staff.csv', bytes: Buffer.from(`name,email\n${importedName},${email}\n`) }, a.manager.user);
  if (!upload.ok) throw new Error('upload failed');
  const certificate = (await t.services.certificates.listForUser(a.people.done.user.id))[0];
  return {
    orgId: String(a.id), unitId: String(a.units.north), invitationId: String(invitation),
    assignmentId: String(a.assignments.followUp), importId: String(upload.importId), tokenId: String(a.token.id),
    courseId: String(a.courses.foundations.id), slug: a.courses.foundations.slug, code: certificate.code, token,
  };
}
