// Organization reports in the browser: the completion matrix (each cell's status in words), its
// filters, sorting and paging, and the summary figures, checked against data made with the
// factories and the organization service, and against the requirements the learners' own
// dashboards are built from (organizations/requirements.ts), so the two can never disagree.
import { createTestApp, type TestApp } from '../support/app';
import { completeCourse, completeModules, makeUser, publishCourse, signIn, signedInUser } from '../support/factories';
import { makeMember, makeOrganization, type MadeOrganization } from '../support/organizations';
import type { RequirementStatus } from '../../src/organizations/requirements';

const DAY = 24 * 60 * 60 * 1000;
let t: TestApp;
let org: MadeOrganization;
let north: number;
let south: number;
let courses: { basics: number; refresh: number };
let people: Record<'done' | 'halfway' | 'idle' | 'late' | 'southie', { user: { id: number }; email: string }>;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

beforeAll(async () => {
  t = await createTestApp();
  const s = t.services.organizations;
  org = await makeOrganization(t, { name: 'Harbour Police' });
  north = await s.addUnit(org.id, 'North Detachment');
  south = await s.addUnit(org.id, 'South Detachment');
  const basics = await publishCourse(t, { slug: 'report-basics', spec: { title: 'Basics of Respect', modules: ['one', 'two', 'three', 'four'] } });
  const refresh = await publishCourse(t, { slug: 'report-refresh', spec: { title: 'Annual Refresher', modules: ['a', 'b'], validityMonths: 12 } });
  const ids = await s.assignments.courses();
  courses = { basics: ids.find((c) => c.slug === basics.slug)!.courseId, refresh: ids.find((c) => c.slug === refresh.slug)!.courseId };
  people = {
    done: await makeMember(t, org.id, { name: 'Ada Done', unitId: north }),
    halfway: await makeMember(t, org.id, { name: 'Ben Halfway', unitId: north }),
    idle: await makeMember(t, org.id, { name: 'Cy Idle', unitId: null }),
    late: await makeMember(t, org.id, { name: 'Dee Late', unitId: south }),
    southie: await makeMember(t, org.id, { name: 'Eve South', unitId: south }),
  };
  const record = await s.find(org.id);
  const assign = async (input: Record<string, unknown>) => {
    const made = await s.assignments.create(record, { unitId: null, userId: null, person: '', dueDate: '', withinDays: '', renews: false, ...input } as Parameters<typeof s.assignments.create>[1], org.manager.user.id);
    if (!made.ok) throw new Error(JSON.stringify(made.errors));
  };
  // Basics: everyone, due in 10 days. The refresher: South only, within 5 days of joining, renewing.
  await assign({ courseId: courses.basics, target: 'organization', dueKind: 'date', dueDate: iso(t.clock.now().getTime() + 10 * DAY) });
  await assign({ courseId: courses.refresh, target: 'unit', unitId: south, dueKind: 'window', withinDays: '5', renews: true });
  await completeCourse(t, people.done.user as never, basics.slug);
  await completeModules(t, people.halfway.user as never, basics.slug, ['one', 'two']);
  await completeCourse(t, people.southie.user as never, refresh.slug);
  // Twelve days on: Basics is overdue for whoever has not finished it; Eve's refresher is done.
  t.clock.advance(12 * DAY);
});
afterAll(async () => { await t.close(); });

const report = (query = '') => org.manager.agent.get(`/reports/${org.id}${query}`);
/** The matrix's row for a person: the <tr> that holds their name. */
function rowOf(html: string, name: string): string {
  const at = html.indexOf(`<th scope="row">${name}<br>`);
  if (at < 0) return '';
  return html.slice(at, html.indexOf('</tr>', at));
}
const names = (html: string) => [...html.matchAll(/<th scope="row">([^<]+)<br>/g)].map((m) => m[1]);

test('the navigation link takes a manager to their own organization\'s report', async () => {
  const res = await org.manager.agent.get('/reports').expect(303);
  expect(res.headers.location).toBe(`/reports/${org.id}`);
  const page = await report().expect(200);
  expect(page.text).toContain('<a href="/reports" aria-current="page">Reports</a>');
});

test('the matrix shows every person and each required course\'s status in words, with a shape beside it', async () => {
  const res = await report().expect(200);
  expect(names(res.text)).toEqual(['Ada Done', 'Ben Halfway', 'Cy Idle', 'Dee Late', 'Eve South', `Manager of ${org.name}`]);
  expect(rowOf(res.text, 'Ada Done')).toMatch(/<td class="status status-completed"><span class="status-icon" aria-hidden="true">✓<\/span> Completed<br><span class="detail">Mar 1, 2026<\/span>/);
  expect(rowOf(res.text, 'Ben Halfway')).toContain('Overdue<br><span class="detail">was due Mar 11, 2026');
  expect(rowOf(res.text, 'Cy Idle')).toContain('<td>No unit</td>');
  // The refresher is not required of North: "not required", said to screen readers.
  expect(rowOf(res.text, 'Ada Done')).toContain('<span class="visually-hidden">Not required</span>');
  // Eve finished the refresher: completed, and her Basics is overdue.
  expect(rowOf(res.text, 'Eve South')).toContain('Completed<br><span class="detail">Mar 1, 2026');
  expect(rowOf(res.text, 'Eve South')).toContain('⚠</span> Overdue');
  // Dee (South) has done nothing: both overdue (the refresher was due 5 days after she joined).
  expect(rowOf(res.text, 'Dee Late').match(/Overdue/g)).toHaveLength(2);
});

test('the matrix agrees cell by cell with the requirements learners see on their dashboards', async () => {
  const { requirements } = await t.services.organizations.requirements.forOrganization(org.id);
  const rows = [];
  for await (const r of t.services.reports.rows(org.id, {}, { order: 'id' })) rows.push(r);
  const key = (x: { userId: number; courseId: number }) => `${x.userId}:${x.courseId}`;
  expect(rows.map((r) => [key(r), r.status, r.percent, r.dueAt?.toISOString() ?? null, r.completedAt?.toISOString() ?? null]).sort())
    .toEqual(requirements.map((r) => [key(r), r.status, r.percent, r.dueAt?.toISOString() ?? null, r.completedAt?.toISOString() ?? null]).sort());
});

test('in progress shows its percent, before it is due', async () => {
  t.clock.advance(-12 * DAY);
  try {
    const res = await report().expect(200);
    expect(rowOf(res.text, 'Ben Halfway')).toMatch(/◐<\/span> In progress<br><span class="detail">50% · due Mar 11, 2026<\/span>/);
    expect(rowOf(res.text, 'Cy Idle')).toMatch(/○<\/span> Not started<br><span class="detail">due Mar 11, 2026<\/span>/);
  } finally {
    t.clock.advance(12 * DAY);
  }
});

test('summary figures count the cells: completion rate, overdue, completed', async () => {
  const res = await report().expect(200);
  // 6 people need Basics (Ada done), 2 in South need the refresher (Eve done): 8 cells, 2 completed.
  const figure = (label: string) => new RegExp(`<dt>(?:<span[^>]*>[^<]*</span> )?${label}</dt><dd>([^<]+)</dd>`).exec(res.text)?.[1];
  expect(figure('People')).toBe('6');
  expect(figure('Required courses')).toBe('8');
  expect(figure('Completed')).toBe('2');
  expect(figure('Overdue')).toBe('6');
  expect(figure('Completion rate')).toBe('25%');
  const summary = await t.services.reports.summary(org.id, {});
  expect(summary).toMatchObject({ people: 6, required: 8, completed: 2, overdue: 6, expired: 0, expiringSoon: 0 });
  expect(summary.byUnit.map((u) => [u.unitName, u.people, u.required, u.completed])).toEqual([
    ['North Detachment', 2, 2, 1], ['South Detachment', 2, 4, 1], [null, 2, 2, 0],
  ]);
  expect(summary.byMonth.at(-1)).toEqual({ month: '2026-03', completions: 2 });
});

test('charts are accessible SVG images with a title, a description and a table behind each', async () => {
  const res = await report().expect(200);
  expect(res.text).toMatch(/<svg [^>]*role="img" aria-labelledby="chart-months-title chart-months-desc"/);
  expect(res.text).toContain('<title id="chart-months-title">Completions by month</title>');
  expect(res.text).toMatch(/<desc id="chart-months-desc">Completions of the courses in this report from Apr 2025 to Mar 2026: 2 in all; the most in Mar 2026 \(2\)\.<\/desc>/);
  expect(res.text).toMatch(/<desc id="chart-units-desc">Share of required courses completed in each of 3 units: highest North Detachment \(50%\), lowest No unit \(0%\)\.<\/desc>/);
  expect(res.text).toMatch(/<details>\s*<summary>The figures as a table<\/summary>\s*<table>\s*<caption>Completions by month<\/caption>/);
  expect(res.text).toMatch(/<th scope="row">South Detachment<\/th><td>2<\/td><td>4<\/td><td>1<\/td><td>3<\/td><td>25%<\/td>/);
});

test('filters: unit, people in no unit, course, status, due dates and completion dates', async () => {
  expect(names((await report(`?unit=${north}`).expect(200)).text)).toEqual(['Ada Done', 'Ben Halfway']);
  expect(names((await report('?unit=none').expect(200)).text)).toEqual(['Cy Idle', `Manager of ${org.name}`]);
  const refresher = await report(`?course=${courses.refresh}`).expect(200);
  expect(names(refresher.text)).toEqual(['Dee Late', 'Eve South']);
  expect(refresher.text).not.toContain('<th scope="col">Basics of Respect</th>');
  // A course may be named by its slug too (the API's and a bookmark's way).
  expect(names((await report('?course=report-refresh').expect(200)).text)).toEqual(['Dee Late', 'Eve South']);
  const completed = await report('?status=completed').expect(200);
  expect(names(completed.text)).toEqual(['Ada Done', 'Eve South']);
  // Eve's overdue Basics is left out of this report, and said so.
  expect(rowOf(completed.text, 'Eve South')).toContain('<span class="visually-hidden">Not shown by the filters</span>');
  expect(names((await report('?status=overdue&status=completed').expect(200)).text)).toHaveLength(6);
  expect(names((await report('?status=overdue,not_started').expect(200)).text)).toEqual(['Ben Halfway', 'Cy Idle', 'Dee Late', 'Eve South', `Manager of ${org.name}`]);
  // Basics was due on March 11; the refresher 5 days after each South member joined (March 6).
  expect(names((await report('?dateField=due&from=2026-03-11&to=2026-03-11').expect(200)).text)).toHaveLength(5);
  expect(names((await report('?dateField=due&from=2026-03-01&to=2026-03-07').expect(200)).text)).toEqual(['Dee Late']);
  expect(names((await report('?dateField=completed&from=2026-03-01&to=2026-03-01').expect(200)).text)).toEqual(['Ada Done', 'Eve South']);
  expect(names((await report('?dateField=completed&to=2026-02-28').expect(200)).text)).toEqual([]);
  const filtered = await report(`?unit=${south}&status=overdue`).expect(200);
  expect(filtered.text).toContain('<li>Unit: South Detachment</li>');
  expect(filtered.text).toContain('<li>Statuses: Overdue</li>');
  // Downloads keep the filters.
  expect(filtered.text).toContain(`href="/reports/${org.id}/report.csv?unit=${south}&amp;status=overdue"`);
});

test('sorting by name, unit, most urgent status and earliest due date, either way', async () => {
  const manager = `Manager of ${org.name}`;
  expect(names((await report('?sort=name&dir=desc').expect(200)).text)).toEqual([manager, 'Eve South', 'Dee Late', 'Cy Idle', 'Ben Halfway', 'Ada Done']);
  // Units by name, people in no unit last whichever way.
  expect(names((await report('?sort=unit').expect(200)).text)).toEqual(['Ada Done', 'Ben Halfway', 'Dee Late', 'Eve South', 'Cy Idle', manager]);
  expect(names((await report('?sort=unit&dir=desc').expect(200)).text)).toEqual(['Dee Late', 'Eve South', 'Ada Done', 'Ben Halfway', 'Cy Idle', manager]);
  // Most urgent first: overdue before completed; Ada (all completed) last.
  expect(names((await report('?sort=status').expect(200)).text).at(-1)).toBe('Ada Done');
  expect(names((await report('?sort=status&dir=desc').expect(200)).text)[0]).toBe('Ada Done');
  // Earliest due: Dee's refresher (March 6) first; Ada, with nothing due, last.
  const byDue = names((await report('?sort=due').expect(200)).text);
  expect(byDue[0]).toBe('Dee Late');
  expect(byDue.at(-1)).toBe('Ada Done');
  const header = (await report('?sort=name&dir=desc').expect(200)).text;
  expect(header).toMatch(/<th scope="col" aria-sort="descending"><a href="\/reports\/\d+">Name<\/a><\/th>/);
});

test('paging: 50 people a page, with numbered links, the current one marked', async () => {
  const big = await makeOrganization(t, { name: 'Big Municipality' });
  const record = await t.services.organizations.find(big.id);
  const { link } = await t.services.organizations.invitations.createOpen(record, { unitId: null, expiresInDays: 7, maxUses: 100 }, big.manager.user.id);
  const token = link.split('/join/')[1]!;
  for (let i = 1; i <= 54; i++) {
    const { user } = await makeUser(t, { name: `Staff ${String(i).padStart(2, '0')}` });
    await t.services.organizations.invitations.join(user, token);
  }
  await t.services.organizations.assignments.create(record, {
    courseId: courses.basics, target: 'organization', unitId: null, userId: null, person: '', dueKind: 'window', dueDate: '', withinDays: '30', renews: false,
  } as never, big.manager.user.id);
  const first = await big.manager.agent.get(`/reports/${big.id}`).expect(200);
  expect(names(first.text)).toHaveLength(50);
  expect(first.text).toContain('55 people (page 1 of 2)');
  expect(first.text).toMatch(/<nav aria-label="Pages of the report" class="pagination">/);
  expect(first.text).toContain(`<a href="/reports/${big.id}" aria-current="page"><span class="visually-hidden">Page </span>1</a>`);
  expect(first.text).toContain(`<a href="/reports/${big.id}?page=2" rel="next">Next page</a>`);
  const second = await big.manager.agent.get(`/reports/${big.id}?page=2`).expect(200);
  expect(names(second.text)).toEqual(['Staff 50', 'Staff 51', 'Staff 52', 'Staff 53', 'Staff 54']);
  // Beyond the last page: the last page (a report that shrank between two clicks).
  expect(names((await big.manager.agent.get(`/reports/${big.id}?page=9`).expect(200)).text)).toHaveLength(5);
  // Nothing of Harbour Police in Big Municipality's report, nor the other way round.
  expect(second.text).not.toContain('Ada Done');
  expect((await report().expect(200)).text).not.toContain('Staff 01');
});

test('an administrator chooses an organization and sees its report; organizations listed by name', async () => {
  const { agent } = await signedInUser(t, { role: 'admin' });
  const list = await agent.get('/reports').expect(200);
  expect(list.text).toContain(`<a href="/reports/${org.id}">Harbour Police</a>`);
  const res = await agent.get(`/reports/${org.id}`).expect(200);
  expect(names(res.text)).toContain('Ada Done');
  expect(res.text).toContain('<p class="breadcrumb"><a href="/reports">Reports</a> · Harbour Police</p>');
});

test('a learner, a trainer and a member are refused; a manager of another organization finds nothing', async () => {
  const learner = await signedInUser(t, { role: 'learner' });
  const trainer = await signedInUser(t, { role: 'trainer' });
  const member = await signIn(t, (await t.services.accounts.findUser(people.idle.user.id))!);
  const other = await makeOrganization(t, { name: 'Other Health Authority' });
  for (const path of ['/reports', `/reports/${org.id}`, `/reports/${org.id}/report.csv`, `/reports/${org.id}/summary.pdf`, `/reports/${org.id}/certificates.zip`]) {
    for (const agent of [learner.agent, trainer.agent, member.agent]) {
      const res = await agent.get(path).expect(403);
      expect(res.text).not.toContain('Ada Done');
    }
    if (path === '/reports') continue;
    const res = await other.manager.agent.get(path).expect(404);
    for (const secret of ['Ada Done', 'North Detachment', 'Harbour Police', 'Basics of Respect']) expect(res.text).not.toContain(secret);
  }
  // Their own report holds none of Harbour Police's people.
  const own = await other.manager.agent.get(`/reports/${other.id}`).expect(200);
  for (const secret of ['Ada Done', 'North Detachment', 'Harbour Police']) expect(own.text).not.toContain(secret);
  // Signed out: asked to sign in.
  const { default: request } = await import('supertest');
  expect((await request(t.app).get(`/reports/${org.id}`).expect(303)).headers.location).toBe(`/login?next=%2Freports%2F${org.id}`);
});

test('nonsense filters get a clear 400 that names each problem, never a 500', async () => {
  const other = await makeOrganization(t, { name: 'Filter Stranger' });
  const theirUnit = await t.services.organizations.addUnit(other.id, 'Stranger Unit');
  const cases: [string, RegExp][] = [
    ['?unit=999999', /Unit:<\/strong> there is no such unit in this organization\./],
    [`?unit=${theirUnit}`, /Unit:<\/strong> there is no such unit in this organization\./],
    ['?unit=north', /Unit:<\/strong> there is no such unit/],
    ['?course=999999', /Courses:<\/strong> no such course is required here\./],
    ['?course=Not%20A%20Slug', /Courses:<\/strong> no such course/],
    ['?from=2026-02-30', /From:<\/strong> give a date as YYYY-MM-DD/],
    ['?to=yesterday', /To:<\/strong> give a date as YYYY-MM-DD/],
    ['?from=2026-03-10&to=2026-03-01', /To:<\/strong> the end date is before the start date\./],
    ['?status=xyz', /Statuses:<\/strong> choose overdue, expired/],
    ['?dateField=whenever', /Which date:<\/strong> choose due or completed\./],
    ['?page=-1', /Page:<\/strong> give a page number of 1 or more\./],
    ['?page=0', /Page:<\/strong> give a page number/],
    ['?page=1.5', /Page:<\/strong> give a page number/],
    ['?sort=salary', /Sort people by:<\/strong> choose name, unit, status or due\./],
    ['?dir=sideways', /Order:<\/strong> choose asc or desc\./],
    ['?unit=1&unit=2', /Unit:<\/strong> there is no such unit/],
  ];
  for (const [query, message] of cases) {
    const res = await report(query);
    expect([query, res.status]).toEqual([query, 400]);
    expect(res.text).toMatch(message);
    expect(res.text).toContain(`<a class="button" href="/reports/${org.id}">Show the whole report</a>`);
    expect(res.text).not.toContain('Stranger Unit');
  }
  // Several problems at once, each named.
  const several = await report('?status=xyz&page=-1').expect(400);
  expect(several.text).toMatch(/Statuses:[\s\S]*Page:/);
  for (const path of ['report.csv', 'summary.pdf', 'certificates.zip']) {
    const res = await org.manager.agent.get(`/reports/${org.id}/${path}?from=2026-13-01`).expect(400);
    expect(res.text).toContain('give a date as YYYY-MM-DD');
  }
  await org.manager.agent.get('/reports/abc').expect(404);
  await org.manager.agent.get('/reports/99999999').expect(404);
});

test('statuses of everyone agree with the pure rules\' order of urgency', async () => {
  const statuses: RequirementStatus[] = [];
  for await (const r of t.services.reports.rows(org.id, { statuses: ['overdue'] })) statuses.push(r.status);
  expect(statuses).toHaveLength(6);
  expect(new Set(statuses)).toEqual(new Set(['overdue']));
});
