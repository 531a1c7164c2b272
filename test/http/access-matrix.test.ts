// Route x role matrix, generated from the capability data. Every route of the app's route table is
// asked by six visitors: anonymous, a learner, a trainer, an administrator, a manager of the
// organization the path names (A) and a manager of another organization (B). The expected answer
// comes from the route's declared access and `holds` (src/access/holds.ts) with the record the path
// names as the target, so a capability granted to a new role, or a route added later, is covered
// without editing this file.
//
// What each request proves, one request per route and visitor:
// - GET: the answer itself. Refused is 401, 403, 404 or a redirect to sign in; allowed is anything
//   else (a 409 "folder course is read-only" is a holder's answer, not a refusal).
// - POST by someone who does not hold the capability: sent WITH a valid CSRF token (anonymous
//   visitors get one from the sign-in page), so the refusal seen is the guard's or the policy's,
//   not the CSRF check's, and must be 401/403/404. Nothing may change, as the request is refused.
// - POST by a holder: sending it would change state (revoke, remove, publish, sign out...) and
//   spoil the following requests, so it is sent WITHOUT a CSRF token and must be refused as `csrf`:
//   that proves every state-changing route is behind the CSRF check, while the holder's access is
//   proven by the same route's GET (where there is one) and by each feature's own tests.
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { makeReportingOrganization, type ReportingOrganization } from '../support/api';
import { signIn, signedInUser, type SignedIn } from '../support/factories';
import { routeTable, type RouteEntry } from '../../src/access/route-table';
import { holds, type Target } from '../../src/access/holds';
import { CAPABILITIES, type Grant } from '../../src/access/capabilities';
import type { SessionUser } from '../../src/accounts/types';
import { fillPath, organizationRecordIds, paramsOf } from '../support/route-params';

type Visitor = { name: string; user: SessionUser | null } & SignedIn;

let t: TestApp;
let a: ReportingOrganization;
let b: ReportingOrganization;
let visitors: Visitor[];
/** A real record for each route parameter (organization A's where it is an organization's). */
let ids: Record<string, string>;

/** Parameters naming a record of organization A: the policy checks the manager against A. */
const ORGANIZATION_RECORDS = new Set(['orgId', 'unitId', 'userId', 'invitationId', 'assignmentId', 'importId', 'tokenId']);
/**
 * Routes whose record the fixture course does not have (no survey, evaluation or media): a
 * holder is answered 404 there, as anyone would be. A refusal still must be a refusal.
 */
const NO_SUCH_RECORD = new Set([
  'GET /courses/:slug/survey/:phase', 'GET /courses/:slug/evaluation', 'GET /courses/:slug/glossary', 'GET /author/courses/:slug/preview-glossary', 'GET /courses/:slug/media/:sha/:name', 'GET /setup/:token',
]);

beforeAll(async () => {
  t = await createTestApp();
  a = await makeReportingOrganization(t, 'Matrix Alder');
  b = await makeReportingOrganization(t, 'Matrix Birch');
  ids = {
    ...await organizationRecordIds(t, a, 'Matrix Import'), userId: String(a.people.halfway.user.id),
    file: 'course.md', key: 'one', id: String(a.courses.foundations.versionId), name: 'none.png', sha: '0'.repeat(64),
    check: 'none', reflection: 'none', phase: 'pre',
  };
  const anonymous = request.agent(t.app);
  // The sign-in page gives an anonymous visitor a session and its CSRF token.
  const csrf = /name="_csrf" value="([^"]+)"/.exec((await anonymous.get('/login')).text)![1];
  const trainer = await signedInUser(t, { role: 'trainer' });
  const admin = await signedInUser(t, { role: 'admin' });
  visitors = [
    { name: 'anonymous', user: null, agent: anonymous, csrf },
    // The learner is the certificate's owner: `own` capabilities are theirs over it.
    { name: 'learner', user: a.people.done.user, ...(await signIn(t, a.people.done.user)) },
    { name: 'trainer', ...trainer },
    { name: 'administrator', ...admin },
    { name: 'manager of A', ...a.manager },
    { name: 'manager of B', ...b.manager },
  ];
});
afterAll(async () => { await t.close(); });

function grantsOwn(route: RouteEntry): boolean {
  const access = route.access;
  return !!access && 'capability' in access && (CAPABILITIES[access.capability].grants as readonly Grant[]).some((g) => g.scope === 'own');
}

/** The record a route's path names, as `holds` takes it. */
function targetOf(route: RouteEntry): Target | undefined {
  const params = paramsOf(route.path);
  const target: Target = {};
  if (params.some((p) => ORGANIZATION_RECORDS.has(p))) target.organizationId = a.id;
  // A course named without an organization is the whole site's record: a grant over one
  // organization (a manager's course analytics) does not reach it; a grant over one's own does.
  else if (params.includes('slug') && !grantsOwn(route)) target.organizationId = null;
  if (params.includes('code')) target.ownerId = a.people.done.user.id;
  return Object.keys(target).length ? target : undefined;
}

function mayUse(route: RouteEntry, visitor: Visitor): boolean {
  const access = route.access!;
  if ('public' in access) return true;
  // A signed-in session never passes an API token's guard, whoever is signed in.
  if (access.via === 'api-token') return false;
  return holds(visitor.user, access.capability, targetOf(route));
}

function refused(res: request.Response): boolean {
  if ([401, 403, 404].includes(res.status)) return true;
  return res.status === 303 && String(res.headers.location ?? '').startsWith('/login');
}

const describeAnswer = (res: request.Response) => `${res.status}${res.headers.location ? ` → ${res.headers.location}` : ''}`;

// A route declaring no access fails the guards' own test (test/access); here it cannot be placed.
const declared = () => routeTable(t.app).filter((r) => r.access);

test('the matrix covers pages, forms and the API', () => {
  const routes = declared();
  expect(routes.length).toBeGreaterThan(90);
  expect(routes.filter((r) => r.method === 'POST').length).toBeGreaterThan(30);
  expect(routes.filter((r) => r.access && 'via' in r.access).length).toBeGreaterThanOrEqual(4);
});

test('each visitor is refused exactly the routes whose capability they do not hold', async () => {
  const wrong: string[] = [];
  for (const route of declared()) {
    const path = fillPath(route.path, ids);
    const label = `${route.method} ${route.path}`;
    for (const visitor of visitors) {
      const allowed = mayUse(route, visitor);
      if (route.method === 'GET') {
        const res = await visitor.agent.get(path);
        const tolerated404 = allowed && res.status === 404 && NO_SUCH_RECORD.has(label);
        if (res.status >= 500 || (refused(res) === allowed && !tolerated404)) wrong.push(`${visitor.name} ${label}: expected ${allowed ? 'allowed' : 'refused'}, got ${describeAnswer(res)}`);
      } else if (allowed) {
        const res = await visitor.agent.post(path).type('form').set('Accept', 'application/json').send({});
        if (res.status !== 403 || res.body?.error?.id !== 'csrf') wrong.push(`${visitor.name} ${label} without a CSRF token: expected 403 csrf, got ${describeAnswer(res)} ${res.body?.error?.id ?? ''}`);
      } else {
        const res = await visitor.agent.post(path).type('form').set('Accept', 'application/json').send({ _csrf: visitor.csrf });
        if (!refused(res) || res.body?.error?.id === 'csrf') wrong.push(`${visitor.name} ${label}: expected refused, got ${describeAnswer(res)} ${res.body?.error?.id ?? ''}`);
      }
    }
  }
  expect(wrong).toEqual([]);
});

test('the reporting API answers its own token and refuses a token of no organization', async () => {
  const api = declared().filter((r) => r.access && 'via' in r.access);
  for (const route of api) {
    expect(`${route.path} ${(await request(t.app).get(route.path).set('Authorization', `Bearer ${a.token.token}`)).status}`).toBe(`${route.path} 200`);
    expect(`${route.path} ${(await request(t.app).get(route.path).set('Authorization', 'Bearer bw_nothing')).status}`).toBe(`${route.path} 401`);
  }
});
