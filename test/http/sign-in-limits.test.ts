// Per-account and per-address limits on signing in and registering, and whose word about the
// client's address is believed (TRUST_PROXY). Each test has an app of its own: counters are per
// address, and the addresses here come from X-Forwarded-For through the trusted proxy hops.
import request from 'supertest';
import { ConfigError, loadConfig } from '../../src/config';
import { createTestApp, type TestApp } from '../support/app';

const tokenIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];

const knownCookie = (agent: request.Agent) => agent.jar.getCookie('bw.known', { path: '/', domain: '127.0.0.1', secure: false, script: false });

/** A browser (its own cookies) at an address, behind the trusted proxy; `known` carries a bw.known cookie over. */
function browser(t: TestApp, known?: string) {
  const agent = request.agent(t.app);
  if (known !== undefined) agent.jar.setCookie(`bw.known=${known}`, '127.0.0.1', '/');
  return {
    agent,
    async post(url: string, from: string, form: Record<string, string>) {
      const page = await agent.get(url).set('X-Forwarded-For', from);
      return agent.post(url).set('X-Forwarded-For', from).type('form').send({ _csrf: tokenIn(page.text), ...form });
    },
  };
}

async function withApp(config: Parameters<typeof createTestApp>[0], run: (t: TestApp) => Promise<void>) {
  const t = await createTestApp(config);
  try {
    await run(t);
  } finally {
    await t.close();
  }
}

describe('the per-account sign-in limit is not a lockout', () => {
  test("a stranger's wrong passwords from many addresses do not keep out a browser that signed in before", () => withApp({ config: { trustProxy: 1 } }, async (t) => {
    const owner = { email: 'owner@example.org', password: 'the owner password' };
    await t.services.accounts.createUser({ ...owner, displayName: 'Owner', role: 'learner' });
    const ownBrowser = browser(t);
    expect((await ownBrowser.post('/login', '198.51.100.1', owner)).status).toBe(303);
    const known = knownCookie(ownBrowser.agent)!.value;
    expect(known).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await browser(t).post('/login', `203.0.113.${i + 1}`, { email: owner.email, password: `guess ${i}` })).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses[20]).toBe(429);

    // The owner's browser, signed out and now at another address (a laptop on a new network), still gets in.
    expect((await browser(t, known).post('/login', '192.0.2.50', owner)).status).toBe(303);
    // A browser that never signed in to the account is still held, right password or not...
    expect((await browser(t).post('/login', '192.0.2.51', owner)).status).toBe(429);
    // ...and so is one showing a cookie it made up, or the cookie of another account.
    expect((await browser(t, 'A'.repeat(22)).post('/login', '192.0.2.52', owner)).status).toBe(429);
    const other = { email: 'other@example.org', password: 'another password' };
    await t.services.accounts.createUser({ ...other, displayName: 'Other', role: 'learner' });
    const othersBrowser = browser(t);
    expect((await othersBrowser.post('/login', '192.0.2.53', other)).status).toBe(303);
    expect((await browser(t, knownCookie(othersBrowser.agent)!.value).post('/login', '192.0.2.54', owner)).status).toBe(429);
  }));

  test('the cookie is httpOnly, and remembers a few accounts per browser', () => withApp({ config: { trustProxy: 1 } }, async (t) => {
    const accounts = ['a@example.org', 'b@example.org'];
    let setCookie = '';
    let known: string | undefined;
    for (const email of accounts) {
      await t.services.accounts.createUser({ email, password: 'a long password', displayName: 'Someone', role: 'learner' });
      const shared = browser(t, known); // the same browser, signed out in between
      const res = await shared.post('/login', '198.51.100.9', { email, password: 'a long password' });
      expect(res.status).toBe(303);
      setCookie = String(res.headers['set-cookie']);
      known = knownCookie(shared.agent)!.value;
    }
    expect(setCookie).toMatch(/bw\.known=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}; Max-Age=\d+; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax/);
  }));
});

describe('registration', () => {
  test('refused registrations (an email already taken) are limited per address', () => withApp({ config: { trustProxy: 1 } }, async (t) => {
    await t.services.accounts.createUser({ email: 'taken@example.org', password: 'a long password', displayName: 'Taken', role: 'learner' });
    const prober = browser(t);
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await prober.post('/register', '203.0.113.77', { displayName: 'Probe', email: 'taken@example.org', password: `a long password ${i}` })).status);
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(422));
    expect(statuses[10]).toBe(429);
    // Another address registers as before.
    const other = await browser(t).post('/register', '198.51.100.77', { displayName: 'New Person', email: 'new@example.org', password: 'a long password' });
    expect(other.status).toBe(303);
  }));

  test('successful registrations from one address (a class behind one router) are not held by the tight limit', () => withApp({ config: { trustProxy: 1 } }, async (t) => {
    for (let i = 0; i < 12; i++) {
      const res = await browser(t).post('/register', '203.0.113.88', { displayName: `Learner ${i}`, email: `learner${i}@example.org`, password: 'a long password' });
      expect(res.status).toBe(303);
    }
  }));
});

describe('TRUST_PROXY', () => {
  test('is the number of hops, or false; by default one behind https and none otherwise', () => {
    const base = { DATA_DIR: '/tmp/bw-config-test', SESSION_SECRET: 'x'.repeat(32) };
    expect(loadConfig({ ...base, TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ ...base, TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(loadConfig({ ...base, TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(loadConfig({ ...base }).trustProxy).toBeUndefined();
    for (const bad of ['yes', '-1', '1.5', '10.0.0.0/8', '999']) {
      expect(() => loadConfig({ ...base, TRUST_PROXY: bad })).toThrow(/^Invalid configuration: TRUST_PROXY: must be the number of proxies/);
    }
    // Behind https the proxy that ends TLS must be believed, or the Secure cookie is never set.
    expect(() => loadConfig({ ...base, BASE_URL: 'https://learn.example.org', TRUST_PROXY: 'false' })).toThrow(ConfigError);
  });

  test('with two hops, the address two proxies vouch for is the one counted', () => withApp({ config: { trustProxy: 2 } }, async (t) => {
    // Each attempt comes from its own client through the same inner proxy: none reaches the limit.
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await browser(t).post('/login', `203.0.113.${i + 1}, 10.0.0.2`, { email: `nobody${i}@example.org`, password: 'wrong' })).status);
    expect(statuses).toEqual(Array(12).fill(401));
  }));

  test('with none, X-Forwarded-For is ignored: a client cannot dodge the per-address limit by inventing addresses', () => withApp({ config: { trustProxy: false } }, async (t) => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await browser(t).post('/login', `203.0.113.${i + 1}`, { email: `nobody${i}@example.org`, password: 'wrong' })).status);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
  }));
});
