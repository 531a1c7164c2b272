// Administrators create organizations and name their first manager: an existing account, or a new
// person who gets an account at once and a personal link to choose a password. Nobody else may.
import request from 'supertest';
import { createTestApp, csrfFrom, type TestApp } from '../support/app';
import { makeUser, signedInUser } from '../support/factories';
import { makeMember, makeOrganization } from '../support/organizations';

let t: TestApp;
let admin: Awaited<ReturnType<typeof signedInUser>>;
beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInUser(t, { role: 'admin', name: 'Ada Admin' });
});
afterAll(async () => { await t.close(); });

const orgCount = async () => (await t.services.organizations.list()).length;

test('an administrator creates a police department and sees it listed', async () => {
  await admin.agent.get('/admin').expect(200).expect((res) => expect(res.text).toContain('href="/admin/organizations"'));
  const created = await admin.agent.post('/admin/organizations').type('form').send({ _csrf: admin.csrf, name: '  Harbour   Police ', type: 'police' }).expect(303);
  expect(created.headers.location).toMatch(/^\/admin\/organizations\/\d+\?created=1$/);
  const page = await admin.agent.get(created.headers.location).expect(200);
  expect(page.text).toContain('<h1>Harbour Police</h1>');
  expect(page.text).toContain('The organization was created');
  const list = await admin.agent.get('/admin/organizations').expect(200);
  expect(list.text).toMatch(/<th scope="row"><a href="\/admin\/organizations\/\d+">Harbour Police<\/a><\/th><td>Police<\/td>/);
});

test('a name already taken (in any case) or a missing type is refused beside the field, with the input kept', async () => {
  await t.services.organizations.create(admin.user, { name: 'Island Health', type: 'health_authority' });
  const before = await orgCount();
  const taken = await admin.agent.post('/admin/organizations').type('form').send({ _csrf: admin.csrf, name: 'island health', type: 'health_authority' }).expect(409);
  expect(taken.text).toContain('An organization with this name already exists.');
  expect(taken.text).toContain('value="island health"');
  expect(taken.text).toMatch(/id="name"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="name"/s);
  const noType = await admin.agent.post('/admin/organizations').type('form').send({ _csrf: admin.csrf, name: 'Town of Hope', type: 'army' }).expect(422);
  expect(noType.text).toContain('Choose the kind of organization.');
  expect(noType.text).toContain('href="#type-police"');
  const noName = await admin.agent.post('/admin/organizations').type('form').send({ _csrf: admin.csrf, name: '   ', type: 'other' }).expect(422);
  expect(noName.text).toContain('Enter the organization&#39;s name.');
  expect(await orgCount()).toBe(before);
});

test('naming an existing account as manager gives them the organization pages', async () => {
  const id = await t.services.organizations.create(admin.user, { name: 'Valley Municipality', type: 'municipality' });
  const coordinator = await signedInUser(t, { name: 'Casey Coordinator' });
  await coordinator.agent.get('/organization').expect(403);
  const named = await admin.agent.post(`/admin/organizations/${id}/managers`).type('form').send({ _csrf: admin.csrf, email: coordinator.email.toUpperCase() }).expect(303);
  expect(named.headers.location).toBe(`/admin/organizations/${id}?named=added`);
  expect((await admin.agent.get(named.headers.location)).text).toContain('Casey Coordinator');
  const dashboard = await coordinator.agent.get('/dashboard').expect(200);
  expect(dashboard.text).toContain('<a href="/organization">Your organization</a>');
  await coordinator.agent.get('/organization').expect(303).expect('location', `/organizations/${id}`);
  expect((await coordinator.agent.get(`/organizations/${id}`).expect(200)).text).toContain('Valley Municipality');
});

test('a new person named manager gets an account at once and a link, shown once, to choose a password', async () => {
  const id = await t.services.organizations.create(admin.user, { name: 'Coast Community Services', type: 'community' });
  const noName = await admin.agent.post(`/admin/organizations/${id}/managers`).type('form').send({ _csrf: admin.csrf, email: 'new.coordinator@example.org' }).expect(422);
  expect(noName.text).toContain('enter the new manager&#39;s name');
  expect(await t.services.accounts.findPeople({ emails: ['new.coordinator@example.org'] })).toEqual([]);

  const res = await admin.agent.post(`/admin/organizations/${id}/managers`).type('form')
    .send({ _csrf: admin.csrf, email: 'new.coordinator@example.org', displayName: 'Noor Coordinator' }).expect(200);
  const link = /class="code link-box" value="([^"]+)"/.exec(res.text)![1];
  expect(link).toMatch(/^http:\/\/bridgework\.test\/join\/[A-Za-z0-9_-]{32}$/);
  expect(res.text).toContain('Copy the link now');
  // Counted at once: the account exists (without a password) and manages the organization.
  expect((await t.services.organizations.managers(id)).map((m) => [m.displayName, m.claimed])).toEqual([['Noor Coordinator', false]]);
  // Shown once: the page shows it no more, and the database holds only its hash.
  expect((await admin.agent.get(`/admin/organizations/${id}`)).text).not.toContain(link);
  const token = link.split('/join/')[1];
  const stored = await t.testDb.db('invitations').where({ organization_id: id }).first('token_hash');
  expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
  expect(stored.token_hash).not.toContain(token);

  // No password works before they choose one.
  const signin = request.agent(t.app);
  const csrf = await csrfFrom(signin, '/login');
  await signin.post('/login').type('form').send({ _csrf: csrf, email: 'new.coordinator@example.org', password: '!unclaimed' }).expect(401);

  const visitor = request.agent(t.app);
  const page = await visitor.get(`/join/${token}`).expect(200);
  expect(page.text).toContain('An account was made for you (new.coordinator@example.org)');
  const claimCsrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  const short = await visitor.post(`/join/${token}/claim`).type('form').send({ _csrf: claimCsrf, displayName: 'Noor Coordinator', password: 'short' }).expect(422);
  expect(short.text).toContain('at least 12 characters');
  await visitor.post(`/join/${token}/claim`).type('form').send({ _csrf: claimCsrf, displayName: 'Noor Coordinator', password: 'a long coordinator password' }).expect(303).expect('location', '/dashboard');
  await visitor.get('/organization').expect(303).expect('location', `/organizations/${id}`);
  // The link is spent; the password works for signing in.
  await request(t.app).get(`/join/${token}`).expect(410);
  const again = request.agent(t.app);
  const againCsrf = await csrfFrom(again, '/login');
  await again.post('/login').type('form').send({ _csrf: againCsrf, email: 'new.coordinator@example.org', password: 'a long coordinator password' }).expect(303);
});

test('a member is promoted; someone in another organization is refused beside the field and nothing changes', async () => {
  const a = await makeOrganization(t, { admin: admin.user });
  const b = await makeOrganization(t, { admin: admin.user });
  const member = await makeMember(t, a.id, { name: 'Promoted Person' });
  await admin.agent.post(`/admin/organizations/${a.id}/managers`).type('form').send({ _csrf: admin.csrf, email: member.email }).expect(303)
    .expect('location', `/admin/organizations/${a.id}?named=promoted`);
  expect((await t.services.organizations.managers(a.id)).map((m) => m.displayName)).toContain('Promoted Person');

  const refused = await admin.agent.post(`/admin/organizations/${b.id}/managers`).type('form').send({ _csrf: admin.csrf, email: member.email }).expect(409);
  expect(refused.text).toContain('This person already belongs to another organization.');
  expect(refused.text).toContain(`value="${member.email}"`);
  expect((await t.services.organizations.managers(b.id)).map((m) => m.email)).not.toContain(member.email);
});

test('learners, trainers, members and managers may not reach the administrator pages; nothing is written', async () => {
  const org = await makeOrganization(t, { admin: admin.user, name: 'Secret Org Name' });
  const member = await makeMember(t, org.id);
  const learner = await signedInUser(t, { role: 'learner' });
  const trainer = await signedInUser(t, { role: 'trainer' });
  const before = await orgCount();
  for (const who of [learner, trainer, member, org.manager]) {
    for (const path of ['/admin/organizations', `/admin/organizations/${org.id}`]) {
      const res = await who.agent.get(path).expect(403);
      expect(res.text).not.toContain('Secret Org Name');
    }
    await who.agent.post('/admin/organizations').type('form').send({ _csrf: who.csrf, name: 'Sneaky', type: 'other' }).expect(403);
    await who.agent.post(`/admin/organizations/${org.id}/managers`).type('form').send({ _csrf: who.csrf, email: learner.email }).expect(403);
  }
  expect(await orgCount()).toBe(before);
  expect((await t.services.organizations.managers(org.id)).map((m) => m.email)).toEqual([org.manager.email]);
  // A visitor is asked to sign in; a form sent without a session is refused.
  await request(t.app).get('/admin/organizations').expect(303).expect('location', '/login?next=%2Fadmin%2Forganizations');
  await request(t.app).post('/admin/organizations').type('form').send({ name: 'Anon', type: 'other' }).expect(403);
});

test('an unknown or malformed organization id is a 404', async () => {
  await admin.agent.get('/admin/organizations/999999').expect(404);
  await admin.agent.get('/admin/organizations/abc').expect(404);
  await admin.agent.post('/admin/organizations/999999/managers').type('form').send({ _csrf: admin.csrf, email: 'x@example.org' }).expect(404);
  const someone = await makeUser(t);
  expect(someone.user.membership).toBeNull();
});
