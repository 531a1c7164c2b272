// A coordinator's report in Chromium, checked with axe at each step: the matrix with its summary,
// charts and the tables behind them, a filter, a sort, the next page, a nonsense filter's 400 page,
// and a CSV download; and an administrator choosing the organization.
import fs from 'node:fs';
import { BrowserHarness, signInThroughForm } from './support';
import { enrolSecondFactor, enterSecondFactorCode } from './second-factor-support';

const PASSWORD = 'a long coordinator password';
const DAY = 24 * 60 * 60 * 1000;

const h = new BrowserHarness();
let orgId: number;
let adminSecret = '';
beforeAll(async () => {
  await h.start();
  const t = h.t;
  const s = t.services.organizations;
  const admin = await t.services.accounts.createUser({ email: 'ada.admin@example.org', displayName: 'Ada Admin', password: PASSWORD, role: 'admin' });
  ({ secret: adminSecret } = await enrolSecondFactor(t, admin));
  orgId = await s.create(admin, { name: 'Coast Police Department', type: 'police' });
  await t.services.accounts.createUser({ email: 'cora@example.org', displayName: 'Cora Coordinator', password: PASSWORD, role: 'learner' });
  await s.nameManager(admin, orgId, { email: 'cora@example.org', displayName: '' });
  const north = await s.addUnit(orgId, 'North Shore');
  const org = await s.find(orgId);
  const { link } = await s.invitations.createOpen(org, { unitId: north, expiresInDays: 7, maxUses: 100 }, admin.id);
  const token = link.split('/join/')[1]!;
  // 55 officers (two pages), names in several scripts; some finished, some part-way.
  const names = ['Harpreet ਕੌਰ', '王秀英', 'Sḵwx̱wú7mesh Joe', 'Marie-Ève Tremblay'];
  const people = [];
  for (let i = 0; i < 55; i++) {
    const u = await t.services.accounts.createUser({ email: `officer${i}@example.org`, displayName: `${names[i % names.length]} ${String(i).padStart(2, '0')}`, password: PASSWORD, role: 'learner' });
    await s.invitations.join(u, token);
    people.push(u);
  }
  const courses = await s.assignments.courses();
  const course = courses.find((c) => c.slug === 'first-aid-basics')!;
  const made = await s.assignments.create(org, {
    courseId: course.courseId, target: 'organization', unitId: null, userId: null, person: '', dueKind: 'date',
    dueDate: new Date(t.clock.now().getTime() + 10 * DAY).toISOString().slice(0, 10), withinDays: '', renews: false,
  } as Parameters<typeof s.assignments.create>[1], admin.id);
  if (!made.ok) throw new Error(JSON.stringify(made.errors));
  for (const u of people.slice(0, 20)) {
    await t.services.learning.enrol('first-aid-basics', u);
    for (const key of ['welcome', 'middle', 'wrap-up']) await t.services.learning.completeModule('first-aid-basics', key, u);
  }
  for (const u of people.slice(20, 30)) {
    await t.services.learning.enrol('first-aid-basics', u);
    await t.services.learning.completeModule('first-aid-basics', 'welcome', u);
  }
  t.clock.advance(15 * DAY);
}, 120_000);
afterAll(() => h.close(), 30_000);

// Administrators must have a second factor (made in beforeAll).
const signIn = (page: import('playwright-core').Page, email: string) => signInThroughForm(page, email, PASSWORD,
  email === 'ada.admin@example.org' ? () => enterSecondFactorCode(page, h.t, adminSecret) : undefined);

test('a coordinator reads, filters, sorts, pages and downloads the report; every page passes axe', async () => {
  const { context, page } = await h.newPage({ acceptDownloads: true });
  await signIn(page, 'cora@example.org');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
  await page.waitForURL((url) => url.pathname === `/reports/${orgId}`);
  await h.audit(page, 'report');
  expect(await page.locator('#matrix-caption').textContent()).toBe('56 people (page 1 of 2)');
  // The charts are images with names; their figures are a table one click away.
  await page.getByRole('img', { name: 'Completions by month' }).waitFor();
  await page.getByRole('img', { name: 'Completion rate by unit' }).waitFor();
  await page.getByText('The figures as a table').first().click();
  await h.audit(page, 'report, chart table open');

  // Fifteen days on, the course (due in ten) is overdue for all who have not finished it.
  await page.getByRole('checkbox', { name: 'Completed' }).check();
  await page.getByLabel('Sort people by').selectOption('name');
  await page.getByLabel('Order').selectOption('desc');
  await page.getByRole('button', { name: 'Show', exact: true }).click();
  await page.waitForURL((url) => url.search.includes('status=completed'));
  await h.audit(page, 'report, filtered and sorted');
  expect(await page.locator('#matrix-caption').textContent()).toBe('20 people (page 1 of 1)');
  const first = page.locator('table.matrix tbody tr').first();
  expect(await first.locator('th').textContent()).toMatch(/^王秀英 \d\d/);
  expect(await first.locator('td').nth(1).textContent()).toMatch(/✓\s+Completed/);

  await page.getByRole('link', { name: 'Clear filters' }).click();
  await page.getByRole('navigation', { name: 'Pages of the report' }).getByRole('link', { name: 'Next page' }).click();
  await page.waitForURL((url) => url.search.includes('page=2'));
  await h.audit(page, 'report, page 2');
  expect(await page.locator('#matrix-caption').textContent()).toBe('56 people (page 2 of 2)');
  expect(await page.getByRole('navigation', { name: 'Pages of the report' }).locator('[aria-current="page"]').textContent()).toBe('Page 2');

  const download = page.waitForEvent('download');
  await page.getByRole('link', { name: 'The report as a spreadsheet (CSV)' }).click();
  const csv = fs.readFileSync(await (await download).path(), 'utf8');
  expect(csv.startsWith('\uFEFFName,Email,Unit,Course,Status')).toBe(true);
  expect(csv.split('\r\n').filter(Boolean)).toHaveLength(57);

  await page.goto(`/reports/${orgId}?from=2026-02-30&status=xyz`);
  await h.audit(page, 'report, nonsense filters');
  expect(await page.getByRole('alert').textContent()).toContain('give a date as YYYY-MM-DD');
  await context.close();
}, 120_000);

test('an administrator chooses the organization from the list', async () => {
  const { context, page } = await h.newPage();
  await signIn(page, 'ada.admin@example.org');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
  await page.waitForURL((url) => url.pathname === '/reports');
  await h.audit(page, 'reports, choose an organization');
  await page.getByRole('link', { name: 'Coast Police Department' }).click();
  await page.waitForURL((url) => url.pathname === `/reports/${orgId}`);
  await h.audit(page, 'report, as administrator');
  await context.close();
}, 60_000);
