// A session's time limits in a real browser (Chromium through playwright-core), with a short idle
// limit set through the configuration: the warning dialog comes before the end, takes the focus
// and is announced (role alertdialog, named and described), "Stay signed in" keeps the session;
// then, the session ended while a reflection was being typed, saving it asks to sign in again and
// one click after that saves what was typed. Every page on the way passes axe (WCAG 2.1 A/AA).
import type { Page } from 'playwright-core';
import { BrowserHarness, focused } from './support';
import { makeUser } from '../support/factories';

const IDLE_MS = 20_000;
const COURSE = '/courses/blocks-demo';
const MODULE = `${COURSE}/modules/everything`;
const REFLECTION = 'everything--reflection-1';
const TEXT = 'Slow down, listen first,\nthen ask what they need.';

const h = new BrowserHarness();
beforeAll(() => h.start({ sessionIdleMs: IDLE_MS }), 60_000);
afterAll(() => h.close(), 30_000);

async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('the warning keeps the session, and a reflection typed as it ends is saved after signing in again', async () => {
  const { user, email, password } = await makeUser(h.t, { name: 'Patient Learner' });
  await h.t.services.learning.enrol('blocks-demo', user);
  const { page } = await h.newPage();

  await page.goto(`/login?next=${encodeURIComponent(`${MODULE}?continue=1`)}`);
  await signIn(page, email, password);
  await page.waitForURL((url) => url.pathname === MODULE);
  await h.audit(page, 'module page');

  // Half the idle limit before its end (10 seconds here), the warning opens with the focus in it.
  // The page counts down by the browser's clock, then asks the server how long is left (another
  // tab may have been active): the server's clock is the test's, moved on here to match.
  h.t.clock.advance(IDLE_MS / 2 + 1000);
  const dialog = page.getByRole('alertdialog', { name: 'Still there?' });
  await dialog.waitFor({ state: 'visible', timeout: IDLE_MS });
  const describedBy = await dialog.getAttribute('aria-describedby');
  expect(await page.locator(`#${describedBy}`).innerText()).toMatch(/^You will be signed out in a few minutes/);
  expect(await focused(page)).toMatchObject({ id: 'session-stay', text: 'Stay signed in' });
  await h.audit(page, 'session warning');

  const keepAlive = page.waitForResponse((res) => res.url().endsWith('/session/keep-alive'));
  await page.keyboard.press('Enter');
  expect((await keepAlive).status()).toBe(200);
  await dialog.waitFor({ state: 'hidden' });
  expect(page.url()).toContain(MODULE);

  // The session ends (the server's clock moves past the idle limit) while a reflection is typed.
  h.t.clock.advance(IDLE_MS + 1000);
  const box = page.locator(`#${REFLECTION}-text`);
  await box.fill(TEXT);
  await page.locator(`#${REFLECTION}`).getByRole('button', { name: 'Save my reflection' }).click();
  await page.waitForURL((url) => url.pathname === '/login');
  expect(await page.getByRole('status').textContent()).toMatch(/You were signed out because your session timed out/);
  await h.audit(page, 'sign in after the session ended');
  expect(await h.t.testDb.db('reflections').where({ user_id: user.id }).first()).toBeUndefined();

  await signIn(page, email, password);
  await page.waitForURL((url) => url.pathname === '/session/kept');
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Your unsaved work');
  expect(await page.locator('.kept-text').textContent()).toContain('then ask what they need.');
  await h.audit(page, 'kept work');

  await page.getByRole('button', { name: 'Save it now' }).click();
  await page.waitForURL((url) => url.pathname === MODULE && url.searchParams.get('saved') === REFLECTION);
  expect(await page.locator(`#${REFLECTION}`).getByRole('status').textContent()).toBe('Saved.');
  expect(await box.inputValue()).toBe(TEXT);
  const row = await h.t.testDb.db('reflections').where({ user_id: user.id, reflection_id: REFLECTION }).first('text');
  expect(row.text).toBe(TEXT);
  expect(await h.t.testDb.db('kept_submissions').where({ user_id: user.id }).first()).toBeUndefined();
  await h.audit(page, 'module page, reflection saved');
}, 90_000);

test('a reflection typed but not saved comes back after a reload in the same tab, and only there', async () => {
  const { user, email, password } = await makeUser(h.t, { name: 'Careful Learner' });
  await h.t.services.learning.enrol('blocks-demo', user);
  const { context, page } = await h.newPage();
  await page.goto(`/login?next=${encodeURIComponent(`${MODULE}?continue=1`)}`);
  await signIn(page, email, password);
  await page.waitForURL((url) => url.pathname === MODULE);

  const box = page.locator(`#${REFLECTION}-text`);
  await box.fill('Half a thought');
  await page.reload();
  expect(await box.inputValue()).toBe('Half a thought');
  expect(await page.locator(`#${REFLECTION}`).getByRole('status').textContent()).toMatch(/not saved yet/);
  await h.audit(page, 'module page, draft restored');
  // Kept per tab (sessionStorage), never in storage another visit of the browser would read.
  expect(await page.evaluate(() => window.localStorage.length)).toBe(0);
  const other = await context.newPage();
  await other.goto(`${MODULE}?continue=1`);
  expect(await other.locator(`#${REFLECTION}-text`).inputValue()).toBe('');
  await other.close();
}, 60_000);

declare const window: { localStorage: { length: number } };
