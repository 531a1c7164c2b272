// Cross-cutting behaviour: health, headers, errors, request ids, and every route declaring its access.
import request from 'supertest';
import pino from 'pino';
import { createApp } from '../../src/app';
import { createTestApp, type TestApp } from '../support/app';
import { createDb } from '../../src/db/knex';

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

test('every route names its access policy as its first handler', () => {
  type Layer = { route?: { path: string; stack: { handle: { access?: string } }[] }; handle: { stack?: Layer[] } };
  const missing: string[] = [];
  let routes = 0;
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        routes++;
        if (!layer.route.stack[0]?.handle.access) missing.push(layer.route.path);
      } else if (layer.handle.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk((t.app as unknown as { router: { stack: Layer[] } }).router.stack);
  expect(routes).toBeGreaterThan(10);
  expect(missing).toEqual([]);
});
