// Issue 15 in a real browser: the course address fills in from the title (public/js/author-new-course.js)
// until the trainer writes their own; the course-writing guide, reached from the editor; times in
// the browser's own zone (public/js/local-time.js); and a learner who finished version 1 told of
// version 2 on the course page. The guide and the course page with the notice pass axe.
import request from 'supertest';
import type { Page } from 'playwright-core';
import { BrowserHarness, signInThroughForm } from './support';
import { csrfFrom } from '../support/app';

const TRAINER = { email: 'guide-trainer@example.org', password: 'maple harbour lantern spring' };
const LEARNER = { email: 'guide-learner@example.org', password: 'cedar river morning tide' };

const h = new BrowserHarness();
beforeAll(async () => {
  await h.start();
  await h.t.services.accounts.createUser({ email: TRAINER.email, displayName: 'Tess Trainer', password: TRAINER.password, role: 'trainer' });
  await h.t.services.accounts.createUser({ email: LEARNER.email, displayName: 'Lee Learner', password: LEARNER.password, role: 'learner' });
}, 60_000);
afterAll(() => h.close(), 30_000);

const signIn = (page: Page, who: { email: string; password: string }) => signInThroughForm(page, who.email, who.password);

/** A supertest agent signed in through the login form (set-up without the browser). */
async function agentFor(who: { email: string; password: string }) {
  const agent = request.agent(h.t.app);
  const csrf = await csrfFrom(agent, '/login');
  await agent.post('/login').type('form').send({ _csrf: csrf, email: who.email, password: who.password }).expect(303);
  return agent;
}

test('the course address follows the title until the trainer writes their own', async () => {
  const { context, page } = await h.newPage();
  await signIn(page, TRAINER);
  await page.goto('/author/new');
  const title = page.getByLabel('Course title');
  const slug = page.getByLabel('Course address');
  await title.pressSequentially('Café outreach: first steps');
  expect(await slug.inputValue()).toBe('cafe-outreach-first-steps');
  // The trainer's own address is kept when the title changes.
  await slug.fill('outreach-101');
  await title.pressSequentially(' again');
  expect(await slug.inputValue()).toBe('outreach-101');
  // Emptying it hands it back to the title.
  await slug.fill('');
  await title.fill('Working  with -- Outreach!');
  await title.press('End');
  await title.pressSequentially('s');
  expect(await slug.inputValue()).toBe('working-with-outreach-s');
  // Long titles stop at the 60 characters an address may have, never ending on a hyphen.
  await title.fill('');
  await title.pressSequentially('a'.repeat(59) + ' b');
  expect(await slug.inputValue()).toBe('a'.repeat(59));
  await h.audit(page, 'new course, address from the title');
  await context.close();
}, 90_000);

test('the guide is reached from the editor and passes axe; saved times show in the browser\'s zone', async () => {
  const { context, page } = await h.newPage({ timezoneId: 'America/Vancouver' });
  await signIn(page, TRAINER);
  await page.goto('/author/new');
  await page.getByLabel('Course title').fill('Guided course');
  await page.getByLabel('Course address').fill('guided-course');
  await page.getByLabel('Summary').fill('A course to find the guide from.');
  await page.getByLabel('police').check();
  await page.getByRole('button', { name: 'Create the draft' }).click();
  await page.waitForURL((url) => url.pathname === '/author/courses/guided-course');
  const saved = page.locator('.status-panel time.local-time');
  await saved.and(page.locator('[data-local="true"]')).waitFor();
  // Shown in Vancouver's zone, with the UTC time kept as its tooltip.
  expect(await saved.textContent()).toMatch(/P[SD]T/);
  expect(await saved.getAttribute('title')).toMatch(/ UTC$/);
  await h.audit(page, 'draft with local times');

  await page.getByRole('link', { name: /^Edit\s*: Introduction$/ }).click();
  await page.getByRole('heading', { level: 1, name: 'Edit module: Introduction' }).waitFor();
  await page.getByRole('link', { name: 'Open the course-writing guide' }).first().click();
  await page.waitForURL((url) => url.pathname === '/author/guide');
  await page.getByRole('heading', { level: 1, name: 'Writing a Bridgework course' }).waitFor();
  await page.getByRole('navigation', { name: 'Contents' }).getByRole('link', { name: 'Knowledge check' }).click();
  await page.waitForURL((url) => url.hash === '#knowledge-check');
  await h.audit(page, 'course-writing guide');
  await context.close();
}, 90_000);

test('a learner who finished version 1 is told of version 2 on the course page, which passes axe', async () => {
  const trainer = await agentFor(TRAINER);
  const csrf = await csrfFrom(trainer, '/author/new');
  await trainer.post('/author/new').type('form').send({ _csrf: csrf, slug: 'versions-told', title: 'Versions told', summary: 'A summary.', audience: ['health'], minutes: '10' }).expect(303);
  await trainer.post('/author/courses/versions-told/modules').type('form').send({ _csrf: csrf, title: 'Second steps' }).expect(303);
  await trainer.post('/author/courses/versions-told/publish').type('form').send({ _csrf: csrf, notes: 'First version.' }).expect(303);

  const learner = await agentFor(LEARNER);
  const lcsrf = await csrfFrom(learner, '/courses/versions-told');
  await learner.post('/courses/versions-told/enrol').type('form').send({ _csrf: lcsrf }).expect(303);
  for (const key of ['introduction', 'second-steps']) await learner.post(`/courses/versions-told/modules/${key}/complete`).type('form').send({ _csrf: lcsrf }).expect(303);

  await trainer.post('/author/courses/versions-told/modules').type('form').send({ _csrf: csrf, title: 'Third steps' }).expect(303);
  await trainer.post('/author/courses/versions-told/publish').type('form').send({ _csrf: csrf, notes: 'Added a module on referral.' }).expect(303);

  const { context, page } = await h.newPage();
  await signIn(page, LEARNER);
  await page.goto('/courses/versions-told');
  const notice = page.getByRole('region', { name: 'A newer version of this course' });
  await notice.getByText('Added a module on referral.').waitFor();
  await notice.getByText('New module: Third steps').waitFor();
  await h.audit(page, 'course page with a newer version');
  await notice.getByRole('button', { name: 'Take the new version' }).click();
  await page.waitForURL((url) => url.pathname === '/courses/versions-told/modules/introduction');
  await h.audit(page, 'first module of the new version');
  await context.close();
}, 90_000);
