// Accounts and the security around them: validation, sessions, CSRF, rate limits, first admin.
import request from 'supertest';
import { createApp } from '../../src/app';
import pino from 'pino';
import { createTestApp, csrfFrom, registerLearner, type TestApp } from '../support/app';
import { codeAt } from '../../src/accounts/totp';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

const tokenIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];

describe('registration', () => {
  test('a short password is refused beside the field, keeping name and email but not the password', async () => {
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/register');
    const res = await agent.post('/register').type('form')
      .send({ _csrf: csrf, displayName: 'Stó:lō Learner', email: 'short@example.org', password: 'tooshort1' })
      .expect(422);
    expect(res.text).toContain('at least 12 characters');
    expect(res.text).toContain('value="Stó:lō Learner"');
    expect(res.text).toContain('value="short@example.org"');
    expect(res.text).not.toContain('tooshort1');
    expect(res.text).toMatch(/id="password"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="password"/s);
  });

  test('an empty name and a malformed email are both reported', async () => {
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/register');
    const res = await agent.post('/register').type('form').send({ _csrf: csrf, displayName: '   ', email: 'nope', password: 'long enough password' }).expect(422);
    expect(res.text).toContain('Enter your name as it should appear on your certificate.');
    expect(res.text).toContain('Enter an email address like name@example.org.');
  });

  test('a taken email is refused with a clear message; email matching ignores case', async () => {
    const { email } = await registerLearner(t.app, 'First Person');
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/register');
    const res = await agent.post('/register').type('form')
      .send({ _csrf: csrf, displayName: 'Second Person', email: email.toUpperCase(), password: 'another long password' }).expect(422);
    expect(res.text).toContain('An account with this email address already exists');
  });

  test('the name is stored exactly as typed, and the password only as an scrypt hash', async () => {
    const name = 'xʷməθkʷəy̓əm Nguyễn Thị Hồng';
    const { email, password } = await registerLearner(t.app, name);
    const row = await t.testDb.db('users').where({ email }).first();
    expect(row.display_name).toBe(name.normalize('NFC'));
    // At the tests' cheap cost; the production cost is checked in test/accounts/passwords.test.ts.
    expect(row.password_hash).toMatch(/^scrypt\$16\$1\$1\$[^$]+\$[^$]+$/);
    expect(row.password_hash).not.toContain(password);
  });
});

describe('sign in and sessions', () => {
  test('wrong password: 401 with a message and the email kept', async () => {
    const { email } = await registerLearner(t.app);
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/login');
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, email, password: 'wrong password here' }).expect(401);
    expect(res.text).toContain('That email address and password do not match an account.');
    expect(res.text).toContain(`value="${email}"`);
  });

  test('signing in regenerates the session id; cookies are httpOnly and SameSite=Lax; the session is in the database', async () => {
    const { email, password } = await registerLearner(t.app);
    const agent = request.agent(t.app);
    const page = await agent.get('/login?next=/courses');
    const before = /bw\.sid=([^;]+)/.exec(String(page.headers['set-cookie']))![1];
    const res = await agent.post('/login').type('form').send({ _csrf: tokenIn(page.text), email, password, next: '/courses' }).expect(303);
    expect(res.headers.location).toBe('/courses');
    const cookie = String(res.headers['set-cookie']);
    const after = /bw\.sid=([^;]+)/.exec(cookie)![1];
    expect(after).not.toBe(before);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toMatch(/Secure/);
    const sid = decodeURIComponent(after).slice(2).split('.')[0];
    const row = await t.testDb.db('sessions').where({ sid }).first();
    expect(row.user_id).not.toBeNull();
    await agent.get('/dashboard').expect(200);
  });

  test('a session works on another app process sharing the database', async () => {
    const { agent } = await registerLearner(t.app, 'Two Processes');
    const other = createApp({ config: t.config, db: t.testDb.db, clock: t.clock, logger: pino({ level: 'silent' }), services: t.services }).app;
    const cookie = (agent as unknown as { jar: { getCookie(n: string, o: object): { toValueString(): string } } }).jar
      .getCookie('bw.sid', { domain: '127.0.0.1', path: '/', secure: false, script: false });
    const res = await request(other).get('/dashboard').set('Cookie', cookie.toValueString()).expect(200);
    expect(res.text).toContain('Two Processes');
  });

  test('an open redirect through ?next is refused', async () => {
    const { email, password } = await registerLearner(t.app);
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/login');
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, email, password, next: '//evil.example/' }).expect(303);
    expect(res.headers.location).toBe('/dashboard');
  });

  test('signing out ends the session', async () => {
    const { agent } = await registerLearner(t.app);
    const dash = await agent.get('/dashboard').expect(200);
    await agent.post('/logout').type('form').send({ _csrf: tokenIn(dash.text) }).expect(303);
    const res = await agent.get('/dashboard').expect(303);
    expect(res.headers.location).toBe('/login?next=%2Fdashboard');
  });

  test('Secure cookies behind an HTTPS proxy', async () => {
    const secure = await createTestApp({ config: { baseUrl: 'https://bridgework.test', secureCookies: true } });
    try {
      const res = await request(secure.app).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
      expect(String(res.headers['set-cookie'])).toMatch(/Secure/);
      expect(res.headers['strict-transport-security']).toBeDefined();
    } finally {
      await secure.close();
    }
  });
});

describe('CSRF', () => {
  test('a POST without a token, or with a wrong one, is refused with 403', async () => {
    const agent = request.agent(t.app);
    await agent.get('/register');
    const none = await agent.post('/register').type('form').send({ displayName: 'X', email: 'x@example.org', password: 'long enough password' }).expect(403);
    expect(none.text).toContain('This form has expired');
    await agent.post('/register').type('form').send({ _csrf: 'forged', displayName: 'X', email: 'x@example.org', password: 'long enough password' }).expect(403);
    const { agent: learner } = await registerLearner(t.app);
    await learner.post('/courses/first-aid-basics/enrol').type('form').send({}).expect(403);
  });
});

describe('rate limits', () => {
  test('repeated failed sign-ins are slowed with 429', async () => {
    // An app of its own: the counters are per client address, and every test here is 127.0.0.1.
    const own = await createTestApp();
    try {
      await failedSignIns(own);
    } finally {
      await own.close();
    }
  });

  test('failed sign-ins to one account are limited even from many addresses', async () => {
    // Behind a proxy (an https BASE_URL trusts one hop), each request comes from its own address.
    const own = await createTestApp({ config: { baseUrl: 'https://bridgework.test', secureCookies: true } });
    // The session cookie is Secure, so it is carried by hand over the test's plain HTTP.
    const signIn = async (from: string, email: string, password: string) => {
      const page = await request(own.app).get('/login').set('X-Forwarded-Proto', 'https').set('X-Forwarded-For', from);
      const cookie = /(?:__Host-)?bw\.sid=[^;]+/.exec(String(page.headers['set-cookie']))![0];
      return request(own.app).post('/login').set('X-Forwarded-Proto', 'https').set('X-Forwarded-For', from).set('Cookie', cookie)
        .type('form').send({ _csrf: tokenIn(page.text), email, password });
    };
    try {
      const email = 'target@example.org';
      await own.services.accounts.createUser({ email, displayName: 'Target', password: 'the right password', role: 'learner' });
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++) statuses.push((await signIn(`203.0.113.${i + 1}`, email.toUpperCase(), `wrong guess ${i}`)).status);
      expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
      expect(statuses[20]).toBe(429);
      // Another account is not affected.
      const other = { email: 'other@example.org', password: 'another right password' };
      await own.services.accounts.createUser({ ...other, displayName: 'Other', role: 'learner' });
      expect((await signIn('198.51.100.7', other.email, other.password)).status).toBe(303);
    } finally {
      await own.close();
    }
  });

  async function failedSignIns(t: TestApp) {
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/login');
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await agent.post('/login').type('form').send({ _csrf: csrf, email: 'nobody@example.org', password: `wrong password ${i}` });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[11]).toBe(429);
    // The window passes: attempts are allowed again.
    t.clock.advance(16 * 60 * 1000);
    const again = await agent.post('/login').type('form').send({ _csrf: csrf, email: 'nobody@example.org', password: 'wrong password x' });
    expect(again.status).toBe(401);
  }
});

describe('first administrator', () => {
  test('the one-time setup link creates an admin once; learners cannot reach /admin', async () => {
    const token = await t.services.accounts.issueSetupTokenIfNoAdmin();
    expect(token).toBeTruthy();
    const agent = request.agent(t.app);
    const page = await agent.get(`/setup/${token}`).expect(200);
    const res = await agent.post(`/setup/${token}`).type('form')
      .send({ _csrf: tokenIn(page.text), displayName: 'Admin Person', email: 'admin@example.org', password: 'a long admin password' }).expect(303);
    expect(res.headers.location).toBe('/admin');
    // Administrators must set up a second factor first (test/http/second-factor.test.ts).
    await agent.get('/admin').expect(303).expect('location', '/account/second-factor/enrol');
    const enrol = await agent.get('/account/second-factor/enrol').expect(200);
    const secret = /id="secret-key"[^>]*>([A-Z2-7 ]+)</.exec(enrol.text)![1].replace(/ /g, '');
    await agent.post('/account/second-factor/enrol').type('form').send({ _csrf: tokenIn(enrol.text), code: codeAt(secret, t.clock.now()) }).expect(200);
    const admin = await agent.get('/admin').expect(200);
    expect(admin.text).toContain('Test course: the basics');
    await request(t.app).get(`/setup/${token}`).expect(404);
    expect(await t.services.accounts.issueSetupTokenIfNoAdmin()).toBeNull();
    const { agent: learner } = await registerLearner(t.app);
    await learner.get('/admin').expect(403);
    const anonymous = await request(t.app).get('/admin').expect(303);
    expect(anonymous.headers.location).toBe('/login?next=%2Fadmin');
  });
});
