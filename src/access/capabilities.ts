// Every capability in Bridgework, as data: who holds it, over what, and what is at stake. In the
// spirit of Moodle's access.php. Routes name the capability they need (`requires(...)`), policies
// ask `holds(user, capability, target)`, the navigation is built from it, and docs/access.md is
// rendered from this list, so the one list is the whole answer to "who may do what".
//
// A grant gives a capability to a role over a scope:
// - `site`: a site role (learner, trainer, admin) over everything on this server;
// - `organization`: an organization role (member, manager) over that person's own organization;
// - `own`: a site role over the user's own records (their progress, their certificates).
import type { Role } from '../accounts/types';

export const ORGANIZATION_ROLES = ['member', 'manager'] as const;
export type OrganizationRole = (typeof ORGANIZATION_ROLES)[number];

export type Scope = 'site' | 'organization' | 'own';
/** What is at stake if the capability is misused (Moodle's RISK_PERSONAL, RISK_CONFIG...). */
export type Risk = 'personal-data' | 'configuration' | 'content' | 'none';

export type Grant =
  | { scope: 'site' | 'own'; role: Role }
  | { scope: 'organization'; role: OrganizationRole };

export interface Capability {
  description: string;
  risk: Risk;
  grants: readonly Grant[];
}

const everyone = (scope: 'own'): Grant[] => (['learner', 'trainer', 'admin'] as const).map((role) => ({ scope, role }));
const site = (...roles: Role[]): Grant[] => roles.map((role) => ({ scope: 'site', role }));
const organization = (...roles: OrganizationRole[]): Grant[] => roles.map((role) => ({ scope: 'organization', role }));

export const CAPABILITIES = {
  'account:edit': { description: 'See and change their own account: display name, password, reminders, leaving their organization.', risk: 'personal-data', grants: everyone('own') },
  'session:end': { description: 'Sign out.', risk: 'none', grants: everyone('own') },
  'course:take': {
    description: 'Enrol, read modules, answer checks, write reflections, complete courses; see their dashboard.',
    risk: 'personal-data', grants: everyone('own'),
  },
  'certificate:download': { description: 'Download their own certificates and transcript.', risk: 'personal-data', grants: everyone('own') },
  'certificate:search': { description: 'Search every certificate and download a selection as a zip.', risk: 'personal-data', grants: site('admin') },
  'certificate:revoke': { description: 'Withdraw a certificate, with a reason shown on verification.', risk: 'personal-data', grants: site('admin') },
  'course:author': {
    description: 'Write courses in the browser: drafts, media, zip upload and download, preview, version history.',
    risk: 'content', grants: site('trainer', 'admin'),
  },
  'course:publish': { description: 'Publish a draft as a new version that learners take.', risk: 'content', grants: site('trainer', 'admin') },
  'curriculum:problems': { description: 'See the curriculum folder\'s problems (the development banner).', risk: 'none', grants: site('trainer', 'admin') },
  'site:administer': { description: 'The administrator\'s overview: published and skipped courses.', risk: 'configuration', grants: site('admin') },
  'user:manage': { description: 'Find users, change roles, deactivate and reactivate accounts.', risk: 'personal-data', grants: site('admin') },
  'audit:view': { description: 'Read the audit log of privileged actions and download it as CSV.', risk: 'personal-data', grants: site('admin') },
  'organization:manage': { description: 'Create organizations and name their first manager.', risk: 'configuration', grants: site('admin') },
  'member:manage': {
    description: 'Invite, import and remove an organization\'s staff; assign its required training.',
    risk: 'personal-data', grants: organization('manager'),
  },
  'report:view': {
    description: 'Completion reports and exports of an organization\'s staff.',
    risk: 'personal-data', grants: [...site('admin'), ...organization('manager')],
  },
  'course:analytics': {
    description: 'See what courses change: item analysis, pre/post survey change and evaluations, as totals only (groups under 5 hidden). Trainers: every course; managers: their own staff, by unit and period.',
    risk: 'personal-data', grants: [...site('trainer', 'admin'), ...organization('manager')],
  },
  'api-token:manage': { description: 'Create and revoke an organization\'s reporting API tokens.', risk: 'configuration', grants: organization('manager') },
} as const satisfies Record<string, Capability>;

export type CapabilityName = keyof typeof CAPABILITIES;

/**
 * What an organization's reporting API token may do: read that organization's reports, nothing
 * else. A token is its organization's, not a person's: it holds these over its own organization.
 */
export const API_TOKEN_CAPABILITIES = ['report:view'] as const satisfies readonly CapabilityName[];

export function isCapability(name: string): name is CapabilityName {
  return Object.prototype.hasOwnProperty.call(CAPABILITIES, name);
}
