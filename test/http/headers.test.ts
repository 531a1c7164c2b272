// Security headers on every kind of response (pages, static files, redirects, 401/403/404 and
// CSRF refusals, API problems), and the session cookie's attributes on plain http and behind https.
import request from 'supertest';
import { createTestApp, createUser, type TestApp } from '../support/app';

let t: TestApp;
let https: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  https = await createTestApp({ config: { baseUrl: 'https://bridgework.test', secureCookies: true } });
});
afterAll(async () => {
  await t.close();
  await https.close();
});

function cspDirectives(res: request.Response): Map<string, string> {
  const csp = String(res.headers['content-security-policy'] ?? '');
  return new Map(csp.split(';').map((d) => d.trim()).filter(Boolean).map((d) => {
    const [name, ...values] = d.split(/\s+/);
    return [name, values.join(' ')];
  }));
}

function expectSecurityHeaders(label: string, res: request.Response): void {
  const csp = cspDirectives(res);
  expect({ label, objectSrc: csp.get('object-src'), baseUri: csp.get('base-uri'), frameAncestors: csp.get('frame-ancestors') })
    .toEqual({ label, objectSrc: "'none'", baseUri: "'none'", frameAncestors: "'none'" });
  expect({ label, nosniff: res.headers['x-content-type-options'], referrer: res.headers['referrer-policy'] })
    .toEqual({ label, nosniff: 'nosniff', referrer: 'no-referrer' });
}

/** Every kind of answer the app gives an anonymous visitor, refusals and errors included. */
const anonymousRequests: [string, number, (app: TestApp['app']) => request.Test][] = [
  ['home page', 200, (app) => request(app).get('/')],
  ['sign-in page', 200, (app) => request(app).get('/login')],
  ['static file', 200, (app) => request(app).get('/css/site.css')],
  ['404 page', 404, (app) => request(app).get('/no-such-page')],
  ['404 static-looking path', 404, (app) => request(app).get('/no-such-file.css')],
  ['redirect to sign in', 303, (app) => request(app).get('/dashboard')],
  ['401 for a page asked as JSON', 401, (app) => request(app).get('/dashboard').set('Accept', 'application/json')],
  ['403 CSRF refusal', 403, (app) => request(app).post('/login').type('form').send({ email: 'a@example.org', password: 'x' })],
  ['400 NUL in input', 400, (app) => request(app).get('/verify/%00')],
  ['401 API problem', 401, (app) => request(app).get('/api/v1/learners')],
  ['413 body too large', 413, (app) => request(app).post('/login').type('form').send(`email=${'a'.repeat(70 * 1024)}`)],
  ['healthz', 200, (app) => request(app).get('/healthz')],
];

test.each(anonymousRequests)('%s (%d) carries the security headers (http and https)', async (label, status, send) => {
  const res = await send(t.app);
  expect(`${label} ${res.status}`).toBe(`${label} ${status}`);
  expectSecurityHeaders(label, res);
  // HSTS only means something over https: on plain http it would be ignored, or worse, cached by a proxy.
  expect(res.headers['strict-transport-security']).toBeUndefined();
  const secure = await send(https.app).set('X-Forwarded-Proto', 'https');
  expectSecurityHeaders(`${label} (https)`, secure);
  expect(secure.headers['strict-transport-security']).toMatch(/max-age=\d{7,}/);
});

test('signed-in pages and refusals of a signed-in user are not stored by any cache', async () => {
  const learner = await createUser(t, 'learner');
  for (const path of ['/dashboard', '/account', '/admin', '/no-such-page']) {
    const res = await learner.agent.get(path);
    expect(`${path} ${res.headers['cache-control']}`).toBe(`${path} no-store`);
    expectSecurityHeaders(path, res);
  }
  // An anonymous page may be cached: the rule is for a signed-in person's pages.
  expect((await request(t.app).get('/login')).headers['cache-control'] ?? '').not.toContain('no-store');
});

function sessionCookie(res: request.Response): string {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const found = cookies.find((c) => /^(__Host-)?bw\.sid=/.test(c));
  if (!found) throw new Error(`no session cookie set: ${JSON.stringify(cookies)}`);
  return found;
}

const attributes = (cookie: string) => cookie.split(';').slice(1).map((a) => a.trim().toLowerCase());

test('on plain http the session cookie is bw.sid, HttpOnly and SameSite, not Secure (http could not send it)', async () => {
  // The sign-in form makes the session (its CSRF token lives there).
  const cookie = sessionCookie(await request(t.app).get('/login').expect(200));
  expect(cookie).toMatch(/^bw\.sid=/);
  const attrs = attributes(cookie);
  expect(attrs).toContain('httponly');
  expect(attrs).toContain('samesite=lax');
  expect(attrs).not.toContain('secure');
});

test('behind https the session cookie is __Host-bw.sid: Secure, HttpOnly, SameSite, Path=/ and no Domain', async () => {
  const cookie = sessionCookie(await request(https.app).get('/login').set('X-Forwarded-Proto', 'https').expect(200));
  expect(cookie).toMatch(/^__Host-bw\.sid=/);
  const attrs = attributes(cookie);
  expect(attrs).toEqual(expect.arrayContaining(['secure', 'httponly', 'samesite=lax', 'path=/']));
  expect(attrs.some((a) => a.startsWith('domain='))).toBe(false);
  // The __Host- cookie is the one the app reads back: the session carries the CSRF token of the form.
  const agent = request.agent(https.app);
  const page = await agent.get('/login').set('X-Forwarded-Proto', 'https');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  const res = await request(https.app).post('/login').set('X-Forwarded-Proto', 'https')
    .set('Cookie', sessionCookie(page).split(';')[0]).type('form').send({ _csrf: csrf, email: 'nobody@example.org', password: 'wrong password' });
  expect(res.status).not.toBe(403);
});
