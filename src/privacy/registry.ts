// Every table and every column Bridgework keeps, as data: whether it is personal, why it is kept,
// whether a person's download includes it, and what erasing their account does to it. Tables
// holding nothing personal are listed too, so that test/privacy/registry.test.ts can name any
// column a migration adds without an entry here ("column X of table Y is not in the registry"),
// and any entry the database no longer has. docs/privacy.md's table is written from this list
// (src/privacy/privacy-doc.ts), and a test fails when it is stale.
//
// A migration that adds a table or a column adds its entry here in the same change.
//
// Erasure rules (what src/privacy/erase.ts does for the erased person's rows):
// - `erase`: the value is replaced by a placeholder that names no one (a NOT NULL column);
// - `null`: the value is set to null;
// - `delete-row`: the person's rows are deleted;
// - `keep-anonymised`: the row stays, so totals still count it, but it points only at the erased
//   account (whose name and email are gone) or at a pseudonym nobody can link to it;
// - `keep`: not personal, or not the erased person's (e.g. another person's id): left as it is.
//
// Export rules: `export` (in the person's download), `export-without-links` (in it, with every
// web address replaced by a note: an email's link may still sign in, reset a password or join an
// organization, and a download is a file that travels), `omit` (not in it, with the reason in
// `purpose`: a secret such as a password hash, or a value about someone else).

export type ErasureRule = 'erase' | 'null' | 'keep-anonymised' | 'delete-row' | 'keep';
export type ExportRule = 'export' | 'export-without-links' | 'omit';

export interface ColumnEntry {
  /** Does the value, alone or with the row's other columns, relate to an identifiable person? */
  personal: boolean;
  /** Why it is kept (and, for an omitted personal column, why it is not in the download). */
  purpose: string;
  export: ExportRule;
  erasure: ErasureRule;
}

export interface TableEntry {
  /** What the table is for. */
  purpose: string;
  /** Who can see its personal data, by role (src/access/capabilities.ts), or 'nobody' (never shown). */
  visibleTo: string;
  /** How long rows are kept. */
  retention: string;
  /**
   * The column naming the person a row is about (a user id), when there is one: the download
   * reads, and erasure deletes or clears, the rows where it is the person's id. `through` names
   * the table that column points at when that table's `user_id` is the person (module_progress's
   * enrolment). Absent: no row is any one person's (or src/privacy/erase.ts handles it by name).
   */
  holder?: string | { column: string; through: string };
  /**
   * A column holding an email address: rows addressed to the person's email (any case) are theirs
   * too, for tables whose rows may exist before, or without, an account (email in the outbox, a
   * personal invitation, a registration not yet proven). Erasure deletes them (the table's rules
   * must say `delete-row`); the download includes them where there is no holder column.
   */
  emailColumn?: string;
  columns: Record<string, ColumnEntry>;
}

/** A column that says nothing about a person. */
const fact = (purpose: string, exported: ExportRule = 'omit'): ColumnEntry => ({ personal: false, purpose, export: exported, erasure: 'keep' });
/** A column relating to a person, with its rules. */
const personal = (purpose: string, exported: ExportRule, erasure: ErasureRule): ColumnEntry => ({ personal: true, purpose, export: exported, erasure });
/** The id of a row in a table of facts, shown in the download beside the person's own data. */
const id = (purpose = 'Row identity.'): ColumnEntry => fact(purpose, 'export');

const ACCOUNT_RETENTION = 'While the account exists; erased when its holder deletes it, or after RETENTION_INACTIVE_DAYS without activity when that is set.';
const LEARNING_RETENTION = 'Kept anonymised after erasure: the row stays for totals, tied only to the erased account.';

export const PRIVACY_REGISTRY: Record<string, TableEntry> = {
  users: {
    purpose: 'Accounts: who signs in, their name as printed on certificates, their site role.',
    visibleTo: 'the person; administrators (user:manage); managers of their organization see name and email (report:view, member:manage)',
    retention: ACCOUNT_RETENTION,
    holder: 'id',
    columns: {
      id: id('The account\'s number; kept after erasure so anonymised records still count.'),
      email: personal('Sign-in name and where email is sent.', 'export', 'erase'),
      display_name: personal('Name shown to managers and printed on certificates.', 'export', 'erase'),
      password_hash: personal('scrypt hash to check the password. Never exported: a secret.', 'omit', 'erase'),
      role: fact('Site role (learner, trainer, admin): what the account may do.', 'export'),
      locale: personal('Preferred language of pages and email.', 'export', 'keep'),
      created_at: personal('When the account was made.', 'export', 'keep'),
      reminders_enabled: personal('Whether the person wants email reminders.', 'export', 'erase'),
      deactivated_at: personal('When an administrator deactivated the account (set at erasure too).', 'export', 'keep'),
      erased_at: fact('When the account was erased: null for a live account.'),
      last_active_at: personal('Day of the last signed-in request, for the retention period.', 'export', 'null'),
    },
  },
  sessions: {
    purpose: 'Signed-in browser sessions.',
    visibleTo: 'nobody (read by the server only)',
    retention: 'Until sign-out or expiry (pruned); deleted at erasure.',
    holder: 'user_id',
    columns: {
      sid: personal('Session id (the cookie\'s value). Omitted: a credential.', 'omit', 'delete-row'),
      user_id: personal('Whose session it is.', 'omit', 'delete-row'),
      data: personal('Session state (the signed-in user id, the CSRF secret). Omitted: secrets.', 'omit', 'delete-row'),
      expires_at: personal('When the session ends.', 'omit', 'delete-row'),
    },
  },
  setup_tokens: {
    purpose: 'The one-time link that makes the first administrator (its SHA-256 only).',
    visibleTo: 'nobody',
    retention: 'Until used or replaced.',
    columns: { token_hash: fact('SHA-256 of the setup link.'), expires_at: fact('Expiry.'), used_at: fact('When used.') },
  },
  courses: {
    purpose: 'Courses.',
    visibleTo: 'everyone signed in (the catalog)',
    retention: 'Indefinitely (course content).',
    columns: {
      id: id(), slug: fact('The course\'s address.', 'export'), current_version_id: fact('The version new learners get.'),
      created_at: fact('When the course was added.'), source: fact('Folder or browser course.'),
    },
  },
  course_versions: {
    purpose: 'Published, immutable versions of a course.',
    visibleTo: 'learners (content); trainers and administrators (history, who published)',
    retention: 'Indefinitely (what a certificate was earned on).',
    holder: 'published_by_user_id',
    columns: {
      id: id(), course_id: fact('Course.'), content_hash: fact('Hash of the course files.'), title: fact('Course title.', 'export'),
      compiled: fact('The compiled course (published content, not personal data).'),
      published_by: personal('Name of the trainer who published it, or the curriculum folder.', 'export', 'erase'),
      published_by_user_id: personal('Account that published it.', 'export', 'keep-anonymised'),
      published_at: fact('When published.', 'export'),
      notes: fact('What the trainer wrote about the version (course content).', 'export'),
    },
  },
  enrolments: {
    purpose: 'A learner on a course: which version, where they are, when they finished.',
    visibleTo: 'the learner; their organization\'s managers (report:view); trainers and administrators as totals (course:analytics)',
    retention: LEARNING_RETENTION,
    holder: 'user_id',
    columns: {
      id: id(), user_id: personal('The learner.', 'export', 'keep-anonymised'), course_id: id('The course.'),
      version_id: id('The version taken.'), last_module_key: personal('Where the learner left off.', 'export', 'keep-anonymised'),
      enrolled_at: personal('When they enrolled.', 'export', 'keep-anonymised'),
      last_activity_at: personal('When they last worked on the course.', 'export', 'keep-anonymised'),
      completed_at: personal('When they completed it.', 'export', 'keep-anonymised'),
      round: personal('Which time through the course (retakes).', 'export', 'keep-anonymised'),
    },
  },
  module_progress: {
    purpose: 'Modules a learner has completed.',
    visibleTo: 'the learner; their organization\'s managers (report:view)',
    retention: LEARNING_RETENTION,
    holder: { column: 'enrolment_id', through: 'enrolments' },
    columns: {
      enrolment_id: personal('The enrolment (so the learner).', 'export', 'keep-anonymised'), module_key: fact('Module.', 'export'),
      version_id: fact('Version.', 'export'), completed_at: personal('When they completed the module.', 'export', 'keep-anonymised'),
    },
  },
  completions: {
    purpose: 'Completed courses, the record certificates are issued from.',
    visibleTo: 'the learner; their organization\'s managers (report:view); administrators (certificate:search)',
    retention: LEARNING_RETENTION,
    holder: 'user_id',
    columns: {
      id: id(), user_id: personal('The learner.', 'export', 'keep-anonymised'), course_id: id('Course.'), version_id: id('Version.'),
      completed_at: personal('When they completed the course.', 'export', 'keep-anonymised'),
    },
  },
  certificates: {
    purpose: 'Certificates: a snapshot of the holder\'s name and the course, verifiable by code.',
    visibleTo: 'the holder; anyone with the code (the public verify page); administrators (certificate:search); managers (staff certificates)',
    retention: 'Kept while the account exists; at erasure the holder\'s name is removed and the certificate verifies as withdrawn by the holder.',
    holder: 'user_id',
    columns: {
      id: id(), code: fact('Verification code (verifies as withdrawn after erasure).', 'export'),
      completion_id: id('The completion.'), user_id: personal('The holder.', 'export', 'keep-anonymised'),
      holder_name: personal('The holder\'s name as printed.', 'export', 'erase'),
      course_title: fact('Course title as printed.', 'export'), hours: fact('Hours.', 'export'),
      issued_at: personal('When issued.', 'export', 'keep-anonymised'), expires_at: personal('When it expires.', 'export', 'keep-anonymised'),
      revoked_at: personal('When an administrator revoked it.', 'export', 'keep'),
      revoked_reason: personal('Why it was revoked (may concern the holder).', 'export', 'null'),
      superseded_at: fact('When a reissue replaced it.', 'export'), superseded_by: fact('The certificate that replaced it.'),
      revoked_by: fact('The administrator who revoked it (not the holder).'),
      withdrawn_at: fact('When the holder withdrew it by erasing their account.', 'export'),
    },
  },
  rate_limits: {
    purpose: 'Counters that slow password guessing and floods.',
    visibleTo: 'nobody',
    retention: 'Minutes to an hour (the limit\'s window); a person\'s counters are deleted at erasure.',
    columns: {
      key: personal('The limit and what it counts: an IP address or a sign-in email.', 'omit', 'delete-row'),
      hits: fact('Count.'), reset_at: fact('End of the window.'),
    },
  },
  media_files: {
    purpose: 'Course files (images, video) by content hash.',
    visibleTo: 'learners of the course',
    retention: 'Indefinitely (course content).',
    columns: { sha256: fact('Hash.'), content_type: fact('Type.'), size: fact('Size.'), content: fact('Bytes (course content).') },
  },
  reflections: {
    purpose: 'A learner\'s private written reflections.',
    visibleTo: 'the learner only',
    retention: 'While the account exists; deleted at erasure.',
    holder: 'user_id',
    columns: {
      user_id: personal('The learner.', 'export', 'delete-row'), course_id: fact('Course.', 'export'),
      reflection_id: fact('Which prompt.', 'export'), text: personal('What they wrote.', 'export', 'delete-row'),
      updated_at: personal('When written.', 'export', 'delete-row'),
    },
  },
  course_drafts: {
    purpose: 'Courses being written in the browser.',
    visibleTo: 'trainers and administrators (course:author)',
    retention: 'Until published or deleted.',
    columns: {
      course_id: fact('Course.'), created_by: personal('Trainer who began it.', 'omit', 'keep-anonymised'),
      updated_by: personal('Trainer who changed it last.', 'omit', 'keep-anonymised'),
      created_at: fact('When begun.'), updated_at: fact('When changed.'),
    },
  },
  course_draft_files: {
    purpose: 'A draft\'s files (by hash).',
    visibleTo: 'trainers and administrators',
    retention: 'Until the draft goes.',
    columns: { course_id: fact('Course.'), path: fact('Path.'), sha256: fact('Hash.') },
  },
  course_version_files: {
    purpose: 'A published version\'s files (by hash).',
    visibleTo: 'trainers and administrators',
    retention: 'Indefinitely.',
    columns: { version_id: fact('Version.'), path: fact('Path.'), sha256: fact('Hash.') },
  },
  organizations: {
    purpose: 'Police departments, health authorities, cities.',
    visibleTo: 'its managers; administrators',
    retention: 'Indefinitely.',
    columns: {
      id: id(), name: fact('Name.', 'export'), name_key: fact('Name for uniqueness.'), type: fact('Kind.'),
      created_by: personal('Administrator who made it.', 'omit', 'keep-anonymised'), created_at: fact('When made.'),
    },
  },
  units: {
    purpose: 'Detachments, sites and teams of an organization.',
    visibleTo: 'its managers; administrators',
    retention: 'Indefinitely.',
    columns: { id: id(), organization_id: fact('Organization.'), name: fact('Name.', 'export'), name_key: fact('Name for uniqueness.'), created_at: fact('When made.') },
  },
  memberships: {
    purpose: 'Who belongs to which organization and unit, as member or manager.',
    visibleTo: 'the person; their organization\'s managers; administrators',
    retention: 'While the person belongs; deleted when they leave or are erased.',
    holder: 'user_id',
    columns: {
      user_id: personal('The person.', 'export', 'delete-row'), organization_id: personal('Their organization.', 'export', 'delete-row'),
      unit_id: personal('Their unit.', 'export', 'delete-row'), role: personal('Member or manager.', 'export', 'delete-row'),
      joined_at: personal('When they joined.', 'export', 'delete-row'),
    },
  },
  invitations: {
    purpose: 'Links that invite people into an organization; personal ones name their person.',
    visibleTo: 'the organization\'s managers; administrators',
    retention: 'Until used up, revoked or expired (30 days for personal links); a person\'s are deleted at erasure.',
    holder: 'user_id',
    emailColumn: 'email',
    columns: {
      id: id(), organization_id: fact('Organization.'), unit_id: fact('Unit.'), token_hash: fact('SHA-256 of the link.'),
      role: fact('Role it gives.'), expires_at: fact('Expiry.'), max_uses: fact('Uses allowed.'), uses: fact('Uses so far.'),
      email: personal('Email of the person invited.', 'export', 'delete-row'),
      display_name: personal('Name of the person invited.', 'export', 'delete-row'),
      user_id: personal('The account it binds to.', 'export', 'delete-row'),
      created_by: personal('Manager who made it.', 'omit', 'keep-anonymised'), created_at: fact('When made.'), revoked_at: fact('When revoked.'),
    },
  },
  member_imports: {
    purpose: 'A staff file between its preview and its confirmation.',
    visibleTo: 'the organization\'s managers',
    retention: 'Kept after it is applied (no pruning yet); a file naming an erased person, or uploaded by them, is deleted at erasure.',
    holder: 'created_by',
    columns: {
      id: fact('Row identity.'), organization_id: fact('Organization.'),
      created_by: personal('Manager who uploaded it.', 'omit', 'delete-row'), file_name: personal('Name of the uploaded file.', 'omit', 'delete-row'),
      content: personal('The staff file: names, emails, units of staff. Omitted: about other people too.', 'omit', 'delete-row'),
      created_at: fact('When uploaded.'), applied_at: fact('When confirmed.'),
    },
  },
  assignments: {
    purpose: 'Training an organization requires of all staff, a unit or one person.',
    visibleTo: 'the organization\'s managers; the person it names (their dashboard)',
    retention: 'Indefinitely (marked removed, never deleted: what was required stays answerable).',
    holder: 'user_id',
    columns: {
      id: id(), organization_id: fact('Organization.'), course_id: fact('Course.', 'export'), target: fact('Whom it names.'),
      unit_id: fact('Unit.'), user_id: personal('The one person it names, if any.', 'export', 'keep-anonymised'),
      due_at: fact('Due date.', 'export'), within_days: fact('Days from joining.', 'export'), renews: fact('Due again on expiry.'),
      created_by: personal('Manager who made it.', 'omit', 'keep-anonymised'), created_at: fact('When made.'), removed_at: fact('When removed.'),
    },
  },
  outbox: {
    purpose: 'Email waiting to be sent, and sent email (for retries and deduplication).',
    visibleTo: 'nobody in the application (operators with database access)',
    retention: 'Until sent, then 90 days (deleted hourly after that); at erasure, email to the person is deleted and their name and email are removed from others\' (a manager\'s weekly summary).',
    emailColumn: 'recipient',
    columns: {
      id: fact('Row identity.'), kind: fact('What the message is.', 'export'),
      recipient: personal('Recipient address.', 'export', 'delete-row'), subject: personal('Subject.', 'export', 'delete-row'),
      text_body: personal('Body (may name people). Exported without its links: one may still be valid.', 'export-without-links', 'delete-row'), html_body: personal('Body (may name people).', 'omit', 'delete-row'),
      dedupe_key: personal('Names the event (may carry user ids).', 'omit', 'delete-row'),
      created_at: fact('When queued.', 'export'), attempts: fact('Tries.'), next_attempt_at: fact('Next try.'),
      sent_at: fact('When sent.', 'export'), failed_at: fact('When given up.'), last_error: fact('SMTP error.'),
      claimed_by: fact('Worker sending it.'), claimed_until: fact('Claim expiry.'),
    },
  },
  leases: {
    purpose: 'Which process runs a background job.',
    visibleTo: 'nobody',
    retention: 'Minutes.',
    columns: { name: fact('Job.'), holder: fact('Process.'), expires_at: fact('Expiry.') },
  },
  api_tokens: {
    purpose: 'An organization\'s reporting API tokens (SHA-256 only).',
    visibleTo: 'the organization\'s managers',
    retention: 'Indefinitely (revoked ones are marked).',
    columns: {
      id: fact('Row identity.'), organization_id: fact('Organization.'), name: fact('Label.'), prefix: fact('First characters.'),
      token_hash: fact('SHA-256 of the token.'), created_by: personal('Manager who made it.', 'omit', 'keep-anonymised'),
      created_at: fact('When made.'), last_used_at: fact('When last used.'), revoked_at: fact('When revoked.'),
    },
  },
  check_attempts: {
    purpose: 'Answers to graded checks: options chosen, score, time.',
    visibleTo: 'the learner; trainers and administrators as item totals (course:analytics)',
    retention: LEARNING_RETENTION,
    holder: 'user_id',
    columns: {
      id: id(), user_id: personal('The learner.', 'export', 'keep-anonymised'), course_id: id('Course.'),
      round: personal('Which time through.', 'export', 'keep-anonymised'), check_id: fact('Which check.', 'export'),
      attempt: personal('Attempt number.', 'export', 'keep-anonymised'), version_id: fact('Version.', 'export'),
      chosen: personal('Options chosen.', 'export', 'keep-anonymised'), score: personal('Score.', 'export', 'keep-anonymised'),
      passed: personal('Passed.', 'export', 'keep-anonymised'), attempted_at: personal('When.', 'export', 'keep-anonymised'),
    },
  },
  module_visits: {
    purpose: 'When a learner first opened a module (minimum time per module).',
    visibleTo: 'nobody (used by the completion rules)',
    retention: LEARNING_RETENTION,
    holder: { column: 'enrolment_id', through: 'enrolments' },
    columns: {
      enrolment_id: personal('The enrolment.', 'export', 'keep-anonymised'), module_key: fact('Module.', 'export'),
      first_seen_at: personal('When first opened.', 'export', 'keep-anonymised'),
    },
  },
  pseudonym_secrets: {
    purpose: 'The key of survey pseudonyms.',
    visibleTo: 'nobody',
    retention: 'Indefinitely.',
    columns: { id: fact('Row identity.'), secret: fact('HMAC key (a secret, not personal).') },
  },
  survey_responses: {
    purpose: 'Pre/post survey answers, filed under a pseudonym (no user id).',
    visibleTo: 'trainers, administrators and managers as totals of 5 or more (course:analytics)',
    retention: 'Kept after erasure: pseudonymous, and the erased account names no one.',
    columns: {
      id: fact('Row identity.'), course_id: fact('Course.', 'export'), version_id: fact('Version.'),
      respondent: personal('Pseudonym (HMAC of learner, course and round).', 'omit', 'keep-anonymised'),
      phase: fact('Pre or post.', 'export'), answered_on: personal('Day answered.', 'export', 'keep-anonymised'),
      answers: personal('Answers.', 'export', 'keep-anonymised'),
    },
  },
  course_evaluations: {
    purpose: 'Course evaluations, filed under a pseudonym (no user id).',
    visibleTo: 'trainers, administrators and managers as totals of 5 or more (course:analytics)',
    retention: 'Kept after erasure: pseudonymous, and the erased account names no one.',
    columns: {
      id: fact('Row identity.'), course_id: fact('Course.', 'export'), version_id: fact('Version.'),
      respondent: personal('Pseudonym.', 'omit', 'keep-anonymised'), answered_on: personal('Day answered.', 'export', 'keep-anonymised'),
      useful: personal('Rating.', 'export', 'keep-anonymised'), relevant: personal('Rating.', 'export', 'keep-anonymised'),
      recommend: personal('Rating.', 'export', 'keep-anonymised'), comment: personal('Free-text comment.', 'export', 'keep-anonymised'),
    },
  },
  audit_events: {
    purpose: 'Who did what, when and from where, for every privileged action (accountability).',
    visibleTo: 'administrators (audit:view)',
    retention: 'Indefinitely and append-only: an erased person\'s past privileged actions keep their name (see docs/privacy.md).',
    holder: 'actor_id',
    columns: {
      id: fact('Row identity.'), at: fact('When.', 'export'),
      actor_id: personal('Acting account.', 'export', 'keep'),
      actor_label: personal('Actor\'s name and email at the time (accountability record).', 'export', 'keep'),
      action: fact('What was done.', 'export'), target_type: fact('Kind of record acted on.', 'export'),
      target_id: personal('Record acted on (may be a user id).', 'export', 'keep'),
      details: fact('Small facts: counts, roles, formats.', 'export'),
      client_address: personal('IP address of the request.', 'export', 'keep'), request_id: fact('Request id.'),
    },
  },
  password_reset_tokens: {
    purpose: 'Password reset links (SHA-256 only), one hour.',
    visibleTo: 'nobody',
    retention: 'An hour of use; deleted at erasure.',
    holder: 'user_id',
    columns: {
      token_hash: personal('SHA-256 of the link. Omitted: a credential.', 'omit', 'delete-row'),
      user_id: personal('Whose.', 'omit', 'delete-row'), expires_at: personal('Expiry.', 'omit', 'delete-row'), used_at: personal('When used.', 'omit', 'delete-row'),
    },
  },
  second_factors: {
    purpose: 'A person\'s second factor at sign-in (TOTP secret, AES-256-GCM under a key derived from SESSION_SECRET: src/accounts/secret-box.ts).',
    visibleTo: 'the person and administrators (user:manage) see whether it is on and since when; the secret: nobody (shown once, at enrolment)',
    retention: 'While the second factor is on (a pending enrolment until confirmed or replaced); deleted when turned off or reset, and at erasure.',
    holder: 'user_id',
    columns: {
      user_id: personal('Whose.', 'omit', 'delete-row'),
      secret_encrypted: personal('TOTP secret, encrypted. Omitted: a credential.', 'omit', 'delete-row'),
      created_at: personal('When enrolment began. Omitted: the download says only since when the second factor is on.', 'omit', 'delete-row'),
      enabled_at: personal('When turned on: the download says "second factor on since" this date.', 'export', 'delete-row'),
      last_used_step: personal('Last code\'s time step (no reuse).', 'omit', 'delete-row'),
    },
  },
  recovery_codes: {
    purpose: 'Single-use recovery codes of a second factor (SHA-256 only).',
    visibleTo: 'nobody',
    retention: 'Until regenerated or the second factor is turned off; deleted at erasure.',
    holder: 'user_id',
    columns: {
      id: fact('Row identity.'), user_id: personal('Whose.', 'omit', 'delete-row'),
      code_hash: personal('SHA-256 of the code. Omitted: a credential.', 'omit', 'delete-row'), used_at: personal('When used.', 'omit', 'delete-row'),
    },
  },
  course_draft_saves: {
    purpose: 'Every save of a browser course\'s draft, so earlier work can be compared and restored.',
    visibleTo: 'trainers and administrators (course:author)',
    retention: 'While the draft exists; at erasure the text stays and who wrote it is forgotten.',
    holder: 'author_id',
    columns: {
      id: fact('Row identity.'), course_id: fact('Course.'), author_id: personal('Who saved it.', 'omit', 'null'),
      kind: fact('Kind of save.'), file: fact('File saved.'), restored_from: fact('Save restored.'),
      started_at: fact('When begun.'), saved_at: fact('When saved.'),
    },
  },
  course_draft_save_files: {
    purpose: 'The files of a draft save (by hash).',
    visibleTo: 'trainers and administrators',
    retention: 'With its save.',
    columns: { save_id: fact('Save.'), path: fact('Path.'), sha256: fact('Hash.') },
  },
  course_upload_holds: {
    purpose: 'A zip upload waiting for the trainer to confirm it may replace a draft.',
    visibleTo: 'the trainer who uploaded it',
    retention: 'Until confirmed, or at most a day (an abandoned upload is deleted within the hour after); deleted at erasure.',
    holder: 'user_id',
    columns: {
      token: personal('Confirmation token. Omitted: a credential.', 'omit', 'delete-row'), user_id: personal('Who uploaded it.', 'omit', 'delete-row'),
      slug: fact('Course.'), files: fact('Files (course content).'), created_at: personal('When uploaded.', 'omit', 'delete-row'),
    },
  },
  kept_submissions: {
    purpose: 'A form sent after the session timed out, kept an hour so nothing typed is lost.',
    visibleTo: 'the person who sent it',
    retention: 'An hour, or until used or discarded; deleted at erasure.',
    holder: 'user_id',
    columns: {
      token_hash: personal('SHA-256 of the token. Omitted: a credential.', 'omit', 'delete-row'), user_id: personal('Whose.', 'omit', 'delete-row'),
      action: personal('Where the form was going.', 'export', 'delete-row'), fields: personal('What was typed.', 'export', 'delete-row'),
      created_at: personal('When sent.', 'export', 'delete-row'), expires_at: personal('Expiry.', 'omit', 'delete-row'),
    },
  },
  pending_registrations: {
    purpose: 'A self-registration waiting for its address to be proven by the emailed link (only with SMTP): not an account yet.',
    visibleTo: 'nobody (the link\'s holder sees the address)',
    retention: '24 hours at most: deleted when its link is used, or once expired; at erasure, those naming the person\'s address are deleted.',
    emailColumn: 'email',
    columns: {
      token_hash: personal('SHA-256 of the link. Omitted: a credential.', 'omit', 'delete-row'),
      email: personal('The address to prove. Omitted: no account holds it yet.', 'omit', 'delete-row'),
      display_name: personal('The name typed (anyone may type any address).', 'omit', 'delete-row'),
      password_hash: personal('scrypt hash of the password chosen. Omitted: a secret.', 'omit', 'delete-row'),
      next_path: fact('Page to go to afterwards.'),
      created_at: personal('When asked for.', 'omit', 'delete-row'), expires_at: personal('Expiry.', 'omit', 'delete-row'),
    },
  },
  knex_migrations: {
    purpose: 'Which migrations have run.',
    visibleTo: 'nobody',
    retention: 'Indefinitely.',
    columns: { id: fact('Row identity.'), name: fact('Migration.'), batch: fact('Batch.'), migration_time: fact('When run.') },
  },
  knex_migrations_lock: {
    purpose: 'The migration lock.',
    visibleTo: 'nobody',
    retention: 'Indefinitely.',
    columns: { index: fact('Row identity.'), is_locked: fact('Lock.') },
  },
};

/** The tables whose rows hold something personal. */
export function personalTables(): string[] {
  return Object.entries(PRIVACY_REGISTRY).filter(([, t]) => Object.values(t.columns).some((c) => c.personal)).map(([name]) => name);
}
