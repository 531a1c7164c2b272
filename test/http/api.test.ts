// The reporting API's lists (learners, assignments, courses): bearer tokens only, every filter,
// cursor paging walked to the end, nonsense refused with a problem naming the parameter, and a
// token of one organization seeing nothing of another. Completions: api-completions.test.ts.
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { apiGet, makeApiToken, makeReportingOrganization, type ReportingOrganization } from '../support/api';
import { routeTable } from '../../src/access/route-table';

let t: TestApp;
let a: ReportingOrganization;
let b: ReportingOrganization;
beforeAll(async () => {
  t = await createTestApp();
  a = await makeReportingOrganization(t, 'Alder Police');
  b = await makeReportingOrganization(t, 'Birch Health');
});
afterAll(async () => { await t.close(); });

function expectProblem(res: request.Response, status: number, id: string, parameter?: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json; charset=utf-8$/);
  expect(res.body).toEqual({
    type: `tag:bridgework,2026:problem:${id}`, title: expect.any(String), status, detail: expect.any(String), id,
    ...(parameter ? { parameter } : {}),
  });
  expect(res.text).not.toMatch(/at .*\.(js|ts):\d+/);
}

/** Every row of a list, following `next` links, with the number of pages it took. */
async function walk(path: string, token: string): Promise<{ rows: Record<string, unknown>[]; pages: number }> {
  const rows: Record<string, unknown>[] = [];
  let url: string | null = path;
  let pages = 0;
  while (url) {
    const res: request.Response = await apiGet(t, url, token).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
    rows.push(...res.body.data);
    pages++;
    if (res.body.next) {
      expect(res.headers.link).toBe(`<${res.body.next}>; rel="next"`);
      expect(res.body.next.startsWith('http://bridgework.test/api/v1/')).toBe(true);
      url = res.body.next.slice('http://bridgework.test'.length);
    } else {
      expect(res.headers.link).toBeUndefined();
      url = null;
    }
    if (pages > 100) throw new Error('paging does not end');
  }
  return { rows, pages };
}

const ids = (rows: Record<string, unknown>[]) => rows.map((r) => r.id as number);

describe('authentication', () => {
  test('no token: 401 problem, with the way to authenticate', async () => {
    const res = await apiGet(t, '/api/v1/learners', null);
    expectProblem(res, 401, 'unauthenticated');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="bridgework"');
  });

  test('a malformed header or token, or one that does not exist: 401 invalid_token, never a lookup crash', async () => {
    for (const header of ['Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'Bearer', 'Bearer ', 'Bearer not-a-token', `Bearer ${a.token.token} extra`, `Token ${a.token.token}`, 'Bearer bwk_short']) {
      const res = await request(t.app).get('/api/v1/learners').set('Authorization', header);
      expectProblem(res, 401, 'invalid_token');
    }
    const unknown = await apiGet(t, '/api/v1/learners', `bwk_${'A'.repeat(43)}`);
    expectProblem(unknown, 401, 'invalid_token');
    expect(unknown.body.detail).toMatch(/not known/);
    expect(unknown.headers['www-authenticate']).toBe('Bearer realm="bridgework", error="invalid_token"');
  });

  test('a signed-in session never authenticates the API, not even a manager\'s', async () => {
    expectProblem(await a.manager.agent.get('/api/v1/learners'), 401, 'unauthenticated');
    expectProblem(await a.manager.agent.get('/api/v1/learners').set('Authorization', 'Bearer nonsense'), 401, 'invalid_token');
  });

  test('CSRF does not apply to bearer requests; without a bearer token the CSRF check still stands', async () => {
    // A bearer request passes the CSRF check and reaches the router (no POST route: not found).
    expectProblem(await request(t.app).post('/api/v1/learners').set('Authorization', `Bearer ${a.token.token}`).send({}), 404, 'not_found');
    expectProblem(await a.manager.agent.post('/api/v1/learners').send({}), 403, 'csrf');
  });

  test('every /api/ route is guarded by a token (or public): none can be reached by a session', () => {
    const api = routeTable(t.app).filter((r) => r.path.startsWith('/api/'));
    expect(api.length).toBeGreaterThanOrEqual(5);
    const bySession = api.filter((r) => !r.access || !('public' in r.access || r.access.via === 'api-token')).map((r) => `${r.method} ${r.path}`);
    expect(bySession).toEqual([]);
  });

  test('an unknown API path is a 404 problem; the OpenAPI document needs no token', async () => {
    expectProblem(await apiGet(t, '/api/v1/nothing-here', a.token.token), 404, 'not_found');
    const doc = await request(t.app).get('/api/v1/openapi.json').expect(200);
    expect(doc.body.openapi).toBe('3.1.0');
  });
});

describe('learners', () => {
  test('the organization\'s people, by id, and nothing of another organization', async () => {
    const res = await apiGet(t, '/api/v1/learners', a.token.token).expect(200);
    expect(res.body.next).toBeNull();
    const people = [a.manager.user.id, ...Object.values(a.people).map((p) => p.user.id)].sort((x, y) => x - y);
    expect(ids(res.body.data)).toEqual(people);
    const done = res.body.data.find((l: { id: number }) => l.id === a.people.done.user.id);
    expect(done).toEqual({
      id: a.people.done.user.id, name: 'Alder Police Done', email: a.people.done.email, role: 'member',
      unit: { id: a.units.north, name: 'Alder Police North' }, joinedAt: expect.stringMatching(/^2026-03-01T10:00:00\.000Z$/), activated: true,
    });
    expect(res.text).not.toMatch(/Birch/i);
  });

  test('filters: unit, people in no unit, joined since', async () => {
    const north = await apiGet(t, `/api/v1/learners?unit=${a.units.north}`, a.token.token).expect(200);
    expect(ids(north.body.data)).toEqual([a.people.done.user.id, a.people.halfway.user.id]);
    const none = await apiGet(t, '/api/v1/learners?unit=none', a.token.token).expect(200);
    expect(ids(none.body.data).sort()).toEqual([a.manager.user.id, a.people.idle.user.id].sort());
    const before = await apiGet(t, '/api/v1/learners?joined_since=2026-03-01', a.token.token).expect(200);
    expect(before.body.data).toHaveLength(6);
    const after = await apiGet(t, '/api/v1/learners?joined_since=2026-03-01T10:00:00.001Z', a.token.token).expect(200);
    expect(after.body.data).toEqual([]);
    const offset = await apiGet(t, '/api/v1/learners?joined_since=2026-03-01T11:00:00%2B02:00', a.token.token).expect(200);
    expect(offset.body.data).toHaveLength(6);
  });

  test('walking every page gives every row exactly once, whatever the page size, filters kept', async () => {
    const all = ids((await apiGet(t, '/api/v1/learners?limit=1000', a.token.token).expect(200)).body.data);
    for (const limit of [1, 2, 4, 5, 6]) {
      const { rows, pages } = await walk(`/api/v1/learners?limit=${limit}`, a.token.token);
      expect(ids(rows)).toEqual(all);
      expect(pages).toBe(Math.max(1, Math.ceil(all.length / limit)));
    }
    const { rows } = await walk(`/api/v1/learners?unit=${a.units.north}&limit=1`, a.token.token);
    expect(ids(rows)).toEqual([a.people.done.user.id, a.people.halfway.user.id]);
  });

  test('a row added between pages is neither doubled nor makes another row skipped', async () => {
    const first = await apiGet(t, '/api/v1/learners?limit=3', b.token.token).expect(200);
    const late = await (await import('../support/organizations')).makeMember(t, b.id, { name: 'Birch Health Latecomer' });
    const rest = await walk(first.body.next.slice('http://bridgework.test'.length), b.token.token);
    const seen = [...ids(first.body.data), ...ids(rest.rows)];
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toContain(late.user.id);
    expect(seen).toHaveLength(7);
  });
});

describe('assignments', () => {
  test('the assignments in force, with their courses and units', async () => {
    const res = await apiGet(t, '/api/v1/assignments', a.token.token).expect(200);
    expect(res.body.data).toEqual([
      {
        id: a.assignments.foundations, course: { id: a.courses.foundations.id, slug: a.courses.foundations.slug, title: a.courses.foundations.course.title },
        target: 'organization', unit: null, learnerId: null, dueAt: expect.stringMatching(/T23:59:59\.999Z$/), withinDays: null, renews: false,
        createdAt: '2026-03-01T10:00:00.000Z',
      },
      {
        id: a.assignments.followUp, course: { id: a.courses.followUp.id, slug: a.courses.followUp.slug, title: a.courses.followUp.course.title },
        target: 'unit', unit: { id: a.units.south, name: 'Alder Police South' }, learnerId: null, dueAt: null, withinDays: 10, renews: false,
        createdAt: '2026-03-01T10:00:00.000Z',
      },
    ]);
    expect(res.text).not.toMatch(/Birch/i);
  });

  test('filters: course by id or slug, the unit an assignment reaches, made since', async () => {
    const get = async (q: string) => ids((await apiGet(t, `/api/v1/assignments?${q}`, a.token.token).expect(200)).body.data);
    expect(await get(`course=${a.courses.followUp.id}`)).toEqual([a.assignments.followUp]);
    expect(await get(`course=${a.courses.foundations.slug}`)).toEqual([a.assignments.foundations]);
    expect(await get(`unit=${a.units.south}`)).toEqual([a.assignments.foundations, a.assignments.followUp]);
    expect(await get(`unit=${a.units.north}`)).toEqual([a.assignments.foundations]);
    expect(await get('unit=none')).toEqual([a.assignments.foundations]);
    expect(await get('updated_since=2026-03-02')).toEqual([]);
    expect(await get('updated_since=2026-02-28&limit=1')).toEqual([a.assignments.foundations]);
    const { rows } = await walk('/api/v1/assignments?limit=1', a.token.token);
    expect(ids(rows)).toEqual([a.assignments.foundations, a.assignments.followUp]);
  });
});

describe('courses', () => {
  test('every published course, and whether this organization requires it', async () => {
    const res = await apiGet(t, '/api/v1/courses', a.token.token).expect(200);
    const byId = new Map(res.body.data.map((c: { id: number }) => [c.id, c]));
    expect(byId.get(a.courses.foundations.id)).toEqual({
      id: a.courses.foundations.id, slug: a.courses.foundations.slug, title: a.courses.foundations.course.title,
      summary: expect.any(String), language: 'en', minutes: expect.any(Number), hours: null,
      validityMonths: null, version: a.courses.foundations.course.contentHash, assigned: true,
    });
    expect((byId.get(b.courses.foundations.id) as { assigned: boolean }).assigned).toBe(false);
    const assigned = await apiGet(t, '/api/v1/courses?assigned=true', a.token.token).expect(200);
    expect(ids(assigned.body.data).sort()).toEqual([a.courses.foundations.id, a.courses.followUp.id].sort());
    const others = await apiGet(t, '/api/v1/courses?assigned=false', a.token.token).expect(200);
    expect(ids(others.body.data)).toContain(b.courses.foundations.id);
    expect(ids(others.body.data)).not.toContain(a.courses.foundations.id);
    const { rows } = await walk('/api/v1/courses?limit=2', a.token.token);
    expect(ids(rows)).toEqual(ids(res.body.data));
  });
});

describe('nonsense is a 400 problem naming the parameter', () => {
  const cases: [string, string][] = [
    ['/api/v1/learners?limit=0', 'limit'],
    ['/api/v1/learners?limit=1001', 'limit'],
    ['/api/v1/learners?limit=ten', 'limit'],
    ['/api/v1/learners?limit=1e2', 'limit'],
    ['/api/v1/learners?limit=%205', 'limit'],
    ['/api/v1/learners?limit=-1', 'limit'],
    ['/api/v1/learners?cursor=%%%', 'cursor'],
    ['/api/v1/learners?cursor=bm90IGpzb24', 'cursor'],
    ['/api/v1/learners?unit=north', 'unit'],
    ['/api/v1/learners?unit=1&unit=2', 'unit'],
    ['/api/v1/learners?unit[x]=1', 'unit[x]'],
    ['/api/v1/learners?joined_since=yesterday', 'joined_since'],
    ['/api/v1/learners?joined_since=2026-02-30', 'joined_since'],
    ['/api/v1/learners?stauts=overdue', 'stauts'],
    ['/api/v1/assignments?course=Not%20A%20Slug', 'course'],
    ['/api/v1/assignments?course=no-such-course', 'course'],
    ['/api/v1/assignments?course=999999', 'course'],
    ['/api/v1/assignments?updated_since=2026-13-01', 'updated_since'],
    ['/api/v1/courses?assigned=maybe', 'assigned'],
    ['/api/v1/courses?status=overdue', 'status'],
  ];
  test.each(cases)('%s', async (path, parameter) => {
    const res = await apiGet(t, path, a.token.token);
    expectProblem(res, 400, 'invalid_parameter', parameter);
    expect(res.body.detail).toContain(parameter);
  });

  test('another organization\'s unit is no unit of this one', async () => {
    for (const path of [`/api/v1/learners?unit=${b.units.north}`, `/api/v1/assignments?unit=${b.units.south}`]) {
      const res = await apiGet(t, path, a.token.token);
      expectProblem(res, 400, 'invalid_parameter', 'unit');
      expect(res.text).not.toMatch(/Birch/i);
    }
  });

  test('a cursor of one list is refused by another', async () => {
    const page = await apiGet(t, '/api/v1/learners?limit=1', a.token.token).expect(200);
    const cursor = new URL(page.body.next).searchParams.get('cursor');
    expectProblem(await apiGet(t, `/api/v1/assignments?cursor=${cursor}`, a.token.token), 400, 'invalid_parameter', 'cursor');
  });
});

test('requests are limited per token: a 429 problem with Retry-After, other tokens unaffected, again after the window', async () => {
  const { token } = await makeApiToken(t, a.id, a.manager.user.id, 'Busy sync');
  for (let i = 0; i < 120; i++) await apiGet(t, '/api/v1/courses?limit=1', token).expect(200);
  const limited = await apiGet(t, '/api/v1/courses?limit=1', token);
  expectProblem(limited, 429, 'too_many_requests');
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
  await apiGet(t, '/api/v1/courses?limit=1', a.token.token).expect(200);
  t.clock.advance(60_000);
  await apiGet(t, '/api/v1/courses?limit=1', token).expect(200);
});
