// The administrator's user pages: search, role changes, deactivation (which ends sessions at once
// and blocks sign-in), reactivation, the last administrator kept, and everyone else refused.
import request from 'supertest';
import { createTestApp, csrfFrom, type TestApp } from '../support/app';
import { makeUser, signIn, signedInUser, type MadeUser, type SignedIn } from '../support/factories';
import { makeOrganization } from '../support/organizations';
import { createUserAdminService } from '../../src/admin/users-service';

let t: TestApp;
let admin: MadeUser & SignedIn;
beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInUser(t, { role: 'admin', name: 'Ada Admin' });
});
afterAll(async () => { await t.close(); });

const usersRoles = async (id: number) => (await t.testDb.db('users').where({ id }).first('role', 'deactivated_at'));

async function confirmAndPost(as: SignedIn, userId: number, action: string, query = '', body: Record<string, string> = {}) {
  // The confirmation page carries the form that makes the change.
  const page = await as.agent.get(`/admin/users/${userId}/confirm?action=${action}${query}`).expect(200);
  expect(page.text).toContain(`action="/admin/users/${userId}/${action}"`);
  return as.agent.post(`/admin/users/${userId}/${action}`).type('form').send({ _csrf: as.csrf, ...body });
}

async function signInThroughForm(email: string, password: string): Promise<number> {
  const agent = request.agent(t.app);
  const csrf = await csrfFrom(agent, '/login');
  return (await agent.post('/login').type('form').send({ _csrf: csrf, email, password })).status;
}

test('finds users by part of a name or an email, in pages, with role, organization and status', async () => {
  const org = await makeOrganization(t, { name: 'Harbour Police', admin: admin.user });
  await makeUser(t, { name: 'Zed Findable', email: 'zed.findable@example.org' });
  const byName = await admin.agent.get('/admin/users?q=findABLE').expect(200);
  expect(byName.text).toContain('Zed Findable');
  expect(byName.text).toContain('1 user found.');
  const byEmail = await admin.agent.get('/admin/users?q=zed.findable@').expect(200);
  expect(byEmail.text).toContain('Zed Findable');
  expect((await admin.agent.get('/admin/users?q=nobody-like-this').expect(200)).text).not.toContain('Zed Findable');
  // A wildcard typed by the administrator matches only itself.
  expect((await admin.agent.get('/admin/users?q=%25').expect(200)).text).toContain('0 users found.');

  const manager = await admin.agent.get(`/admin/users?q=${encodeURIComponent(org.manager.email)}`).expect(200);
  expect(manager.text).toContain('Harbour Police');

  for (let i = 0; i < 26; i++) await makeUser(t, { name: `Paged Person ${String(i).padStart(2, '0')}` });
  const first = await admin.agent.get('/admin/users?q=paged+person').expect(200);
  expect(first.text).toContain('26 users found.');
  expect(first.text).toContain('Paged Person 00');
  expect(first.text).not.toContain('Paged Person 25');
  const second = await admin.agent.get('/admin/users?q=paged+person&page=2').expect(200);
  expect(second.text).toContain('Paged Person 25');
  await admin.agent.get('/admin/users?page=abc').expect(200);
});

test('a role change is confirmed first, then made, and can be changed back', async () => {
  const someone = await makeUser(t, { name: 'Role Changer' });
  const page = await admin.agent.get(`/admin/users/${someone.user.id}`).expect(200);
  expect(page.text).toContain('Learner');
  await admin.agent.get(`/admin/users/${someone.user.id}/confirm?action=role&role=trainer`).expect(200);
  expect((await usersRoles(someone.user.id)).role).toBe('learner'); // the confirmation page changes nothing
  await confirmAndPost(admin, someone.user.id, 'role', '&role=trainer', { role: 'trainer' }).then((r) => expect(r.status).toBe(303));
  expect((await usersRoles(someone.user.id)).role).toBe('trainer');
  await confirmAndPost(admin, someone.user.id, 'role', '&role=learner', { role: 'learner' }).then((r) => expect(r.status).toBe(303));
  expect((await usersRoles(someone.user.id)).role).toBe('learner');
  expect((await admin.agent.post(`/admin/users/${someone.user.id}/role`).type('form').send({ _csrf: admin.csrf, role: 'emperor' })).status).toBe(400);
  await admin.agent.get(`/admin/users/${someone.user.id}/confirm?action=explode`).expect(400);
  await admin.agent.get('/admin/users/999999').expect(404);
  await admin.agent.get('/admin/users/not-a-number').expect(404);
});

test('deactivation ends the user\'s sessions at once and blocks sign-in; reactivation lets them back', async () => {
  const learner = await signedInUser(t, { name: 'Soon Gone' });
  const second = await signIn(t, learner.user);
  await learner.agent.get('/dashboard').expect(200);
  const res = await confirmAndPost(admin, learner.user.id, 'deactivate');
  expect(res.status).toBe(303);
  expect(res.headers.location).toBe(`/admin/users/${learner.user.id}?done=deactivated`);
  expect(Number((await t.testDb.db('sessions').where({ user_id: learner.user.id }).count({ n: '*' }).first())?.n)).toBe(0);
  for (const s of [learner, second]) {
    const page = await s.agent.get('/dashboard');
    expect(page.status).toBe(303);
    expect(page.headers.location).toMatch(/^\/login/);
  }
  expect(await signInThroughForm(learner.email, learner.password)).toBe(401);
  expect((await admin.agent.get(`/admin/users/${learner.user.id}`).expect(200)).text).toContain('Deactivated since');

  // A session row written for them anyway (as by a request already under way) reads as signed out.
  const late = await signIn(t, learner.user);
  expect((await late.agent.get('/dashboard')).status).toBe(303);

  expect((await confirmAndPost(admin, learner.user.id, 'reactivate')).status).toBe(303);
  expect(await signInThroughForm(learner.email, learner.password)).toBe(303);
  expect((await usersRoles(learner.user.id)).deactivated_at).toBeNull();
});

test('the last active administrator can be neither demoted nor deactivated, even by themselves', async () => {
  const others = await t.testDb.db('users').where({ role: 'admin' }).whereNot('id', admin.user.id).select('id');
  for (const o of others) await t.testDb.db('users').where({ id: o.id }).update({ role: 'learner' });
  const demote = await admin.agent.post(`/admin/users/${admin.user.id}/role`).type('form').send({ _csrf: admin.csrf, role: 'learner' });
  expect(demote.status).toBe(409);
  expect(demote.text).toContain('The last administrator must stay');
  expect((await admin.agent.post(`/admin/users/${admin.user.id}/deactivate`).type('form').send({ _csrf: admin.csrf })).status).toBe(409);
  expect((await usersRoles(admin.user.id)).role).toBe('admin');

  // A deactivated administrator does not count as the other one.
  const other = await makeUser(t, { role: 'admin' });
  expect((await confirmAndPost(admin, other.user.id, 'deactivate')).status).toBe(303);
  expect((await admin.agent.post(`/admin/users/${admin.user.id}/role`).type('form').send({ _csrf: admin.csrf, role: 'trainer' })).status).toBe(409);
  expect((await confirmAndPost(admin, other.user.id, 'reactivate')).status).toBe(303);
  // With another active administrator, one may step down.
  expect((await confirmAndPost(admin, admin.user.id, 'role', '&role=trainer', { role: 'trainer' })).status).toBe(303);
  expect((await usersRoles(admin.user.id)).role).toBe('trainer');
  await t.testDb.db('users').where({ id: admin.user.id }).update({ role: 'admin' });
});

test('learners, trainers and organization managers are refused', async () => {
  const target = await makeUser(t);
  const org = await makeOrganization(t, { admin: admin.user });
  const manager = await signIn(t, org.manager.user);
  for (const as of [await signedInUser(t), await signedInUser(t, { role: 'trainer' }), manager]) {
    await as.agent.get('/admin/users').expect(403);
    await as.agent.get(`/admin/users/${target.user.id}`).expect(403);
    await as.agent.post(`/admin/users/${target.user.id}/deactivate`).type('form').send({ _csrf: as.csrf }).expect(403);
  }
  expect((await usersRoles(target.user.id)).deactivated_at).toBeNull();
});

test('two administrators demoting each other at once: one succeeds, the other is refused', async () => {
  const others = await t.testDb.db('users').where({ role: 'admin' }).select('id');
  for (const o of others) await t.testDb.db('users').where({ id: o.id }).update({ role: 'learner' });
  const a = await makeUser(t, { role: 'admin' });
  const b = await makeUser(t, { role: 'admin' });
  const users = createUserAdminService({ db: t.testDb.db, clock: t.clock });
  const origin = { clientAddress: null, requestId: null };
  const results = await Promise.allSettled([
    users.changeRole(a.user, b.user.id, 'learner', origin),
    users.changeRole(b.user, a.user.id, 'learner', origin),
  ]);
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
  expect(refused.reason).toMatchObject({ id: 'last_admin' });
  expect(Number((await t.testDb.db('users').where({ role: 'admin' }).count({ n: '*' }).first())!.n)).toBe(1);
  await t.testDb.db('users').where({ id: admin.user.id }).update({ role: 'admin' });
});
