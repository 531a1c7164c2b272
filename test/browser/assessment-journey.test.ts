// Graded checks, the pre/post survey and the reports of what a course changed, in Chromium, each
// page checked with axe: a learner takes the pre-course survey (first sending it empty), fails a
// check, reads the feedback, is asked to wait, waits, passes, answers the rest, finishes the
// modules, answers the post-course survey, and the course completes at that moment (certificate
// and evaluation). A trainer then sees the item analysis and the pre/post change of 40 generated
// learners with its confidence interval, with a cohort of 4 suppressed; and a manager their own staff.
import type { Page } from 'playwright-core';
import { BrowserHarness, signInThroughForm } from './support';
import { makeOrganization } from '../support/organizations';
import { publishAssessmentCourse, surveyCohort } from '../support/assessment';
import { FACTORY_PASSWORD, type PublishedCourse } from '../support/factories';

const COURSE = '/courses/graded-course';
const LEARNER = { email: 'lena.learner@example.org', password: 'river stones and cedar' };
const TRAINER = { email: 'tomas.trainer@example.org', password: 'a long trainer password' };

const h = new BrowserHarness();
let graded: PublishedCourse;
let managerEmail = '';
beforeAll(async () => {
  await h.start();
  graded = await publishAssessmentCourse(h.t, 'graded-course');
  const lena = await h.t.services.accounts.createUser({ email: LEARNER.email, displayName: 'Lena Learner', password: LEARNER.password, role: 'learner' });
  await h.t.services.accounts.createUser({ email: TRAINER.email, displayName: 'Tomas Trainer', password: TRAINER.password, role: 'trainer' });
  // 40 generated learners in two organizations, and a cohort of 4 in a third; the learner of the
  // journey is one of Cedar Police's North unit.
  const cedar = await makeOrganization(h.t, { name: 'Cedar Police' });
  const dogwood = await makeOrganization(h.t, { name: 'Dogwood Health', admin: cedar.admin });
  const small = await makeOrganization(h.t, { name: 'Small Town', admin: cedar.admin });
  const north = await h.t.services.organizations.addUnit(cedar.id, 'North');
  const link = await h.t.services.organizations.invitations.createOpen(await h.t.services.organizations.find(cedar.id), { unitId: north, expiresInDays: 7, maxUses: 1 }, cedar.manager.user.id);
  await h.t.services.organizations.invitations.join(lena, link.link.split('/join/')[1]);
  await surveyCohort(h.t, graded, cedar, north, 24, { pre: 2, post: (i) => 4 + (i % 2), right: (i) => i % 3 !== 0, comment: 'Useful scenarios' });
  await surveyCohort(h.t, graded, dogwood, null, 16, { pre: 3, post: (i) => 3 + (i % 3 === 0 ? 1 : 0), right: (i) => i % 2 === 0 });
  await surveyCohort(h.t, graded, small, null, 4, { pre: 1, post: () => 5, right: () => false });
  managerEmail = cedar.manager.email;
}, 180_000);
afterAll(() => h.close(), 30_000);

async function arrivedAt(page: Page, pathname: string): Promise<void> {
  await page.waitForURL((url) => url.pathname === pathname);
}

const signIn = signInThroughForm;

/** Chooses the options of a check by their words (the order is this learner's own) and sends it. */
async function answerCheck(page: Page, checkId: string, options: string[], button = 'Check my answer'): Promise<void> {
  const form = page.locator(`form#${checkId}`);
  for (const o of options) await form.getByLabel(o, { exact: false }).check();
  await form.getByRole('button', { name: button }).click();
  await page.waitForLoadState('load');
}

/** Answers every item of the survey page: agreement `agree` (its label) and knowledge `known`. */
async function fillSurvey(page: Page, agree: string, known: string): Promise<void> {
  for (const item of graded.course.survey!.items) {
    const group = page.getByRole('group', { name: new RegExp(item.textHtml.slice(0, 30).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) });
    await group.getByLabel(item.kind === 'attitude' ? agree : known, { exact: true }).check();
  }
}

test('a learner fails, waits, passes and completes at the post-course survey; a trainer and a manager see what changed; every page passes axe', async () => {
  const { page, context } = await h.newPage();
  await signIn(page, LEARNER.email, LEARNER.password);

  // Enrolling leads to the survey asked before the first module.
  await page.goto(COURSE);
  await h.audit(page, 'graded course, before enrolling');
  await page.getByRole('button', { name: 'Start this course' }).click();
  await arrivedAt(page, `${COURSE}/survey/pre`);
  await h.audit(page, 'pre-course survey');
  await page.getByRole('button', { name: 'Send my answers and start the course' }).click();
  await page.waitForSelector('.error-summary');
  await h.audit(page, 'pre-course survey, sent empty');
  await fillSurvey(page, 'Disagree', 'Not sure');
  await page.getByRole('button', { name: 'Send my answers and start the course' }).click();
  await arrivedAt(page, `${COURSE}/modules/start`);
  await h.audit(page, 'module 1, questions unanswered');

  // A wrong answer: its feedback, and the wait before another attempt.
  await answerCheck(page, 'start--border', ['Yes, always.']);
  expect(await page.locator('form#start--border .result').innerText()).toBe('Not quite. Read the feedback and try again.');
  expect(await page.locator('form#start--border .feedback').innerText()).toContain('holding or controlling someone involves no travel');
  expect(await page.locator('form#start--border').innerText()).toContain('You can answer again in about 10 minutes.');
  await h.audit(page, 'module 1, a wrong answer and its feedback');
  await answerCheck(page, 'start--border', ['No.'], 'Check again');
  expect(await page.locator('form#start--border [role="alert"]').innerText()).toContain('Wait about 10 more minutes');
  await h.audit(page, 'module 1, too soon to answer again');

  // Ten minutes later, the right answer passes; the other questions too.
  h.t.clock.advance(10 * 60_000);
  await page.goto(`${COURSE}/modules/start`);
  await answerCheck(page, 'start--border', ['No.'], 'Check again');
  expect(await page.locator('form#start--border .result').innerText()).toBe('That is right.');
  await answerCheck(page, 'start--roles', ['Working indoors.', 'Screening clients.']);
  await answerCheck(page, 'start--reports', ['False']);
  await h.audit(page, 'module 1, all answered');
  await page.getByRole('button', { name: 'Mark complete and continue' }).click();
  await arrivedAt(page, `${COURSE}/modules/end`);
  await answerCheck(page, 'end--scenario-the-licence-check', ['Follow your city']);
  expect(await page.locator('form#end--scenario-the-licence-check .result').innerText()).toBe('A good choice. Read what follows.');
  await answerCheck(page, 'end--recheck', ['Before each release']);
  await h.audit(page, 'module 2, a graded scenario and a pinned question');

  // Finishing the modules leads to the post-course survey; the course is not complete before it.
  await page.getByRole('button', { name: 'Mark complete and finish the course' }).click();
  await arrivedAt(page, `${COURSE}/survey/post`);
  await h.audit(page, 'post-course survey');
  expect(await h.t.services.certificates.listForUser((await h.t.services.accounts.findPeople({ emails: [LEARNER.email] }))[0].id)).toHaveLength(0);
  await fillSurvey(page, 'Agree', 'True');
  await page.getByRole('button', { name: 'Send my answers' }).click();
  await arrivedAt(page, `${COURSE}/evaluation`);
  expect(await page.getByRole('status').first().innerText()).toContain('Well done: you have completed this course.');
  expect(await page.getByRole('link', { name: 'Download your certificate (PDF)' }).isVisible()).toBe(true);
  await h.audit(page, 'evaluation, course completed');
  await page.getByRole('group', { name: 'The course was useful.' }).getByLabel('Strongly agree').check();
  await page.getByLabel('Anything else you would like to tell the trainers?').fill('The scenario felt real.');
  await page.getByRole('button', { name: 'Send' }).click();
  await arrivedAt(page, COURSE);
  await h.audit(page, 'course, completed and evaluated');

  // The trainer: item analysis and the change of the 40 generated learners plus this one, a cohort of 4 hidden.
  const trainer = await h.newPage();
  await signIn(trainer.page, TRAINER.email, TRAINER.password);
  await trainer.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Course impact' }).click();
  await arrivedAt(trainer.page, '/analytics');
  await h.audit(trainer.page, 'course impact, index');
  await trainer.page.getByRole('link', { name: 'Graded course' }).click();
  await arrivedAt(trainer.page, '/analytics/courses/graded-course');
  await h.audit(trainer.page, 'course impact, graded course');
  const text = await trainer.page.locator('main').innerText();
  expect(text).toMatch(/answered the survey at the start and at the end:\s*45/);
  const chart = trainer.page.getByRole('img', { name: 'Mean change in agreement, with 95% confidence intervals' });
  expect(await chart.isVisible()).toBe(true);
  expect(await chart.getAttribute('aria-labelledby')).toBe('change-attitude-title change-attitude-desc');
  expect(await trainer.page.locator('#change-attitude-desc').textContent()).toMatch(/Across all attitude statements, the mean change was \+\d\.\d\d points \(95% confidence interval \+\d\.\d\d to \+\d\.\d\d\), from 45 learners/);
  const byOrg = trainer.page.getByRole('table', { name: 'By organization' });
  expect(await byOrg.getByRole('row', { name: /Small Town/ }).innerText()).toContain('fewer than 5');
  expect(await byOrg.getByRole('row', { name: /Dogwood Health/ }).innerText()).toContain('fewer than 5');
  expect(await byOrg.getByRole('row', { name: /Cedar Police/ }).innerText()).toMatch(/25\s+\+\d\.\d\d \(\+\d\.\d\d to \+\d\.\d\d\)/);
  expect(text).toMatch(/Right at the first attempt: \d+%/);
  expect(text).toContain('The scenario felt real.');

  // A manager: their own staff, by unit.
  const manager = await h.newPage();
  await signIn(manager.page, managerEmail, FACTORY_PASSWORD);
  await manager.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Course impact' }).click();
  await manager.page.waitForURL((url) => /^\/analytics\/organizations\/\d+$/.test(url.pathname));
  await h.audit(manager.page, 'course impact, own organization');
  await manager.page.getByRole('link', { name: 'Graded course' }).click();
  await manager.page.waitForURL((url) => /^\/analytics\/organizations\/\d+\/courses\/graded-course$/.test(url.pathname));
  await h.audit(manager.page, 'course impact, own organization, graded course');
  const managerText = await manager.page.locator('main').innerText();
  expect(managerText).toMatch(/answered the survey at the start and at the end:\s*25/);
  expect(managerText).not.toContain('Dogwood');
  expect(await manager.page.getByRole('table', { name: 'By unit' }).getByRole('row', { name: /North/ }).innerText()).toMatch(/^North\s+25/);
  await Promise.all([context.close(), trainer.context.close(), manager.context.close()]);
}, 120_000);
