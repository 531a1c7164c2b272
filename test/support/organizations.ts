// Organizations for tests, made through the organization service as an administrator makes them:
// an organization, its manager (signed in), units, members and open invitation links.
import crypto from 'node:crypto';
import type { TestApp } from './app';
import type { SessionUser } from '../../src/accounts/types';
import { makeUser, signIn, type MadeUser, type SignedIn } from './factories';
import type { OrganizationType } from '../../src/organizations/types';

export interface MadeOrganization {
  id: number;
  name: string;
  admin: SessionUser;
  manager: MadeUser & SignedIn;
}

let counter = 0;

/** An organization with a manager (an existing account, named by an administrator), signed in. */
export async function makeOrganization(t: TestApp, o: { name?: string; type?: OrganizationType; admin?: SessionUser } = {}): Promise<MadeOrganization> {
  const admin = o.admin ?? (await makeUser(t, { role: 'admin', name: 'Org Admin' })).user;
  const name = o.name ?? `Organization ${++counter}-${crypto.randomBytes(3).toString('hex')}`;
  const id = await t.services.organizations.create(admin, { name, type: o.type ?? 'police' });
  const made = await makeUser(t, { name: `Manager of ${name}` });
  await t.services.organizations.nameManager(admin, id, { email: made.email, displayName: '' });
  const user = (await t.services.accounts.findUser(made.user.id))!;
  return { id, name, admin, manager: { ...made, user, ...(await signIn(t, user)) } };
}

/** A user who belongs to the organization (in the unit, when given), signed in. */
export async function makeMember(t: TestApp, organizationId: number, o: { name?: string; unitId?: number | null; role?: 'member' | 'manager' } = {}): Promise<MadeUser & SignedIn> {
  const made = await makeUser(t, { name: o.name ?? 'Org Member' });
  const org = await t.services.organizations.find(organizationId);
  const { link } = await t.services.organizations.invitations.createOpen(org, { unitId: o.unitId ?? null, expiresInDays: 7, maxUses: 1 }, made.user.id);
  await t.services.organizations.invitations.join(made.user, link.split('/join/')[1]);
  if (o.role === 'manager') await t.services.organizations.setMemberRole(organizationId, made.user.id, 'manager');
  const user = (await t.services.accounts.findUser(made.user.id))!;
  return { ...made, user, ...(await signIn(t, user)) };
}

/** An open invitation link's token. */
export async function makeInvitation(t: TestApp, organizationId: number, o: { unitId?: number | null; expiresInDays?: number; maxUses?: number; by: number }): Promise<string> {
  const org = await t.services.organizations.find(organizationId);
  const { link } = await t.services.organizations.invitations.createOpen(org, { unitId: o.unitId ?? null, expiresInDays: o.expiresInDays ?? 14, maxUses: o.maxUses ?? 10 }, o.by);
  return link.split('/join/')[1];
}
