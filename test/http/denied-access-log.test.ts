// Every refusal leaves one log line: the user's id, the method, the route's pattern, the capability
// and why; never a name, an email or the ids in the address. The app is built on the test app's
// database and services with a logger that keeps its lines, as the server builds it with pino.
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { createTestApp, type TestApp } from '../support/app';
import { signIn, signedInUser } from '../support/factories';
import { makeOrganization } from '../support/organizations';
import { makeApiToken } from '../support/api';
import { memoryLogger } from '../mail/support';

let t: TestApp;
let app: Express;
let lines: () => Record<string, unknown>[];
beforeAll(async () => {
  t = await createTestApp();
  const memory = memoryLogger();
  lines = memory.lines;
  app = createApp({ config: t.config, db: t.testDb.db, clock: t.clock, logger: memory.logger, services: t.services }).app;
});
afterAll(async () => { await t.close(); });

/** The denial lines logged while `send` ran. */
async function denialsDuring(send: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const before = lines().length;
  await send();
  return lines().slice(before).filter((l) => l.msg === 'access denied');
}

test('a guard\'s refusal of a signed-in user is logged at warn with id, route pattern, capability and reason, and no personal data', async () => {
  const learner = await signedInUser(t, { role: 'learner', name: 'Perdita Private', app });
  const denials = await denialsDuring(() => learner.agent.get('/admin').expect(403));
  expect(denials).toHaveLength(1);
  expect(denials[0].level).toBe(40);
  expect(denials[0].denied).toEqual({ userId: learner.user.id, method: 'GET', route: '/admin', capability: 'site:administer', reason: 'forbidden', by: 'guard' });
  const text = JSON.stringify(denials[0]);
  expect(text).not.toContain('Perdita');
  expect(text).not.toContain(learner.email);
});

test('a policy\'s refusal (another organization\'s record) is logged with the route pattern, not the ids', async () => {
  const mine = await makeOrganization(t, { name: 'Logged Alder' });
  const theirs = await makeOrganization(t, { name: 'Logged Birch' });
  const manager = { ...mine.manager, ...(await signIn(t, mine.manager.user, app)) };
  const denials = await denialsDuring(() => manager.agent.get(`/organizations/${theirs.id}`).then((res) => expect([403, 404]).toContain(res.status)));
  expect(denials).toHaveLength(1);
  expect(denials[0].level).toBe(40);
  expect(denials[0].denied).toMatchObject({ userId: mine.manager.user.id, method: 'GET', route: '/organizations/:orgId', by: 'policy' });
  expect(['member:manage', 'report:view']).toContain((denials[0].denied as { capability: string }).capability);
  expect(JSON.stringify(denials[0])).not.toContain('Logged Birch');
  expect(JSON.stringify(denials[0])).not.toContain(mine.manager.email);
});

test('an anonymous visitor sent to sign in is logged at info, with no user', async () => {
  const denials = await denialsDuring(() => request(app).get('/dashboard').expect(303));
  expect(denials).toHaveLength(1);
  expect(denials[0].level).toBe(30);
  expect(denials[0].denied).toEqual({ userId: null, method: 'GET', route: '/dashboard', capability: 'course:take', reason: 'unauthenticated', by: 'guard' });
});

test('an API call with a wrong token is logged at warn; a good token is not logged', async () => {
  const org = await makeOrganization(t);
  const { token } = await makeApiToken(t, org.id, org.manager.user.id);
  const denials = await denialsDuring(() => request(app).get('/api/v1/learners').set('Authorization', 'Bearer bw_not-a-real-token').expect(401));
  expect(denials).toHaveLength(1);
  expect(denials[0].level).toBe(40);
  expect(denials[0].denied).toMatchObject({ userId: null, method: 'GET', route: '/api/v1/learners', capability: 'report:view', by: 'guard' });
  expect(String((denials[0].denied as { reason: string }).reason)).toMatch(/^token_(malformed|unknown)$/);
  expect(await denialsDuring(() => request(app).get('/api/v1/learners').set('Authorization', `Bearer ${token}`).expect(200))).toEqual([]);
});

test('an allowed request logs no denial', async () => {
  const admin = await signedInUser(t, { role: 'admin', app });
  expect(await denialsDuring(() => admin.agent.get('/admin').expect(200))).toEqual([]);
});
