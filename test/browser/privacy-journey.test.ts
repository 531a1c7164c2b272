// A learner's own data in a real browser: from their account page to the readable page of their
// data, the JSON download, then deleting their account (a wrong password first), and the public
// verification of their certificate afterwards. Every page passes axe (WCAG 2.1 A/AA). The
// harness also refuses, and fails on, any request a page makes to another host: checked here by
// making one on purpose.
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { BrowserHarness } from './support';

const h = new BrowserHarness();
const EMAIL = 'rowan.privacy@example.org';
const NAME = 'Rowan Kingfisher';
const PASSWORD = 'tidal pool heron evening';
let code = '';

beforeAll(async () => {
  await h.start();
  const t = h.t;
  const user = await t.services.accounts.createUser({ email: EMAIL, displayName: NAME, password: PASSWORD, role: 'learner' });
  await t.services.learning.enrol('first-aid-basics', user);
  for (const key of ['welcome', 'middle', 'wrap-up']) await t.services.learning.completeModule('first-aid-basics', key, user);
  code = (await t.services.certificates.listForUser(user.id))[0]!.code;
}, 60_000);
afterAll(() => h.close(), 30_000);

async function arrivedAt(page: Page, pathname: string): Promise<void> {
  await page.waitForURL((url) => url.pathname === pathname);
}

test('a learner reads and downloads their data, then deletes their account; every page passes axe', async () => {
  const { page } = await h.newPage({ acceptDownloads: true });
  await page.goto('/login');
  await page.getByLabel('Email address').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await arrivedAt(page, '/dashboard');

  await page.goto('/account');
  await page.getByRole('link', { name: 'Your data, and deleting your account' }).click();
  await arrivedAt(page, '/account/data');
  await h.audit(page, 'your data');
  expect(await page.getByRole('main').textContent()).toContain(EMAIL);
  expect(await page.getByRole('heading', { name: 'Your certificates' }).count()).toBe(1);

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download your data (JSON)' }).click()]);
  expect(download.suggestedFilename()).toBe('bridgework-my-data.json');
  const data = JSON.parse(fs.readFileSync(await download.path(), 'utf8')) as { tables: Record<string, Record<string, unknown>[]> };
  expect(data.tables.users![0]).toMatchObject({ email: EMAIL, display_name: NAME });
  expect(data.tables.certificates![0]).toMatchObject({ code, holder_name: NAME });
  await download.delete();

  await page.getByRole('link', { name: 'Delete your account' }).click();
  await arrivedAt(page, '/account/delete');
  await h.audit(page, 'delete your account');

  // A wrong password: the message is beside the field and tied to it.
  await page.getByLabel('Your password').fill('not the password at all');
  await page.getByRole('button', { name: 'Delete my account' }).click();
  await page.locator('#password-error').waitFor();
  await h.audit(page, 'delete your account, wrong password');
  expect(await page.getByLabel('Your password').getAttribute('aria-invalid')).toBe('true');

  await page.getByLabel('Your password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Delete my account' }).click();
  await arrivedAt(page, '/account/deleted');
  await h.audit(page, 'account deleted');

  // Their certificate now says it was withdrawn by its holder, and names no one.
  await page.goto(`/verify/${code}`);
  await h.audit(page, 'verify, withdrawn');
  const main = (await page.getByRole('main').textContent()) ?? '';
  expect(main).toContain('withdrawn by the holder');
  expect(main).not.toContain(NAME);
}, 90_000);

test('a request from a page to another host fails the audit', async () => {
  // The app's CSP would block it first; with the CSP off, as a looser policy would let a
  // third-party font or script through, the harness's own check is what fails it.
  const { page } = await h.newPage({ bypassCSP: true });
  await page.goto('/verify');
  await page.evaluate(() => fetch('http://tracker.example.net/pixel.gif').catch(() => undefined));
  await expect(h.audit(page, 'verify form, with a request elsewhere')).rejects.toThrow(/request to another host: http:\/\/tracker\.example\.net\/pixel\.gif/);
});
