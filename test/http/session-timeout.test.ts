// Sessions end after 30 minutes without a request and 12 hours after signing in, by the app's
// clock; staying signed in pushes back the first, never the second. A form sent after the end
// (a reflection, an answer) is kept and offered back, after signing in again, to the same user
// only, for one click to save; another user never sees it, and it is unusable after an hour.
import request from 'supertest';
import { createTestApp, csrfFrom, registerLearner, type TestApp } from '../support/app';
import { makeUser, signedInUser } from '../support/factories';
import { ConfigError, loadConfig, sessionLimits } from '../../src/config';

const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;
const COURSE = '/courses/blocks-demo';
const MODULE = `${COURSE}/modules/everything`;
const REFLECTION = 'everything--reflection-1';

let t: TestApp;
beforeAll(async () => { t = await createTestApp({ config: { sessionIdleMs: 30 * MINUTE, sessionAbsoluteMs: 12 * HOUR } }); });
afterAll(async () => { await t.close(); });

const sidOf = (agent: request.Agent) => agent.jar.getCookie('bw.sid', { domain: '127.0.0.1', path: '/', secure: false, script: false })?.value;
const sessionRows = async (userId: number) => Number((await t.testDb.db('sessions').where({ user_id: userId }).count({ n: '*' }).first())!.n);

async function expectSignedIn(agent: request.Agent) {
  await agent.get('/account').expect(200);
}

async function expectTimedOut(agent: request.Agent, userId: number) {
  const res = await agent.get('/account').set('Accept', 'text/html').expect(303);
  expect(res.headers.location).toBe('/login?expired=1&next=%2Faccount');
  // The session row is gone, and the next page asks to sign in as for anyone signed out.
  expect(await sessionRows(userId)).toBe(0);
  const again = await agent.get('/account').set('Accept', 'text/html').expect(303);
  expect(again.headers.location).toBe('/login?next=%2Faccount');
}

describe('the idle limit', () => {
  test('activity keeps the session; 30 minutes without a request end it, and the sign-in page says why', async () => {
    const { agent, user } = await signedInUser(t);
    await expectSignedIn(agent);
    for (let i = 0; i < 4; i++) {
      t.clock.advance(29 * MINUTE);
      await expectSignedIn(agent);
    }
    t.clock.advance(30 * MINUTE);
    await expectTimedOut(agent, user.id);
    const login = await agent.get('/login?expired=1&next=%2Faccount').expect(200);
    expect(login.text).toContain('You were signed out because your session timed out.');
    expect((await agent.get('/login')).text).not.toContain('your session timed out');
  });

  test('pages tell their script how long is left; the status check does not count as activity', async () => {
    const { agent, csrf } = await signedInUser(t);
    const page = await agent.get('/dashboard').expect(200);
    expect(page.text).toMatch(/<dialog id="session-warning"[^>]*role="alertdialog"/);
    expect(page.text).toContain('data-seconds="1800" data-warn-seconds="180"');
    expect(page.text).toContain('<script src="/js/session-timeout.js"></script>');

    t.clock.advance(20 * MINUTE);
    const status = await agent.get('/session/status').expect(200);
    expect(status.body).toEqual({ signedIn: true, seconds: 600, warnSeconds: 180, final: false });
    t.clock.advance(9 * MINUTE);
    expect((await agent.get('/session/status').expect(200)).body.seconds).toBe(60);
    t.clock.advance(MINUTE);
    expect((await agent.get('/session/status').expect(200)).body).toEqual({ signedIn: false });
    // A forged keep-alive (no token) never revives it.
    await agent.post('/session/keep-alive').set('Accept', 'application/json').set('x-csrf-token', csrf).expect(403);

    const anonymous = await request(t.app).get('/login').expect(200);
    expect(anonymous.text).not.toContain('session-warning');
  });

  test('"Stay signed in" starts the idle limit again', async () => {
    const { agent, csrf } = await signedInUser(t);
    await agent.get('/dashboard').expect(200);
    t.clock.advance(28 * MINUTE);
    const kept = await agent.post('/session/keep-alive').set('Accept', 'application/json').set('x-csrf-token', csrf).expect(200);
    expect(kept.body).toEqual({ signedIn: true, seconds: 1800, warnSeconds: 180, final: false });
    t.clock.advance(28 * MINUTE);
    expect((await agent.get('/session/status').expect(200)).body.seconds).toBe(120);
    await expectSignedIn(agent);
    // Without JavaScript the same button is a form that comes back to the page.
    const form = await agent.post('/session/keep-alive').type('form').send({ _csrf: csrf, next: '/courses' }).expect(303);
    expect(form.headers.location).toBe('/courses');
    const offSite = await agent.post('/session/keep-alive').type('form').send({ _csrf: csrf, next: '//evil.example' }).expect(303);
    expect(offSite.headers.location).toBe('/dashboard');
  });
});

describe('the absolute limit', () => {
  test('ends the session 12 hours after signing in however active, and staying signed in cannot push it back', async () => {
    const { agent, user, csrf } = await signedInUser(t);
    await agent.get('/dashboard').expect(200);
    let elapsed = 0;
    while (elapsed + 25 * MINUTE < 12 * HOUR) {
      t.clock.advance(25 * MINUTE);
      elapsed += 25 * MINUTE;
      const res = await agent.post('/session/keep-alive').set('Accept', 'application/json').set('x-csrf-token', csrf).expect(200);
      expect(res.body.seconds).toBe(Math.min(1800, (12 * HOUR - elapsed) / 1000));
      expect(res.body.final).toBe(12 * HOUR - elapsed <= 30 * MINUTE);
    }
    await expectSignedIn(agent);
    t.clock.advance(12 * HOUR - elapsed);
    await expectTimedOut(agent, user.id);
  });

  test('signing in again starts a new session with its own 12 hours', async () => {
    const { email, password, user } = await makeUser(t);
    const agent = request.agent(t.app);
    const signInForm = async () => {
      const csrf = await csrfFrom(agent, '/login');
      await agent.post('/login').type('form').send({ _csrf: csrf, email, password }).expect(303);
    };
    await signInForm();
    const first = sidOf(agent);
    await agent.get('/dashboard').expect(200);
    t.clock.advance(12 * HOUR);
    await expectTimedOut(agent, user.id);
    await signInForm();
    expect(sidOf(agent)).not.toBe(first);
    await expectSignedIn(agent);
    t.clock.advance(29 * MINUTE);
    await expectSignedIn(agent);
  });
});

describe('a form sent after the session ended', () => {
  const decode = (s: string) => s.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

  /** The kept page's save form: its action and fields, as the browser would send them. */
  function keptForm(html: string): { action: string; fields: Record<string, string> } {
    const form = /<form method="post" action="([^"]+)" class="inline-form">((?:(?!<\/form>)[\s\S])*?name="_kept"[\s\S]*?)<\/form>/.exec(html)!;
    const fields: Record<string, string> = {};
    for (const m of form[2].matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[decode(m[1])] = decode(m[2]);
    return { action: decode(form[1]), fields };
  }

  async function learnerOnModule() {
    const learner = await registerLearner(t.app);
    const csrf = await csrfFrom(learner.agent, COURSE);
    await learner.agent.post(`${COURSE}/enrol`).type('form').send({ _csrf: csrf }).expect(303);
    await learner.agent.get(`${MODULE}?continue=1`).expect(200);
    const userId = Number((await t.testDb.db('users').where({ email: learner.email }).first('id')).id);
    return { ...learner, csrf, userId };
  }

  const TEXT = 'What I learned:\nlisten first, then "act" <carefully> & calmly.';
  const reflectionOf = async (userId: number) => (await t.testDb.db('reflections').where({ user_id: userId, reflection_id: REFLECTION }).first('text'))?.text;
  const keptRows = async (userId: number) => Number((await t.testDb.db('kept_submissions').where({ user_id: userId }).count({ n: '*' }).first())!.n);

  async function sendAfterTimeout(l: Awaited<ReturnType<typeof learnerOnModule>>) {
    t.clock.advance(31 * MINUTE);
    const res = await l.agent.post(`${MODULE}/reflections/${REFLECTION}`).type('form').send({ _csrf: l.csrf, text: TEXT }).expect(303);
    expect(res.headers.location).toBe('/login?expired=1&next=%2Fsession%2Fkept');
    expect(String(res.headers['set-cookie'])).toMatch(/bw\.kept=[A-Za-z0-9_-]{43}; Max-Age=3600; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax/);
    return res;
  }

  async function signInAgain(agent: request.Agent, email: string, password: string) {
    const login = await agent.get('/login?expired=1&next=%2Fsession%2Fkept').expect(200);
    expect(login.text).toContain('your session timed out');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, email, password, next: '/session/kept' }).expect(303);
    expect(res.headers.location).toBe('/session/kept');
  }

  test('is kept, not saved, and after signing in again as the same learner one click saves it', async () => {
    const l = await learnerOnModule();
    const sent = await sendAfterTimeout(l);
    expect(await reflectionOf(l.userId)).toBeUndefined();
    expect(await keptRows(l.userId)).toBe(1);
    // Only the token's hash is stored, never the token.
    const token = /bw\.kept=([^;]+)/.exec(String(sent.headers['set-cookie']))![1];
    const stored = await t.testDb.db('kept_submissions').where({ user_id: l.userId }).first('token_hash', 'fields');
    expect(stored.token_hash).not.toBe(token);
    expect(stored.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.parse(stored.fields)).toEqual({ text: TEXT });

    await signInAgain(l.agent, l.email, l.password);
    const page = await l.agent.get('/session/kept').expect(200);
    expect(page.text).toContain('Your unsaved work');
    expect(page.text).toContain('listen first, then &#34;act&#34; &lt;carefully&gt; &amp; calmly.');
    const { action, fields } = keptForm(page.text);
    expect(action).toBe(`${MODULE}/reflections/${REFLECTION}`);
    expect(fields.text).toBe(TEXT);
    // The form carries the new session's token, not the ended one's.
    expect(fields._csrf).not.toBe(l.csrf);

    const saved = await l.agent.post(action).type('form').send(fields).expect(303);
    expect(saved.headers.location).toBe(`${MODULE}?continue=1&saved=${REFLECTION}#${REFLECTION}`);
    expect(await reflectionOf(l.userId)).toBe(TEXT);
    expect(await keptRows(l.userId)).toBe(0);
    expect(String(saved.headers['set-cookie'])).toMatch(/bw\.kept=;/);
    // Used once: nothing is offered again.
    expect((await l.agent.get('/session/kept').expect(303)).headers.location).toBe('/dashboard');
  });

  test('can be discarded', async () => {
    const l = await learnerOnModule();
    await sendAfterTimeout(l);
    await signInAgain(l.agent, l.email, l.password);
    const page = await l.agent.get('/session/kept').expect(200);
    const csrf = /action="\/session\/kept\/discard"[^]*?name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    await l.agent.post('/session/kept/discard').type('form').send({ _csrf: csrf }).expect(303);
    expect(await keptRows(l.userId)).toBe(0);
    expect(await reflectionOf(l.userId)).toBeUndefined();
  });

  test('is never shown to another user who signs in on that browser, and is deleted then', async () => {
    const l = await learnerOnModule();
    await sendAfterTimeout(l);
    const other = await makeUser(t, { name: 'Someone Else' });
    await signInAgain(l.agent, other.email, other.password);
    const res = await l.agent.get('/session/kept').expect(303);
    expect(res.headers.location).toBe('/dashboard');
    expect(await keptRows(l.userId)).toBe(0);
    const dashboard = await l.agent.get('/dashboard').expect(200);
    expect(dashboard.text).not.toContain('listen first');
    expect(await reflectionOf(l.userId)).toBeUndefined();
    expect(await reflectionOf(other.user.id)).toBeUndefined();
  });

  test('is unusable after an hour', async () => {
    const l = await learnerOnModule();
    await sendAfterTimeout(l);
    t.clock.advance(HOUR + MINUTE);
    await signInAgain(l.agent, l.email, l.password);
    expect((await l.agent.get('/session/kept').expect(303)).headers.location).toBe('/dashboard');
    expect(await keptRows(l.userId)).toBe(0);
    expect(await reflectionOf(l.userId)).toBeUndefined();
  });

  test('is not kept without the ended session\'s own token (another site cannot plant one)', async () => {
    const l = await learnerOnModule();
    t.clock.advance(31 * MINUTE);
    const res = await l.agent.post(`${MODULE}/reflections/${REFLECTION}`).type('form').send({ _csrf: 'forged-token', text: TEXT }).expect(403);
    expect(String(res.headers['set-cookie'] ?? '')).not.toContain('bw.kept');
    expect(await keptRows(l.userId)).toBe(0);
  });

  test('a password form is never kept', async () => {
    const l = await learnerOnModule();
    const csrf = await csrfFrom(l.agent, '/account/password');
    t.clock.advance(31 * MINUTE);
    await l.agent.post('/account/password').type('form').send({ _csrf: csrf, currentPassword: l.password, newPassword: 'a brand new passphrase' }).expect(403);
    expect(await keptRows(l.userId)).toBe(0);
  });
});

describe('configuration', () => {
  const env = { SESSION_SECRET: 'x'.repeat(40), DATA_DIR: '/nonexistent' };
  test('SESSION_IDLE_MINUTES and SESSION_MAX_HOURS set the limits; unset, 30 minutes and 12 hours', () => {
    const given = loadConfig({ ...env, SESSION_IDLE_MINUTES: '45', SESSION_MAX_HOURS: '8' });
    expect(sessionLimits(given)).toEqual({ idleMs: 45 * MINUTE, absoluteMs: 8 * HOUR });
    expect(sessionLimits(loadConfig(env))).toEqual({ idleMs: 30 * MINUTE, absoluteMs: 12 * HOUR });
    expect(() => loadConfig({ ...env, SESSION_IDLE_MINUTES: '1' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, SESSION_MAX_HOURS: 'soon' })).toThrow(/SESSION_MAX_HOURS/);
  });
});
