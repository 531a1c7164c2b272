// One log line per request with its id, method, path, status and time; error level for 5xx; no
// cookies, bodies or query strings; and a request id on every response, the client's when valid.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { baseMiddleware } from '../../src/app';
import { errorHandler } from '../../src/http/error-handler';
import { testConfig } from '../support/app';

interface Line {
  level: number;
  msg: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number };
  responseTime?: number;
  err?: { message: string };
}

function appWithLog(level = 'info') {
  const lines: Line[] = [];
  const logger = pino({ level }, { write: (s: string) => void lines.push(JSON.parse(s) as Line) });
  const app = express();
  baseMiddleware(app, { config: testConfig(), logger });
  app.post('/form', (req, res) => {
    res.cookie('bw.sid', 'secret-session-id');
    res.send(`got ${Object.keys(req.body ?? {}).length} fields`);
  });
  app.get('/boom', () => { throw new Error('the database went away'); });
  app.get('/slow', (_req, res) => { setTimeout(() => { if (!res.writableEnded) res.send('late'); }, 300); });
  app.use(errorHandler);
  return { app, lines };
}

/** Lines are written when the response closes, a tick after the client has it. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

test('a request id is echoed when it is plain, made otherwise', async () => {
  const { app } = appWithLog();
  const given = await request(app).post('/form').set('X-Request-Id', 'abc-123.X_y').expect(200);
  expect(given.headers['x-request-id']).toBe('abc-123.X_y');
  for (const bad of ['bad id with spaces', 'x'.repeat(65), 'semi;colon']) {
    const made = await request(app).post('/form').set('X-Request-Id', bad).expect(200);
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  }
});

test('one info line per request: id, method, path without the query, status and time; no cookies or bodies', async () => {
  const { app, lines } = appWithLog();
  const res = await request(app).post('/form?token=secret-query').set('Cookie', 'bw.sid=secret-cookie')
    .type('form').send({ password: 'secret-body' }).expect(200);
  await settle();
  expect(lines).toHaveLength(1);
  const [line] = lines;
  expect(line).toMatchObject({
    level: 30, msg: 'request completed',
    req: { id: res.headers['x-request-id'], method: 'POST', url: '/form' }, res: { statusCode: 200 },
  });
  expect(typeof line!.responseTime).toBe('number');
  expect(JSON.stringify(lines)).not.toMatch(/secret/);
});

test('a 5xx is logged at error level, with the error itself logged by the error handler under the same id', async () => {
  const { app, lines } = appWithLog();
  const res = await request(app).get('/boom?q=secret').set('X-Request-Id', 'req-500').expect(500);
  expect(res.text).not.toContain('the database went away');
  await settle();
  const unhandled = lines.find((l) => l.msg === 'unhandled error');
  expect(unhandled).toMatchObject({ level: 50, req: { id: 'req-500', method: 'GET', url: '/boom' }, err: { message: 'the database went away' } });
  const summary = lines.find((l) => l.res);
  expect(summary).toMatchObject({ level: 50, msg: 'request errored', req: { id: 'req-500', url: '/boom' }, res: { statusCode: 500 } });
  expect(lines).toHaveLength(2);
  expect(JSON.stringify(lines)).not.toContain('secret');
});

test('a 404 is an info line; a client that leaves early is logged as aborted', async () => {
  const { app, lines } = appWithLog();
  await request(app).get('/nowhere').expect(404);
  await settle();
  expect(lines).toEqual([expect.objectContaining({ level: 30, msg: 'request completed', res: { statusCode: 404 } })]);

  const server = app.listen(0);
  try {
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => {
      const req = http.get({ port, path: '/slow' });
      req.on('error', () => resolve());
      setTimeout(() => { req.destroy(); resolve(); }, 50);
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lines[1]).toMatchObject({ msg: 'request aborted', req: { url: '/slow' } });
  } finally {
    server.close();
  }
});

test('a logger that is silent writes nothing, and ids are still given', async () => {
  const { app, lines } = appWithLog('silent');
  const res = await request(app).get('/boom').expect(500);
  expect(res.headers['x-request-id']).toBeTruthy();
  await settle();
  expect(lines).toEqual([]);
});
