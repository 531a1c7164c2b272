// The app's HTTP server (src/http/server.ts) makes requests and responses with every property the
// middleware gives them already in place, so that each keeps one hidden class through the whole
// request. A new `req.something = ...` in a middleware, not declared there, would bring back the
// megamorphic lookups that once cost a third of a page's CPU: this test names it.
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestApp, type TestApp } from '../support/app';
import { enrol, makeUser, publishCourse, signIn } from '../support/factories';
import { createHttpServer } from '../../src/http/server';

let t: TestApp;
let server: http.Server;
let base: string;
/** For each request: the properties its request and response gained after they were made. */
const added: { url: string; status: number; req: string[]; res: string[] }[] = [];

const ownKeys = (o: object) => Reflect.ownKeys(o).map(String);

beforeAll(async () => {
  t = await createTestApp();
  server = createHttpServer((req, res) => {
    const reqBefore = new Set(ownKeys(req));
    const resBefore = new Set(ownKeys(res));
    res.on('finish', () => {
      added.push({
        url: req.url ?? '', status: res.statusCode,
        req: ownKeys(req).filter((k) => !reqBefore.has(k)), res: ownKeys(res).filter((k) => !resBefore.has(k)),
      });
    });
    t.app(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

/** The session cookie of a signed-in agent, for fetch. */
async function cookieOf(agent: Awaited<ReturnType<typeof signIn>>['agent']): Promise<string> {
  const cookies = await agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false });
  return cookies.map((c) => `${c.name}=${c.value}`).join('; ');
}

async function get(path: string, cookie?: string): Promise<number> {
  const res = await fetch(base + path, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  await res.arrayBuffer();
  return res.status;
}

test('a signed-in learner\'s pages and a visitor\'s add no property to the request or the response', async () => {
  const { slug, course } = await publishCourse(t);
  const { user } = await makeUser(t);
  await enrol(t, user, slug);
  const cookie = await cookieOf((await signIn(t, user)).agent);
  const moduleKey = course.modules[0]!.key;

  const pages = [`/courses/${slug}/modules/${moduleKey}`, `/courses/${slug}`, '/dashboard'];
  for (const path of pages) expect(await get(path, cookie)).toBe(200);
  // Twice: the first GET of a session may write it (its CSRF token); the second is the usual case.
  for (const path of pages) expect(await get(path, cookie)).toBe(200);
  expect(await get('/login')).toBe(200);
  expect(await get('/')).toBe(200);

  expect(added).toHaveLength(pages.length * 2 + 2);
  // The router marks the matched route with a symbol of its own (not importable): the one
  // property allowed, added at the first layer, before any of the app's middleware runs.
  const allowed = (k: string) => k === 'Symbol(router.tracing.matchedRoute)';
  for (const a of added) {
    expect({ url: a.url, req: a.req.filter((k) => !allowed(k)), res: a.res }).toEqual({ url: a.url, req: [], res: [] });
  }
});
