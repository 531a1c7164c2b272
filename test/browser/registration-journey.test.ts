// Registering when the site sends email, in a real browser with an axe-core WCAG 2.1 A/AA audit of
// each page: the form, "check your email", the emailed link's page (with a wrong password, then
// the right one), and the dashboard it signs in to. No mail worker runs here: the link is read
// from the outbox, where the app queued it (test/http/registration.test.ts sends it over SMTP).
import type { Page } from 'playwright-core';
import { BrowserHarness } from './support';

const EMAIL = 'river.journey@example.org';
const PASSWORD = 'alder creek heron evening';

const h = new BrowserHarness();
// An SMTP address makes email "on"; nothing is sent to it without a worker.
beforeAll(() => h.start({ smtpUrl: 'smtp://127.0.0.1:9' }), 60_000);
afterAll(() => h.close(), 30_000);

async function arrivedAt(page: Page, pathname: string): Promise<void> {
  await page.waitForURL((url) => url.pathname === pathname);
}

test('register, check your email, follow the link, sign in: every page passes axe', async () => {
  const { context, page } = await h.newPage();
  await page.goto('/register');
  await h.audit(page, 'register');
  await page.getByLabel('Your name').fill('River Journey');
  await page.getByLabel('Email address').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();

  // The answer names the address and is announced; nothing is signed in yet.
  await page.getByRole('heading', { level: 1, name: 'Check your email' }).waitFor();
  await h.audit(page, 'check your email');
  expect(await page.getByRole('status').textContent()).toContain(`we sent a link to ${EMAIL}`);
  await h.t.services.registrations.whenIdle();
  expect(await h.t.testDb.db('users').where({ email: EMAIL }).first()).toBeUndefined();

  const mail = await h.t.testDb.db('outbox').where({ recipient: EMAIL, kind: 'registration_link' }).first();
  const link = new URL(/https?:\/\/\S+\/register\/verify\/[A-Za-z0-9_-]+/.exec(mail.text_body)![0]);
  await page.goto(link.pathname);
  await h.audit(page, 'finish creating your account');

  // A wrong password is said in the summary and beside the field, which is marked invalid.
  await page.getByLabel('Password', { exact: true }).fill('not the one I chose');
  await page.getByRole('button', { name: 'Create my account' }).click();
  await page.waitForSelector('.error-summary');
  await h.audit(page, 'finish creating your account, wrong password');
  expect(await page.getByRole('alert').textContent()).toContain('That is not the password you chose when you registered.');
  expect(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true');

  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create my account' }).click();
  await arrivedAt(page, '/dashboard');
  await h.audit(page, 'dashboard after registering');
  expect(await page.textContent('body')).toContain('River Journey');
  await context.close();
}, 90_000);
