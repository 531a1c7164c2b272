// An administrator's pages in Chromium, each checked with axe: the overview, certificate search,
// a revocation with a missing reason, then a real one, and the public page that shows it.
import { BrowserHarness } from './support';
import { enrolSecondFactor, enterSecondFactorCode } from './second-factor-support';

const EMAIL = 'ada.admin@example.org';
const PASSWORD = 'a long admin password';

const h = new BrowserHarness();
let secret = '';
beforeAll(async () => {
  await h.start();
  const admin = await h.t.services.accounts.createUser({ email: EMAIL, displayName: 'Ada Admin', password: PASSWORD, role: 'admin' });
  ({ secret } = await enrolSecondFactor(h.t, admin));
}, 60_000);
afterAll(() => h.close(), 30_000);

test('an administrator finds and revokes a certificate; every page passes axe', async () => {
  // A learner's finished course to find, made through the services.
  const learner = await h.t.services.accounts.createUser({ email: 'lee@example.org', displayName: 'Lee Learner', password: 'a long learner password', role: 'learner' });
  await h.t.services.learning.enrol('first-aid-basics', learner);
  for (const key of ['welcome', 'middle', 'wrap-up']) await h.t.services.learning.completeModule('first-aid-basics', key, learner);
  const [cert] = await h.t.services.certificates.listForUser(learner.id);

  const { context, page } = await h.newPage();
  await page.goto('/login');
  await page.getByLabel('Email address').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await enterSecondFactorCode(page, h.t, secret);
  await page.waitForURL((url) => url.pathname === '/dashboard');

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Administration' }).click();
  await page.waitForURL((url) => url.pathname === '/admin');
  await h.audit(page, 'admin');
  await page.getByRole('link', { name: /Certificates: search/ }).click();
  await page.waitForURL((url) => url.pathname === '/admin/certificates');
  await page.getByLabel('Course', { exact: true }).fill('first-aid-basics');
  await page.getByRole('button', { name: 'Show certificates' }).click();
  await page.waitForURL((url) => url.search.includes('course=first-aid-basics'));
  await h.audit(page, 'admin certificates');
  expect(await page.locator('.card h2').first().textContent()).toBe('Lee Learner');

  const reason = page.getByLabel('Reason for revoking');
  await reason.fill('x');
  await page.getByRole('button', { name: 'Revoke' }).click();
  await page.waitForSelector('.field-error');
  await h.audit(page, 'admin certificates, reason missing');
  expect(await page.getByLabel('Reason for revoking').inputValue()).toBe('x');
  await page.getByLabel('Reason for revoking').fill('Completed by someone else');
  await page.getByRole('button', { name: 'Revoke' }).click();
  await page.waitForURL((url) => url.search.includes('revoked='));
  await h.audit(page, 'admin certificates, revoked');

  await page.goto(`/verify/${cert.code}`);
  await h.audit(page, 'verify, revoked');
  expect(await page.getByRole('status').getByRole('heading').textContent()).toBe('Revoked certificate');
  expect(await page.locator('.facts').textContent()).toContain('Completed by someone else');
  await context.close();
}, 90_000);
