// Reminders end to end: an organization requires a course; the job queues due-soon and overdue
// reminders and a weekly summary through the outbox, the worker delivers them to a real SMTP
// server, and running again (or in the same week) queues nothing twice. Learners who turned
// reminders off get none.
import { createTestApp, type TestApp } from '../support/app';
import { makeUser, publishCourse, completeCourse } from '../support/factories';
import { startTestSmtpServer, type TestSmtpServer } from './smtp-test-server';
import { runWorkerOnce } from './support';
import * as orgStore from '../../src/organizations/store';

const DAY = 24 * 60 * 60 * 1000;
let t: TestApp;
let smtp: TestSmtpServer;

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestApp({ config: { smtpUrl: smtp.url, mailFrom: 'training@bridgework.test' } });
});
afterAll(async () => {
  await t.close();
  await smtp.stop();
});

async function setUp() {
  const course = await publishCourse(t, { slug: `remind-${Date.now()}` });
  const courseId = (await t.services.curriculum.findCourse(course.slug))!.id;
  const manager = await makeUser(t, { name: 'Mona Manager' });
  const keen = await makeUser(t, { name: 'Kit Keen' });
  const quiet = await makeUser(t, { name: 'Quinn Quiet' });
  const done = await makeUser(t, { name: 'Dana Done' });
  const now = t.clock.now();
  const orgId = await orgStore.insertOrganization(t.testDb.db, { name: `Reminder PD ${Date.now()}`, type: 'police', createdBy: manager.user.id, now });
  await orgStore.insertMemberships(t.testDb.db, [
    { userId: manager.user.id, organizationId: orgId, unitId: null, role: 'manager', joinedAt: now },
    ...[keen, quiet, done].map((p) => ({ userId: p.user.id, organizationId: orgId, unitId: null, role: 'member' as const, joinedAt: now })),
  ]);
  await orgStore.insertAssignment(t.testDb.db, {
    organizationId: orgId, courseId, target: 'organization', unitId: null, userId: null,
    dueAt: new Date(now.getTime() + 10 * DAY), withinDays: null, renews: false, createdBy: manager.user.id, now,
  });
  await t.services.accounts.setRemindersEnabled(quiet.user.id, false);
  await completeCourse(t, done.user, course.slug);
  return { course, manager, keen, quiet, done };
}

const to = (address: string) => smtp.received.filter((m) => m.envelopeTo.includes(address));

test('due soon, overdue weekly, a weekly summary; never twice, never to those who opted out', async () => {
  const { course, manager, keen, quiet, done } = await setUp();

  // Ten days ahead: nothing is due soon yet, but the manager's weekly summary goes.
  expect(await t.services.reminders.runOnce()).toEqual({ queued: 1 });
  await runWorkerOnce(t.testDb.db, t.clock, smtp.url);
  expect(to(manager.email)).toHaveLength(1);
  expect(to(manager.email)[0].headers.subject).toMatch(/training summary/);
  expect(to(manager.email)[0].body).toMatch(/Overdue: 0/);

  // Four days before the due date: one due-soon reminder for the learner who has not finished.
  t.clock.advance(6 * DAY);
  await t.services.reminders.runOnce();
  await t.services.reminders.runOnce(); // a second run (or another process) adds nothing
  await runWorkerOnce(t.testDb.db, t.clock, smtp.url);
  expect(to(keen.email)).toHaveLength(1);
  expect(to(keen.email)[0].headers.subject).toContain('Due ');
  expect(to(keen.email)[0].body).toContain(`/courses/${course.slug}`);
  expect(to(quiet.email)).toHaveLength(0);
  expect(to(done.email)).toHaveLength(0);

  // Past the due date: an overdue reminder, once that week, again the next week.
  t.clock.advance(5 * DAY);
  await t.services.reminders.runOnce();
  t.clock.advance(1 * 60 * 60 * 1000);
  await t.services.reminders.runOnce();
  await runWorkerOnce(t.testDb.db, t.clock, smtp.url);
  const overdue = () => to(keen.email).filter((m) => m.headers.subject.startsWith('Overdue'));
  expect(overdue()).toHaveLength(1);
  t.clock.advance(7 * DAY);
  await t.services.reminders.runOnce();
  await runWorkerOnce(t.testDb.db, t.clock, smtp.url);
  expect(overdue()).toHaveLength(2);
  expect(to(quiet.email)).toHaveLength(0);
  expect(to(done.email)).toHaveLength(0);
  // One summary per manager per week: three weeks have begun since the first.
  expect(to(manager.email).length).toBeGreaterThanOrEqual(2);
  expect(to(manager.email).at(-1)!.body).toMatch(/Overdue: [1-9]/);
});

test('without email configured the job queues nothing', async () => {
  const off = await createTestApp();
  try {
    expect(off.services.mail.enabled).toBe(false);
    expect(await off.services.reminders.runOnce()).toEqual({ queued: 0 });
  } finally {
    await off.close();
  }
});
