// An administrator, on a phone, finds a user, deactivates the account (confirming first), and sees
// it in the audit log; every page passes axe and nothing scrolls sideways.
import { BrowserHarness, horizontalOverflow } from './support';
import { enrolSecondFactor, enterSecondFactorCode } from './second-factor-support';

const EMAIL = 'ada.admin@example.org';
const PASSWORD = 'a long admin password';

const h = new BrowserHarness();
let secret = '';
beforeAll(async () => {
  await h.start();
  const admin = await h.t.services.accounts.createUser({ email: EMAIL, displayName: 'Ada Admin', password: PASSWORD, role: 'admin' });
  ({ secret } = await enrolSecondFactor(h.t, admin));
  await h.t.services.accounts.createUser({ email: 'lee@example.org', displayName: 'Lee Learner', password: 'a long learner password', role: 'learner' });
}, 60_000);
afterAll(() => h.close(), 30_000);

test('an administrator deactivates an account and sees it in the audit log, on a phone', async () => {
  const { context, page } = await h.newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const check = async (label: string) => {
    await h.audit(page, label);
    const { scrollWidth, clientWidth } = await horizontalOverflow(page);
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  };
  await page.goto('/login');
  await page.getByLabel('Email address').fill(EMAIL);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByLabel('Password', { exact: true }).press('Enter');
  await enterSecondFactorCode(page, h.t, secret);
  await page.waitForURL((url) => url.pathname === '/dashboard');

  await page.goto('/admin');
  await page.getByRole('link', { name: /Users: find them/ }).click();
  await page.waitForURL((url) => url.pathname === '/admin/users');
  await page.getByLabel('Name or email').fill('lee');
  await page.getByRole('button', { name: 'Find' }).click();
  await page.waitForURL((url) => url.search.includes('q=lee'));
  await check('admin users, found');
  await page.getByRole('link', { name: 'Lee Learner' }).click();
  await check('admin user');
  await page.getByRole('link', { name: 'Deactivate this account' }).click();
  await check('admin user, confirm deactivation');
  await page.getByRole('button', { name: 'Deactivate' }).click();
  await page.waitForURL((url) => url.search.includes('done=deactivated'));
  await check('admin user, deactivated');
  expect(await page.getByRole('status').textContent()).toContain('The account was deactivated');

  await page.goto('/admin');
  await page.getByRole('link', { name: /Audit log/ }).click();
  await page.waitForURL((url) => url.pathname === '/admin/audit');
  await check('audit log');
  expect(await page.locator('table').textContent()).toContain('Account deactivated');
  await context.close();
}, 90_000);
