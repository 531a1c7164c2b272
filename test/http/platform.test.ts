// Cross-cutting behaviour: health, headers, errors, request ids, and every route declaring its access.
import request from 'supertest';
import pino from 'pino';
import { createApp } from '../../src/app';
import { createTestApp, type TestApp } from '../support/app';
import { createDb } from '../../src/db/knex';
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { routeTable } from '../../src/access/route-table';
import { renderAccessDoc } from '../../src/access/access-doc';
import { isCapability, type CapabilityName } from '../../src/access/capabilities';
import { publicAccess, requires } from '../../src/http/guards';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

test('GET /healthz answers ok while the database answers, 503 when it does not', async () => {
  await request(t.app).get('/healthz').expect(200, { status: 'ok' });
  const dead = createDb({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none' });
  const app = createApp({ config: t.config, db: dead, clock: t.clock, logger: pino({ level: 'silent' }), services: t.services }).app;
  const res = await request(app).get('/healthz').expect(503);
  expect(res.body.status).not.toBe('ok');
  await dead.destroy();
});

test('security headers: a CSP without inline script, nosniff, frame denial', async () => {
  const res = await request(t.app).get('/').expect(200);
  const csp = String(res.headers['content-security-policy']);
  expect(csp).toMatch(/script-src 'self'(;|$)/);
  expect(csp).not.toContain('unsafe-inline');
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(csp).toContain("frame-ancestors 'none'");
  expect(res.headers['x-powered-by']).toBeUndefined();
});

test('pages declare their language; a request id is echoed or made', async () => {
  const res = await request(t.app).get('/courses').set('Accept-Language', 'en-CA,en;q=0.8').set('X-Request-Id', 'abc-123').expect(200);
  expect(res.text).toMatch(/<html lang="en">/);
  expect(res.headers['x-request-id']).toBe('abc-123');
  const made = await request(t.app).get('/courses').set('X-Request-Id', 'bad id with spaces');
  expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
});

test('unknown pages are a helpful 404 page, or JSON for API clients; never a stack trace', async () => {
  const page = await request(t.app).get('/no/such/page').expect(404);
  expect(page.text).toContain('Page not found');
  const json = await request(t.app).get('/no/such/page').set('Accept', 'application/json').expect(404);
  expect(json.body).toEqual({ error: { id: 'not_found', message: expect.any(String) } });
});

test('an oversized form is a 413 page, malformed JSON a 400', async () => {
  const big = await request(t.app).post('/login').type('form').send({ email: 'x'.repeat(100_000) }).expect(413);
  expect(big.text).not.toMatch(/at .*\.js:\d+/);
  const bad = await request(t.app).post('/login').set('Content-Type', 'application/json').send('{"broken":').expect(400);
  expect(bad.text).not.toMatch(/SyntaxError|at .*\.js:\d+/);
});

test('every route declares public access or a known capability as its first handler', () => {
  const routes = routeTable(t.app);
  expect(routes.length).toBeGreaterThan(30);
  const undeclared = routes.filter((r) => !r.access).map((r) => `${r.method} ${r.path}`);
  expect(undeclared).toEqual([]);
  const unknown = routes.filter((r) => r.access && 'capability' in r.access && !isCapability(r.access.capability)).map((r) => `${r.method} ${r.path}`);
  expect(unknown).toEqual([]);
});

test('the route walk sees a route that declares nothing, and requires() refuses an unknown capability', () => {
  const app = express();
  const router = express.Router();
  router.get('/declared', publicAccess, (_req, res) => { res.end(); });
  router.get('/undeclared', (_req, res) => { res.end(); });
  app.use(router);
  expect(routeTable(app).filter((r) => !r.access).map((r) => r.path)).toEqual(['/undeclared']);
  expect(() => requires('course:fly' as CapabilityName)).toThrow(/unknown capability/);
});

test('docs/access.md is the current route table (run `npm run docs:access` to update it)', async () => {
  const committed = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'access.md'), 'utf8');
  expect(committed).toBe(renderAccessDoc(routeTable(t.app)));
});
