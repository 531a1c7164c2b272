// The report's pass over every cell works in numbers (src/reports/outcomes.ts) while the page's
// cells and the exports go through cells.ts and the learner's rules: both must always agree. Each
// test here puts the same facts through both, over every combination of the cases that matter.
import { applyDue, cellOutcome, dueRules, emptyInput, emptyOutcome, has, keepsOutcome, NONE, outcomeFilter, type CellInput } from '../../src/reports/outcomes';
import { keeps, toReportRow, type CourseContext, type MemberFacts } from '../../src/reports/cells';
import { COL } from '../../src/reports/store';
import { REQUIREMENT_STATUSES } from '../../src/organizations/requirements';
import type { Assignment } from '../../src/organizations/types';
import type { ReportFilters, ReportRow } from '../../src/reports/types';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-06-01T12:00:00Z');
const now = NOW.getTime();
const person = { displayName: 'Ada', email: 'ada@example.org', unitName: 'North', role: 'member' };

function assignment(over: Partial<Assignment>): Assignment {
  return {
    id: 1, organizationId: 1, courseId: 7, target: 'organization', unitId: null, userId: null, dueAt: null, withinDays: 30,
    renews: false, createdAt: new Date(now - 100 * DAY), removedAt: null, ...over,
  };
}

/** A certificate's dates as a facts row carries them (SQLite: epoch ms), or none. */
type Cert = { issued: number; expires: number | null; revoked: boolean } | null;

const CERTIFICATES: Record<string, Cert> = {
  none: null,
  valid: { issued: now - 200 * DAY, expires: now + 300 * DAY, revoked: false },
  validForever: { issued: now - 200 * DAY, expires: null, revoked: false },
  expiringSoon: { issued: now - 300 * DAY, expires: now + 20 * DAY, revoked: false },
  expiringAtWarning: { issued: now - 300 * DAY, expires: now + 60 * DAY, revoked: false },
  expiresNow: { issued: now - 300 * DAY, expires: now, revoked: false },
  expired: { issued: now - 500 * DAY, expires: now - 10 * DAY, revoked: false },
  revoked: { issued: now - 200 * DAY, expires: now + 300 * DAY, revoked: true },
};
const REFRESHERS: Record<string, Cert> = {
  none: null,
  newerValid: { issued: now - 50 * DAY, expires: now + 600 * DAY, revoked: false },
  olderValid: { issued: now - 900 * DAY, expires: now + 30 * DAY, revoked: false },
  sameDayValid: { issued: now - 200 * DAY, expires: now + 700 * DAY, revoked: false },
  newerExpired: { issued: now - 50 * DAY, expires: now - DAY, revoked: false },
  newerRevoked: { issued: now - 50 * DAY, expires: null, revoked: true },
};

function factsRow(member: MemberFacts, enrolled: boolean, lastCompleted: number | null, cert: Cert, refresher: Cert): unknown[] {
  const r = new Array<unknown>(Object.keys(COL).length).fill(null);
  r[COL.userId] = member.userId; r[COL.unitId] = member.unitId; r[COL.joinedAt] = member.joinedAt.getTime(); r[COL.courseId] = 7;
  r[COL.enrolmentId] = enrolled ? 99 : null;
  r[COL.lastCompletedAt] = lastCompleted;
  if (cert) {
    r[COL.certificateId] = 5; r[COL.certificateIssuedAt] = cert.issued; r[COL.certificateExpiresAt] = cert.expires; r[COL.certificateRevokedAt] = cert.revoked ? now - DAY : null;
  }
  if (refresher) {
    r[COL.refresherCertificateId] = 6; r[COL.refresherIssuedAt] = refresher.issued; r[COL.refresherExpiresAt] = refresher.expires; r[COL.refresherRevokedAt] = refresher.revoked ? now - DAY : null;
  }
  return r;
}

function inputOf(enrolled: boolean, lastCompleted: number | null, cert: Cert, refresher: Cert): CellInput {
  const c = emptyInput();
  c.enrolled = enrolled;
  c.lastCompletedAt = lastCompleted ?? NONE;
  c.certificateIssuedAt = cert?.issued ?? NONE; c.certificateExpiresAt = cert?.expires ?? NONE; c.certificateRevoked = cert?.revoked ?? false;
  c.refresherIssuedAt = refresher?.issued ?? NONE; c.refresherExpiresAt = refresher?.expires ?? NONE; c.refresherRevoked = refresher?.revoked ?? false;
  return c;
}

const ms = (d: Date | null) => (d ? d.getTime() : NONE);

const ASSIGNMENT_SETS: Record<string, Assignment[]> = {
  'organization, due in the past': [assignment({ dueAt: new Date(now - 5 * DAY), withinDays: null })],
  'organization, due in the future, renewing': [assignment({ dueAt: new Date(now + 5 * DAY), withinDays: null, renews: true })],
  'due exactly now, renewing': [assignment({ dueAt: new Date(now), withinDays: null, renews: true })],
  'within days of joining, renewing': [assignment({ withinDays: 400, renews: true })],
  'unit and person, the earliest counts, one renews': [
    assignment({ target: 'unit', unitId: 3, withinDays: 10 }),
    assignment({ id: 2, target: 'user', userId: 11, dueAt: new Date(now + 90 * DAY), withinDays: null, renews: true }),
  ],
};

describe('cellOutcome agrees with cells.ts toReportRow', () => {
  const member: MemberFacts = { userId: 11, unitId: 3, joinedAt: new Date(now - 60 * DAY) };
  const completions = { none: null, earlier: now - 200 * DAY, recent: now - 10 * DAY };
  for (const [setName, assignments] of Object.entries(ASSIGNMENT_SETS)) {
    test(setName, () => {
      const course: CourseContext = { courseId: 7, slug: 'c', title: 'C', modules: 4, assignments };
      const input = emptyInput();
      const out = emptyOutcome();
      let compared = 0;
      for (const enrolled of [false, true]) {
        for (const lastCompleted of Object.values(completions)) {
          for (const cert of Object.values(CERTIFICATES)) {
            for (const refresher of Object.values(REFRESHERS)) {
              const row = toReportRow(factsRow(member, enrolled, lastCompleted, cert, refresher), person, course, NOW, member)!;
              Object.assign(input, inputOf(enrolled, lastCompleted, cert, refresher));
              expect(applyDue(dueRules(assignments), member.userId, member.unitId, member.joinedAt.getTime(), input)).toBe(true);
              cellOutcome(input, now, out);
              expect({ status: REQUIREMENT_STATUSES[out.status], dueAt: out.dueAt, completedAt: out.completedAt })
                .toEqual({ status: row.status, dueAt: ms(row.dueAt), completedAt: ms(row.completedAt) });
              compared++;
            }
          }
        }
      }
      expect(compared).toBe(2 * 3 * 8 * 6);
    });
  }
});

describe('applyDue', () => {
  const joinedAt = now - 60 * DAY;
  test('agrees with toReportRow on who is reached, and gives no cell to those no assignment reaches', () => {
    const assignments = [
      assignment({ target: 'unit', unitId: 3, withinDays: 10 }),
      assignment({ id: 2, target: 'user', userId: 11, dueAt: new Date(now + 90 * DAY), withinDays: null, renews: true }),
      assignment({ id: 3, dueAt: new Date(now - DAY), withinDays: null, removedAt: new Date(now - 2 * DAY) }),
      assignment({ id: 4, target: 'unit', unitId: null, withinDays: 1 }),
    ];
    const course: CourseContext = { courseId: 7, slug: 'c', title: 'C', modules: 4, assignments };
    const rules = dueRules(assignments);
    const input = emptyInput();
    for (const member of [
      { userId: 11, unitId: 3, joinedAt: new Date(joinedAt) }, { userId: 11, unitId: null, joinedAt: new Date(joinedAt) },
      { userId: 12, unitId: 3, joinedAt: new Date(now - 400 * DAY) }, { userId: 12, unitId: 4, joinedAt: new Date(joinedAt) },
      { userId: 12, unitId: null, joinedAt: new Date(joinedAt) },
    ]) {
      const row = toReportRow(factsRow(member, false, null, null, null), person, course, NOW, member);
      const reached = applyDue(rules, member.userId, member.unitId, member.joinedAt.getTime(), input);
      expect(reached).toBe(row !== null);
      if (row) expect({ dueAt: input.dueAt, renews: input.renews }).toEqual({ dueAt: row.dueAt!.getTime(), renews: row.renews });
    }
  });

  test('a removed assignment requires nothing', () => {
    expect(dueRules([assignment({ removedAt: new Date(now) })])).toEqual([]);
    expect(applyDue([], 1, null, now, emptyInput())).toBe(false);
  });
});

describe('keepsOutcome agrees with cells.ts keeps', () => {
  const dates = { none: null, early: new Date(now - 40 * DAY), mid: new Date(now - 10 * DAY), late: new Date(now + 20 * DAY) };
  const filterSets: ReportFilters[] = [
    {}, { statuses: ['overdue'] }, { statuses: ['completed', 'expiring_soon'] },
    { dateField: 'due', from: new Date(now - 20 * DAY) }, { dateField: 'due', to: new Date(now - 10 * DAY) },
    { dateField: 'completed', from: new Date(now - 40 * DAY), to: new Date(now) },
    { dateField: 'completed', from: new Date(now - 10 * DAY), statuses: ['completed'] },
  ];
  test.each(filterSets.map((f) => [JSON.stringify(f), f] as const))('%s', (_name, f) => {
    const filter = outcomeFilter(f);
    const out = emptyOutcome();
    for (const status of REQUIREMENT_STATUSES) {
      for (const dueAt of Object.values(dates)) {
        for (const completedAt of Object.values(dates)) {
          const row = { status, dueAt, completedAt } as ReportRow;
          out.status = REQUIREMENT_STATUSES.indexOf(status);
          out.dueAt = ms(dueAt);
          out.completedAt = ms(completedAt);
          expect(keepsOutcome(out, filter)).toBe(keeps(row, f));
        }
      }
    }
  });
});

test('NONE is no date', () => {
  expect(has(NONE)).toBe(false);
  expect(has(0)).toBe(true);
});
