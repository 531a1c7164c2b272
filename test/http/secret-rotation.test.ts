// Changing SESSION_SECRET with the old one given as SESSION_SECRET_PREVIOUS: sessions and second
// factors made under the old secret keep working, and are signed and sealed again under the new one,
// so that the old secret can be dropped later without signing anyone out or locking anyone out.
import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { createTestApp, testConfig, TEST_PASSWORD_COST, type TestApp } from '../support/app';
import { makeUser, signIn } from '../support/factories';
import { secondFactorCode } from '../support/second-factor';
import { createServices, type Services } from '../../src/services';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { unsignSessionId } from '../../src/sessions/cookie';
import { SESSION_COOKIE } from '../../src/http/session-store';
import { knownDevices } from '../../src/http/known-device';

const NEW_SECRET = 'new-secret-new-secret-new-secret-new-0001';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

/** The app and services on the same database, with other secrets. */
function appWith(secrets: { sessionSecret: string; previousSessionSecrets: string[] }): { app: Express; services: Services } {
  const config = testConfig(secrets);
  const logger = pino({ level: 'silent' });
  const services = createServices({ config, db: t.testDb.db, clock: t.clock, logger, passwordCost: TEST_PASSWORD_COST });
  return { app: createApp({ config, db: t.testDb.db, clock: t.clock, logger, services }).app, services };
}

const OLD = () => t.config.sessionSecret;

function sessionCookieOf(res: request.Response): string | undefined {
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return set.find((c) => c.startsWith(`${SESSION_COOKIE}=`))?.split(';')[0];
}

test('a session signed with the previous secret stays signed in, and its cookie is signed again with the new one', async () => {
  const { user } = await makeUser(t, { name: 'Rotated Learner' });
  const { agent } = await signIn(t, user);
  const oldCookie = (await agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false }))
    .map((c) => `${c.name}=${c.value}`).join('; ');

  // Only the new secret: the old cookie is not accepted (a sign-in is asked for).
  const newOnly = appWith({ sessionSecret: NEW_SECRET, previousSessionSecrets: [] });
  expect((await request(newOnly.app).get('/dashboard').set('Cookie', oldCookie)).status).toBe(303);

  // With the old one as previous: signed in, and the cookie comes back signed with the new secret.
  const rotated = appWith({ sessionSecret: NEW_SECRET, previousSessionSecrets: [OLD()] });
  const page = await request(rotated.app).get('/dashboard').set('Cookie', oldCookie);
  expect(page.status).toBe(200);
  expect(page.text).toContain('Rotated Learner');
  const resigned = sessionCookieOf(page);
  expect(resigned).toBeDefined();
  const value = decodeURIComponent(resigned!.slice(SESSION_COOKIE.length + 1));
  const oldValue = decodeURIComponent(oldCookie.slice(SESSION_COOKIE.length + 1));
  expect(unsignSessionId(value, NEW_SECRET)).toBe(unsignSessionId(oldValue, OLD()));

  // The re-signed cookie works once the previous secret is gone; a page with a current cookie sends none.
  const later = await request(newOnly.app).get('/dashboard').set('Cookie', resigned!);
  expect(later.status).toBe(200);
  expect(sessionCookieOf(later)).toBeUndefined();
});

test('a second factor sealed under the previous secret opens, and is sealed again under the new one at its next use', async () => {
  const admin = await makeUser(t, { role: 'admin' });
  const secret = admin.totpSecret!;
  const newOnly = appWith({ sessionSecret: NEW_SECRET, previousSessionSecrets: [] });
  const rotated = appWith({ sessionSecret: NEW_SECRET, previousSessionSecrets: [OLD()] });

  // Under the new secret alone the stored secret cannot be read: the right code is refused.
  expect(await newOnly.services.secondFactor.verify(admin.user.id, secondFactorCode(t, secret), null)).toBeNull();
  // With the previous secret it is accepted, and sealed again under the new key...
  expect(await rotated.services.secondFactor.verify(admin.user.id, secondFactorCode(t, secret), null)).toEqual({ via: 'totp' });
  // ...so the next code works with the new secret alone.
  expect(await newOnly.services.secondFactor.verify(admin.user.id, secondFactorCode(t, secret, 1), null)).toEqual({ via: 'totp' });
});

test('SESSION_SECRET_PREVIOUS is read from the environment, and ignored when it is the current secret', () => {
  const env = { DATA_DIR: '/tmp/bridgework-config-test', SESSION_SECRET: NEW_SECRET, LOG_LEVEL: 'silent' };
  expect(loadConfig({ ...env, SESSION_SECRET_PREVIOUS: OLD() }).previousSessionSecrets).toEqual([OLD()]);
  expect(loadConfig({ ...env, SESSION_SECRET_PREVIOUS: NEW_SECRET }).previousSessionSecrets).toEqual([]);
  expect(loadConfig(env).previousSessionSecrets).toEqual([]);
  expect(() => loadConfig({ ...env, SESSION_SECRET_PREVIOUS: 'short' })).toThrow(/SESSION_SECRET_PREVIOUS must be at least 32 characters/);
});

test('a browser known to an account under the previous secret is still known after the change', () => {
  const email = 'known@example.org';
  const res = { cookie: jest.fn() };
  knownDevices({ secret: OLD(), secure: false }).remember({ headers: {} } as never, res as never, email);
  const [name, value] = res.cookie.mock.calls[0] as [string, string];
  const req = { headers: { cookie: `${name}=${value}` } } as never;
  expect(knownDevices({ secret: NEW_SECRET, secure: false }).recognises(req, email)).toBe(false);
  expect(knownDevices({ secret: NEW_SECRET, previousSecrets: [OLD()], secure: false }).recognises(req, email)).toBe(true);
  expect(knownDevices({ secret: NEW_SECRET, previousSecrets: [OLD()], secure: false }).recognises(req, 'someone.else@example.org')).toBe(false);
});
