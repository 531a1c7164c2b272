/**
 * What a certificate says, before any drawing: the record checked (a CertificateInputError for
 * what cannot be printed as it is) and every label composed in the reader's language. Dates are
 * formatted in UTC from the record, so the words depend on nothing but the record and locale.
 */
import { formatCode, parseCode } from './codes';
import { CertificateInputError } from './errors';
import type { CertificateRecord, Translate } from './pdf';

/** A record fit to print: the name trimmed, the code canonical, "none" as null. */
export type CheckedRecord = {
  name: string;
  courseTitle: string;
  code: string;
  hours: number | null;
  issuedAt: Date;
  expiresAt: Date | null;
};

export type CertificateLabels = {
  title: string;
  heading: string;
  presentedTo: string;
  forCompleting: string;
  hours: string | null;
  completedOn: string;
  expiresOn: string | null;
  verify: string;
  code: string;
  qrAlt: string;
};

function isValidDate(d: unknown): d is Date {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

export function checkRecord(record: CertificateRecord): CheckedRecord {
  const holderName = typeof record.holderName === 'string' ? record.holderName : '';
  if (holderName.trim() === '') throw new CertificateInputError('empty-name', 'holderName is empty');
  const courseTitle = typeof record.courseTitle === 'string' ? record.courseTitle.trim() : '';
  if (courseTitle === '') throw new CertificateInputError('empty-course', 'courseTitle is empty');
  if (!isValidDate(record.issuedAt)) throw new CertificateInputError('invalid-date', 'issuedAt is not a valid Date');
  // null (and, leniently, undefined) mean "none".
  const expiresAt = record.expiresAt ?? null;
  const hours = record.hours ?? null;
  if (expiresAt !== null && !isValidDate(expiresAt)) {
    throw new CertificateInputError('invalid-date', 'expiresAt is not a valid Date');
  }
  if (hours !== null && !(typeof hours === 'number' && Number.isFinite(hours) && hours >= 0)) {
    throw new CertificateInputError('invalid-hours', 'hours must be a non-negative number or null');
  }
  const parsed = parseCode(record.code);
  if (!parsed.ok) throw new CertificateInputError('invalid-code', `code is not a valid certificate code (${parsed.reason})`);
  // The name is drawn exactly as given, apart from surrounding whitespace.
  return { name: holderName.trim(), courseTitle, code: parsed.code, hours, issuedAt: record.issuedAt, expiresAt };
}

/** Intl formatters are slow to build; a pure cache, bounded because locales come from requests. */
const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>();
function longUtcDateFormat(lang: string): Intl.DateTimeFormat {
  let format = DATE_FORMATS.get(lang);
  if (!format) {
    if (DATE_FORMATS.size >= 64) DATE_FORMATS.clear();
    format = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
    DATE_FORMATS.set(lang, format);
  }
  return format;
}

const CANONICAL = new Map<string, string>();
/** The locale as a canonical language tag; English for anything that is not one (kept: a few locales recur). */
export function safeLocale(locale: string): string {
  let canonical = CANONICAL.get(locale);
  if (canonical === undefined) {
    try {
      canonical = Intl.getCanonicalLocales(locale)[0] ?? 'en';
    } catch {
      canonical = 'en';
    }
    if (CANONICAL.size >= 64) CANONICAL.clear();
    CANONICAL.set(locale, canonical);
  }
  return canonical;
}

/** Whole minutes in `hours` (the record keeps hours to 1/100, so minutes survive the round trip). */
const minutesIn = (hours: number): number => Math.round(hours * 60);

/**
 * A course's time as the reader says it, in their language's plural forms: "45 minutes",
 * "1 hour", "6.5 hours" (whole and quarter hours), "1 hour 5 minutes". Never rounded to the hour:
 * a 45-minute course is not "1 hour".
 */
export function formatDuration(hours: number, t: Translate): string {
  const minutes = minutesIn(hours);
  if (minutes < 60) return t('duration.minutes', { count: minutes });
  if (minutes % 15 === 0) return t('duration.hours', { count: minutes / 60 });
  return t('duration.hoursAndMinutes', {
    hours: t('duration.hours', { count: Math.floor(minutes / 60) }),
    minutes: t('duration.minutes', { count: minutes % 60 }),
  });
}

/** "6.5 hours of training", "45 minutes of training": see formatDuration. */
function trainingTime(hours: number, tr: Translate): string {
  const minutes = minutesIn(hours);
  if (minutes < 60) return tr('certificate.pdf.minutes', { count: minutes });
  if (minutes % 15 === 0) return tr('certificate.pdf.hours', { count: minutes / 60 });
  return tr('certificate.pdf.duration', { duration: formatDuration(hours, tr) });
}

/** Every text of the certificate but the record's own; `url` is the verification address. */
export function certificateLabels(record: CheckedRecord, url: string, t: Translate, lang: string): CertificateLabels {
  const dateFormat = longUtcDateFormat(lang);
  // Values are plain text, not HTML: never let i18next HTML-escape them.
  const tr = (key: string, vars: Record<string, unknown> = {}): string => t(key, { ...vars, interpolation: { escapeValue: false } });
  const { name, courseTitle, hours, expiresAt } = record;
  return {
    title: tr('certificate.pdf.documentTitle', { name, course: courseTitle }),
    heading: tr('certificate.pdf.heading'),
    presentedTo: tr('certificate.pdf.presentedTo'),
    forCompleting: tr('certificate.pdf.forCompleting'),
    hours: hours === null ? null : trainingTime(hours, tr),
    completedOn: tr('certificate.pdf.completedOn', { date: dateFormat.format(record.issuedAt) }),
    expiresOn: expiresAt === null ? null : tr('certificate.pdf.expiresOn', { date: dateFormat.format(expiresAt) }),
    verify: tr('certificate.pdf.verify', { url }),
    code: tr('certificate.pdf.code', { code: formatCode(record.code) }),
    qrAlt: tr('certificate.pdf.qrAlt', { url }),
  };
}
