export const ROLES = ['learner', 'trainer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a request knows about its signed-in user: no password hash, nothing more. */
export interface SessionUser {
  id: number;
  email: string;
  displayName: string;
  role: Role;
  locale: string;
  /** The organization the user belongs to, and their role there; null for most people today. */
  membership: Membership | null;
}

/** A user belongs to at most one organization, as a member or a manager. */
export interface Membership {
  organizationId: number;
  role: 'member' | 'manager';
}
