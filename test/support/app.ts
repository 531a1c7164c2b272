// Builds the real app on a fresh database for one test file, with a clock the test controls.
import pino from 'pino';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { createServices, type Services } from '../../src/services';
import type { Config } from '../../src/config';
import { createTestDb, type TestDb } from './db';
import type { Role, SessionUser } from '../../src/accounts/types';
import { signedInUser } from './factories';
import { FIXTURE_CURRICULUM } from './paths';
import { TestClock } from './clock';
import { TEST_PASSWORD_COST } from './password-cost';

export { FIXTURE_CURRICULUM } from './paths';
export { TestClock } from './clock';
export { TEST_PASSWORD_COST } from './password-cost';

export interface TestApp {
  app: Express;
  services: Services;
  clock: TestClock;
  config: Config;
  testDb: TestDb;
  close(): Promise<void>;
}

const TEN_YEARS_MS = 10 * 365 * 24 * 60 * 60 * 1000;

export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    port: 0, dataDir: '/nonexistent', databaseUrl: null, baseUrl: 'http://bridgework.test',
    sessionSecret: 'test-secret-test-secret-test-secret-42', previousSessionSecrets: [], curriculumDir: FIXTURE_CURRICULUM,
    secureCookies: false, logLevel: 'silent', organizationName: 'Bridgework Test',
    signatoryName: 'A. Signer', signatoryTitle: 'Director', paperSize: 'LETTER',
    // Tests move their clock by days and months with people signed in; the session limits would
    // end every such session. They are tested where they are set (test/http/session-timeout.test.ts).
    sessionIdleMs: TEN_YEARS_MS, sessionAbsoluteMs: TEN_YEARS_MS,
    ...overrides,
  };
}

export async function createTestApp(options: { config?: Partial<Config> } = {}): Promise<TestApp> {
  const testDb = await createTestDb();
  const clock = new TestClock();
  const config = testConfig(options.config);
  const logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const services = createServices({ config, db: testDb.db, clock, logger, passwordCost: TEST_PASSWORD_COST });
  await services.curriculum.syncFromDisk(config.curriculumDir);
  const { app } = createApp({ config, db: testDb.db, clock, logger, services });
  return { app, services, clock, config, testDb, close: () => testDb.drop() };
}

/** The CSRF token of the form on a page the agent fetches. */
export async function csrfFrom(agent: request.Agent, url: string): Promise<string> {
  const res = await agent.get(url);
  const match = /name="_csrf" value="([^"]+)"/.exec(res.text);
  if (!match) throw new Error(`no CSRF token on ${url} (status ${res.status})`);
  return match[1];
}

let counter = 0;
/**
 * A learner through the registration pages, signed in by registering. Use it where registering is
 * part of the journey under test; for set-up, makeUser and signIn (./factories) are cheaper.
 */
export async function registerLearner(app: Express, name = 'Test Learner'): Promise<{ agent: request.Agent; email: string; password: string }> {
  const agent = request.agent(app);
  const email = `learner${++counter}-${Date.now()}@example.org`;
  const password = 'correct horse battery';
  const token = await csrfFrom(agent, '/register');
  const res = await agent.post('/register').type('form').send({ _csrf: token, displayName: name, email, password });
  if (res.status !== 303) throw new Error(`registration failed: ${res.status} ${res.text.slice(0, 500)}`);
  return { agent, email, password };
}

/**
 * A signed-in user of any role, made through the account service exactly as
 * `bridgework users add --role trainer` makes one (trainers and admins are never self-registered),
 * and signed in without the sign-in journey (see signIn in ./factories).
 */
export async function createUser(t: TestApp, role: Role, name = `Test ${role}`, app: Express = t.app): Promise<{ agent: request.Agent; user: SessionUser; email: string; password: string }> {
  const { agent, user, email, password } = await signedInUser(t, { role, name, app });
  return { agent, user, email, password };
}
