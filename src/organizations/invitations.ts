// Invitations: open links a manager shares (with an expiry, a usage limit and a unit), personal
// links for one person (an account made for them by an import or an administrator), and joining
// through either. A link is shown in full once, when made; only its hash is kept.
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { AccountService } from '../accounts/service';
import type { SessionUser } from '../accounts/types';
import { HttpError, conflict, notFound } from '../http/errors';
import { hashToken, isTokenShaped, newToken } from './tokens';
import { invitationMessage, type MailDependency } from './mail';
import * as store from './store';
import type { Invitation, InvitationState, Organization, OrganizationRole } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long a personal link (to choose a password and join) stays usable; a manager can make a new one. */
export const PERSONAL_INVITATION_DAYS = 30;

export interface InvitationDeps {
  db: Db;
  clock: Clock;
  accounts: AccountService;
  baseUrl: string;
  mail?: MailDependency;
  findOrganization(id: number): Promise<Organization>;
}

/** A link made for one person: given to the manager to copy when no email is sent. */
export interface IssuedLink {
  email: string;
  displayName: string;
  link: string;
}

export interface PersonToInvite {
  userId: number;
  email: string;
  displayName: string;
  unitId: number | null;
  role: OrganizationRole;
}

export type InvitationWithState = Invitation & { state: InvitationState };

/** What the join page shows about a link, whoever follows it. */
export interface JoinOffer {
  invitation: InvitationWithState;
  organization: Organization;
  /** For a personal link: the account it is for, and whether it still needs a password. */
  person: { id: number; email: string; displayName: string; claimed: boolean } | null;
}

export function invitationState(i: Invitation, now: Date): InvitationState {
  if (i.revokedAt) return 'revoked';
  if (i.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (i.uses >= i.maxUses) return 'used';
  return 'usable';
}

/** A link that cannot be used: gone for good (410), with what happened to it. */
export function unusable(state: Exclude<InvitationState, 'usable'>): HttpError {
  return new HttpError(410, 'invitation_unusable', { key: `errors.invitation_unusable.${state}` });
}

export function createInvitationService({ db, clock, accounts, baseUrl, mail, findOrganization }: InvitationDeps) {
  const linkFor = (token: string) => `${baseUrl.replace(/\/$/, '')}/join/${token}`;
  const withState = (i: Invitation): InvitationWithState => ({ ...i, state: invitationState(i, clock.now()) });

  /** The unit must be one of this organization's (an id from elsewhere finds nothing). */
  async function checkUnit(organizationId: number, unitId: number | null): Promise<void> {
    if (unitId === null) return;
    const units = await store.listUnits(db, organizationId);
    if (!units.some((u) => u.id === unitId)) throw notFound();
  }

  async function loadOffer(token: string): Promise<JoinOffer> {
    const invitation = isTokenShaped(token) ? await store.findInvitationByHash(db, hashToken(token)) : null;
    if (!invitation) throw notFound();
    const organization = await findOrganization(invitation.organizationId);
    let person: JoinOffer['person'] = null;
    if (invitation.userId !== null) {
      const [p] = await accounts.findPeople({ ids: [invitation.userId] });
      if (!p) throw notFound();
      person = p;
    }
    return { invitation: withState(invitation), organization, person };
  }

  function requireUsable(offer: JoinOffer): void {
    if (offer.invitation.state !== 'usable') throw unusable(offer.invitation.state);
  }

  /** Spends one use and makes the membership, in the caller's transaction; a race for the last use loses cleanly. */
  async function spend(trx: Db, invitation: Invitation, userId: number, alreadyMember: boolean): Promise<void> {
    if (!(await store.useInvitation(trx, invitation.id, clock.now()))) throw unusable('used');
    if (!alreadyMember) {
      await store.insertMemberships(trx, [{ userId, organizationId: invitation.organizationId, unitId: invitation.unitId, role: invitation.role, joinedAt: clock.now() }]);
    }
  }

  return {
    /**
     * Personal links for people whose accounts the caller has just made (or who were asked to
     * join), in the caller's transaction: emailed when mail is enabled, else returned to be listed.
     */
    async issuePersonal(trx: Db, org: Organization, people: PersonToInvite[], createdBy: number): Promise<{ links: IssuedLink[]; emailed: number }> {
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + PERSONAL_INVITATION_DAYS * DAY_MS);
      const made = people.map((p) => ({ p, ...newToken() }));
      await store.insertInvitations(trx, made.map(({ p, hash }) => ({
        organizationId: org.id, unitId: p.unitId, tokenHash: hash, role: p.role, expiresAt, maxUses: 1,
        email: p.email, displayName: p.displayName, userId: p.userId, createdBy, now,
      })));
      if (mail?.enabled) {
        for (const { p, token, hash } of made) {
          await mail.enqueue(trx, invitationMessage({
            to: p.email, name: p.displayName, organizationName: org.name, link: linkFor(token), expiresAt, tokenHash: hash, manager: p.role === 'manager',
          }));
        }
        return { links: [], emailed: made.length };
      }
      return { links: made.map(({ p, token }) => ({ email: p.email, displayName: p.displayName, link: linkFor(token) })), emailed: 0 };
    },

    /** A new personal link for a member who has not yet chosen a password; earlier links stop working. */
    async reissue(org: Organization, userId: number, createdBy: number): Promise<{ links: IssuedLink[]; emailed: number }> {
      const membership = await store.findMembership(db, userId);
      const [person] = await accounts.findPeople({ ids: [userId] });
      // Only an account still waiting for its owner needs a link; anyone else signs in.
      if (!membership || membership.organizationId !== org.id || !person || person.claimed) throw notFound();
      return db.transaction(async (trx) => {
        await store.revokeInvitationsOfUser(trx, org.id, userId, clock.now());
        return this.issuePersonal(trx, org, [{ userId, email: person.email, displayName: person.displayName, unitId: membership.unitId, role: membership.role }], createdBy);
      });
    },

    /** An open link to share: anyone who follows it (and signs in) joins, until it expires or is used up. */
    async createOpen(org: Organization, o: { unitId: number | null; expiresInDays: number; maxUses: number }, createdBy: number): Promise<{ link: string }> {
      await checkUnit(org.id, o.unitId);
      const { token, hash } = newToken();
      const now = clock.now();
      await store.insertInvitations(db, [{
        organizationId: org.id, unitId: o.unitId, tokenHash: hash, role: 'member', expiresAt: new Date(now.getTime() + o.expiresInDays * DAY_MS),
        maxUses: o.maxUses, email: null, displayName: null, userId: null, createdBy, now,
      }]);
      return { link: linkFor(token) };
    },

    async list(organizationId: number): Promise<{ open: InvitationWithState[]; personal: InvitationWithState[] }> {
      const [open, personal] = await Promise.all([
        store.listInvitations(db, organizationId, { personal: false, limit: 200 }),
        store.listInvitations(db, organizationId, { personal: true, limit: 200 }),
      ]);
      return { open: open.map(withState), personal: personal.map(withState) };
    },

    /** Revokes a link of this organization; one already revoked stays so (a double submit is harmless). */
    async revoke(organizationId: number, id: number): Promise<void> {
      if (!(await store.findInvitation(db, organizationId, id))) throw notFound();
      await store.revokeInvitation(db, organizationId, id, clock.now());
    },

    /** What a link offers, for the join page. An unknown or malformed token is a 404. */
    offer: loadOffer,

    /**
     * The signed-in user joins through the link. Refused, with nothing written, when the link is
     * not usable, is someone else's, or the user belongs to another organization.
     */
    async join(user: SessionUser, token: string): Promise<{ organization: Organization; alreadyMember: boolean }> {
      const offer = await loadOffer(token);
      requireUsable(offer);
      const { invitation, organization } = offer;
      if (invitation.userId !== null && invitation.userId !== user.id) throw new HttpError(403, 'invitation_other_account');
      const membership = await store.findMembership(db, user.id);
      if (membership && membership.organizationId !== invitation.organizationId) throw conflict('already_in_organization');
      // Following an open link again changes nothing; a personal link is spent either way.
      if (membership && invitation.userId === null) return { organization, alreadyMember: true };
      await db.transaction((trx) => spend(trx, invitation, user.id, membership !== null));
      return { organization, alreadyMember: membership !== null };
    },

    /**
     * Someone whose account was made for them follows their personal link and chooses a password
     * (and may correct their name): the account is theirs and they are signed in.
     */
    async claim(token: string, input: { displayName: string; password: string }): Promise<SessionUser> {
      const offer = await loadOffer(token);
      requireUsable(offer);
      const { invitation, person } = offer;
      if (!person || person.claimed) throw new HttpError(403, 'invitation_other_account');
      const passwordHash = await accounts.hashNewPassword(input.password);
      return db.transaction(async (trx) => {
        const membership = await store.findMembership(trx, person.id);
        if (membership && membership.organizationId !== invitation.organizationId) throw conflict('already_in_organization');
        await spend(trx, invitation, person.id, membership !== null);
        if (input.displayName !== person.displayName) await accounts.setDisplayName(trx, person.id, input.displayName);
        const user = await accounts.claimAccount(trx, person.id, passwordHash);
        if (!user) throw unusable('used');
        return user;
      });
    },
  };
}

export type InvitationService = ReturnType<typeof createInvitationService>;
