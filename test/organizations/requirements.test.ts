// Required training: due dates, the newcomer window counted from joining, several assignments of
// one course, and recurrence when certificates expire. First the pure rules with plain values and
// a clock moved by hand, then the loader on a real database with real completions and certificates.
import { assignmentDueAt, byUrgency, computeRequirements, reaches, requirementStatus, type CourseFacts, type RequirementMember } from '../../src/organizations/requirements';
import type { Assignment } from '../../src/organizations/types';
import { createTestApp, TestClock, type TestApp } from '../support/app';
import { completeCourse, completeModules, publishCourse } from '../support/factories';
import { makeMember, makeOrganization } from '../support/organizations';

const DAY = 24 * 60 * 60 * 1000;
const at = (iso: string) => new Date(`${iso}T12:00:00Z`);

let nextId = 1;
function assignment(o: Partial<Assignment>): Assignment {
  return {
    id: nextId++, organizationId: 1, courseId: 10, target: 'organization', unitId: null, userId: null,
    dueAt: null, withinDays: null, renews: false, createdAt: at('2026-01-01'), removedAt: null, ...o,
  };
}
const member = (userId: number, joined: string, unitId: number | null = null): RequirementMember => ({ userId, unitId, joinedAt: at(joined) });

describe('the rules', () => {
  test('a fixed due date: not started, then in progress, then overdue once the day has passed', () => {
    const clock = new TestClock(at('2026-03-01'));
    const due = at('2026-03-31');
    expect(requirementStatus(due, false, undefined, clock.now())).toMatchObject({ status: 'not_started', dueAt: due, percent: 0 });
    const started: CourseFacts = { enrolled: true, percent: 40, lastCompletedAt: null, certificate: null };
    expect(requirementStatus(due, false, started, clock.now())).toMatchObject({ status: 'in_progress', percent: 40 });
    clock.advance(31 * DAY);
    expect(requirementStatus(due, false, started, clock.now())).toMatchObject({ status: 'overdue', dueAt: due, percent: 40 });
    expect(requirementStatus(due, false, undefined, clock.now()).status).toBe('overdue');
  });

  test('the newcomer window counts from joining; people already there get the window from the assignment', () => {
    const window = assignment({ withinDays: 30, createdAt: at('2026-03-01') });
    expect(assignmentDueAt(window, member(1, '2026-03-10'))).toEqual(new Date(at('2026-03-10').getTime() + 30 * DAY));
    expect(assignmentDueAt(window, member(2, '2025-06-01'))).toEqual(new Date(at('2026-03-01').getTime() + 30 * DAY));
    const fixed = assignment({ dueAt: at('2026-05-01') });
    expect(assignmentDueAt(fixed, member(3, '2026-04-20'))).toEqual(at('2026-05-01'));

    // A newcomer joining at noon on 10 March is due 30 days later, at noon on 9 April.
    const clock = new TestClock(at('2026-04-08'));
    const facts = () => undefined;
    const run = () => computeRequirements({ members: [member(1, '2026-03-10')], assignments: [window], facts, now: clock.now() })[0].status;
    expect(run()).toBe('not_started');
    clock.advance(1 * DAY);
    expect(run()).toBe('overdue');
  });

  test('who an assignment reaches: everyone, one unit, one person; removed assignments reach nobody', () => {
    const m = member(7, '2026-01-01', 3);
    expect(reaches(assignment({ target: 'organization' }), m)).toBe(true);
    expect(reaches(assignment({ target: 'unit', unitId: 3 }), m)).toBe(true);
    expect(reaches(assignment({ target: 'unit', unitId: 4 }), m)).toBe(false);
    expect(reaches(assignment({ target: 'unit', unitId: 3 }), member(8, '2026-01-01', null))).toBe(false);
    expect(reaches(assignment({ target: 'user', userId: 7 }), m)).toBe(true);
    expect(reaches(assignment({ target: 'user', userId: 8 }), m)).toBe(false);
    expect(reaches(assignment({ target: 'organization', removedAt: at('2026-02-01') }), m)).toBe(false);
  });

  test('one course required twice: the earliest due date counts and it renews if either renews', () => {
    const a = assignment({ courseId: 10, dueAt: at('2026-06-01') });
    const b = assignment({ courseId: 10, target: 'unit', unitId: 3, dueAt: at('2026-04-01'), renews: true });
    const c = assignment({ courseId: 11, target: 'user', userId: 99, dueAt: at('2026-04-01') });
    const [r, ...rest] = computeRequirements({ members: [member(7, '2026-01-01', 3)], assignments: [a, b, c], facts: () => undefined, now: at('2026-03-01') });
    expect(rest).toEqual([]);
    expect(r).toMatchObject({ courseId: 10, dueAt: at('2026-04-01'), renews: true, assignmentIds: [a.id, b.id] });
  });

  test('recurrence: a renewing course is due again when the certificate expires; a one-time one stays completed', () => {
    const clock = new TestClock(at('2026-03-01'));
    const expiresAt = at('2027-03-01');
    const facts = (): CourseFacts => ({
      enrolled: true, percent: 100, lastCompletedAt: at('2026-02-15'),
      certificate: {
        status: clock.now() >= expiresAt ? 'expired' : 'valid', expiresAt,
        expiringSoon: clock.now() < expiresAt && expiresAt.getTime() - clock.now().getTime() <= 60 * DAY,
      },
    });
    const due = at('2026-03-31');
    expect(requirementStatus(due, true, facts(), clock.now())).toMatchObject({ status: 'completed', dueAt: expiresAt, completedAt: at('2026-02-15') });
    clock.advance(320 * DAY); // mid-January 2027: inside the 60-day warning
    expect(requirementStatus(due, true, facts(), clock.now())).toMatchObject({ status: 'expiring_soon', dueAt: expiresAt });
    clock.advance(60 * DAY); // past 1 March 2027
    expect(requirementStatus(due, true, facts(), clock.now())).toMatchObject({ status: 'expired', dueAt: expiresAt });
    expect(requirementStatus(due, false, facts(), clock.now())).toMatchObject({ status: 'completed', dueAt: null });
  });

  test('a revoked certificate does not count as completing the course', () => {
    const facts: CourseFacts = { enrolled: true, percent: 100, lastCompletedAt: at('2026-02-01'), certificate: { status: 'revoked', expiresAt: null, expiringSoon: false } };
    expect(requirementStatus(at('2026-04-01'), false, facts, at('2026-03-01')).status).toBe('in_progress');
    expect(requirementStatus(at('2026-02-15'), false, facts, at('2026-03-01')).status).toBe('overdue');
  });

  test('learners read the late ones first, then by due date, completed last', () => {
    const r = (status: 'overdue' | 'completed' | 'not_started' | 'expired', due: string | null, courseId: number) =>
      ({ userId: 1, courseId, status, dueAt: due ? at(due) : null, percent: 0, completedAt: null, expiresAt: null, renews: false, assignmentIds: [] });
    const sorted = [r('completed', null, 1), r('not_started', '2026-05-01', 2), r('overdue', '2026-02-01', 3), r('not_started', '2026-04-01', 4), r('expired', '2026-01-01', 5)].sort(byUrgency);
    expect(sorted.map((x) => x.courseId)).toEqual([5, 3, 4, 2, 1]);
  });
});

describe('the loader, on real records', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(); });
  afterAll(async () => { await t.close(); });

  test('progress, completion and a renewing certificate, as the clock moves', async () => {
    const course = await publishCourse(t, { spec: { title: 'Renewing course', validityMonths: 12, modules: ['one', 'two'] } });
    const org = await makeOrganization(t);
    const { courseId } = (await t.services.organizations.assignments.courses()).find((c) => c.slug === course.slug)!;
    const learner = await makeMember(t, org.id);
    const orgRecord = await t.services.organizations.find(org.id);
    const made = await t.services.organizations.assignments.create(orgRecord, {
      courseId, target: 'organization', unitId: null, userId: null, person: '', dueKind: 'window', dueDate: '', withinDays: '30', renews: true,
    }, org.manager.user.id);
    expect(made.ok).toBe(true);

    const statusOf = async () => (await t.services.organizations.requirements.forUser(learner.user.id)).find((r) => r.slug === course.slug)!;
    expect(await statusOf()).toMatchObject({ status: 'not_started', title: 'Renewing course', dueAt: new Date(t.clock.now().getTime() + 30 * DAY) });

    await completeModules(t, learner.user, course.slug, ['one']);
    expect(await statusOf()).toMatchObject({ status: 'in_progress', percent: 50 });

    const certificate = await completeCourse(t, learner.user, course.slug);
    expect(await statusOf()).toMatchObject({ status: 'completed', percent: 100, dueAt: certificate.expiresAt });

    t.clock.advance(320 * DAY);
    expect((await statusOf()).status).toBe('expiring_soon');
    t.clock.advance(60 * DAY);
    expect(await statusOf()).toMatchObject({ status: 'expired', dueAt: certificate.expiresAt });

    // The whole organization at once gives the same answer as the learner's own page.
    const all = await t.services.organizations.requirements.forOrganization(org.id);
    expect(all.requirements.filter((r) => r.userId === learner.user.id).map((r) => r.status)).toEqual(['expired']);
    // The manager was required it too and never started: overdue long ago.
    expect(all.requirements.find((r) => r.userId === org.manager.user.id)?.status).toBe('overdue');
  });

  test('someone outside any organization has no required courses', async () => {
    const org = await makeOrganization(t);
    const learner = await makeMember(t, org.id);
    await t.services.organizations.leave(learner.user);
    expect(await t.services.organizations.requirements.forUser(learner.user.id)).toEqual([]);
  });
});
