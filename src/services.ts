// Builds every feature service from its collaborators. The certificate fonts and logo are read here,
// once at start, so no request reads them.
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Db } from './db/knex';
import type { Clock } from './clock';
import { createAccountService } from './accounts/service';
import { createSecondFactorService, type SecondFactorService } from './accounts/second-factor';
import type { PasswordCost } from './accounts/passwords';
import { createCurriculumService } from './curriculum/service';
import { createCertificateService } from './certificates/service';
import { createLearningService } from './learning/service';
import { createAuthoringService } from './authoring/service';
import { createOrganizationService, type OrganizationService } from './organizations/service';
import { createCertificateRenderService, type CertificateRenderService } from './certificates/render-pool';
import { loadCertificateFonts, type CertificateFonts } from './certificates/fonts';
import { readLogoFile } from './certificates/logo';
import { createRenameUser, type RenameUser } from './commands/rename-user';
import { createMailService, type MailService } from './mail/service';
import { createRegistrations, type Registrations } from './accounts/registration';
import { createPasswordResets, type PasswordResets } from './accounts/password-reset';
import { createReportService, type ReportService } from './reports/service';
import { createApiTokenService, type ApiTokenService } from './api/tokens';
import { createReminderJob, type ReminderJob } from './reminders/job';
import { createI18n } from './i18n';
import { createPrivacyService, type PrivacyService } from './privacy/service';

export interface Services {
  accounts: ReturnType<typeof createAccountService>;
  /** Time-based one-time passwords and recovery codes at sign-in (src/accounts/second-factor.ts). */
  secondFactor: SecondFactorService;
  curriculum: ReturnType<typeof createCurriculumService>;
  certificates: ReturnType<typeof createCertificateService>;
  learning: ReturnType<typeof createLearningService>;
  authoring: ReturnType<typeof createAuthoringService>;
  organizations: OrganizationService;
  /** Organization reports: the matrix, summaries and streamed rows (the pages and /api/v1 use it). */
  reports: ReportService;
  /** Email through the outbox; `enabled` is false without SMTP_URL, and callers show links instead. */
  mail: MailService;
  /** Forgotten-password links: emailed when SMTP is configured, otherwise issued by staff. */
  passwordResets: PasswordResets;
  /** Self-registration with a proven address: used when SMTP is configured (src/accounts/registration.ts). */
  registrations: Registrations;
  /** Queues due-soon, overdue and weekly-summary emails (run on a schedule by start.ts). */
  reminders: ReminderJob;
  /** Certificate PDFs: `renderAsync` and `transcriptAsync` in worker threads for requests; `render` on this thread. */
  renderer: CertificateRenderService;
  /** Parsed once at start and shared by every PDF the app makes. */
  fonts: CertificateFonts;
  /** Work that spans features, each owning its transaction (src/commands/). */
  commands: { renameUser: RenameUser };
  /** Organizations' reporting API tokens (src/api/). */
  apiTokens: ApiTokenService;
  /** A person's own data: the download, erasing the account, the retention job (src/privacy/). */
  privacy: PrivacyService;
}

/** `passwordCost` is for the tests only (test/support/app.ts); it is deliberately not in Config. */
export function createServices({ config, db, clock, logger, passwordCost }: { config: Config; db: Db; clock: Clock; logger: Logger; passwordCost?: PasswordCost }): Services {
  const accounts = createAccountService({ db, clock, passwordCost });
  const secondFactor = createSecondFactorService({ db, clock, sessionSecret: config.sessionSecret, previousSessionSecrets: config.previousSessionSecrets, issuer: config.organizationName });
  const curriculum = createCurriculumService({ db, clock, logger });
  const certificates = createCertificateService({ db, clock });
  const learning = createLearningService({ db, clock, curriculum, certificates });
  const authoring = createAuthoringService({
    db, clock, curriculum, curriculumDir: config.curriculumDir,
    limits: {
      ...(config.courseStorageBytes ? { maxCourseBytes: config.courseStorageBytes } : {}),
      ...(config.trainerStorageBytes ? { maxTrainerBytes: config.trainerStorageBytes } : {}),
    },
  });
  // Fonts are parsed once here, not per certificate (that costs 30+ ms a document).
  const fonts = loadCertificateFonts();
  const renderer = createCertificateRenderService({
    fonts,
    organizationName: config.organizationName,
    signatoryName: config.signatoryName,
    signatoryTitle: config.signatoryTitle,
    paperSize: config.paperSize,
    baseUrl: config.baseUrl,
    // Read once here (loadConfig checked it is a PNG or JPEG); the renderer prepares it once.
    logo: config.logoFile ? readLogoFile(config.logoFile) : null,
  });
  const commands = { renameUser: createRenameUser({ db, accounts, certificates }) };
  const mail = createMailService({ config, clock });
  // Without SMTP, invitation links are listed for managers to copy.
  const organizations = createOrganizationService({
    db, clock, accounts, learning, certificates, curriculum, baseUrl: config.baseUrl, mail,
    unprintableCharacters: (name) => renderer.describeUnprintable(name),
  });
  const reminders = createReminderJob({
    db, clock, accounts, organizations, mail, baseUrl: config.baseUrl, logger, t: createI18n().getFixedT('en'),
  });
  const apiTokens = createApiTokenService({ db, clock });
  const reports = createReportService({ db, clock, organizations, curriculum });
  const passwordResets = createPasswordResets({ db, clock, mail, logger, baseUrl: config.baseUrl, passwordCost, t: createI18n().getFixedT('en') });
  const registrations = createRegistrations({ db, clock, mail, logger, baseUrl: config.baseUrl, passwordCost, t: createI18n().getFixedT('en') });
  const privacy = createPrivacyService({ db, clock, records: learning.records, retentionInactiveDays: config.retentionInactiveDays });
  return { privacy, accounts, secondFactor, curriculum, certificates, learning, authoring, organizations, reports, mail, reminders, renderer, fonts, commands, apiTokens, passwordResets, registrations };
}
