export const ROLES = ['learner', 'trainer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** What a request knows about its signed-in user: no password hash, nothing more. */
export interface SessionUser {
  id: number;
  email: string;
  displayName: string;
  role: Role;
  locale: string;
}
