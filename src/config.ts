// Environment → one typed, validated Config. Defaults make `npm start` work on a fresh clone.
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { z } from 'zod';
import addressparser from 'nodemailer/lib/addressparser';

export interface Config {
  port: number;
  dataDir: string;
  databaseUrl: string | null;
  baseUrl: string;
  sessionSecret: string;
  /**
   * The secret before the last change of SESSION_SECRET (SESSION_SECRET_PREVIOUS), while it is
   * still set: sessions signed and second factors sealed under it stay valid, and are signed and
   * sealed again under the current secret when next used. Empty when none.
   */
  previousSessionSecrets: string[];
  curriculumDir: string;
  /** True when BASE_URL is https: cookies are then marked Secure and the proxy is trusted. */
  secureCookies: boolean;
  logLevel: string;
  organizationName: string;
  signatoryName: string;
  signatoryTitle: string;
  paperSize: 'LETTER' | 'A4';
  /**
   * Absolute path of the organization's logo (PNG or JPEG) printed on certificates, or null.
   * loadConfig always sets it; optional only so hand-made test configs need not name it.
   */
  logoFile?: string | null;
  /**
   * Where email goes out (smtp: or smtps: URL, credentials included), or null: email is then off
   * and people are shown links instead. Optional only so hand-made test configs need not name it.
   */
  smtpUrl?: string | null;
  /** The From address of every email (MAIL_FROM, or no-reply at BASE_URL's host). */
  mailFrom?: string;
  /**
   * Whether visitors may create their own accounts at /register (SELF_REGISTRATION=on|off, on by
   * default). Off: accounts come only from organizations' invitations and administrators.
   * Optional only so hand-made test configs need not name it.
   */
  selfRegistration?: boolean;
  /**
   * How many proxies in front of the app to believe about the client's address and protocol
   * (X-Forwarded-For, X-Forwarded-Proto), or false for none. TRUST_PROXY, by default 1 behind
   * https and false otherwise. Optional only so hand-made test configs need not name it; read it
   * with trustedProxies().
   */
  trustProxy?: number | false;
  /**
   * Storage quotas in bytes (COURSE_STORAGE_MB, TRAINER_STORAGE_MB): what one course, and all the
   * courses one trainer made, may keep. Unset: the authoring area's defaults (src/authoring/limits.ts).
   */
  courseStorageBytes?: number;
  trainerStorageBytes?: number;
  /**
   * Session limits in milliseconds (SESSION_IDLE_MINUTES, SESSION_MAX_HOURS): signed out after this
   * long without a request, and this long after signing in whatever happens. Read them with
   * sessionLimits(); optional so hand-made test configs need not name them.
   */
  sessionIdleMs?: number;
  sessionAbsoluteMs?: number;
  /**
   * RETENTION_INACTIVE_DAYS: accounts with no activity for longer are erased (src/privacy/retention.ts),
   * or null (unset): nothing is erased for inactivity. Optional only so hand-made test configs need not name it.
   */
  retentionInactiveDays?: number | null;
}

/** The session limits: the configured ones, or 30 minutes idle and 12 hours in all. */
export function sessionLimits(config: Pick<Config, 'sessionIdleMs' | 'sessionAbsoluteMs'>): { idleMs: number; absoluteMs: number } {
  return { idleMs: config.sessionIdleMs ?? 30 * 60 * 1000, absoluteMs: config.sessionAbsoluteMs ?? 12 * 60 * 60 * 1000 };
}

/** The proxy hops to trust: the configured number, or by default one behind https and none otherwise. */
export function trustedProxies(config: Pick<Config, 'trustProxy' | 'secureCookies'>): number | false {
  return config.trustProxy ?? (config.secureCookies ? 1 : false);
}

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z.string().url().optional(),
  BASE_URL: z.string().url().optional(),
  SESSION_SECRET: z.string().min(32, 'SESSION_SECRET must be at least 32 characters').optional(),
  SESSION_SECRET_PREVIOUS: z.string().min(32, 'SESSION_SECRET_PREVIOUS must be at least 32 characters').optional(),
  CURRICULUM_DIR: z.string().min(1).default('./curriculum'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ORGANIZATION_NAME: z.string().min(1).default('Bridgework'),
  SIGNATORY_NAME: z.string().default(''),
  SIGNATORY_TITLE: z.string().default(''),
  PAPER_SIZE: z.enum(['LETTER', 'A4']).default('LETTER'),
  LOGO_FILE: z.string().min(1).optional(),
  SMTP_URL: z.string().url().refine((u) => /^smtps?:\/\/[^/]/i.test(u), 'must be an smtp:// or smtps:// URL').optional(),
  SELF_REGISTRATION: z.enum(['on', 'off'], { message: 'must be on or off' }).optional(),
  COURSE_STORAGE_MB: z.coerce.number().int().min(1).max(1024 * 1024).optional(),
  TRAINER_STORAGE_MB: z.coerce.number().int().min(1).max(1024 * 1024).optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(2).max(24 * 60).optional(),
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(13 * 24).optional(),
  // At least 30 days: a mistyped small number would erase most accounts at the next run.
  RETENTION_INACTIVE_DAYS: z.coerce.number().int().min(30, 'must be at least 30 days').max(36500).optional(),
  TRUST_PROXY: z.string().regex(/^(false|[0-9]{1,2})$/i, 'must be the number of proxies in front of the app (1, 2, ...) or false').optional(),
  MAIL_FROM: z.string().min(3).refine(isOneAddress, 'must be one email address, e.g. Bridgework <training@example.org>').optional(),
});

export class ConfigError extends Error {}

function isOneAddress(value: string): boolean {
  const found = addressparser(value, { flatten: true });
  return found.length === 1 && /^[^@\s]+@[^@\s]+$/.test(found[0].address);
}

/**
 * LOGO_FILE must be a readable PNG or JPEG file: checked at start (by its first bytes), not on a
 * learner's first certificate. The certificate renderer decodes it when it is built.
 */
function checkLogoFile(given: string): string {
  const file = path.resolve(given);
  const head = Buffer.alloc(8);
  let n: number;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      n = fs.readSync(fd, head, 0, 8, 0);
    } finally {
      fs.closeSync(fd);
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new ConfigError(`Invalid configuration: LOGO_FILE: cannot read ${file} (${why})`);
  }
  const png = n === 8 && head.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const jpeg = n >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff;
  if (!png && !jpeg) throw new ConfigError(`Invalid configuration: LOGO_FILE: ${file} is not a PNG or JPEG image`);
  return file;
}

/**
 * Reads the session secret from the data directory, creating it on first start, so a fresh install
 * never runs on a constant secret and restarts keep everyone signed in.
 */
function loadOrCreateSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = crypto.randomBytes(32).toString('base64url');
  try {
    fs.writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (err) {
    // Another process created it between our read and write: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return fs.readFileSync(file, 'utf8').trim();
    throw err;
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as in most shells' `VAR= command`.
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const baseUrl = (e.BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  const trustProxy = e.TRUST_PROXY === undefined ? undefined : /^(false|0+)$/i.test(e.TRUST_PROXY) ? false : Number(e.TRUST_PROXY);
  // The app speaks plain HTTP: behind https a proxy ends TLS, and unless it is believed no request
  // looks secure, so the Secure session cookie is never sent and nobody can sign in.
  if (trustProxy === false && baseUrl.startsWith('https:')) {
    throw new ConfigError('Invalid configuration: TRUST_PROXY: BASE_URL is https, so at least the proxy that ends TLS must be trusted (TRUST_PROXY=1)');
  }
  return {
    port: e.PORT,
    dataDir,
    databaseUrl: e.DATABASE_URL ?? null,
    baseUrl,
    sessionSecret: e.SESSION_SECRET ?? loadOrCreateSecret(dataDir),
    previousSessionSecrets: e.SESSION_SECRET_PREVIOUS && e.SESSION_SECRET_PREVIOUS !== e.SESSION_SECRET ? [e.SESSION_SECRET_PREVIOUS] : [],
    curriculumDir: path.resolve(e.CURRICULUM_DIR),
    secureCookies: baseUrl.startsWith('https:'),
    logLevel: e.LOG_LEVEL,
    organizationName: e.ORGANIZATION_NAME,
    signatoryName: e.SIGNATORY_NAME,
    signatoryTitle: e.SIGNATORY_TITLE,
    paperSize: e.PAPER_SIZE,
    logoFile: e.LOGO_FILE === undefined ? null : checkLogoFile(e.LOGO_FILE),
    smtpUrl: e.SMTP_URL ?? null,
    selfRegistration: e.SELF_REGISTRATION !== 'off',
    ...(trustProxy === undefined ? {} : { trustProxy }),
    ...(e.COURSE_STORAGE_MB === undefined ? {} : { courseStorageBytes: e.COURSE_STORAGE_MB * 1024 * 1024 }),
    ...(e.TRAINER_STORAGE_MB === undefined ? {} : { trainerStorageBytes: e.TRAINER_STORAGE_MB * 1024 * 1024 }),
    ...(e.SESSION_IDLE_MINUTES === undefined ? {} : { sessionIdleMs: e.SESSION_IDLE_MINUTES * 60 * 1000 }),
    ...(e.SESSION_MAX_HOURS === undefined ? {} : { sessionAbsoluteMs: e.SESSION_MAX_HOURS * 60 * 60 * 1000 }),
    retentionInactiveDays: e.RETENTION_INACTIVE_DAYS ?? null,
    mailFrom: e.MAIL_FROM ?? `"${e.ORGANIZATION_NAME.replace(/["\\]/g, '')}" <no-reply@${new URL(baseUrl).hostname}>`,
  };
}
