// Bridgework's own session middleware (src/sessions/middleware.ts), through the real app and
// database: when a session is written and its cookie sent, what a wrong signature gets, that
// signing in gives a new id and deletes the old row, and that sessions express-session wrote
// before are still read.
import crypto from 'node:crypto';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { makeUser, signedInUser } from '../support/factories';
import { SESSION_COOKIE } from '../../src/http/session-store';
import { signSessionId, unsignSessionId } from '../../src/sessions/cookie';
import { readCookie } from '../../src/http/cookies';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

const sessionCount = async () => Number((await t.testDb.db('sessions').count({ n: '*' }).first())?.n);
const sessionCookieOf = (res: request.Response) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith(`${SESSION_COOKIE}=`));
const sidOf = (cookie: string) => unsignSessionId(decodeURIComponent(cookie.split(';')[0]!.slice(SESSION_COOKIE.length + 1)), t.config.sessionSecret);
const tokenOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

describe('the cookie', () => {
  test('signs as express-session did, and refuses a changed id or signature', () => {
    const signed = signSessionId('abc', 'secret');
    const expected = crypto.createHmac('sha256', 'secret').update('abc').digest('base64').replace(/=+$/, '');
    expect(signed).toBe(`s:abc.${expected}`);
    expect(unsignSessionId(signed, 'secret')).toBe('abc');
    expect(unsignSessionId(signed, 'other secret')).toBeNull();
    expect(unsignSessionId(signed.replace('abc', 'abd'), 'secret')).toBeNull();
    expect(unsignSessionId('abc', 'secret')).toBeNull();
    expect(unsignSessionId('s:', 'secret')).toBeNull();
  });

  test('is read from a Cookie header among others, percent-decoded, and never throws', () => {
    expect(readCookie('a=1; bw.sid=s%3Ax.y; b=2', 'bw.sid')).toBe('s:x.y');
    expect(readCookie('bw.sid="quoted"', 'bw.sid')).toBe('quoted');
    expect(readCookie('xbw.sid=1', 'bw.sid')).toBeNull();
    expect(readCookie('bw.sid=%E0%A4%A', 'bw.sid')).toBeNull();
    expect(readCookie(undefined, 'bw.sid')).toBeNull();
  });
});

describe('writing sessions', () => {
  test('a visit that puts nothing in its session leaves no row and no cookie', async () => {
    const before = await sessionCount();
    const res = await request(t.app).get('/healthz');
    expect(sessionCookieOf(res)).toBeUndefined();
    expect(await sessionCount()).toBe(before);
  });

  test('a page with a form creates the session (its CSRF token), sets the cookie once, then writes nothing', async () => {
    const agent = request.agent(t.app);
    const first = await agent.get('/login').expect(200);
    const cookie = sessionCookieOf(first);
    expect(cookie).toMatch(/; Path=\/; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    const sid = sidOf(cookie!)!;
    const row = await t.testDb.db('sessions').where({ sid }).first();
    expect(JSON.parse(row.data)).toEqual({ csrfToken: tokenOf(first.text) });

    const writes: string[] = [];
    const listen = (q: { sql: string }) => { if (/^(insert|update|delete)/i.test(q.sql.trim())) writes.push(q.sql); };
    t.testDb.db.on('query', listen);
    try {
      const again = await agent.get('/login').expect(200);
      expect(sessionCookieOf(again)).toBeUndefined();
      expect(tokenOf(again.text)).toBe(tokenOf(first.text));
    } finally {
      t.testDb.db.off('query', listen);
    }
    expect(writes.filter((sql) => /sessions/.test(sql))).toEqual([]);
  });

  test('a cookie with a wrong signature is not believed: a new session with a new id', async () => {
    const agent = request.agent(t.app);
    const first = await agent.get('/login').expect(200);
    const sid = sidOf(sessionCookieOf(first)!)!;
    const forged = request.agent(t.app);
    forged.jar.setCookie(`${SESSION_COOKIE}=${encodeURIComponent(`s:${sid}.not-the-signature`)}; Path=/`, '127.0.0.1', '/');
    const res = await forged.get('/login').expect(200);
    expect(tokenOf(res.text)).not.toBe(tokenOf(first.text));
    expect(sidOf(sessionCookieOf(res)!)).not.toBe(sid);
  });

  test('signing in gives the session a new id and deletes the row of the one before', async () => {
    const { user, password } = await makeUser(t, { secondFactor: false });
    const agent = request.agent(t.app);
    const page = await agent.get('/login').expect(200);
    const before = sidOf(sessionCookieOf(page)!)!;
    const res = await agent.post('/login').type('form')
      .send({ _csrf: tokenOf(page.text), email: user.email, password }).expect(303);
    const after = sidOf(sessionCookieOf(res)!)!;
    expect(after).not.toBe(before);
    expect(await t.testDb.db('sessions').where({ sid: before }).first()).toBeUndefined();
    const row = await t.testDb.db('sessions').where({ sid: after }).first();
    expect(Number(row.user_id)).toBe(user.id);
    expect(JSON.parse(row.data).passport).toEqual({ user: user.id });
    await agent.get('/account').expect(200);
  });

  test('signing out deletes the row and clears the cookie', async () => {
    const { agent, csrf } = await signedInUser(t);
    const cookie = agent.jar.getCookie(SESSION_COOKIE, { domain: '127.0.0.1', path: '/', secure: false, script: false })!;
    const sid = unsignSessionId(decodeURIComponent(cookie.value), t.config.sessionSecret)!;
    expect(await t.testDb.db('sessions').where({ sid }).first()).toBeDefined();
    const res = await agent.post('/logout').type('form').send({ _csrf: csrf });
    expect(res.status).toBe(303);
    expect(await t.testDb.db('sessions').where({ sid }).first()).toBeUndefined();
    expect(sessionCookieOf(res)).toMatch(/Expires=Thu, 01 Jan 1970/);
  });

  test('a session express-session wrote (its cookie settings in the data) is still signed in', async () => {
    const { user } = await makeUser(t, { secondFactor: false });
    const sid = crypto.randomBytes(24).toString('base64url');
    const expires = Date.now() + 60 * 60 * 1000;
    const data = {
      cookie: { originalMaxAge: 14 * 86_400_000, expires: new Date(expires).toISOString(), httpOnly: true, path: '/', sameSite: 'lax', secure: false },
      passport: { user: user.id }, csrfToken: 'old-token',
    };
    await t.testDb.db('sessions').insert({ sid, user_id: user.id, data: JSON.stringify(data), expires_at: expires });
    const agent = request.agent(t.app);
    agent.jar.setCookie(`${SESSION_COOKIE}=${encodeURIComponent(signSessionId(sid, t.config.sessionSecret))}; Path=/`, '127.0.0.1', '/');
    const page = await agent.get('/account').expect(200);
    expect(page.text).toContain(user.displayName);
    expect(tokenOf(page.text)).toBe('old-token');
  });
});

test('behind https the cookie is __Host- and Secure, and it is never sent over plain http', async () => {
  const secure = await createTestApp({ config: { baseUrl: 'https://bridgework.test', secureCookies: true } });
  try {
    const overHttps = await request(secure.app).get('/login').set('X-Forwarded-Proto', 'https').expect(200);
    expect(String(overHttps.headers['set-cookie'])).toMatch(/^__Host-bw\.sid=s%3A[^;]+; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Lax/);
    const overHttp = await request(secure.app).get('/login').expect(200);
    expect(String(overHttp.headers['set-cookie'] ?? '')).not.toMatch(/bw\.sid/);
  } finally {
    await secure.close();
  }
});
