// Certificate expiry by calendar months (a course's validity_months): the end of a month clamps
// to the shorter month's last day, leap years included, and the time of day is kept.
import { addMonths } from '../../src/certificates/service';
import { certificateExpiresAt } from '../../src/learning/rules';

const utc = (s: string) => new Date(`${s}Z`);
const iso = (d: Date | null) => d?.toISOString().replace('.000Z', '') ?? null;

describe('adding calendar months', () => {
  test.each([
    ['2026-03-01T10:00:00', 24, '2028-03-01T10:00:00'],
    ['2026-01-31T09:30:00', 1, '2026-02-28T09:30:00'],
    ['2028-01-31T09:30:00', 1, '2028-02-29T09:30:00'], // leap year
    ['2026-03-31T00:00:00', 1, '2026-04-30T00:00:00'],
    ['2026-08-31T23:59:59', 6, '2027-02-28T23:59:59'],
    ['2026-11-30T12:00:00', 3, '2027-02-28T12:00:00'], // into the next year
    ['2026-12-15T12:00:00', 1, '2027-01-15T12:00:00'],
    ['2028-02-29T08:00:00', 12, '2029-02-28T08:00:00'], // from a leap day to a common year
    ['2028-02-29T08:00:00', 48, '2032-02-29T08:00:00'], // and to the next leap day
    ['2027-02-28T08:00:00', 12, '2028-02-28T08:00:00'], // never moves to the 29th
    ['2026-05-31T10:00:00', 120, '2036-05-31T10:00:00'], // the longest validity a course may set
  ])('%s + %i months = %s', (from, months, expected) => {
    expect(iso(addMonths(utc(from), months))).toBe(expected);
  });

  test('does not change the date it was given', () => {
    const from = utc('2026-01-31T10:00:00');
    addMonths(from, 1);
    expect(iso(from)).toBe('2026-01-31T10:00:00');
  });

  test('works in UTC, whatever the time of day (no local-time date shift at midnight)', () => {
    expect(iso(addMonths(utc('2026-01-31T23:30:00'), 1))).toBe('2026-02-28T23:30:00');
    expect(iso(addMonths(utc('2026-03-01T00:30:00'), 1))).toBe('2026-04-01T00:30:00');
  });
});

describe('a certificate earned now', () => {
  test('expires after the course validity in months', () => {
    expect(iso(certificateExpiresAt(utc('2026-01-31T10:00:00'), 1))).toBe('2026-02-28T10:00:00');
    expect(iso(certificateExpiresAt(utc('2026-03-01T10:00:00'), 24))).toBe('2028-03-01T10:00:00');
  });

  test('never expires when the course sets no validity', () => {
    expect(certificateExpiresAt(utc('2026-01-31T10:00:00'), null)).toBeNull();
  });
});
