// Tenant isolation, proven on every route it concerns. The routes are discovered from the app's
// route table (every route whose capability is granted over an organization: manager pages,
// exports, the reporting API), so a route added later is covered without editing this file. Each
// is replayed by organization B (its manager's session, its API token) with organization A's ids:
// every request naming A's records is refused (403/404), nothing changes in A, and no name, email
// or unit name of A appears in any response. (A path naming only the whole site's records, such as
// a course's slug, may answer B about B's own people: then only the leak check applies.) A's own
// manager and token reach the same routes, so the ids are real and the test can fail. A route with
// a parameter this file does not know fails it, naming the parameter to add.
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { apiGet, makeReportingOrganization, type ReportingOrganization } from '../support/api';
import { routeTable, type RouteEntry } from '../../src/access/route-table';
import { CAPABILITIES, type Grant } from '../../src/access/capabilities';
import { fillPath as fill, organizationRecordIds, paramsOf } from '../support/route-params';

let t: TestApp;
let a: ReportingOrganization;
let b: ReportingOrganization;
/** A's record for each route parameter a path may have. A new parameter needs a line here. */
let idsOfA: Record<string, string>;
/** The parameters that name a record of A (the others, such as a course's slug, name the whole site's). */
const RECORDS_OF_A = new Set(['orgId', 'unitId', 'userId', 'invitationId', 'assignmentId', 'importId', 'tokenId', 'code']);
let secrets: string[];

beforeAll(async () => {
  t = await createTestApp();
  a = await makeReportingOrganization(t, 'Secret Alder');
  b = await makeReportingOrganization(t, 'Other Birch');
  const { token: _token, ...records } = await organizationRecordIds(t, a, 'Secret Alder Imported');
  idsOfA = { ...records, userId: String(a.people.done.user.id) };
  const people = [a.manager, ...Object.values(a.people)];
  secrets = ['Secret Alder', ...people.map((p) => p.user.displayName), ...people.map((p) => p.email), 'secret.alder.imported@example.org'];
});
afterAll(async () => { await t.close(); });

/** Routes whose capability is held over one organization: what a manager or a token of B must not use on A. */
function organizationRoutes(): RouteEntry[] {
  return routeTable(t.app).filter((r) => r.access && 'capability' in r.access
    && (CAPABILITIES[r.access.capability].grants as readonly Grant[]).some((g) => g.scope === 'organization'));
}


/** A form that would pass validation on most manager forms, so a refusal is the tenant check's. */
function formFor(who: ReportingOrganization['manager']): Record<string, string> {
  return {
    _csrf: who.csrf, name: 'Intruder', unitId: String(a.units.north), role: 'manager', expiresInDays: '5', maxUses: '5',
    courseId: String(a.courses.foundations.id), target: 'organization', dueKind: 'window', withinDays: '3', email: a.people.idle.email,
  };
}

function sendAs(who: ReportingOrganization['manager'], method: string, path: string) {
  if (method === 'GET') return who.agent.get(path);
  return who.agent.post(path).type('form').send(formFor(who));
}

/** The body as text, whatever its type (a PDF or zip refused is a page; one sent would be bytes). */
function bodyText(res: request.Response): string {
  if (typeof res.text === 'string') return res.text;
  return Buffer.isBuffer(res.body) ? res.body.toString('latin1') : JSON.stringify(res.body ?? '');
}

function expectNothingOfA(label: string, res: request.Response): void {
  const body = bodyText(res);
  const leaked = secrets.filter((s) => body.toLowerCase().includes(s.toLowerCase()));
  expect(`${label} leaked: ${leaked.join(', ')}`).toBe(`${label} leaked: `);
}

/** Everything of A a refused request could change. */
async function snapshotOfA(): Promise<string> {
  const s = t.services.organizations;
  const [members, units, invitations, assignments, tokens] = await Promise.all([
    s.members(a.id), s.units(a.id), s.invitations.list(a.id), s.assignments.list(a.id), t.services.apiTokens.list(a.id),
  ]);
  const imports = await t.testDb.db('member_imports').where({ organization_id: a.id }).select('id', 'applied_at');
  return JSON.stringify({ members, units, invitations, assignments, imports, tokens: tokens.map((k) => ({ ...k, lastUsedAt: null })) });
}

test('the discovered routes include manager pages and the reporting API', () => {
  const paths = organizationRoutes().map((r) => `${r.method} ${r.path}`);
  expect(paths).toEqual(expect.arrayContaining([
    'GET /organizations/:orgId', 'GET /organizations/:orgId/members/:userId', 'POST /organizations/:orgId/api-tokens/:tokenId/revoke',
    'GET /api/v1/learners', 'GET /api/v1/completions',
  ]));
});

test('A\'s own manager reaches every page of A by these ids (so the ids are real)', async () => {
  const pagesOfA = organizationRoutes().filter((x) => x.method === 'GET' && paramsOf(x.path).includes('orgId'));
  expect(pagesOfA.length).toBeGreaterThan(8);
  for (const r of pagesOfA) {
    const path = fill(r.path, idsOfA);
    const res = await a.manager.agent.get(path);
    expect(`${r.method} ${path} ${res.status < 400 ? 'ok' : res.status}`).toBe(`${r.method} ${path} ok`);
  }
  const learners = await apiGet(t, '/api/v1/learners', a.token.token).expect(200);
  expect(learners.text).toContain(a.people.done.email);
});

test('B\'s manager is refused every manager page and export of A, by A\'s ids or by B\'s own with A\'s records; nothing of A leaks or changes', async () => {
  const before = await snapshotOfA();
  const sessionRoutes = organizationRoutes().filter((r) => !(r.access && 'via' in r.access && r.access.via === 'api-token'));
  expect(sessionRoutes.length).toBeGreaterThan(15);
  for (const r of sessionRoutes) {
    const params = paramsOf(r.path);
    const ofA = (names: string[]) => names.some((p) => RECORDS_OF_A.has(p));
    const attempts = [{ path: fill(r.path, idsOfA), refused: ofA(params) }];
    // B's own organization in the path, with A's records for the rest.
    if (params.includes('orgId') && params.length > 1) attempts.push({ path: fill(r.path, { ...idsOfA, orgId: String(b.id) }), refused: ofA(params.filter((p) => p !== 'orgId')) });
    for (const { path, refused } of attempts) {
      const res = await sendAs(b.manager, r.method, path);
      const label = `${r.method} ${path}`;
      if (refused) expect(`${label} ${[403, 404].includes(res.status) ? 'refused' : res.status}`).toBe(`${label} refused`);
      else expect(res.status).toBeLessThan(500);
      expectNothingOfA(label, res);
      // A redirect (e.g. /organization) leads to B's own pages: nothing of A there either.
      if (res.status === 303 && res.headers.location?.startsWith('/')) expectNothingOfA(`${label} → ${res.headers.location}`, await b.manager.agent.get(res.headers.location));
    }
  }
  expect(await snapshotOfA()).toBe(before);
});

test('B\'s token is refused A\'s records on every API endpoint, and sees nothing of A whatever the filters', async () => {
  const apiRoutes = organizationRoutes().filter((r) => r.access && 'via' in r.access && r.access.via === 'api-token');
  expect(apiRoutes.length).toBeGreaterThanOrEqual(4);
  const withIdsOfA = [
    '', `?unit=${a.units.north}`, `?unit=${a.units.south}`, '?unit=none', `?learner=${a.people.done.user.id}`, `?course=${a.courses.foundations.id}`,
    `?course=${a.courses.foundations.slug}`, '?updated_since=2000-01-01', '?joined_since=2000-01-01', '?format=csv', '?limit=1000',
  ];
  for (const r of apiRoutes) {
    expect(paramsOf(r.path)).toEqual([]); // the organization is the token's: no id in an API path
    for (const query of withIdsOfA) {
      const label = `${r.method} ${r.path}${query}`;
      const res = await apiGet(t, `${r.path}${query}`, b.token.token);
      expect(`${label} ${res.status < 500 ? 'answered' : res.status}`).toBe(`${label} answered`);
      expectNothingOfA(label, res);
      if (query.startsWith('?unit=') && query !== '?unit=none') expect(`${label} ${res.status}`).toBe(`${label} 400`);
    }
    // Every page of B's lists: still nothing of A.
    let url: string | null = `${r.path}?limit=1`;
    for (let pages = 0; url && pages < 50; pages++) {
      const res = await apiGet(t, url, b.token.token);
      expectNothingOfA(url, res);
      url = res.body?.next ? String(res.body.next).slice('http://bridgework.test'.length) : null;
    }
  }
  // A cursor made from A's keys is just a position: B's token gets B's rows after it.
  const res = await apiGet(t, '/api/v1/learners', b.token.token).expect(200);
  expect(res.body.data.map((l: { id: number }) => l.id)).not.toContain(a.people.done.user.id);
});

test('A\'s token revoked by B\'s manager is refused (404), and still works', async () => {
  await b.manager.agent.post(`/organizations/${b.id}/api-tokens/${a.token.id}/revoke`).type('form').send({ _csrf: b.manager.csrf }).expect(404);
  await apiGet(t, '/api/v1/learners', a.token.token).expect(200);
  expect((await request(t.app).get('/api/v1/learners')).status).toBe(401);
});
