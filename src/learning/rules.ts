// The learner's rules as pure functions: progress through a course, when a certificate expires,
// when it is due for renewal, when a retake is allowed, and when a refresher course renews it.
// No database and no clock: the service loads the records and asks these.
import type { CompiledCourse } from '../curriculum/types';
import type { CertificateStatus } from '../certificates/service';
import { addMonths } from '../certificates/service';

export interface Progress {
  done: number;
  total: number;
  percent: number;
  /** Where "continue" goes: the first module not yet complete, else the last one. */
  resumeKey: string;
}

/** What the rules need of a certificate: its status (at the clock's now) and dates. */
export interface CertificateFacts {
  status: CertificateStatus;
  /** Valid, and expiring within the warning period. */
  expiringSoon: boolean;
  issuedAt: Date;
}

export function progressOf(course: Pick<CompiledCourse, 'modules'>, completed: Set<string>): Progress {
  const done = course.modules.filter((m) => completed.has(m.key)).length;
  const total = course.modules.length;
  const resume = course.modules.find((m) => !completed.has(m.key)) ?? course.modules[total - 1];
  return { done, total, percent: total ? Math.round((done / total) * 100) : 0, resumeKey: resume.key };
}

/** A certificate earned now expires after the course's validity, in calendar months; else never. */
export function certificateExpiresAt(issuedAt: Date, validityMonths: number | null): Date | null {
  return validityMonths ? addMonths(issuedAt, validityMonths) : null;
}

/**
 * The certificate that speaks for a course: the newest one not superseded by a name correction.
 * `certificates` is newest first, as the certificate service lists them.
 */
export function currentCertificate<C extends { courseId: number; status: CertificateStatus }>(certificates: C[], courseId: number): C | null {
  return certificates.find((c) => c.courseId === courseId && c.status !== 'superseded') ?? null;
}

/** Expired or about to: the learner is told to renew, and the course page offers a retake. */
export function needsRenewal(certificate: CertificateFacts | null): boolean {
  return Boolean(certificate && (certificate.status === 'expired' || certificate.expiringSoon));
}

/**
 * Whether a finished course may be started again (the course page offers it then). Refused only
 * while its certificate is valid and not yet expiring (or when there is none). A revoked
 * certificate counts for nothing (reports show the course as not done), so the learner may earn a
 * new one by taking the course again.
 */
export function mayRetake(certificate: CertificateFacts | null): boolean {
  if (!certificate) return false;
  return certificate.status !== 'valid' || certificate.expiringSoon;
}

/**
 * A valid certificate of the course's declared refresher, earned after the course's own
 * certificate, renews it: the course is then no longer due.
 */
export function renewedByRefresher(
  course: Pick<CompiledCourse, 'refresher'>,
  certificate: CertificateFacts | null,
  certificates: (CertificateFacts & { courseSlug: string })[],
): boolean {
  return Boolean(course.refresher && certificates.some((c) =>
    c.courseSlug === course.refresher && c.status === 'valid' && certificate && c.issuedAt > certificate.issuedAt));
}

/** Listed under "Certificates to renew": due, and not renewed by a refresher. */
export function isDueForRenewal(
  course: Pick<CompiledCourse, 'refresher'>,
  certificate: CertificateFacts | null,
  certificates: (CertificateFacts & { courseSlug: string })[],
): boolean {
  return needsRenewal(certificate) && !renewedByRefresher(course, certificate, certificates);
}
