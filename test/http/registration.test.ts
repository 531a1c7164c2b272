// Registration never tells whether an address has an account when email can prove the address
// (issue 11, defect 8): the same page for a new and a taken address, and what differs is the email
// the address's owner gets. A new address's link makes the account once, within 24 hours, for
// whoever knows the password chosen; an account made by a staff import is claimed the same way;
// the owner of a taken address hears that someone tried. Without SMTP the old behaviour stays
// (immediate account, "taken" said, rate limited); SELF_REGISTRATION=off closes the page.
import request from 'supertest';
import { createTestApp, csrfFrom, type TestApp } from '../support/app';
import { startTestSmtpServer, type TestSmtpServer, type ReceivedEmail } from '../mail/smtp-test-server';
import { runWorkerOnce } from '../mail/support';
import { makeUser } from '../support/factories';
import { makeOrganization } from '../support/organizations';
import { loadConfig } from '../../src/config';

const PASSWORD = 'a long enough password';
const DAY = 24 * 60 * 60 * 1000;
let seq = 0;
const address = (what: string) => `${what}-${++seq}-${Date.now()}@example.org`;

/** The body as written (quoted-printable soft line breaks and `=3D` undone). */
const plain = (mail: ReceivedEmail) => mail.body.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
const linkIn = (mail: ReceivedEmail) => /https?:\/\/\S+\/register\/verify\/[A-Za-z0-9_-]+/.exec(plain(mail))?.[0];

async function register(app: TestApp['app'], form: { email: string; displayName?: string; password?: string; next?: string }) {
  const agent = request.agent(app);
  const csrf = await csrfFrom(agent, '/register');
  const res = await agent.post('/register').type('form').send({ _csrf: csrf, displayName: 'Robin Newcomer', password: PASSWORD, ...form });
  return { agent, res };
}

describe('with email: the address is proven before anything is made', () => {
  let t: TestApp;
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startTestSmtpServer();
    t = await createTestApp({ config: { smtpUrl: smtp.url, mailFrom: 'training@bridgework.test' } });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  /** Sends what the registrations queued, and returns the emails that reached `to`. */
  async function mailTo(to: string): Promise<ReceivedEmail[]> {
    await t.services.registrations.whenIdle();
    await runWorkerOnce(t.testDb.db, t.clock, smtp.url);
    return smtp.received.filter((m) => m.envelopeTo.includes(to));
  }
  const userWith = (email: string) => t.testDb.db('users').where({ email }).first();

  /** Follows a link: the page, then its form with the password. */
  async function follow(link: string, password = PASSWORD) {
    const agent = request.agent(t.app);
    const path = new URL(link).pathname;
    const page = await agent.get(path);
    if (page.status !== 200) return { agent, page, res: page };
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    return { agent, page, res: await agent.post(path).type('form').send({ _csrf: csrf, password }) };
  }

  test('a new and a taken address get the same answer; only the emails differ', async () => {
    const owner = await makeUser(t, { name: 'Taken Owner' });
    const fresh = address('fresh');
    const newAnswer = await register(t.app, { email: fresh });
    const takenAnswer = await register(t.app, { email: owner.email.toUpperCase() });
    expect(newAnswer.res.status).toBe(200);
    expect(takenAnswer.res.status).toBe(200);
    const page = (text: string, email: string) => text.replace(/name="_csrf" value="[^"]+"/g, '').split(email).join('ADDRESS');
    expect(page(takenAnswer.res.text, owner.email)).toBe(page(newAnswer.res.text, fresh));
    expect(newAnswer.res.text).toContain(`Check your email: we sent a link to ${fresh} to finish creating your account.`);
    // The form itself is as it was (its words are not shadowed by the emails' in the catalog).
    expect((await request(t.app).get('/register')).text).toContain('<label for="email">Email address</label>');
    // Neither is signed in, and no account exists for the new address until its link is followed.
    expect((await newAnswer.agent.get('/account')).status).toBe(303);
    await t.services.registrations.whenIdle();
    expect(await userWith(fresh)).toBeUndefined();

    const newMail = await mailTo(fresh);
    expect(newMail).toHaveLength(1);
    expect(newMail[0].headers.subject).toBe('Finish creating your account');
    const link = linkIn(newMail[0])!;
    expect(link).toBeDefined();
    // Only the token's hash is stored, and what the stranger typed as a name is not in the email.
    const rows = await t.testDb.db('pending_registrations').where({ email: fresh }).select('token_hash');
    expect(rows).toHaveLength(1);
    expect(rows[0].token_hash).not.toBe(link.split('/').pop());
    expect(plain(newMail[0])).not.toContain('Robin Newcomer');

    const ownerMail = await mailTo(owner.email);
    expect(ownerMail).toHaveLength(1);
    expect(ownerMail[0].headers.subject).toBe('Someone tried to create an account with your address');
    expect(plain(ownerMail[0])).toContain('http://bridgework.test/password/forgot');
    expect(linkIn(ownerMail[0])).toBeUndefined();
    // The owner's account is as it was: the password still signs in.
    const login = request.agent(t.app);
    const csrf = await csrfFrom(login, '/login');
    await login.post('/login').type('form').send({ _csrf: csrf, email: owner.email, password: owner.password }).expect(303);
  });

  test('the link makes the account once, for whoever knows the password chosen, and signs in', async () => {
    const email = address('once');
    await register(t.app, { email, next: '/courses' });
    const link = linkIn((await mailTo(email))[0])!;

    const page = await request(t.app).get(new URL(link).pathname).expect(200);
    expect(page.text).toContain(email);
    // Opening the link (as a mail scanner does) makes nothing.
    expect(await userWith(email)).toBeUndefined();

    const wrong = await follow(link, 'not the password chosen');
    expect(wrong.res.status).toBe(422);
    expect(wrong.res.text).toContain('That is not the password you chose when you registered.');
    expect(await userWith(email)).toBeUndefined();

    const done = await follow(link);
    expect(done.res.status).toBe(303);
    expect(done.res.headers.location).toBe('/courses');
    const account = await done.agent.get('/account').expect(200);
    expect(account.text).toContain('Robin Newcomer');
    const user = await userWith(email);
    expect(user).toMatchObject({ email, display_name: 'Robin Newcomer', role: 'learner' });
    expect(await t.testDb.db('pending_registrations').where({ email })).toHaveLength(0);

    const again = await follow(link);
    expect(again.page.status).toBe(410);
    expect(again.page.text).toContain('does not work any more');
    const csrf = await csrfFrom(again.agent, '/register');
    await again.agent.post(new URL(link).pathname).type('form').send({ _csrf: csrf, password: PASSWORD }).expect(410);
    expect(Number((await t.testDb.db('users').where({ email }).count({ n: '*' }).first())!.n)).toBe(1);
  });

  test('a link older than 24 hours makes nothing, and its registration is erased', async () => {
    const email = address('late');
    await register(t.app, { email });
    const link = linkIn((await mailTo(email))[0])!;
    t.clock.advance(DAY + 1000);
    const late = await follow(link);
    expect(late.page.status).toBe(410);
    expect(await userWith(email)).toBeUndefined();
    // The next registration, of anyone, erases expired ones.
    expect(await t.testDb.db('pending_registrations').where({ email })).toHaveLength(1);
    await register(t.app, { email: address('later') });
    await t.services.registrations.whenIdle();
    expect(await t.testDb.db('pending_registrations').where({ email })).toHaveLength(0);
  });

  test('a person a staff import made an account for is sent a link to make it theirs', async () => {
    const org = await makeOrganization(t);
    const email = address('imported');
    const o = await t.services.organizations.find(org.id);
    const upload = await t.services.organizations.imports.upload(o, { name: 'staff.csv', bytes: Buffer.from(`name,email\nIma Imported,${email}\n`) }, org.manager.user);
    if (!upload.ok) throw new Error('upload failed');
    const confirmed = await t.services.organizations.imports.confirm(o, upload.importId, org.manager.user, false);
    expect(confirmed.ok).toBe(true);
    await mailTo(email); // the invitation the import sent
    const before = smtp.received.length;

    const { res } = await register(t.app, { email, displayName: 'Ima Imported-Smith' });
    expect(res.status).toBe(200);
    expect(res.text).toContain(`we sent a link to ${email}`);
    const mails = (await mailTo(email)).slice(-1);
    expect(smtp.received.length).toBe(before + 1);
    expect(mails[0].headers.subject).toBe('Make your account yours');
    expect(plain(mails[0])).toContain('Hello Ima Imported,');

    const done = await follow(linkIn(mails[0])!);
    expect(done.res.status).toBe(303);
    // The same account (with its membership), now with the password chosen and the name corrected.
    const users = await t.testDb.db('users').where({ email });
    expect(users).toHaveLength(1);
    expect(users[0].display_name).toBe('Ima Imported-Smith');
    expect(await t.testDb.db('memberships').where({ user_id: users[0].id, organization_id: org.id }).first()).toBeDefined();
    const login = request.agent(t.app);
    const csrf = await csrfFrom(login, '/login');
    await login.post('/login').type('form').send({ _csrf: csrf, email, password: PASSWORD }).expect(303);
  });

  test('a flood of registrations for one address sends it a few emails, not one each', async () => {
    const email = address('flood');
    const owner = await makeUser(t, { name: 'Flooded Owner' });
    for (let i = 0; i < 5; i++) {
      await register(t.app, { email });
      await register(t.app, { email: owner.email });
    }
    expect(await mailTo(email)).toHaveLength(3);
    expect(await mailTo(owner.email)).toHaveLength(1);
  });
});

describe('without email: the account is made at once, and a taken address is said', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp(); });
  afterAll(async () => { await t.close(); });

  test('a new address is signed in at once; a taken one is refused beside the field, and refusals are limited', async () => {
    const email = address('now');
    const { agent, res } = await register(t.app, { email });
    expect(res.status).toBe(303);
    await agent.get('/account').expect(200);
    expect(await t.testDb.db('pending_registrations')).toHaveLength(0);

    const taken = await register(t.app, { email });
    expect(taken.res.status).toBe(422);
    expect(taken.res.text).toContain('An account with this email address already exists.');
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await register(t.app, { email })).res.status);
    expect(statuses).toContain(429);
  });
});

describe('SELF_REGISTRATION=off', () => {
  let t: TestApp;
  beforeAll(async () => { t = await createTestApp({ config: { selfRegistration: false, smtpUrl: 'smtp://127.0.0.1:9' } }); });
  afterAll(async () => { await t.close(); });

  test('the page says where accounts come from, and nothing can be registered', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/register').expect(200);
    expect(page.text).toContain('Accounts come from an organization');
    expect(page.text).not.toContain('action="/register"');
    const csrf = await csrfFrom(agent, '/login');
    const email = address('closed');
    const res = await agent.post('/register').type('form').send({ _csrf: csrf, displayName: 'Closed Out', email, password: PASSWORD });
    expect(res.status).toBe(403);
    await t.services.registrations.whenIdle();
    expect(await t.testDb.db('users').where({ email }).first()).toBeUndefined();
    expect(await t.testDb.db('pending_registrations')).toHaveLength(0);
  });

  test('no page offers to create an account', async () => {
    for (const path of ['/', '/login', '/courses']) {
      const page = await request(t.app).get(path).expect(200);
      expect(page.text).not.toContain('href="/register"');
    }
  });

  test('is read from the environment, on by default', () => {
    const base = { DATA_DIR: '/tmp/bw-config-test', SESSION_SECRET: 'x'.repeat(32) };
    expect(loadConfig(base).selfRegistration).toBe(true);
    expect(loadConfig({ ...base, SELF_REGISTRATION: 'off' }).selfRegistration).toBe(false);
    expect(() => loadConfig({ ...base, SELF_REGISTRATION: 'maybe' })).toThrow(/SELF_REGISTRATION/);
  });
});
