// Who may see what courses change. A course's report covers everyone who took it: only a site-wide
// grant (trainers, administrators) reaches it. An organization's report covers its own staff: the
// tenant check is the whole rule, so a manager sees their organization's and no other (404, as an
// unknown id), and a site-wide grant sees any.
import type { SessionUser } from '../accounts/types';
import { holds } from '../access/holds';
import { allow, hidden, type Decision } from '../access/policy';

export function canSeeCourseAnalytics(user: SessionUser): Decision {
  // Only a site-wide grant covers a record of no organization.
  return holds(user, 'course:analytics', { organizationId: null }) ? allow : hidden;
}

export function canSeeOrganizationAnalytics(user: SessionUser, org: { id: number }): Decision {
  return holds(user, 'course:analytics', { organizationId: org.id }) ? allow : hidden;
}
