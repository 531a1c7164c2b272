// The learner's path in a real browser (Debian's Chromium through playwright-core), keyboard first
// where it matters, with an axe-core WCAG 2.1 A/AA audit of every page on the way: home, catalog,
// course, sign-in, registration (with an error, then for real), enrolment, modules, sign-out and
// back in, resume from the dashboard, completion, the certificate PDF and its public verification.
// A phone-sized visit of a module page checks that nothing scrolls sideways.
// Set BROWSER_SCREENSHOTS=<dir> to keep a full-page screenshot of each page audited.
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { BrowserHarness, focused, horizontalOverflow, inViewport, showsFocusRing, tabTo, waitForFocusOn } from './support';

const COURSE = '/courses/first-aid-basics';
const COURSE_TITLE = 'Test course: the basics';
const MODULE = (key: string) => `${COURSE}/modules/${key}`;
// "Sḵwx̱wú7mesh Stó:lō", spelled out: x̱ has no precomposed form, so it stays x + U+0331 in NFC.
const NAME = 'S\u1E35wx\u0331w\u00FA7mesh St\u00F3:l\u014D';
const EMAIL = 'skwxwu7mesh@example.org';
const PASSWORD = 'cedar river salmon morning';

const h = new BrowserHarness();
beforeAll(() => h.start(), 60_000);
afterAll(() => h.close(), 30_000);

/** Waits for the page to be at `pathname` (and `search`, if given) and fully loaded. */
async function arrivedAt(page: Page, pathname: string, search = ''): Promise<void> {
  await page.waitForURL((url) => url.pathname === pathname && url.search === search);
}

/** Nothing on the page scrolls sideways at this viewport width (WCAG 1.4.10 Reflow). */
async function fitsWidth(page: Page, width: number): Promise<void> {
  const { scrollWidth, clientWidth } = await horizontalOverflow(page);
  expect(clientWidth).toBe(width);
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
}

async function checkSkipLink(page: Page): Promise<void> {
  // Tab from the top of a freshly loaded page: the skip link comes first, shows itself, and
  // Enter moves focus to <main> so the next Tab starts in the content.
  await page.keyboard.press('Tab');
  const first = await focused(page);
  expect(first).toMatchObject({ tag: 'a', className: 'skip-link', text: 'Skip to main content' });
  expect(await inViewport(page.locator('.skip-link'))).toBe(true);
  await page.keyboard.press('Enter');
  await waitForFocusOn(page, 'main');
}

test('a learner walks the whole path by browser, and every page passes axe (WCAG 2.1 A/AA)', async () => {
  const { context, page } = await h.newPage();

  // Home, and the skip link.
  await page.goto('/');
  await h.audit(page, 'home');
  expect(await page.title()).toBe('Welcome · Bridgework');
  await checkSkipLink(page);

  // Catalog, then the course page, signed out.
  await page.getByRole('link', { name: 'Browse the courses' }).click();
  await arrivedAt(page, '/courses');
  await h.audit(page, 'catalog');
  await page.getByRole('link', { name: COURSE_TITLE }).click();
  await arrivedAt(page, COURSE);
  await h.audit(page, 'course, signed out');

  // From the course to sign-in, then on to registration.
  await page.getByRole('link', { name: 'Sign in to start this course' }).click();
  await arrivedAt(page, '/login', `?next=${encodeURIComponent(COURSE)}`);
  await h.audit(page, 'sign in');
  await page.getByRole('main').getByRole('link', { name: 'Create an account' }).click();
  await arrivedAt(page, '/register');
  await h.audit(page, 'register');

  // A password that is too short: the message sits beside the field, tied to it for screen
  // readers; name and email are kept, the password is not.
  const nameField = page.getByLabel('Your name');
  const emailField = page.getByLabel('Email address');
  const passwordField = page.getByLabel('Password', { exact: true });
  await nameField.fill(NAME);
  await emailField.fill(EMAIL);
  await passwordField.fill('short');
  await passwordField.press('Enter');
  const passwordError = page.locator('#password-error');
  await passwordError.waitFor();
  await h.audit(page, 'register, password too short');
  expect(await passwordError.textContent()).toBe('Your password must be at least 12 characters.');
  // Beside the field: in the same form group as the input, and announced with it.
  expect(await page.locator('.field.has-error').filter({ has: page.locator('#password') }).locator('#password-error').count()).toBe(1);
  expect(await passwordField.getAttribute('aria-invalid')).toBe('true');
  expect((await passwordField.getAttribute('aria-describedby'))?.split(' ')).toContain('password-error');
  expect(await page.getByRole('alert').getByRole('link', { name: 'Your password must be at least 12 characters.' }).getAttribute('href')).toBe('#password');
  expect(await page.locator('.field-error').count()).toBe(1);
  expect(await nameField.inputValue()).toBe(NAME);
  expect(await emailField.inputValue()).toBe(EMAIL);
  expect(await passwordField.inputValue()).toBe('');

  // Now properly: lands on the dashboard, greeted by name.
  await passwordField.fill(PASSWORD);
  await passwordField.press('Enter');
  await arrivedAt(page, '/dashboard');
  await h.audit(page, 'dashboard, new learner');
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('My learning');
  expect(await page.getByRole('main').textContent()).toContain(`Welcome, ${NAME}`);
  expect(await page.getByRole('region', { name: 'In progress' }).textContent()).toContain('You have not started a course yet.');

  // Back to the course, and enrol with the keyboard.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Courses' }).click();
  await arrivedAt(page, '/courses');
  await page.getByRole('link', { name: COURSE_TITLE }).click();
  await arrivedAt(page, COURSE);
  await h.audit(page, 'course, signed in');
  const enrol = page.getByRole('button', { name: 'Start this course' });
  await tabTo(page, enrol);
  expect(await showsFocusRing(enrol)).toBe(true);
  await page.keyboard.press('Enter');
  await arrivedAt(page, MODULE('welcome'));
  await h.audit(page, 'module 1');
  expect(await page.getByText('Module 1 of 3').count()).toBe(1);
  await checkSkipLink(page);

  // Mark module 1 complete from the keyboard: Tab to the button (focus visible), press Enter.
  const markComplete = page.getByRole('button', { name: 'Mark complete and continue' });
  await tabTo(page, markComplete);
  expect(await showsFocusRing(markComplete)).toBe(true);
  await page.keyboard.press('Enter');
  await arrivedAt(page, MODULE('middle'));
  // Module 2 has a content note: it comes first, and the learner chooses to go on (or skip).
  await h.audit(page, 'module 2, content note');
  expect(await page.getByRole('region', { name: 'Content note' }).textContent()).toContain('Mentions difficult topics.');
  expect(await page.getByRole('link', { name: 'Continue to the module' }).getAttribute('href')).toBe(`${MODULE('middle')}?continue=1#content`);

  // Sign out, and back in.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await arrivedAt(page, '/');
  await h.audit(page, 'home, signed out');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign in' }).click();
  await arrivedAt(page, '/login');
  await page.getByLabel('Email address').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByLabel('Password').press('Enter');
  await arrivedAt(page, '/dashboard');
  await h.audit(page, 'dashboard, in progress');

  // The dashboard resumes where the learner left off: module 2.
  const inProgress = page.getByRole('region', { name: 'In progress' });
  expect(await inProgress.getByRole('link', { name: COURSE_TITLE, exact: true }).count()).toBe(1);
  expect(await inProgress.getByText('1 of 3 modules complete').count()).toBe(1);
  const resume = inProgress.getByRole('link', { name: `Continue ${COURSE_TITLE}` });
  expect(await resume.getAttribute('href')).toBe(MODULE('middle'));

  // On a phone, the module page (content note, table, buttons, pager) fits the width, and passes axe.
  const phone = await h.newPage({
    storageState: await context.storageState(), viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true,
  });
  try {
    await phone.page.goto(MODULE('middle'));
    await h.audit(phone.page, 'module 2, content note, phone');
    await fitsWidth(phone.page, 390);
    await phone.page.getByRole('link', { name: 'Continue to the module' }).click();
    await arrivedAt(phone.page, MODULE('middle'), '?continue=1');
    await h.audit(phone.page, 'module 2, phone');
    await fitsWidth(phone.page, 390);
  } finally {
    await phone.context.close();
  }

  // Continue, and finish modules 2 and 3 (Enter on the focused button each time).
  await resume.focus();
  await page.keyboard.press('Enter');
  await arrivedAt(page, MODULE('middle'));
  const goOn = page.getByRole('link', { name: 'Continue to the module' });
  await goOn.focus();
  await page.keyboard.press('Enter');
  await arrivedAt(page, MODULE('middle'), '?continue=1');
  await h.audit(page, 'module 2');
  expect(await page.locator('#content table').count()).toBe(1);
  const complete2 = page.getByRole('button', { name: 'Mark complete and continue' });
  await complete2.focus();
  await page.keyboard.press('Enter');
  await arrivedAt(page, MODULE('wrap-up'));
  await h.audit(page, 'module 3');
  const finish = page.getByRole('button', { name: 'Mark complete and finish the course' });
  await finish.focus();
  await page.keyboard.press('Enter');
  await arrivedAt(page, COURSE, '?completed=1');
  await h.audit(page, 'course, completed');
  expect(await page.getByRole('status').textContent()).toContain('Well done: you have completed this course.');
  expect(await page.getByText('3 of 3 modules complete').count()).toBe(1);

  // The dashboard offers the certificate.
  await page.getByRole('link', { name: 'My learning' }).first().click();
  await arrivedAt(page, '/dashboard');
  await h.audit(page, 'dashboard, completed');
  expect(await page.getByRole('region', { name: 'In progress' }).textContent()).toContain('You have no courses in progress.');
  const completed = page.getByRole('region', { name: 'Completed' });
  const certificate = completed.getByRole('link', { name: `Certificate for ${COURSE_TITLE} (PDF)` });
  const href = await certificate.getAttribute('href');
  const code = /^\/certificates\/([A-Z0-9]{15})\.pdf$/.exec(href ?? '')?.[1];
  expect(code).toBeDefined();

  // Download it (a real download: Content-Disposition attachment) and check it is a PDF.
  await certificate.focus();
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  expect(download.suggestedFilename()).toBe(`certificate-${code}.pdf`);
  const pdf = fs.readFileSync(await download.path());
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(pdf.subarray(-8).toString('latin1')).toContain('%%EOF');
  await download.delete();

  // The public verification page shows the name exactly as registered.
  const formatted = code!.replace(/(.{5})(?=.)/g, '$1-');
  await completed.getByRole('link', { name: `Certificate code: ${formatted}` }).click();
  await arrivedAt(page, `/verify/${code}`);
  await h.audit(page, 'verify, valid');
  expect(await page.getByRole('status').getByRole('heading').textContent()).toBe('Valid certificate');
  expect(await page.locator('.facts dt:text-is("Name") + dd').textContent()).toBe(NAME);
  expect(await page.locator('.facts dt:text-is("Course") + dd').textContent()).toBe(COURSE_TITLE);

  // A mistyped code (two neighbours swapped, the commonest typo) is caught by its check symbol.
  await page.getByRole('link', { name: 'Check another certificate' }).click();
  await arrivedAt(page, '/verify');
  await h.audit(page, 'verify form');
  const i = [...code!].findIndex((ch, k) => k > 0 && ch !== code![k - 1]);
  const typo = code!.slice(0, i - 1) + code![i] + code![i - 1] + code!.slice(i + 1);
  const codeField = page.getByLabel('Certificate code');
  await codeField.fill(typo);
  await codeField.press('Enter');
  await arrivedAt(page, `/verify/${typo}`);
  await h.audit(page, 'verify, mistyped code');
  const codeError = page.locator('#code-error');
  expect(await codeError.textContent()).toContain('That code has a typo');
  expect(await codeField.inputValue()).toBe(typo);
  expect(await codeField.getAttribute('aria-invalid')).toBe('true');
  expect((await codeField.getAttribute('aria-describedby'))?.split(' ')).toContain('code-error');

  // The transcript and the account page, where a name is corrected.
  await page.getByRole('link', { name: 'My account' }).first().click();
  await arrivedAt(page, '/account');
  await h.audit(page, 'account');
  expect(await page.getByLabel('Your name').inputValue()).toBe(NAME);
  await page.getByRole('link', { name: 'My transcript' }).click();
  await arrivedAt(page, '/transcript');
  await h.audit(page, 'transcript');
  expect(await page.locator('table').textContent()).toContain(COURSE_TITLE);

  await context.close();
}, 90_000);
