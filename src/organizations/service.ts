// The rules of organizations: administrators create them and name their managers; managers keep
// their units and people; a member may leave. Invitations, staff imports, assignments and
// required training are in their own files and reached through this service.
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import type { AccountService } from '../accounts/service';
import type { SessionUser } from '../accounts/types';
import type { LearningService } from '../learning/service';
import type { CertificateService } from '../certificates/service';
import type { CurriculumService } from '../curriculum/service';
import { conflict, notFound } from '../http/errors';
import { createInvitationService, type IssuedLink } from './invitations';
import { createImportService } from './csv-import';
import { createAssignmentService } from './assignments';
import { createRequirementLoader } from './requirements';
import type { MailDependency } from './mail';
import * as store from './store';
import { audit, type AuditOrigin } from '../audit/record';
import type { Member, Organization, OrganizationRole, OrganizationSummary, OrganizationType, UnitWithCount } from './types';

export const MEMBERS_PER_PAGE = 100;

export interface OrganizationDeps {
  db: Db;
  clock: Clock;
  accounts: AccountService;
  learning: LearningService;
  certificates: CertificateService;
  curriculum: CurriculumService;
  /** Where links in invitations point. */
  baseUrl: string;
  /** Sends invitation links by email when given and enabled; otherwise they are listed to copy. */
  mail?: MailDependency;
  /** Characters of a name no certificate can print: an imported name is checked before it is kept. */
  unprintableCharacters?: (name: string) => string[];
}

/** What naming a manager did: promoted or added an account, or made one and invited its owner. */
export type NamedManager =
  | { kind: 'promoted' | 'added'; displayName: string; email: string }
  | { kind: 'invited'; displayName: string; email: string; links: IssuedLink[]; emailed: number }
  | { kind: 'nameNeeded' };

export function createOrganizationService(deps: OrganizationDeps) {
  const { db, clock, accounts } = deps;

  async function findOrganization(id: number): Promise<Organization> {
    const org = await store.findOrganization(db, id);
    if (!org) throw notFound();
    return org;
  }

  const invitations = createInvitationService({ db, clock, accounts, baseUrl: deps.baseUrl, mail: deps.mail, findOrganization });

  /** A manager stays: the last one of an organization may not step down, be removed or leave. */
  async function keepOneManager(trx: Db, organizationId: number, userId: number): Promise<void> {
    const m = await store.findMembership(trx, userId);
    if (m?.organizationId === organizationId && m.role === 'manager' && (await store.countManagers(trx, organizationId)) <= 1) throw conflict('last_manager');
  }

  async function unitOf(organizationId: number, unitId: number | null): Promise<number | null> {
    if (unitId === null) return null;
    const units = await store.listUnits(db, organizationId);
    if (!units.some((u) => u.id === unitId)) throw notFound();
    return unitId;
  }

  return {
    find: findOrganization,

    list(): Promise<OrganizationSummary[]> {
      return store.listOrganizations(db);
    },

    /** An administrator creates an organization; a name taken (in any case) is a Conflict. */
    create(admin: SessionUser, o: { name: string; type: OrganizationType }, origin?: AuditOrigin): Promise<number> {
      return db.transaction(async (trx) => {
        const id = await store.insertOrganization(trx, { ...o, createdBy: admin.id, now: clock.now() });
        await audit.record(trx, { actor: admin, action: 'organization.created', target: { type: 'organization', id }, details: { name: o.name, type: o.type }, origin, at: clock.now() });
        return id;
      });
    },

    /**
     * An administrator names a manager by email. An account in no organization joins as manager; a
     * member is promoted; someone in another organization is a Conflict. For an email with no
     * account, an account is made (so the person is counted at once) with a personal link to
     * choose a password: `nameNeeded` when no name was given for it.
     */
    async nameManager(admin: SessionUser, organizationId: number, input: { email: string; displayName: string }, origin?: AuditOrigin): Promise<NamedManager> {
      const org = await findOrganization(organizationId);
      const [person] = await accounts.findPeople({ emails: [input.email] });
      const named = (trx: Db, userId: number, kind: string) => audit.record(trx, {
        actor: admin, action: 'manager.named', target: { type: 'user', id: userId }, details: { organizationId: org.id, kind }, origin, at: clock.now(),
      });
      if (person) {
        return db.transaction(async (trx) => {
          const m = await store.findMembership(trx, person.id);
          if (m && m.organizationId !== org.id) throw conflict('already_in_organization');
          if (m) await store.updateMembership(trx, org.id, person.id, { role: 'manager' });
          else await store.insertMemberships(trx, [{ userId: person.id, organizationId: org.id, unitId: null, role: 'manager', joinedAt: clock.now() }]);
          await named(trx, person.id, m ? 'promoted' : 'added');
          return { kind: m ? 'promoted' as const : 'added' as const, displayName: person.displayName, email: person.email };
        });
      }
      if (!input.displayName) return { kind: 'nameNeeded' };
      return db.transaction(async (trx) => {
        const ids = await accounts.createUnclaimedUsers(trx, [{ email: input.email, displayName: input.displayName }]);
        const userId = ids.get(input.email)!;
        await store.insertMemberships(trx, [{ userId, organizationId: org.id, unitId: null, role: 'manager', joinedAt: clock.now() }]);
        await named(trx, userId, 'invited');
        const sent = await invitations.issuePersonal(trx, org, [{ userId, email: input.email, displayName: input.displayName, unitId: null, role: 'manager' }], admin.id);
        return { kind: 'invited' as const, displayName: input.displayName, email: input.email, ...sent };
      });
    },

    /** The managers of an organization, for the administrator's page. */
    async managers(organizationId: number): Promise<Member[]> {
      return (await this.members(organizationId)).filter((m) => m.role === 'manager');
    },

    // ---- Units ----

    units(organizationId: number): Promise<UnitWithCount[]> {
      return store.listUnits(db, organizationId);
    },

    addUnit(organizationId: number, name: string): Promise<number> {
      return store.insertUnit(db, organizationId, name, clock.now());
    },

    async renameUnit(organizationId: number, unitId: number, name: string): Promise<void> {
      if (!(await store.renameUnit(db, organizationId, unitId, name))) throw notFound();
    },

    // ---- Members ----

    /** The organization's people with their names and units, by name; `unit` filters (`null`: in no unit). */
    async members(organizationId: number, unit?: number | null): Promise<Member[]> {
      const [memberships, units] = await Promise.all([store.listMemberships(db, organizationId, unit), store.listUnits(db, organizationId)]);
      const people = new Map((await accounts.findPeople({ ids: memberships.map((m) => m.userId) })).map((p) => [p.id, p]));
      const unitNames = new Map(units.map((u) => [u.id, u.name]));
      const members: Member[] = [];
      for (const m of memberships) {
        const p = people.get(m.userId);
        if (!p) continue;
        members.push({
          userId: m.userId, organizationId, email: p.email, displayName: p.displayName, role: m.role,
          unitId: m.unitId, unitName: m.unitId === null ? null : unitNames.get(m.unitId) ?? null, joinedAt: m.joinedAt, claimed: p.claimed,
        });
      }
      return members.sort((a, b) => a.displayName.localeCompare(b.displayName) || a.email.localeCompare(b.email));
    },

    async setMemberUnit(organizationId: number, userId: number, unitId: number | null): Promise<void> {
      const unit = await unitOf(organizationId, unitId);
      if (!(await store.updateMembership(db, organizationId, userId, { unitId: unit }))) throw notFound();
    },

    async setMemberRole(organizationId: number, userId: number, role: OrganizationRole): Promise<void> {
      await db.transaction(async (trx) => {
        if (role === 'member') await keepOneManager(trx, organizationId, userId);
        if (!(await store.updateMembership(trx, organizationId, userId, { role }))) throw notFound();
      });
    },

    /** A manager removes someone: their learning history and certificates stay theirs. */
    async removeMember(organizationId: number, userId: number, by: SessionUser | null = null, origin?: AuditOrigin): Promise<void> {
      await db.transaction(async (trx) => {
        await keepOneManager(trx, organizationId, userId);
        // Their personal links stop working with their membership.
        await store.revokeInvitationsOfUser(trx, organizationId, userId, clock.now());
        if (!(await store.deleteMembership(trx, organizationId, userId))) throw notFound();
        await audit.record(trx, { actor: by, action: 'member.removed', target: { type: 'user', id: userId }, details: { organizationId }, origin, at: clock.now() });
      });
    },

    /** The user's own organization and unit, for their account page. */
    async membershipOf(user: SessionUser): Promise<{ organization: Organization; unitName: string | null; role: OrganizationRole; joinedAt: Date } | null> {
      const m = await store.findMembership(db, user.id);
      if (!m) return null;
      const organization = await findOrganization(m.organizationId);
      const unit = m.unitId === null ? null : (await store.listUnits(db, m.organizationId)).find((u) => u.id === m.unitId) ?? null;
      return { organization, unitName: unit?.name ?? null, role: m.role, joinedAt: m.joinedAt };
    },

    /** A member leaves their organization; what they learned stays theirs. */
    async leave(user: SessionUser): Promise<void> {
      await db.transaction(async (trx) => {
        const m = await store.findMembership(trx, user.id);
        if (!m) throw notFound();
        await keepOneManager(trx, m.organizationId, user.id);
        await store.revokeInvitationsOfUser(trx, m.organizationId, user.id, clock.now());
        await store.deleteMembership(trx, m.organizationId, user.id);
      });
    },

    invitations,
    imports: createImportService({ ...deps, invitations, findOrganization }),
    assignments: createAssignmentService({ db, clock, curriculum: deps.curriculum }),
    requirements: createRequirementLoader({ db, clock, learning: deps.learning, certificates: deps.certificates, curriculum: deps.curriculum }),
  };
}

export type OrganizationService = ReturnType<typeof createOrganizationService>;
