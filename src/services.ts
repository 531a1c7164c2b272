// Builds every feature service from its collaborators. No I/O here.
import type { Logger } from 'pino';
import type { Config } from './config';
import type { Db } from './db/knex';
import type { Clock } from './clock';
import { createAccountService } from './accounts/service';
import { createCurriculumService } from './curriculum/service';
import { createCertificateService } from './certificates/service';
import { createLearningService } from './learning/service';
import { createAuthoringService } from './curriculum/authoring-service';
import { createCertificateRenderer, type CertificateRenderer } from './certificates/pdf';
import { loadCertificateFonts, type CertificateFonts } from './certificates/fonts';
import { readLogoFile } from './certificates/logo';

export interface Services {
  accounts: ReturnType<typeof createAccountService>;
  curriculum: ReturnType<typeof createCurriculumService>;
  certificates: ReturnType<typeof createCertificateService>;
  learning: ReturnType<typeof createLearningService>;
  authoring: ReturnType<typeof createAuthoringService>;
  renderer: CertificateRenderer;
  /** Parsed once at start and shared by every PDF the app makes. */
  fonts: CertificateFonts;
}

export function createServices({ config, db, clock, logger }: { config: Config; db: Db; clock: Clock; logger: Logger }): Services {
  const accounts = createAccountService({ db, clock });
  const curriculum = createCurriculumService({ db, clock, logger });
  const certificates = createCertificateService({ db, clock });
  const learning = createLearningService({ db, clock, curriculum, certificates });
  const authoring = createAuthoringService({ db, clock, curriculum, curriculumDir: config.curriculumDir });
  // Fonts are parsed once here, not per certificate (that costs 30+ ms a document).
  const fonts = loadCertificateFonts();
  const renderer = createCertificateRenderer({
    fonts,
    organizationName: config.organizationName,
    signatoryName: config.signatoryName,
    signatoryTitle: config.signatoryTitle,
    paperSize: config.paperSize,
    baseUrl: config.baseUrl,
    // Read once here (loadConfig checked it is a PNG or JPEG); the renderer prepares it once.
    logo: config.logoFile ? readLogoFile(config.logoFile) : null,
  });
  return { accounts, curriculum, certificates, learning, authoring, renderer, fonts };
}
