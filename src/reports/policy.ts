// Who may see an organization's reports. The tenant check comes first and is the whole rule:
// `holds` is asked about this organization's id, so a manager holds `report:view` for their own
// organization only, and an administrator for every one. Refused reveals nothing: to a manager of
// another organization, its reports do not exist (404, as an unknown id).
import type { SessionUser } from '../accounts/types';
import { holds } from '../access/holds';
import { allow, hidden, type Decision } from '../access/policy';

export type ReportAction =
  /** The matrix, summary and charts on the page. */
  | 'view'
  /** The CSV, the PDF summary and the certificates zip. */
  | 'export';

export function canReport(user: SessionUser, action: ReportAction, org: { id: number }): Decision {
  // Both actions are the same capability today: whoever may see the report may take it away.
  switch (action) {
    case 'view':
    case 'export':
      return holds(user, 'report:view', { organizationId: org.id }) ? allow : hidden;
  }
}

/** Sees every organization's reports (an administrator), so chooses one; a manager goes to their own. */
export function choosesOrganization(user: SessionUser): boolean {
  // Only a site-wide grant covers a record of no organization.
  return holds(user, 'report:view', { organizationId: null });
}
