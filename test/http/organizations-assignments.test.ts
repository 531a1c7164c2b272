// Required training: a manager assigns published courses to everyone, a unit or one person, due on
// a date or within days of joining; learners see them first on their dashboard, with due dates and
// overdue ones said in words. Bad input is refused beside the field and nothing is written.
import { createTestApp, type TestApp } from '../support/app';
import { completeCourse, publishCourse } from '../support/factories';
import { makeInvitation, makeMember, makeOrganization, type MadeOrganization } from '../support/organizations';
import { signedInUser } from '../support/factories';

const DAY = 24 * 60 * 60 * 1000;
let t: TestApp;
let org: MadeOrganization;
let unitId: number;
let courseId: number;
let otherCourseId: number;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrganization(t, { name: 'Lakeside Police' });
  unitId = await t.services.organizations.addUnit(org.id, 'Marine Unit');
  const foundations = await publishCourse(t, { slug: 'foundations-test', spec: { title: 'Foundations', modules: ['one', 'two'] } });
  const other = await publishCourse(t, { slug: 'unit-course', spec: { title: 'Marine Safety' } });
  const courses = await t.services.organizations.assignments.courses();
  courseId = courses.find((c) => c.slug === foundations.slug)!.courseId;
  otherCourseId = courses.find((c) => c.slug === other.slug)!.courseId;
});
afterAll(async () => { await t.close(); });

const assignmentCount = async () => (await t.services.organizations.assignments.list(org.id)).length;

test('a course due in 30 days is listed for the manager and shown first, with its date, on a learner\'s dashboard', async () => {
  const learner = await makeMember(t, org.id, { name: 'Lena Learner' });
  const { agent, csrf } = org.manager;
  const form = await agent.get(`/organizations/${org.id}/assignments`).expect(200);
  const due = iso(t.clock.now().getTime() + 30 * DAY);
  expect(form.text).toContain(`value="${due}"`);
  await agent.post(`/organizations/${org.id}/assignments`).type('form')
    .send({ _csrf: csrf, courseId: String(courseId), target: 'organization', dueKind: 'date', dueDate: due }).expect(303)
    .expect('location', `/organizations/${org.id}/assignments?done=added`);
  const list = await agent.get(`/organizations/${org.id}/assignments?done=added`).expect(200);
  expect(list.text).toMatch(/<th scope="row">Foundations<\/th>\s*<td>Everyone<\/td>\s*<td>By March 31, 2026<\/td>/);

  // The learner has another course in progress: the required one still comes first.
  await t.services.learning.enrol('unit-course', learner.user);
  const dashboard = await learner.agent.get('/dashboard').expect(200);
  const required = dashboard.text.indexOf('Required by your organization');
  expect(required).toBeGreaterThan(-1);
  expect(required).toBeLessThan(dashboard.text.indexOf('In progress'));
  expect(dashboard.text).toContain('Due by March 31, 2026. Not started.');
  expect(dashboard.text).toContain('Start Foundations');

  // Once the date has passed it is flagged in words, not only in colour.
  t.clock.advance(31 * DAY);
  const late = await learner.agent.get('/dashboard').expect(200);
  expect(late.text).toMatch(/<strong class="tag tag-late">Overdue:<\/strong> was due on March 31, 2026\./);
  t.clock.advance(-31 * DAY);

  await completeCourse(t, learner.user, 'foundations-test');
  expect((await learner.agent.get('/dashboard')).text).toMatch(/Foundations<\/a><\/h3>\s*<p>Completed\.<\/p>/);
});

test('a unit\'s course reaches only its people; one person\'s course reaches only them', async () => {
  const inUnit = await makeMember(t, org.id, { name: 'Mara Marine', unitId });
  const outside = await makeMember(t, org.id, { name: 'Olu Outside' });
  const { agent, csrf } = org.manager;
  await agent.post(`/organizations/${org.id}/assignments`).type('form')
    .send({ _csrf: csrf, courseId: String(otherCourseId), target: 'unit', unitId: String(unitId), dueKind: 'window', withinDays: '14' }).expect(303);
  expect((await inUnit.agent.get('/dashboard')).text).toContain('Marine Safety');
  expect((await outside.agent.get('/dashboard')).text).not.toContain('Marine Safety');

  await agent.post(`/organizations/${org.id}/assignments`).type('form')
    .send({ _csrf: csrf, courseId: String(otherCourseId), target: 'user', person: outside.email.toUpperCase(), dueKind: 'window', withinDays: '7', renews: 'on' }).expect(303);
  const list = await agent.get(`/organizations/${org.id}/assignments`).expect(200);
  expect(list.text).toContain('Unit: Marine Unit');
  expect(list.text).toContain('Person: Olu Outside');
  expect(list.text).toContain('Within 7 days of joining');
  const mine = await t.services.organizations.requirements.forUser(outside.user.id);
  expect(mine.find((r) => r.slug === 'unit-course')).toMatchObject({ renews: true, dueAt: new Date(t.clock.now().getTime() + 7 * DAY) });
});

test('a newcomer\'s window counts from the day they join', async () => {
  const fresh = await makeOrganization(t);
  await fresh.manager.agent.post(`/organizations/${fresh.id}/assignments`).type('form')
    .send({ _csrf: fresh.manager.csrf, courseId: String(courseId), target: 'organization', dueKind: 'window', withinDays: '10' }).expect(303);
  t.clock.advance(20 * DAY);
  const token = await makeInvitation(t, fresh.id, { by: fresh.manager.user.id });
  const newcomer = await signedInUser(t, { name: 'Nico Newcomer' });
  await newcomer.agent.post(`/join/${token}`).type('form').send({ _csrf: newcomer.csrf }).expect(200);
  const [r] = await t.services.organizations.requirements.forUser(newcomer.user.id);
  expect(r).toMatchObject({ status: 'not_started', dueAt: new Date(t.clock.now().getTime() + 10 * DAY) });
  expect((await newcomer.agent.get('/dashboard')).text).toContain(`Due by ${new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(r.dueAt!)}`);
  t.clock.advance(-20 * DAY);
});

test('bad choices are refused beside their fields, with the input kept, and nothing is written', async () => {
  const { agent, csrf } = org.manager;
  const other = await makeOrganization(t);
  const foreignUnit = await t.services.organizations.addUnit(other.id, 'Foreign Unit');
  const foreigner = await makeMember(t, other.id);
  const before = await assignmentCount();
  const past = iso(t.clock.now().getTime() - 2 * DAY);
  const cases: [Record<string, string>, string][] = [
    [{ courseId: '', target: 'organization', dueKind: 'date', dueDate: '2026-12-01' }, 'Choose a published course.'],
    [{ courseId: '999999', target: 'organization', dueKind: 'date', dueDate: '2026-12-01' }, 'Choose a published course.'],
    [{ courseId: String(courseId), target: 'everyone', dueKind: 'date', dueDate: '2026-12-01' }, 'Choose who must take the course.'],
    [{ courseId: String(courseId), target: 'unit', unitId: '', dueKind: 'date', dueDate: '2026-12-01' }, 'Choose one of this organization&#39;s units.'],
    [{ courseId: String(courseId), target: 'unit', unitId: String(foreignUnit), dueKind: 'date', dueDate: '2026-12-01' }, 'Choose one of this organization&#39;s units.'],
    [{ courseId: String(courseId), target: 'user', person: foreigner.email, dueKind: 'date', dueDate: '2026-12-01' }, 'No member of this organization has this email address.'],
    [{ courseId: String(courseId), target: 'organization', dueKind: 'date', dueDate: '2026-02-30' }, 'Enter the due date'],
    [{ courseId: String(courseId), target: 'organization', dueKind: 'date', dueDate: past }, 'Choose a due date from today on.'],
    [{ courseId: String(courseId), target: 'organization', dueKind: 'window', withinDays: '0' }, 'Enter a number of days from 1 to 365.'],
    [{ courseId: String(courseId), target: 'organization', dueKind: 'window', withinDays: '1000' }, 'Enter a number of days from 1 to 365.'],
    [{ courseId: String(courseId), target: 'organization' }, 'Choose a due date or a number of days.'],
  ];
  for (const [body, message] of cases) {
    const res = await agent.post(`/organizations/${org.id}/assignments`).type('form').send({ _csrf: csrf, ...body }).expect(422);
    expect(res.text).toContain(message);
    if (body.dueDate) expect(res.text).toContain(`value="${body.dueDate}"`);
    expect(res.text).not.toContain('Foreign Unit');
  }
  expect(await assignmentCount()).toBe(before);
});

test('a removed assignment no longer appears on dashboards; another organization cannot remove one', async () => {
  const member = await makeMember(t, org.id, { name: 'Rae Removed' });
  const assignment = (await t.services.organizations.assignments.list(org.id)).find((a) => a.target === 'organization')!;
  const other = await makeOrganization(t);
  await other.manager.agent.post(`/organizations/${org.id}/assignments/${assignment.id}/remove`).type('form').send({ _csrf: other.manager.csrf }).expect(404);
  await other.manager.agent.post(`/organizations/${other.id}/assignments/${assignment.id}/remove`).type('form').send({ _csrf: other.manager.csrf }).expect(404);
  expect((await member.agent.get('/dashboard')).text).toContain('Foundations');
  await org.manager.agent.post(`/organizations/${org.id}/assignments/${assignment.id}/remove`).type('form').send({ _csrf: org.manager.csrf }).expect(303)
    .expect('location', `/organizations/${org.id}/assignments?done=removed`);
  expect((await member.agent.get('/dashboard')).text).not.toContain('Required by your organization');
  await org.manager.agent.post(`/organizations/${org.id}/assignments/${assignment.id}/remove`).type('form').send({ _csrf: org.manager.csrf }).expect(404);
});
