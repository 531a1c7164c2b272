// Every migration, by name. A landed migration is never edited: add a new file and list it here.
import type { Knex } from 'knex';
import * as initial from './20261123110000_initial_schema';
import * as mediaAndReflections from './20261123120000_media_and_reflections';
import * as certificateLifecycle from './20261123123000_certificate_lifecycle';
import * as authoring from './20261123130000_authoring';
import * as organizations from './20261125140000_organizations';
import * as outbox from './20261125150000_outbox';
import * as apiTokens from './20261125160000_api_tokens';
import * as assessment from './20261126100000_assessment';
import * as userAdminAndAudit from './20261126110000_user_admin_and_audit';
import * as passwordResets from './20261126120000_password_resets';
import * as secondFactor from './20261127100000_second_factor';
import * as accountErasure from './20261127110000_account_erasure';
import * as draftHistory from './20261127120000_draft_history';
import * as pendingRegistrations from './20261127130000_pending_registrations';
import * as keptSubmissions from './20261127140000_kept_submissions';
import * as blobReferenceIndexes from './20261128100000_blob_reference_indexes';

export const migrations: Record<string, Knex.Migration> = {
  '20261123110000_initial_schema': initial,
  '20261123120000_media_and_reflections': mediaAndReflections,
  '20261123123000_certificate_lifecycle': certificateLifecycle,
  '20261123130000_authoring': authoring,
  '20261125140000_organizations': organizations,
  '20261125150000_outbox': outbox,
  '20261125160000_api_tokens': apiTokens,
  '20261126100000_assessment': assessment,
  '20261126110000_user_admin_and_audit': userAdminAndAudit,
  '20261126120000_password_resets': passwordResets,
  '20261127100000_second_factor': secondFactor,
  '20261127110000_account_erasure': accountErasure,
  '20261127120000_draft_history': draftHistory,
  '20261127130000_pending_registrations': pendingRegistrations,
  '20261127140000_kept_submissions': keptSubmissions,
  '20261128100000_blob_reference_indexes': blobReferenceIndexes,
};
