// A second factor in Chromium, every page checked with axe: a learner sets one up from their
// account page (reading the key as text, as someone without a camera would), sees their recovery
// codes, signs out, and signs back in with their password and a code computed from the key.
import { BrowserHarness } from './support';
import { codeAt, PERIOD_SECONDS } from '../../src/accounts/totp';

const EMAIL = 'sam.second@example.org';
const PASSWORD = 'a long learner password';

const h = new BrowserHarness();
beforeAll(async () => {
  await h.start();
  await h.t.services.accounts.createUser({ email: EMAIL, displayName: 'Sam Second', password: PASSWORD, role: 'learner' });
}, 60_000);
afterAll(() => h.close(), 30_000);

test('a learner sets up a second factor, signs out, and signs in with a code; every page passes axe', async () => {
  const { context, page } = await h.newPage();
  await page.goto('/login');
  await page.getByLabel('Email address').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await page.waitForURL((url) => url.pathname === '/dashboard');

  await page.goto('/account');
  await page.getByRole('link', { name: 'Second factor (sign-in codes)' }).click();
  await page.waitForURL((url) => url.pathname === '/account/second-factor');
  await h.audit(page, 'second factor, off');
  await page.getByRole('link', { name: 'Set up a second factor' }).click();
  await page.waitForURL((url) => url.pathname === '/account/second-factor/enrol');
  await h.audit(page, 'second factor, enrol');
  // The QR code is an image the browser could draw (the CSP allows it: audit() reports violations).
  const qr = page.getByRole('img', { name: /QR code for your authenticator app/ });
  expect(await qr.evaluate((img: { naturalWidth: number }) => img.naturalWidth)).toBeGreaterThan(0);
  const secret = (await page.locator('#secret-key').textContent())!.replace(/\s/g, '');
  expect(secret).toMatch(/^[A-Z2-7]{32}$/);

  const codeField = page.getByLabel(/Enter the six-digit code/);
  await codeField.fill('000000');
  await codeField.press('Enter');
  await page.waitForSelector('.field-error');
  await h.audit(page, 'second factor, enrol, wrong code');
  await page.getByLabel(/Enter the six-digit code/).fill(codeAt(secret, h.t.clock.now()));
  await page.getByLabel(/Enter the six-digit code/).press('Enter');
  await page.waitForSelector('.recovery-codes');
  await h.audit(page, 'recovery codes');
  expect(await page.locator('.recovery-codes li').count()).toBe(10);
  await page.getByRole('link', { name: 'I have saved them' }).click();
  await page.waitForURL((url) => url.pathname === '/account/second-factor');
  await h.audit(page, 'second factor, on');
  expect(await page.getByRole('status').textContent()).toContain('Your second factor is on.');

  await page.getByRole('button', { name: 'Sign out' }).first().click();
  await page.waitForURL((url) => url.pathname === '/');

  // The code used to switch it on cannot be used again: the next one, half a minute later, can.
  h.t.clock.advance(PERIOD_SECONDS * 1000);
  await page.goto('/login?next=/account');
  await page.getByLabel('Email address').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await page.waitForURL((url) => url.pathname === '/login/second-factor');
  await h.audit(page, 'sign in, second step');
  await page.getByLabel('Code', { exact: true }).fill('111111');
  await page.getByLabel('Code', { exact: true }).press('Enter');
  await page.waitForSelector('.field-error');
  await h.audit(page, 'sign in, second step, wrong code');
  await page.getByLabel('Code', { exact: true }).fill(codeAt(secret, h.t.clock.now()));
  await page.getByLabel('Code', { exact: true }).press('Enter');
  await page.waitForURL((url) => url.pathname === '/account');
  await h.audit(page, 'account, signed in with a code');
  await context.close();
}, 90_000);
