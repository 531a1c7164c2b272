// The starter curriculum's pages in a real browser (Debian's Chromium through playwright-core):
// each handout prints from the browser on one or two Letter pages without the site's navigation,
// and the pages with tables read on a 390 px phone (rows stacked, nothing scrolling sideways) and
// pass axe's WCAG 2.1 A/AA rules. The app serves the bundled curriculum, not the test fixture.
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app';
import { createHttpServer } from '../../src/http/server';
import { enrol, makeUser } from '../support/factories';
import { answerPreSurvey } from '../support/assessment';
import { CHROMIUM, axeViolations, formatViolations, horizontalOverflow } from '../browser/support';

const CURRICULUM = path.join(__dirname, '..', '..', 'curriculum');
const HANDOUTS = [
  ['for-police', 'who-to-call'], ['for-police', 'next-shift'],
  ['for-health-services', 'next-shift'], ['for-municipal-staff', 'next-shift'],
] as const;
const TABLE_PAGES = [['sex-work-and-stigma-foundations', 'three-different-situations'], ['for-police', 'who-to-call']] as const;

let t: TestApp;
let server: http.Server;
let browser: Browser;
let signedIn: BrowserContext;
let base = '';

beforeAll(async () => {
  t = await createTestApp({ config: { curriculumDir: CURRICULUM } });
  server = createHttpServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const learner = await makeUser(t);
  for (const slug of new Set([...HANDOUTS, ...TABLE_PAGES].map(([s]) => s))) {
    await enrol(t, learner.user, slug);
    // The starter courses ask their survey before the first module (issue 10): answered as set-up.
    await answerPreSurvey(t, learner.user, slug);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-gpu'] });
  const context = await browser.newContext({ baseURL: base });
  const page = await context.newPage();
  await page.goto('/login');
  await page.getByLabel('Email address').fill(learner.email);
  await page.getByLabel('Password').fill(learner.password);
  await page.getByLabel('Password').press('Enter');
  await page.waitForLoadState('load');
  await page.getByRole('heading', { name: 'My learning' }).waitFor();
  signedIn = context;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await t?.close();
}, 30_000);

/** Pages in a PDF made by Chromium: one page object each ("/Type /Page", not "/Pages"). */
function pageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length;
}

test.each(HANDOUTS)('%s / %s prints on one or two pages, content only', async (slug, key) => {
  const page = await signedIn.newPage();
  await page.goto(`/courses/${slug}/modules/${key}`);
  expect(await page.locator('article.handout').count()).toBe(1);
  await page.emulateMedia({ media: 'print' });
  for (const hidden of ['.site-header', '.site-footer', '.pager', 'form', '.handout-hint', '.progress-block']) {
    const shown = await page.locator(hidden).evaluateAll((els) => els.filter((el) => (el as unknown as { offsetParent: unknown }).offsetParent !== null).length);
    expect({ hidden, shown }).toEqual({ hidden, shown: 0 });
  }
  const pdf = await page.pdf({ format: 'Letter' });
  const pages = pageCount(pdf);
  expect({ slug, key, pages }).toEqual({ slug, key, pages: pages >= 1 && pages <= 2 ? pages : 'one or two' });
  await page.close();
}, 30_000);

test.each(TABLE_PAGES)('%s / %s reads on a 390 px phone: tables stacked, no sideways scroll, axe clean', async (slug, key) => {
  const phone = await browser.newContext({
    baseURL: base, storageState: await signedIn.storageState(), viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
  });
  const page = await phone.newPage();
  await page.goto(`/courses/${slug}/modules/${key}?continue=1`);
  const { scrollWidth, clientWidth } = await horizontalOverflow(page);
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  // A stacked row is one card: its cells sit one under another, each no wider than the card.
  const cells = await page.locator('.table-wrap tbody tr').first().locator('td').evaluateAll((tds) =>
    tds.map((td) => (td as unknown as { getBoundingClientRect(): { left: number; top: number; width: number } }).getBoundingClientRect()));
  expect(cells.length).toBeGreaterThanOrEqual(2);
  expect(cells[1].top).toBeGreaterThan(cells[0].top);
  expect(Math.abs(cells[1].left - cells[0].left)).toBeLessThan(2);
  // The table is still a table to a screen reader, named by its headings.
  expect(await page.getByRole('region', { name: /^(Situation|Line), / }).getByRole('table').count()).toBeGreaterThanOrEqual(1);
  const { violations } = await axeViolations(page);
  if (violations.length) throw new Error(formatViolations(`${slug}/${key} on a phone`, page.url(), violations));
  await phone.close();
}, 30_000);
