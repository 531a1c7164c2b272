// An organization's journey in Chromium, each page checked with axe: an administrator creates a
// police department and names its coordinator (a new person); the coordinator chooses a password,
// creates a unit and an invitation link, imports staff from a CSV file, and assigns the foundations
// course due in 30 days; a learner joins with the link on a phone and sees the required course
// first on their dashboard.
import path from 'node:path';
import type { Page } from 'playwright-core';
import { BrowserHarness, horizontalOverflow } from './support';
import { enrolSecondFactor, enterSecondFactorCode } from './second-factor-support';
import { publishCourse } from '../support/factories';
import { readCourseFolder } from '../../src/curriculum/parse';
import { ROOT_DIR } from '../../src/paths';

const ADMIN_EMAIL = 'ada.admin@example.org';
const ADMIN_PASSWORD = 'a long admin password';
const FOUNDATIONS = 'sex-work-and-stigma-foundations';
const DAY = 24 * 60 * 60 * 1000;

const h = new BrowserHarness();
let foundationsTitle = '';
let adminSecret = '';
beforeAll(async () => {
  await h.start();
  const madeAdmin = await h.t.services.accounts.createUser({ email: ADMIN_EMAIL, displayName: 'Ada Admin', password: ADMIN_PASSWORD, role: 'admin' });
  ({ secret: adminSecret } = await enrolSecondFactor(h.t, madeAdmin));
  // The real foundations course of the starter curriculum, published as the folder sync does.
  const { files, problems } = readCourseFolder(path.join(ROOT_DIR, 'curriculum', FOUNDATIONS));
  if (problems.some((p) => p.severity === 'error')) throw new Error(problems.map((p) => p.message).join('; '));
  foundationsTitle = (await publishCourse(h.t, { slug: FOUNDATIONS, files })).course.title;
}, 60_000);
afterAll(() => h.close(), 30_000);

async function arrivedAt(page: Page, pathname: string | RegExp): Promise<void> {
  await page.waitForURL((url) => (typeof pathname === 'string' ? url.pathname === pathname : pathname.test(url.pathname)));
}

async function fitsWidth(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await horizontalOverflow(page);
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
}

test('an administrator, a coordinator and a learner set up an organization; every page passes axe', async () => {
  // ---- The administrator creates the police department and names its coordinator ----
  const admin = await h.newPage();
  let page = admin.page;
  await page.goto('/login');
  await page.getByLabel('Email address').fill(ADMIN_EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(ADMIN_PASSWORD);
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await enterSecondFactorCode(page, h.t, adminSecret);
  await arrivedAt(page, '/dashboard');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
  await arrivedAt(page, '/admin');
  await page.getByRole('link', { name: /Organizations: create them/ }).click();
  await arrivedAt(page, '/admin/organizations');
  await h.audit(page, 'admin organizations, none yet');

  await page.getByRole('button', { name: 'Create organization' }).click();
  await page.waitForSelector('.error-summary');
  await h.audit(page, 'admin organizations, errors');
  await page.getByLabel('Name', { exact: true }).fill('Harbour City Police');
  await page.getByLabel('Police', { exact: true }).check();
  await page.getByRole('button', { name: 'Create organization' }).click();
  await arrivedAt(page, /^\/admin\/organizations\/\d+$/);
  await h.audit(page, 'admin organization, created');

  await page.getByLabel('Manager\'s email address').fill('casey.coordinator@example.org');
  await page.getByRole('button', { name: 'Name manager' }).click();
  await page.waitForSelector('.error-summary');
  await h.audit(page, 'admin organization, name needed');
  await page.getByLabel('Manager\'s name (for a new account)').fill('Casey Coordinator');
  await page.getByRole('button', { name: 'Name manager' }).click();
  await page.waitForSelector('.link-box');
  await h.audit(page, 'admin organization, coordinator invited');
  const coordinatorLink = await page.locator('.link-box').inputValue();
  await admin.context.close();

  // ---- The coordinator chooses a password and sets the organization up ----
  const coordinator = await h.newPage();
  page = coordinator.page;
  await page.goto(new URL(coordinatorLink).pathname);
  await h.audit(page, 'join, choose a password');
  expect(await page.getByLabel('Your name').inputValue()).toBe('Casey Coordinator');
  await page.getByLabel('Password', { exact: true }).fill('a long coordinator password');
  await page.getByRole('button', { name: 'Choose password and start' }).click();
  await arrivedAt(page, '/dashboard');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Your organization' }).click();
  await arrivedAt(page, /^\/organizations\/\d+$/);
  await h.audit(page, 'organization overview');
  const orgPath = new URL(page.url()).pathname;

  const sections = page.getByRole('navigation', { name: 'Organization' });
  await sections.getByRole('link', { name: 'Units' }).click();
  await arrivedAt(page, `${orgPath}/units`);
  await page.getByLabel('Unit name').fill('Patrol North');
  await page.getByRole('button', { name: 'Add unit' }).click();
  await page.waitForSelector('.notice.success');
  await h.audit(page, 'units');

  await sections.getByRole('link', { name: 'Invitation links' }).click();
  await arrivedAt(page, `${orgPath}/invitations`);
  await h.audit(page, 'invitation links, none yet');
  await page.getByLabel('Unit', { exact: true }).selectOption({ label: 'Patrol North' });
  await page.getByLabel('Works for (days)').fill('14');
  await page.getByLabel('Number of people who may use it').fill('25');
  await page.getByRole('button', { name: 'Make link' }).click();
  await page.waitForSelector('#created-link');
  await h.audit(page, 'invitation links, new link');
  const invitation = await page.locator('#created-link').inputValue();

  await sections.getByRole('link', { name: 'Import staff' }).click();
  await arrivedAt(page, `${orgPath}/import`);
  await h.audit(page, 'import staff');
  await page.getByLabel('CSV file').setInputFiles({
    name: 'staff.csv', mimeType: 'text/csv',
    buffer: Buffer.from('\ufeffname,email,unit\r\nSam Patel,sam.patel@example.org,Patrol North\r\nJordan Lee,not-an-email,\r\n'),
  });
  await page.getByRole('button', { name: 'Check the file' }).click();
  await arrivedAt(page, /\/import\/\d+$/);
  await h.audit(page, 'import preview with a problem');
  expect(await page.locator('.error-summary').textContent()).toContain('Row 3: "not-an-email" is not an email address.');
  await page.getByRole('link', { name: 'Upload a corrected file' }).click();
  await page.getByLabel('CSV file').setInputFiles({
    name: 'staff.csv', mimeType: 'text/csv',
    buffer: Buffer.from('name,email,unit\nSam Patel,sam.patel@example.org,Patrol North\nJordan Lee,jordan.lee@example.org,Patrol South\n'),
  });
  await page.getByRole('button', { name: 'Check the file' }).click();
  await arrivedAt(page, /\/import\/\d+$/);
  await page.getByRole('link', { name: 'Create this unit and check again' }).click();
  await page.waitForURL((url) => url.search === '?createUnits=1');
  await h.audit(page, 'import preview, ready');
  await page.getByRole('button', { name: 'Import 2 rows' }).click();
  await page.waitForSelector('.link-cell');
  await h.audit(page, 'import done, links to give');
  expect(await page.locator('.link-cell').count()).toBe(2);

  await sections.getByRole('link', { name: 'Required training' }).click();
  await arrivedAt(page, `${orgPath}/assignments`);
  await h.audit(page, 'required training, none yet');
  const due = new Date(h.t.clock.now().getTime() + 30 * DAY).toISOString().slice(0, 10);
  await page.getByLabel('Course', { exact: true }).selectOption({ label: foundationsTitle });
  await page.getByLabel('Everyone in the organization').check();
  await page.getByLabel('By a date').check();
  await page.getByLabel('Due date').fill(due);
  await page.getByRole('button', { name: 'Assign', exact: true }).click();
  await page.waitForURL((url) => url.search === '?done=added');
  await h.audit(page, 'required training, assigned');
  expect(await page.locator('#assignments-caption + thead + tbody').textContent()).toContain(foundationsTitle);

  await sections.getByRole('link', { name: 'People' }).click();
  await arrivedAt(page, `${orgPath}/members`);
  await h.audit(page, 'people');
  await page.getByRole('link', { name: 'Sam Patel' }).click();
  await arrivedAt(page, /\/members\/\d+$/);
  await h.audit(page, 'one person');
  await coordinator.context.close();

  // ---- A learner joins with the link on a phone and sees the course first ----
  const learner = await h.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  page = learner.page;
  await page.goto(new URL(invitation).pathname);
  await h.audit(page, 'join, signed out (phone)');
  await fitsWidth(page);
  await page.getByRole('link', { name: 'Create an account' }).click();
  await arrivedAt(page, '/register');
  await page.getByLabel('Your name').fill('Lee Learner');
  await page.getByLabel('Email address').fill('lee.learner@example.org');
  await page.getByLabel('Password', { exact: true }).fill('a long learner password');
  await page.getByRole('button', { name: 'Create account' }).click();
  await arrivedAt(page, new URL(invitation).pathname);
  await h.audit(page, 'join, signed in (phone)');
  await page.getByRole('button', { name: 'Join Harbour City Police' }).click();
  await page.waitForSelector('text=You joined Harbour City Police');
  await h.audit(page, 'joined (phone)');
  await page.getByRole('link', { name: 'Go to my learning' }).click();
  await arrivedAt(page, '/dashboard');
  await h.audit(page, 'dashboard with required training (phone)');
  await fitsWidth(page);
  const firstSection = page.locator('main section').first();
  expect(await firstSection.getByRole('heading', { level: 2 }).textContent()).toBe('Required by your organization');
  const dueText = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${due}T12:00:00Z`));
  expect(await firstSection.textContent()).toContain(`Due by ${dueText}. Not started.`);
  expect(await firstSection.getByRole('link', { name: foundationsTitle, exact: true }).count()).toBe(1);

  await page.goto('/account/organization');
  await h.audit(page, 'your organization (phone)');
  expect(await page.locator('.facts').textContent()).toContain('Patrol North');
  await learner.context.close();
}, 180_000);
