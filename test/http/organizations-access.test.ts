// Every manager route of an organization, replayed by everyone who must be refused: learners,
// trainers, administrators and members (403: they do not manage staff anywhere) and the manager of
// another organization (404: to them this organization does not exist). Nothing of the
// organization appears in any refusal, and nothing of it changes.
import { createTestApp, type TestApp } from '../support/app';
import { publishCourse, signedInUser, type SignedIn } from '../support/factories';
import { makeInvitation, makeMember, makeOrganization, type MadeOrganization } from '../support/organizations';
import express from 'express';
import { routeTable } from '../../src/access/route-table';
import { organizationRoutes } from '../../src/organizations/routes';

let t: TestApp;
let a: MadeOrganization;
let ids: { unit: number; member: number; invitation: number; import: number; assignment: number };
const SECRETS = ['Secret Constabulary', 'Hidden Unit', 'hidden.member@example.org', 'Hidden Member'];

beforeAll(async () => {
  t = await createTestApp();
  a = await makeOrganization(t, { name: 'Secret Constabulary' });
  const unit = await t.services.organizations.addUnit(a.id, 'Hidden Unit');
  const member = await makeMember(t, a.id, { name: 'Hidden Member', unitId: unit });
  await t.testDb.db('users').where({ id: member.user.id }).update({ email: 'hidden.member@example.org' });
  await makeInvitation(t, a.id, { unitId: unit, by: a.manager.user.id });
  const invitation = (await t.services.organizations.invitations.list(a.id)).open[0].id;
  const org = await t.services.organizations.find(a.id);
  const upload = await t.services.organizations.imports.upload(org, { name: 'x.csv', bytes: Buffer.from('name,email\nImported Secret,imported.secret@example.org\n') }, a.manager.user);
  if (!upload.ok) throw new Error('upload failed');
  const course = await publishCourse(t, { spec: { title: 'Access course' } });
  const courseId = (await t.services.organizations.assignments.courses()).find((c) => c.slug === course.slug)!.courseId;
  const made = await t.services.organizations.assignments.create(org, { courseId, target: 'unit', unitId: unit, userId: null, person: '', dueKind: 'window', dueDate: '', withinDays: '5', renews: false }, a.manager.user.id);
  if (!made.ok) throw new Error('assignment failed');
  ids = { unit, member: member.user.id, invitation, import: upload.importId, assignment: made.id };
});
afterAll(async () => { await t.close(); });

type Route = { method: 'GET' | 'POST'; path: string; body?: Record<string, string>; multipart?: boolean };

function managerRoutes(): Route[] {
  const o = `/organizations/${a.id}`;
  return [
    { method: 'GET', path: o },
    { method: 'GET', path: `${o}/units` },
    { method: 'POST', path: `${o}/units`, body: { name: 'Intruder Unit' } },
    { method: 'POST', path: `${o}/units/${ids.unit}`, body: { name: 'Renamed by intruder' } },
    { method: 'GET', path: `${o}/members` },
    { method: 'GET', path: `${o}/members?unit=${ids.unit}` },
    { method: 'GET', path: `${o}/members/${ids.member}` },
    { method: 'POST', path: `${o}/members/${ids.member}/unit`, body: { unitId: '' } },
    { method: 'POST', path: `${o}/members/${ids.member}/role`, body: { role: 'manager' } },
    { method: 'POST', path: `${o}/members/${ids.member}/remove` },
    { method: 'POST', path: `${o}/members/${ids.member}/link` },
    { method: 'GET', path: `${o}/invitations` },
    { method: 'POST', path: `${o}/invitations`, body: { unitId: '', expiresInDays: '5', maxUses: '5' } },
    { method: 'POST', path: `${o}/invitations/${ids.invitation}/revoke` },
    { method: 'GET', path: `${o}/import` },
    { method: 'POST', path: `${o}/import`, multipart: true },
    { method: 'GET', path: `${o}/import/${ids.import}` },
    { method: 'POST', path: `${o}/import/${ids.import}` },
    { method: 'GET', path: `${o}/assignments` },
    { method: 'POST', path: `${o}/assignments`, body: { courseId: '1', target: 'organization', dueKind: 'window', withinDays: '3' } },
    { method: 'POST', path: `${o}/assignments/${ids.assignment}/remove` },
  ];
}

function send(who: SignedIn, r: Route) {
  if (r.method === 'GET') return who.agent.get(r.path);
  if (r.multipart) return who.agent.post(`${r.path}?_csrf=${encodeURIComponent(who.csrf)}`).attach('file', Buffer.from('name,email\nZ,z@example.org\n'), 'z.csv');
  return who.agent.post(r.path).type('form').send({ _csrf: who.csrf, ...r.body });
}

/** Everything of organization A a refusal could leak or a refused request could change. */
async function snapshot() {
  const s = t.services.organizations;
  const [members, units, invitations, assignments] = await Promise.all([s.members(a.id), s.units(a.id), s.invitations.list(a.id), s.assignments.list(a.id)]);
  const imported = await t.testDb.db('member_imports').where({ organization_id: a.id }).select('applied_at');
  return JSON.stringify({ members, units, invitations, assignments, imported });
}

test('the table covers every manager route of the organization router', () => {
  const covered = new Set(managerRoutes().map((r) => `${r.method} ${r.path.split('?')[0]
    .replace(`/organizations/${a.id}`, '/organizations/:orgId').replace(`/units/${ids.unit}`, '/units/:unitId')
    .replace(`/members/${ids.member}`, '/members/:userId').replace(`/invitations/${ids.invitation}`, '/invitations/:invitationId')
    .replace(`/import/${ids.import}`, '/import/:importId').replace(`/assignments/${ids.assignment}`, '/assignments/:assignmentId')}`));
  const app = express();
  app.use(organizationRoutes({ organizations: t.services.organizations, unprintableCharacters: () => [], db: t.testDb.db, clock: t.clock }));
  const routes = routeTable(app).filter((r) => r.path.startsWith('/organizations/')).map((r) => `${r.method} ${r.path}`);
  expect(routes.length).toBe(covered.size);
  expect(routes.filter((r) => !covered.has(r))).toEqual([]);
});

test('learners, trainers, administrators and members are refused every manager page (403); nothing leaks or changes', async () => {
  const people = [
    ['learner', await signedInUser(t, { role: 'learner' })],
    ['trainer', await signedInUser(t, { role: 'trainer' })],
    ['admin', await signedInUser(t, { role: 'admin' })],
    ['member of the organization', await makeMember(t, a.id)],
  ] as const;
  const before = await snapshot();
  for (const [label, who] of people) {
    for (const r of managerRoutes()) {
      const res = await send(who, r);
      expect(`${label} ${r.method} ${r.path} ${res.status}`).toBe(`${label} ${r.method} ${r.path} 403`);
      for (const secret of SECRETS) expect(res.text).not.toContain(secret);
    }
    expect((await who.agent.get('/organization')).status).toBe(403);
  }
  expect(await snapshot()).toBe(before);
});

test('the manager of another organization finds nothing at all (404); nothing leaks or changes', async () => {
  const before = await snapshot();
  const b = await makeOrganization(t, { name: 'Other Force' });
  for (const r of managerRoutes()) {
    const res = await send(b.manager, r);
    expect(`${r.method} ${r.path} ${res.status}`).toBe(`${r.method} ${r.path} 404`);
    for (const secret of SECRETS) expect(res.text).not.toContain(secret);
  }
  // Their own organization with A's record ids: still nothing.
  const o = `/organizations/${b.id}`;
  for (const path of [`${o}/members/${ids.member}`, `${o}/import/${ids.import}`]) {
    const res = await b.manager.agent.get(path).expect(404);
    for (const secret of SECRETS) expect(res.text).not.toContain(secret);
  }
  for (const [path, body] of [
    [`${o}/units/${ids.unit}`, { name: 'Stolen' }], [`${o}/members/${ids.member}/remove`, {}], [`${o}/members/${ids.member}/unit`, { unitId: String(ids.unit) }],
    [`${o}/invitations/${ids.invitation}/revoke`, {}], [`${o}/assignments/${ids.assignment}/remove`, {}], [`${o}/import/${ids.import}`, {}],
  ] as const) {
    await b.manager.agent.post(path).type('form').send({ _csrf: b.manager.csrf, ...body }).expect(404);
  }
  // Nor may they give their own people one of A's units, or invite into it.
  const res = await b.manager.agent.post(`${o}/invitations`).type('form').send({ _csrf: b.manager.csrf, unitId: String(ids.unit), expiresInDays: '3', maxUses: '3' }).expect(422);
  expect(res.text).not.toContain('Hidden Unit');
  expect((await b.manager.agent.get(`${o}/members`).expect(200)).text).not.toContain('Hidden Member');
  expect(await snapshot()).toBe(before);
});

test('a visitor is asked to sign in for pages and refused forms', async () => {
  const request = (await import('supertest')).default;
  for (const r of managerRoutes()) {
    const res = r.method === 'GET' ? await request(t.app).get(r.path) : await request(t.app).post(r.path).type('form').send(r.body ?? {});
    if (r.method === 'GET') {
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(r.path)}`);
    } else {
      expect(res.status).toBe(403); // no session, so no form token
    }
    for (const secret of SECRETS) expect(res.text).not.toContain(secret);
  }
});
