// Changing one's password: the current one is required, the new one is checked as at registration,
// and every other session of the account ends while the one that made the change goes on.
import request from 'supertest';
import { createTestApp, csrfFrom, registerLearner, type TestApp } from '../support/app';
import { startTestSmtpServer, type TestSmtpServer } from '../mail/smtp-test-server';
import { runWorkerOnce } from '../mail/support';
import { makeUser, signedInUser } from '../support/factories';
import { makeMember, makeOrganization } from '../support/organizations';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

async function signIn(email: string, password: string, app = t.app) {
  const agent = request.agent(app);
  const csrf = await csrfFrom(agent, '/login');
  await agent.post('/login').type('form').send({ _csrf: csrf, email, password }).expect(303);
  return agent;
}

const sidOf = (setCookie: unknown) => /bw\.sid=([^;]+)/.exec(String(setCookie))?.[1];

/** The audit rows of an action about one user (password events are audited: who, on whom, from where). */
const auditOf = (app: TestApp, action: string, userId: number) =>
  app.testDb.db('audit_events').where({ action, target_type: 'user', target_id: String(userId) }).select('actor_id', 'details', 'client_address');

describe('changing my password', () => {
  test('ends my other sessions, keeps this one under a new id, and the new password signs in', async () => {
    const { agent, email, password } = await registerLearner(t.app);
    const elsewhere = await signIn(email, password);
    await elsewhere.get('/account').expect(200);
    const userId = (await t.testDb.db('users').where({ email }).first()).id;
    const sidsBefore = (await t.testDb.db('sessions').where({ user_id: userId }).select('sid')).map((r) => r.sid);
    expect(sidsBefore).toHaveLength(2);

    const csrf = await csrfFrom(agent, '/account/password');
    const res = await agent.post('/account/password').type('form')
      .send({ _csrf: csrf, currentPassword: password, newPassword: 'a brand new passphrase' }).expect(303);
    expect(res.headers.location).toBe('/account/password?changed=1');
    expect(sidOf(res.headers['set-cookie'])).toBeDefined();

    const page = await agent.get('/account/password?changed=1').expect(200);
    expect(page.text).toContain('Your password was changed.');
    const audited = await auditOf(t, 'password.changed', userId);
    expect(audited).toHaveLength(1);
    expect(Number(audited[0].actor_id)).toBe(userId);
    expect(audited[0].client_address).toBeTruthy();
    expect(JSON.stringify(audited)).not.toContain('a brand new passphrase');
    await agent.get('/account').expect(200);
    // One session is left, this browser's, and under an id neither browser had before.
    const sidsAfter = (await t.testDb.db('sessions').where({ user_id: userId }).select('sid')).map((r) => r.sid);
    expect(sidsAfter).toHaveLength(1);
    expect(sidsBefore).not.toContain(sidsAfter[0]);
    // The other browser is signed out: asked to sign in again.
    const other = await elsewhere.get('/account').expect(303);
    expect(other.headers.location).toMatch(/^\/login/);

    const login = request.agent(t.app);
    const loginCsrf = await csrfFrom(login, '/login');
    await login.post('/login').type('form').send({ _csrf: loginCsrf, email, password }).expect(401);
    await signIn(email, 'a brand new passphrase');
  });

  test('a wrong current password changes nothing and is said beside the field', async () => {
    const { agent, email, password } = await registerLearner(t.app);
    const elsewhere = await signIn(email, password);
    const csrf = await csrfFrom(agent, '/account/password');
    const res = await agent.post('/account/password').type('form')
      .send({ _csrf: csrf, currentPassword: 'not my password at all', newPassword: 'a brand new passphrase' }).expect(422);
    expect(res.text).toContain('That is not your current password.');
    expect(res.text).toContain('class="error-summary"');
    expect(res.text).toMatch(/id="currentPassword"[^>]*aria-invalid="true"/s);
    expect(res.text).not.toContain('a brand new passphrase');
    await elsewhere.get('/account').expect(200);
    await signIn(email, password);
    const userId = (await t.testDb.db('users').where({ email }).first()).id;
    expect(await auditOf(t, 'password.changed', userId)).toHaveLength(0);
  });

  test('the new password is checked as at registration', async () => {
    const { agent, password } = await registerLearner(t.app);
    const csrf = await csrfFrom(agent, '/account/password');
    const res = await agent.post('/account/password').type('form')
      .send({ _csrf: csrf, currentPassword: password, newPassword: 'short' }).expect(422);
    expect(res.text).toContain('at least 12 characters');
    expect(res.text).toMatch(/id="newPassword"[^>]*aria-invalid="true"/s);
  });

  test('a visitor who is not signed in is sent to sign in', async () => {
    const res = await request(t.app).get('/account/password').set('Accept', 'text/html').expect(303);
    expect(res.headers.location).toBe('/login?next=%2Faccount%2Fpassword');
  });
});

describe('a forgotten password, reset by email', () => {
  // Accounts are made with the factories here: with SMTP on, registering waits for an emailed link
  // (test/http/registration.test.ts).
  let m: TestApp;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    m = await createTestApp({ config: { smtpUrl: smtp.url, mailFrom: 'training@bridgework.test' } });
  });
  afterAll(async () => {
    await m.close();
    await smtp.stop();
  });

  const HOUR = 60 * 60 * 1000;
  // The body as written (quoted-printable soft line breaks undone), and the link in it.
  const linkIn = (body: string) => /https?:\/\/\S+\/password\/reset\/[A-Za-z0-9_-]+/.exec(body.replace(/=\r?\n/g, '').replace(/=3D/g, '='))![0];

  async function ask(email: string) {
    const agent = request.agent(m.app);
    const csrf = await csrfFrom(agent, '/password/forgot');
    const res = await agent.post('/password/forgot').type('form').send({ _csrf: csrf, email }).expect(200);
    await m.services.passwordResets.whenIdle();
    await runWorkerOnce(m.testDb.db, m.clock, smtp.url);
    return res.text.replace(/name="_csrf" value="[^"]+"/g, '');
  }

  async function choose(link: string, password: string) {
    const agent = request.agent(m.app);
    const path = new URL(link).pathname;
    const page = await agent.get(path);
    if (page.status !== 200) return page;
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    return agent.post(path).type('form').send({ _csrf: csrf, password });
  }

  test('the link works once, ends every session, and the new password signs in', async () => {
    const { agent, email, password } = await signedInUser(m);
    const answer = await ask(email.toUpperCase());
    expect(answer).toContain('a link to choose a new password is on its way');
    const mails = smtp.received.filter((r) => r.envelopeTo.includes(email));
    expect(mails).toHaveLength(1);
    const link = linkIn(mails[0].body);
    const token = link.split('/').pop()!;
    // Only the hash is stored.
    const rows = await m.testDb.db('password_reset_tokens').select('token_hash');
    expect(rows.map((r) => r.token_hash)).not.toContain(token);

    const { user } = await m.testDb.db('users').where({ email }).first('id').then((r) => ({ user: { id: Number(r.id) } }));
    expect(await auditOf(m, 'password.reset', user.id)).toHaveLength(0);
    const done = await choose(link, 'my fresh long password');
    expect(done.status).toBe(200);
    expect(done.text).toContain('Your new password is saved');
    const audited = await auditOf(m, 'password.reset', user.id);
    expect(audited).toHaveLength(1);
    expect(Number(audited[0].actor_id)).toBe(user.id);
    expect((await agent.get('/account')).status).toBe(303);
    await signIn(email, 'my fresh long password', m.app);

    const again = await choose(link, 'another long password');
    expect(again.status).toBe(410);
    expect(await auditOf(m, 'password.reset', user.id)).toHaveLength(1);
    await signIn(email, 'my fresh long password', m.app);
    expect(password).not.toBe('my fresh long password');
  });

  test('the link stops working after an hour', async () => {
    const { email } = await signedInUser(m);
    await ask(email);
    const link = linkIn(smtp.received.filter((r) => r.envelopeTo.includes(email))[0].body);
    m.clock.advance(HOUR + 1000);
    const res = await choose(link, 'my fresh long password');
    expect(res.status).toBe(410);
    expect(res.text).toContain('does not work any more');
  });

  test('an unknown email gets the same answer and nothing is sent', async () => {
    const { email } = await signedInUser(m);
    const known = await ask(email);
    const before = smtp.received.length;
    const unknown = await ask('nobody-here@example.org');
    expect(unknown).toBe(known);
    expect(smtp.received.length).toBe(before);
    expect(smtp.received.some((r) => r.envelopeTo.includes('nobody-here@example.org'))).toBe(false);
  });

  test('requests for one address are limited', async () => {
    const { email } = await signedInUser(m);
    const agent = request.agent(m.app);
    const csrf = await csrfFrom(agent, '/password/forgot');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await agent.post('/password/forgot').type('form').send({ _csrf: csrf, email })).status);
    await m.services.passwordResets.whenIdle();
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses[5]).toBe(429);
  });
});

describe('without email', () => {
  test('the forgotten-password page says whom to ask, and how invited people set their password', async () => {
    const res = await request(t.app).get('/password/forgot').expect(200);
    expect(res.text).toContain('This site does not send email.');
    expect(res.text).toContain('personal invitation link');
    expect(res.text).not.toContain('name="email"');
  });
});

describe('a one-time link made by staff, without email', () => {
  const linkOn = (html: string) => /value="(http[^"]+\/password\/reset\/[A-Za-z0-9_-]+)"/.exec(html)?.[1];

  async function use(link: string, password: string) {
    const agent = request.agent(t.app);
    const path = new URL(link).pathname;
    const page = await agent.get(path).expect(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    return agent.post(path).type('form').send({ _csrf: csrf, password });
  }

  test('an administrator makes a link from the user page; it works once', async () => {
    const admin = await signedInUser(t, { role: 'admin' });
    const learner = await makeUser(t, { name: 'Forgetful Learner' });
    const page = await admin.agent.get(`/admin/users/${learner.user.id}`).expect(200);
    expect(page.text).toContain(`action="/admin/users/${learner.user.id}/reset-link"`);
    const res = await admin.agent.post(`/admin/users/${learner.user.id}/reset-link`).type('form').send({ _csrf: admin.csrf }).expect(200);
    const link = linkOn(res.text)!;
    expect(link).toBeDefined();
    const issued = await auditOf(t, 'password.link_issued', learner.user.id);
    expect(issued).toHaveLength(1);
    expect(Number(issued[0].actor_id)).toBe(admin.user.id);
    expect(JSON.stringify(issued)).not.toContain(link.split('/').pop()!);
    expect((await use(link, 'chosen after forgetting')).status).toBe(200);
    expect((await auditOf(t, 'password.reset', learner.user.id)).map((r) => Number(r.actor_id))).toEqual([learner.user.id]);
    // The log shows them in words.
    const log = await admin.agent.get('/admin/audit?action=password.link_issued').expect(200);
    expect(log.text).toContain('Password link issued by staff');
    expect(log.text).toContain(admin.email);
    const resets = await admin.agent.get('/admin/audit?action=password.reset').expect(200);
    expect(resets.text).toContain('Password reset by link');
    await signIn(learner.email, 'chosen after forgetting');
    const again = await request(t.app).get(new URL(link).pathname).expect(410);
    expect(again.text).toContain('does not work any more');
  });

  test('a learner cannot make one', async () => {
    const learner = await signedInUser(t, { role: 'learner' });
    const other = await makeUser(t);
    await learner.agent.post(`/admin/users/${other.user.id}/reset-link`).type('form').send({ _csrf: learner.csrf }).expect(403);
  });

  test("an organization's manager makes one for its learners, never for another organization's", async () => {
    const org = await makeOrganization(t);
    const other = await makeOrganization(t);
    const member = await makeMember(t, org.id, { name: 'Member Who Forgot' });
    const page = await org.manager.agent.get(`/organizations/${org.id}/members/${member.user.id}`).expect(200);
    expect(page.text).toContain(`/organizations/${org.id}/members/${member.user.id}/reset-link`);
    const res = await org.manager.agent.post(`/organizations/${org.id}/members/${member.user.id}/reset-link`).type('form').send({ _csrf: org.manager.csrf }).expect(200);
    expect(linkOn(res.text)).toBeDefined();
    const issued = await auditOf(t, 'password.link_issued', member.user.id);
    expect(issued).toHaveLength(1);
    expect(Number(issued[0].actor_id)).toBe(org.manager.user.id);
    expect(JSON.parse(issued[0].details)).toEqual({ organizationId: org.id });

    // The other organization's manager: refused on this organization, and not found through their own.
    await other.manager.agent.post(`/organizations/${org.id}/members/${member.user.id}/reset-link`).type('form').send({ _csrf: other.manager.csrf }).expect(403);
    const through = await other.manager.agent.post(`/organizations/${other.id}/members/${member.user.id}/reset-link`).type('form').send({ _csrf: other.manager.csrf });
    expect(through.status).toBe(404);
    expect(linkOn(through.text)).toBeUndefined();
    const count = Number((await t.testDb.db('password_reset_tokens').where({ user_id: member.user.id }).count({ n: '*' }).first())!.n);
    expect(count).toBe(1);
    expect(await auditOf(t, 'password.link_issued', member.user.id)).toHaveLength(1);
  });

  test('an account made by a staff import is pointed to its invitation instead', async () => {
    const admin = await signedInUser(t, { role: 'admin' });
    const email = `imported-${Date.now()}@example.org`;
    const ids = await t.testDb.db.transaction((trx) => t.services.accounts.createUnclaimedUsers(trx, [{ email, displayName: 'Imported Person' }]));
    const id = ids.get(email)!;
    const res = await admin.agent.post(`/admin/users/${id}/reset-link`).type('form').send({ _csrf: admin.csrf }).expect(200);
    expect(res.text).toContain('personal invitation link');
    expect(linkOn(res.text)).toBeUndefined();
    expect(await auditOf(t, 'password.link_issued', id)).toHaveLength(0);
  });
});
