// The second factor over HTTP: enrolment (QR code and key, confirmed by a code, recovery codes shown
// once, the key stored only encrypted), the second step of a sign-in (wrong, reused and recovery
// codes), limits on guessing, administrators made to enrol, turning it off, new recovery codes,
// and an administrator's reset. Codes are computed from the key by the test clock.
import request from 'supertest';
import { createTestApp, csrfFrom, type TestApp } from '../support/app';
import { makeUser, signIn, signedInUser, type MadeUser } from '../support/factories';
import { enrolSecondFactor, secondFactorCode } from '../support/second-factor';
import { PERIOD_SECONDS } from '../../src/accounts/totp';
import { SESSION_COOKIE } from '../../src/http/session-store';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

const STEP_MS = PERIOD_SECONDS * 1000;
// The per-address limit counts every test's wrong codes (all from 127.0.0.1): each test starts a
// fresh window by moving the clock past it.
beforeEach(() => t.clock.advance(61 * 60 * 1000));

const auditRows = (action: string, targetId: number) => t.testDb.db('audit_events').where({ action, target_id: String(targetId) }).select('actor_id', 'details');
const keyOn = (html: string) => /id="secret-key"[^>]*>([A-Z2-7 ]+)</.exec(html)?.[1].replace(/ /g, '') ?? null;
const codesOn = (html: string) => [...html.matchAll(/<li><code>([0-9a-z-]{19})<\/code><\/li>/g)].map((m) => m[1]);

/** The session cookie's value in the agent's jar. */
const sessionCookie = (agent: request.Agent): string | undefined =>
  agent.jar.getCookie(SESSION_COOKIE, { domain: '127.0.0.1', path: '/', secure: false, script: false })?.value;

/** The password step: the agent is then waiting for its second step (or signed in, without a factor). */
async function passwordStep(agent: request.Agent, made: MadeUser, next?: string) {
  const csrf = await csrfFrom(agent, '/login');
  return agent.post('/login').type('form').send({ _csrf: csrf, email: made.email, password: made.password, ...(next ? { next } : {}) });
}

function expectRedirect(res: request.Response, location?: string): void {
  expect(res.status).toBe(303);
  if (location !== undefined) expect(res.headers.location).toBe(location);
}

async function codeStep(agent: request.Agent, code: string) {
  const csrf = await csrfFrom(agent, '/login/second-factor');
  return agent.post('/login/second-factor').type('form').send({ _csrf: csrf, code });
}

describe('enrolment', () => {
  test('shows a key as a QR code and as text, switches on only with a right code, then shows ten recovery codes once', async () => {
    const learner = await signedInUser(t);
    expect((await learner.agent.get('/account').expect(200)).text).toContain('href="/account/second-factor"');
    expect((await learner.agent.get('/account/second-factor').expect(200)).text).toContain('Off.');

    const page = await learner.agent.get('/account/second-factor/enrol').expect(200);
    const secret = keyOn(page.text);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(page.text).toMatch(/<img class="qr-code" src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="[^"]+"/);
    // Until confirmed, the same pending key is shown again (a reload does not invalidate a scan).
    expect(keyOn((await learner.agent.get('/account/second-factor/enrol').expect(200)).text)).toBe(secret);
    // Stored only encrypted.
    const row = await t.testDb.db('second_factors').where({ user_id: learner.user.id }).first();
    expect(row.secret_encrypted).not.toContain(secret);
    expect(row.enabled_at).toBeNull();

    const wrong = await learner.agent.post('/account/second-factor/enrol').type('form').send({ _csrf: learner.csrf, code: secondFactorCode(t, secret!, 3) }).expect(422);
    expect(wrong.text).toContain('That code is not right');
    expect(await t.services.secondFactor.isEnabled(learner.user.id)).toBe(false);

    const done = await learner.agent.post('/account/second-factor/enrol').type('form').send({ _csrf: learner.csrf, code: secondFactorCode(t, secret!) }).expect(200);
    const codes = codesOn(done.text);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect(await t.services.secondFactor.isEnabled(learner.user.id)).toBe(true);
    const stored = await t.testDb.db('recovery_codes').where({ user_id: learner.user.id }).select('code_hash');
    expect(stored).toHaveLength(10);
    for (const c of codes) expect(JSON.stringify(stored)).not.toContain(c.replace(/-/g, ''));
    expect(await auditRows('second_factor.enrolled', learner.user.id)).toEqual([expect.objectContaining({ actor_id: learner.user.id })]);

    // Never shown again: the enrolment page now leads to the status page, which shows no key.
    await learner.agent.get('/account/second-factor/enrol').expect(303).expect('location', '/account/second-factor');
    const status = await learner.agent.get('/account/second-factor').expect(200);
    expect(status.text).toContain('10 unused recovery codes.');
    expect(status.text).not.toContain(secret!.slice(0, 8));
  });
});

describe('signing in', () => {
  let user: MadeUser;
  let recoveryCodes: string[];
  beforeAll(async () => {
    user = await makeUser(t, { name: 'Two Step' });
    ({ recoveryCodes } = await enrolSecondFactor(t, user.user).then((e) => { user.totpSecret = e.secret; return e; }));
  });

  test('a right password alone does not sign in; a right code does, under a new session id, to the page asked for', async () => {
    const agent = request.agent(t.app);
    expectRedirect(await passwordStep(agent, user, '/courses'), '/login/second-factor');
    // Not signed in while waiting for the code.
    await agent.get('/dashboard').expect(303).expect('location', /^\/login/);
    const page = await agent.get('/login/second-factor').expect(200);
    expect(page.text).toContain('autocomplete="one-time-code"');

    const wrong = await codeStep(agent, '000000');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('That code is not right');
    await agent.get('/dashboard').expect(303);

    const waiting = sessionCookie(agent);
    expect(waiting).toBeTruthy();
    const ok = await codeStep(agent, secondFactorCode(t, user.totpSecret!));
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/courses');
    // The session id was regenerated at this point: the waiting session's id is worth nothing.
    expect(sessionCookie(agent)).toBeTruthy();
    expect(sessionCookie(agent)).not.toBe(waiting);
    const stale = request.agent(t.app);
    stale.jar.setCookie(`${SESSION_COOKIE}=${waiting}; Path=/; HttpOnly`, '127.0.0.1', '/');
    await stale.get('/dashboard').expect(303);
    await agent.get('/dashboard').expect(200);
  });

  test('a code is refused the second time in its window; the next one works', async () => {
    const first = request.agent(t.app);
    expectRedirect(await passwordStep(first, user));
    const code = secondFactorCode(t, user.totpSecret!);
    expect((await codeStep(first, code)).status).toBe(303);

    const second = request.agent(t.app);
    expectRedirect(await passwordStep(second, user));
    expect((await codeStep(second, code)).status).toBe(401);
    // Nor is the previous step's code, once a later one was used.
    expect((await codeStep(second, secondFactorCode(t, user.totpSecret!, -1))).status).toBe(401);
    t.clock.advance(STEP_MS);
    expect((await codeStep(second, secondFactorCode(t, user.totpSecret!))).status).toBe(303);
    await second.get('/dashboard').expect(200);
  });

  test('a recovery code signs in once, is audited, and says how many are left', async () => {
    const agent = request.agent(t.app);
    expectRedirect(await passwordStep(agent, user));
    const code = recoveryCodes[0].toUpperCase().replace(/-/g, ' ');
    const ok = await codeStep(agent, code);
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/account/second-factor?recoveryLeft=9');
    expect((await agent.get(ok.headers.location).expect(200)).text).toContain('9 recovery codes are left');
    const [row] = await auditRows('second_factor.recovery_code_used', user.user.id);
    expect(JSON.parse(row.details)).toEqual({ left: 9 });

    const again = request.agent(t.app);
    expectRedirect(await passwordStep(again, user));
    expect((await codeStep(again, recoveryCodes[0])).status).toBe(401);
    await again.get('/dashboard').expect(303);
  });

  test('the waiting step ends after ten minutes: back to the password', async () => {
    const agent = request.agent(t.app);
    expectRedirect(await passwordStep(agent, user));
    const csrf = await csrfFrom(agent, '/login/second-factor');
    t.clock.advance(11 * 60 * 1000);
    expect((await agent.get('/login/second-factor').expect(200)).text).toContain('Start again with your email and password');
    await agent.post('/login/second-factor').type('form').send({ _csrf: csrf, code: secondFactorCode(t, user.totpSecret!) }).expect(401);
    await agent.get('/dashboard').expect(303);
  });

  test('without a waiting sign-in, the code page leads back to the password page', async () => {
    const page = await request(t.app).get('/login/second-factor').expect(200);
    expect(page.text).toContain('href="/login"');
    expect(page.text).not.toContain('name="code"');
  });
});

describe('limits', () => {
  test('wrong codes are limited per address, and a right code is refused too once limited', async () => {
    const target = await makeUser(t, { secondFactor: true });
    const agent = request.agent(t.app);
    expectRedirect(await passwordStep(agent, target));
    const csrf = await csrfFrom(agent, '/login/second-factor');
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await agent.post('/login/second-factor').type('form').send({ _csrf: csrf, code: String(100000 + i) })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    expect((await agent.post('/login/second-factor').type('form').send({ _csrf: csrf, code: secondFactorCode(t, target.totpSecret!) })).status).toBe(429);
  });

  test('wrong codes for one account are limited even from many addresses', async () => {
    const own = await createTestApp({ config: { trustProxy: 1 } });
    try {
      const target = await makeUser(own, { secondFactor: true });
      const agent = request.agent(own.app);
      const from = (i: number) => `203.0.113.${i + 1}`;
      const csrf = await csrfFrom(agent, '/login');
      await agent.post('/login').set('X-Forwarded-For', from(0)).type('form').send({ _csrf: csrf, email: target.email, password: target.password }).expect(303);
      const stepCsrf = await csrfFrom(agent, '/login/second-factor');
      const statuses: number[] = [];
      for (let i = 0; i < 11; i++) {
        statuses.push((await agent.post('/login/second-factor').set('X-Forwarded-For', from(i)).type('form').send({ _csrf: stepCsrf, code: String(200000 + i) })).status);
      }
      expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
      expect(statuses[10]).toBe(429);
      // Another account, from an address of its own, is not held.
      const other = await makeUser(own, { secondFactor: true });
      const otherAgent = request.agent(own.app);
      const otherCsrf = await csrfFrom(otherAgent, '/login');
      await otherAgent.post('/login').set('X-Forwarded-For', '198.51.100.9').type('form').send({ _csrf: otherCsrf, email: other.email, password: other.password }).expect(303);
      const otherStep = await csrfFrom(otherAgent, '/login/second-factor');
      await otherAgent.post('/login/second-factor').set('X-Forwarded-For', '198.51.100.9').type('form')
        .send({ _csrf: otherStep, code: secondFactorCode(own, other.totpSecret!) }).expect(303);
    } finally {
      await own.close();
    }
  });
});

describe('administrators', () => {
  test('an administrator without a second factor reaches only enrolment and sign-out until it is on', async () => {
    const admin = await makeUser(t, { role: 'admin', secondFactor: false });
    const agent = request.agent(t.app);
    expectRedirect(await passwordStep(agent, admin, '/admin'), '/admin');
    await agent.get('/admin').expect(303).expect('location', '/account/second-factor/enrol');
    await agent.get('/account').expect(303).expect('location', '/account/second-factor/enrol');
    await agent.get('/admin/users').set('Accept', 'application/json').expect(403);
    const page = await agent.get('/account/second-factor/enrol').expect(200);
    expect(page.text).toContain('Administrators must have a second factor');
    // Until then the navigation offers nothing it would only send back here; sign-out stays.
    expect(page.text).not.toContain('href="/admin"');
    expect(page.text).not.toContain('href="/courses"');
    expect(page.text).toContain('action="/logout"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const refused = await agent.post(`/admin/users/${admin.user.id}/role`).type('form').send({ _csrf: csrf, role: 'learner' });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Set up your second factor first');

    const secret = keyOn(page.text)!;
    const codes = await agent.post('/account/second-factor/enrol').type('form').send({ _csrf: csrf, code: secondFactorCode(t, secret) }).expect(200);
    expect(codesOn(codes.text)).toHaveLength(10);
    await agent.get('/admin').expect(200);
    // Administrators are not offered to turn it off, and a request to is refused.
    const status = await agent.get('/account/second-factor').expect(200);
    expect(status.text).not.toContain('action="/account/second-factor/disable"');
    t.clock.advance(STEP_MS);
    await agent.post('/account/second-factor/disable').type('form').send({ _csrf: csrf, code: secondFactorCode(t, secret) }).expect(409);
    expect(await t.services.secondFactor.isEnabled(admin.user.id)).toBe(true);
  });

  test('sign-out stays open to an administrator who has not enrolled', async () => {
    const admin = await makeUser(t, { role: 'admin', secondFactor: false });
    const agent = request.agent(t.app);
    expectRedirect(await passwordStep(agent, admin));
    const csrf = await csrfFrom(agent, '/account/second-factor/enrol');
    await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303).expect('location', '/');
    await agent.get('/account/second-factor/enrol').expect(303).expect('location', /^\/login/);
  });

  test("an administrator resets another user's second factor, confirmed first and audited; the user's sessions end", async () => {
    const admin = await signedInUser(t, { role: 'admin', name: 'Ada Admin' });
    const person = await makeUser(t, { name: 'Lost Phone', secondFactor: true });
    const session = await signIn(t, person.user);
    await session.agent.get('/dashboard').expect(200);

    const userPage = await admin.agent.get(`/admin/users/${person.user.id}`).expect(200);
    expect(userPage.text).toContain('confirm?action=reset-second-factor');
    const confirm = await admin.agent.get(`/admin/users/${person.user.id}/confirm?action=reset-second-factor`).expect(200);
    expect(confirm.text).toContain(`action="/admin/users/${person.user.id}/reset-second-factor"`);
    expect(await t.services.secondFactor.isEnabled(person.user.id)).toBe(true);
    await admin.agent.post(`/admin/users/${person.user.id}/reset-second-factor`).type('form').send({ _csrf: admin.csrf })
      .expect(303).expect('location', `/admin/users/${person.user.id}?done=secondFactorReset`);

    expect(await t.services.secondFactor.isEnabled(person.user.id)).toBe(false);
    expect(Number((await t.testDb.db('recovery_codes').where({ user_id: person.user.id }).count({ n: '*' }).first())!.n)).toBe(0);
    expect(await auditRows('second_factor.reset', person.user.id)).toEqual([expect.objectContaining({ actor_id: admin.user.id })]);
    // A second reset has nothing to remove: nothing is said to be done, nor audited again.
    await admin.agent.post(`/admin/users/${person.user.id}/reset-second-factor`).type('form').send({ _csrf: admin.csrf })
      .expect(303).expect('location', `/admin/users/${person.user.id}`);
    expect(await auditRows('second_factor.reset', person.user.id)).toHaveLength(1);
    await session.agent.get('/dashboard').expect(303);
    // Their password alone signs them in now.
    expectRedirect(await passwordStep(request.agent(t.app), person), '/dashboard');
    // Learners cannot reset anyone's.
    const learner = await signedInUser(t);
    await learner.agent.post(`/admin/users/${admin.user.id}/reset-second-factor`).type('form').send({ _csrf: learner.csrf }).expect(403);
  });
});

describe('turning it off and new recovery codes', () => {
  test('a learner turns it off with their password, not with a wrong one; audited', async () => {
    const learner = await signedInUser(t, { secondFactor: true });
    const wrong = await learner.agent.post('/account/second-factor/disable').type('form').send({ _csrf: learner.csrf, password: 'not my password at all' }).expect(422);
    expect(wrong.text).toContain('That code or password is not right');
    expect(wrong.text).not.toContain('not my password at all');
    await learner.agent.post('/account/second-factor/disable').type('form').send({ _csrf: learner.csrf }).expect(422);
    expect(await t.services.secondFactor.isEnabled(learner.user.id)).toBe(true);
    await learner.agent.post('/account/second-factor/disable').type('form').send({ _csrf: learner.csrf, password: learner.password })
      .expect(303).expect('location', '/account/second-factor?done=disabled');
    expect(await t.services.secondFactor.isEnabled(learner.user.id)).toBe(false);
    expect(await auditRows('second_factor.disabled', learner.user.id)).toHaveLength(1);
    expectRedirect(await passwordStep(request.agent(t.app), learner), '/dashboard');
  });

  test('a learner turns it off with a current code', async () => {
    const learner = await signedInUser(t, { secondFactor: true });
    await learner.agent.post('/account/second-factor/disable').type('form').send({ _csrf: learner.csrf, code: secondFactorCode(t, learner.totpSecret!) }).expect(303);
    expect(await t.services.secondFactor.isEnabled(learner.user.id)).toBe(false);
  });

  test('new recovery codes need a current code, and replace the old ones', async () => {
    const learner = await makeUser(t, { secondFactor: false });
    const { secret, recoveryCodes } = await enrolSecondFactor(t, learner.user);
    const { agent, csrf } = await signIn(t, learner.user);
    await agent.post('/account/second-factor/recovery-codes').type('form').send({ _csrf: csrf, code: '123456' }).expect(422);
    const res = await agent.post('/account/second-factor/recovery-codes').type('form').send({ _csrf: csrf, code: secondFactorCode(t, secret) }).expect(200);
    const fresh = codesOn(res.text);
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(recoveryCodes[0]);
    expect(await auditRows('second_factor.recovery_codes_renewed', learner.user.id)).toHaveLength(1);

    const old = request.agent(t.app);
    expectRedirect(await passwordStep(old, { ...learner }));
    expect((await codeStep(old, recoveryCodes[1])).status).toBe(401);
    expect((await codeStep(old, fresh[1])).status).toBe(303);
  });
});
