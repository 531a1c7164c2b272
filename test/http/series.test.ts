// series(): middleware run in order as one layer, with the router's rules for next, throws and rejections.
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import request from 'supertest';
import { series } from '../../src/http/series';

function appWith(chain: RequestHandler, seen: string[]) {
  const app = express();
  app.use(chain);
  app.use((req, res) => { seen.push('after'); res.send('reached'); });
  const onError: ErrorRequestHandler = (err, req, res, _next) => { seen.push(`error:${(err as Error).message}`); res.status(500).send('error'); };
  app.use(onError);
  return app;
}

const step = (name: string, seen: string[]): RequestHandler => (req, res, next) => { seen.push(name); next(); };

test('runs each handler in order, then the next layer', async () => {
  const seen: string[] = [];
  const res = await request(appWith(series(step('a', seen), step('b', seen), (req, res, next) => { seen.push('c'); next('route'); }, step('d', seen)), seen)).get('/');
  expect(res.text).toBe('reached');
  expect(seen).toEqual(['a', 'b', 'c', 'd', 'after']);
});

test('an error passed on, thrown or rejected skips the rest of the series and reaches the error handler', async () => {
  const cases: RequestHandler[] = [
    (req, res, next) => next(new Error('passed')),
    () => { throw new Error('thrown'); },
    async () => { await Promise.resolve(); throw new Error('rejected'); },
  ];
  for (const failing of cases) {
    const seen: string[] = [];
    const res = await request(appWith(series(step('a', seen), failing, step('never', seen)), seen)).get('/');
    expect(res.status).toBe(500);
    expect(seen).toEqual(['a', expect.stringMatching(/^error:(passed|thrown|rejected)$/)]);
  }
});

test('a handler that answers ends the series', async () => {
  const seen: string[] = [];
  const res = await request(appWith(series(step('a', seen), (req, res) => { res.send('answered'); }, step('never', seen)), seen)).get('/');
  expect(res.text).toBe('answered');
  expect(seen).toEqual(['a']);
});
