// The words of this feature, as types. Glossary:
// - organization: a police department, health authority, municipality... whose staff train here.
// - unit: a part of one organization (a detachment, a department, a site).
// - member / manager: a person's role in their organization (a site role is something else).
// - invitation: a link that lets people join; "personal" when it names one person (an account made
//   for them by an import or an administrator is "unclaimed" until they choose a password).
// - assignment: a course an organization requires of all its people, a unit, or one person.
// - requirement: what one member must do because of the assignments that reach them.
import type { OrganizationRole } from '../access/capabilities';

export const ORGANIZATION_TYPES = ['police', 'health_authority', 'municipality', 'community', 'other'] as const;
export type OrganizationType = (typeof ORGANIZATION_TYPES)[number];
export type { OrganizationRole };

export interface Organization {
  id: number;
  name: string;
  type: OrganizationType;
  createdAt: Date;
}

export interface OrganizationSummary extends Organization {
  members: number;
  managers: number;
}

export interface Unit {
  id: number;
  organizationId: number;
  name: string;
}

export interface UnitWithCount extends Unit {
  members: number;
}

export interface Member {
  userId: number;
  organizationId: number;
  email: string;
  displayName: string;
  role: OrganizationRole;
  unitId: number | null;
  unitName: string | null;
  joinedAt: Date;
  /** An account made for them that they have not yet signed in to (no password chosen). */
  claimed: boolean;
}

export interface Invitation {
  id: number;
  organizationId: number;
  unitId: number | null;
  unitName: string | null;
  role: OrganizationRole;
  expiresAt: Date;
  maxUses: number;
  uses: number;
  email: string | null;
  displayName: string | null;
  userId: number | null;
  createdAt: Date;
  revokedAt: Date | null;
}

export type InvitationState = 'usable' | 'expired' | 'used' | 'revoked';

export const ASSIGNMENT_TARGETS = ['organization', 'unit', 'user'] as const;
export type AssignmentTarget = (typeof ASSIGNMENT_TARGETS)[number];

export interface Assignment {
  id: number;
  organizationId: number;
  courseId: number;
  target: AssignmentTarget;
  unitId: number | null;
  userId: number | null;
  /** A fixed due date, or null when due `withinDays` after joining. */
  dueAt: Date | null;
  withinDays: number | null;
  renews: boolean;
  createdAt: Date;
  removedAt: Date | null;
}
