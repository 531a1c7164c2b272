// The learner's rules, as pure functions: progress and where to resume, which certificate speaks
// for a course, when renewal is due, when a retake is allowed, and refresher renewal.
import {
  currentCertificate, isDueForRenewal, mayRetake, needsRenewal, progressOf, renewedByRefresher, type CertificateFacts,
} from '../../src/learning/rules';
import type { CertificateStatus } from '../../src/certificates/service';
import { compileCourse, courseFiles } from '../support/course-files';

const DAY = 24 * 60 * 60 * 1000;
const JAN = new Date('2026-01-15T10:00:00Z');
const cert = (status: CertificateStatus, o: Partial<CertificateFacts> = {}): CertificateFacts => ({ status, expiringSoon: false, issuedAt: JAN, ...o });

describe('progress', () => {
  const { course } = compileCourse('three-modules', courseFiles({ modules: ['intro', 'middle', 'end'] }));

  test('counts completed modules of this version and resumes at the first not done', () => {
    expect(progressOf(course, new Set())).toEqual({ done: 0, total: 3, percent: 0, resumeKey: 'intro' });
    expect(progressOf(course, new Set(['intro', 'end']))).toEqual({ done: 2, total: 3, percent: 67, resumeKey: 'middle' });
  });

  test('a key from another version counts for nothing; a finished course resumes at its last module', () => {
    expect(progressOf(course, new Set(['removed-module']))).toMatchObject({ done: 0, resumeKey: 'intro' });
    expect(progressOf(course, new Set(['intro', 'middle', 'end', 'removed-module']))).toEqual({ done: 3, total: 3, percent: 100, resumeKey: 'end' });
  });
});

describe('the certificate that speaks for a course', () => {
  test('is the newest one of that course not superseded by a name correction', () => {
    const newestFirst = [
      { id: 4, courseId: 2, status: 'valid' as const },
      { id: 3, courseId: 1, status: 'superseded' as const },
      { id: 2, courseId: 1, status: 'expired' as const },
      { id: 1, courseId: 1, status: 'valid' as const },
    ];
    expect(currentCertificate(newestFirst, 1)?.id).toBe(2);
    expect(currentCertificate(newestFirst, 2)?.id).toBe(4);
    expect(currentCertificate(newestFirst, 3)).toBeNull();
  });
});

describe('renewal and retakes', () => {
  test.each([
    ['no certificate', null, false, false],
    ['valid, not expiring', cert('valid'), false, false],
    ['valid, expiring within the warning', cert('valid', { expiringSoon: true }), true, true],
    ['expired', cert('expired'), true, true],
    // A revoked certificate is not renewed, but the course may be taken again for a new one.
    ['revoked', cert('revoked'), false, true],
  ])('%s: renewal due %s, retake allowed %s', (_what, certificate, due, retake) => {
    expect(needsRenewal(certificate)).toBe(due);
    expect(mayRetake(certificate)).toBe(retake);
  });
});

describe('refresher courses', () => {
  const course = { refresher: 'refresher-course' };
  const expired = cert('expired');
  const refresher = (status: CertificateStatus, issuedAt: Date, courseSlug = 'refresher-course') => ({ ...cert(status, { issuedAt }), courseSlug });

  test('a valid refresher certificate earned after the course renews it', () => {
    const later = refresher('valid', new Date(JAN.getTime() + 400 * DAY));
    expect(renewedByRefresher(course, expired, [later])).toBe(true);
    expect(isDueForRenewal(course, expired, [later])).toBe(false);
  });

  test.each([
    ['earned before the course', refresher('valid', new Date(JAN.getTime() - DAY))],
    ['earned at the same moment', refresher('valid', JAN)],
    ['itself expired', refresher('expired', new Date(JAN.getTime() + 400 * DAY))],
    ['revoked', refresher('revoked', new Date(JAN.getTime() + 400 * DAY))],
    ['of another course', refresher('valid', new Date(JAN.getTime() + 400 * DAY), 'another-course')],
  ])('a refresher certificate %s does not renew it', (_what, c) => {
    expect(renewedByRefresher(course, expired, [c])).toBe(false);
    expect(isDueForRenewal(course, expired, [c])).toBe(true);
  });

  test('a course with no declared refresher is renewed only by taking it again', () => {
    const later = refresher('valid', new Date(JAN.getTime() + 400 * DAY));
    expect(renewedByRefresher({ refresher: null }, expired, [later])).toBe(false);
    expect(isDueForRenewal({ refresher: null }, expired, [later])).toBe(true);
  });

  test('nothing is due while the certificate is valid and not expiring, or when there is none', () => {
    expect(isDueForRenewal(course, cert('valid'), [])).toBe(false);
    expect(isDueForRenewal(course, null, [])).toBe(false);
    expect(isDueForRenewal(course, cert('valid', { expiringSoon: true }), [])).toBe(true);
  });
});
