// What courses change, over HTTP: a trainer's course page (pre/post change with intervals, by
// period and organization, item analysis, evaluation), a manager's page of their own staff by unit,
// small groups suppressed, and who may see what (learner, trainer, manager of another organization).
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { signedInUser, signIn, type PublishedCourse } from '../support/factories';
import { makeOrganization, type MadeOrganization } from '../support/organizations';
import { publishAssessmentCourse, surveyCohort, type CohortOptions } from '../support/assessment';

let t: TestApp;
let graded: PublishedCourse;
let cedar: MadeOrganization;
let dogwood: MadeOrganization;
let small: MadeOrganization;
let units: { north: number; south: number };

beforeAll(async () => {
  t = await createTestApp();
  graded = await publishAssessmentCourse(t, 'graded-course');
  cedar = await makeOrganization(t, { name: 'Cedar Police' });
  dogwood = await makeOrganization(t, { name: 'Dogwood Health', admin: cedar.admin });
  small = await makeOrganization(t, { name: 'Small Town', admin: cedar.admin });
  units = {
    north: await t.services.organizations.addUnit(cedar.id, 'North'),
    south: await t.services.organizations.addUnit(cedar.id, 'South'),
  };
  // 40 learners: 14 in Cedar North, 10 in Cedar South, 16 at Dogwood; then a cohort of 4 at Small Town.
  const cohort = (org: MadeOrganization, unitId: number | null, count: number, o: CohortOptions) => surveyCohort(t, graded, org, unitId, count, o);
  await cohort(cedar, units.north, 14, { pre: 2, post: (i) => 4 + (i % 2), right: (i) => i % 3 !== 0, comment: 'Clear examples' });
  await cohort(cedar, units.south, 10, { pre: 2, post: (i) => 3 + (i % 2), right: () => true });
  await cohort(dogwood, null, 16, { pre: 3, post: (i) => 4 + (i % 3 === 0 ? 1 : 0), right: (i) => i % 2 === 0 });
  await cohort(small, null, 4, { pre: 1, post: () => 5, right: () => false });
}, 120_000);
afterAll(async () => { await t.close(); });

test('a trainer sees the change of 44 learners with its interval, a chart with its table, and the cohort of 4 suppressed', async () => {
  const { agent } = await signedInUser(t, { role: 'trainer' });
  const index = await agent.get('/analytics').expect(200);
  expect(index.text).toContain('href="/analytics/courses/graded-course"');
  const page = await agent.get('/analytics/courses/graded-course').expect(200);
  expect(page.text).toMatch(/answered the survey at the start and at the end:\s*<strong>44<\/strong>/);
  expect(page.text).toMatch(/<svg[^>]*role="img" aria-labelledby="change-attitude-title change-attitude-desc"/);
  expect(page.text).toMatch(/Across all attitude statements, the mean change was \+\d\.\d\d points \(95% confidence interval \+\d\.\d\d to \+\d\.\d\d\), from 44 learners/);
  expect(page.text).toContain('<caption>Change in attitudes, by statement</caption>');
  // By organization: Small Town (4) is "fewer than 5", and the next smallest (Dogwood, 16) is hidden
  // with it under the same words, so that which of the two is the small one cannot be told.
  const byOrg = /By organization<\/caption>[\s\S]*?<\/table>/.exec(page.text)![0];
  expect(byOrg).toMatch(/<th scope="row">Small Town<\/th>\s*<td[^>]*>fewer than 5<\/td>/);
  expect(byOrg).toMatch(/<th scope="row">Dogwood Health<\/th>\s*<td[^>]*>fewer than 5<\/td>/);
  expect(byOrg).toMatch(/<th scope="row">Cedar Police<\/th>\s*<td[^>]*>24<\/td>/);
  expect(byOrg).not.toMatch(/Small Town<\/th>\s*<td[^>]*>4</);
  // Item analysis: 44 first attempts at the border question; a wrong option's use.
  expect(page.text).toContain('44 learners answered');
  expect(page.text).toMatch(/Right at the first attempt: <strong>\d+%<\/strong>/);
  // Evaluation: 14 answered with comments, so the comments show.
  expect(page.text).toMatch(/Evaluations received: <strong>14<\/strong>/);
  expect(page.text).toContain('Clear examples 3');
});

test('the figures in the table are the ones computed from the answers', async () => {
  const { agent } = await signedInUser(t, { role: 'admin' });
  const page = await agent.get('/analytics/courses/graded-course').expect(200);
  // same-response: pre 2 (24 Cedar) 3 (16 Dogwood) 1 (4 Small) -> mean (48 + 48 + 4) / 44 = 2.27.
  const row = /<th scope="row">A sex worker who reports an assault[\s\S]*?<\/tr>/.exec(page.text)![0];
  expect(row).toMatch(/<td data-label="Learners \(pairs\)">44<\/td>\s*<td data-label="Mean at the start">2\.27<\/td>/);
});

test('a manager sees their own staff by unit; another organization is not there (404)', async () => {
  const manager = cedar.manager;
  expect((await manager.agent.get('/analytics').expect(303)).headers.location).toBe(`/analytics/organizations/${cedar.id}`);
  const list = await manager.agent.get(`/analytics/organizations/${cedar.id}`).expect(200);
  expect(list.text).toMatch(/Graded course<\/a><\/th><td[^>]*>24<\/td>/);
  const page = await manager.agent.get(`/analytics/organizations/${cedar.id}/courses/graded-course`).expect(200);
  expect(page.text).toMatch(/answered the survey at the start and at the end:\s*<strong>24<\/strong>/);
  const byUnit = /By unit<\/caption>[\s\S]*?<\/table>/.exec(page.text)![0];
  expect(byUnit).toMatch(/<th scope="row">North<\/th>\s*<td[^>]*>14<\/td>/);
  expect(byUnit).toMatch(/<th scope="row">South<\/th>\s*<td[^>]*>10<\/td>/);
  expect(byUnit).toMatch(/<th scope="row">No unit<\/th>\s*<td[^>]*>fewer than 5<\/td>/);
  // Nothing of Dogwood's or Small Town's staff.
  expect(page.text).not.toContain('Dogwood');
  await manager.agent.get(`/analytics/organizations/${dogwood.id}`).expect(404);
  await manager.agent.get(`/analytics/organizations/${dogwood.id}/courses/graded-course`).expect(404);
  await manager.agent.get('/analytics/courses/graded-course').expect(404);
});

test('a manager of 4 learners sees nothing but "fewer than 5"', async () => {
  const page = await small.manager.agent.get(`/analytics/organizations/${small.id}/courses/graded-course`).expect(200);
  expect(page.text).toMatch(/answered the survey at the start and at the end:\s*<strong>fewer than 5<\/strong>/);
  expect(page.text).toContain('Fewer than 5 learners have answered both times');
  expect(page.text).not.toMatch(/<svg/);
  const list = await small.manager.agent.get(`/analytics/organizations/${small.id}`).expect(200);
  expect(list.text).toMatch(/Graded course<\/a><\/th><td[^>]*>fewer than 5<\/td>/);
});

test('learners and visitors are refused; trainers may open any organization', async () => {
  const learner = await signedInUser(t);
  await learner.agent.get('/analytics').expect(403);
  await learner.agent.get('/analytics/courses/graded-course').expect(403);
  await learner.agent.get(`/analytics/organizations/${cedar.id}`).expect(403);
  expect((await request(t.app).get('/analytics/courses/graded-course').expect(303)).headers.location).toMatch(/^\/login/);
  // A member (not a manager) of an organization is a learner here.
  const member = (await t.services.organizations.members(cedar.id)).find((m) => m.role === 'member')!;
  const { agent } = await signIn(t, (await t.services.accounts.findUser(member.userId))!);
  await agent.get(`/analytics/organizations/${cedar.id}`).expect(403);
  const trainer = await signedInUser(t, { role: 'trainer' });
  await trainer.agent.get(`/analytics/organizations/${dogwood.id}/courses/graded-course`).expect(200);
});

test('bad addresses: unknown course or organization, or not a number (404); a course without a survey says so', async () => {
  const { agent } = await signedInUser(t, { role: 'trainer' });
  await agent.get('/analytics/courses/no-such-course').expect(404);
  await agent.get('/analytics/organizations/abc').expect(404);
  await agent.get('/analytics/organizations/99999999').expect(404);
  await agent.get('/analytics/organizations/1e3').expect(404);
  await agent.get(`/analytics/organizations/${cedar.id}/courses/no-such-course`).expect(404);
  const plain = await agent.get('/analytics/courses/first-aid-basics').expect(200);
  expect(plain.text).toContain('This course has no survey.');
  expect(plain.text).toContain('This course has no knowledge checks.');
  expect(plain.text).toContain('Fewer than 5 evaluations');
});
