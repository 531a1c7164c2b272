// Requests an attacker would send, each answered with a clear 4xx and the server still up.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestApp, createUser, type TestApp } from '../support/app';
import { createHttpServer } from '../../src/http/server';

let t: TestApp;
let server: http.Server;
let port: number;
beforeAll(async () => {
  t = await createTestApp();
  server = createHttpServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

/** Sends raw bytes with the trainer's cookie and reads the status line. */
function rawPost(path: string, cookie: string, headers: Record<string, string>, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { cookie, ...headers, 'content-length': String(body.length) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('a multipart body that ends inside a file part is a 400, and the server stays up', async () => {
  const { agent } = await createUser(t, 'trainer');
  const page = await agent.get('/author/upload');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  const cookie = (await agent.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })).map((c) => `${c.name}=${c.value}`).join('; ');
  const boundary = 'XbwBoundary';
  const truncated = Buffer.from([
    `--${boundary}`, 'Content-Disposition: form-data; name="_csrf"', '', csrf,
    `--${boundary}`, 'Content-Disposition: form-data; name="zip"; filename="c.zip"', 'Content-Type: application/zip', '', 'PK\u0003\u0004 half a file',
  ].join('\r\n'));
  const headers = { 'content-type': `multipart/form-data; boundary=${boundary}`, 'x-csrf-token': csrf };
  for (const path of ['/author/upload', '/author/courses/first-aid-basics/media']) {
    const status = await rawPost(path, cookie, headers, truncated);
    expect(status).toBe(400);
  }
  await request(t.app).get('/healthz').expect(200);
});

test('the first-admin setup link stops working once any administrator exists', async () => {
  const fresh = await createTestApp();
  try {
    const token = await fresh.services.accounts.issueSetupTokenIfNoAdmin();
    expect(token).toBeTruthy();
    await request(fresh.app).get(`/setup/${token}`).expect(200);
    // An administrator made another way (`bridgework users add --role admin` does exactly this).
    await fresh.services.accounts.createUser({ email: 'cli-admin@example.org', displayName: 'CLI Admin', password: 'correct horse battery', role: 'admin' });
    await request(fresh.app).get(`/setup/${token}`).expect(404);
    const agent = request.agent(fresh.app);
    const login = await agent.get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
    await agent.post(`/setup/${token}`).type('form')
      .send({ _csrf: csrf, displayName: 'Intruder', email: 'intruder@example.org', password: 'correct horse battery' }).expect(404);
    expect(await fresh.services.accounts.checkCredentials('intruder@example.org', 'correct horse battery')).toBeNull();
  } finally {
    await fresh.close();
  }
});

test('the certificate search ignores a revoked notice that is not a code, and refuses dates that do not exist', async () => {
  const { agent } = await createUser(t, 'admin');
  await agent.get('/admin/certificates?revoked=<script>x</script>').expect(200);
  await agent.get('/admin/certificates?revoked=AAAA').expect(200);
  await agent.get('/admin/certificates?from=2020-99-99').expect(400);
  await agent.get('/admin/certificates?from=2021-02-30').expect(400);
  await agent.get('/admin/certificates?from=2021-02-28&to=2021-03-01').expect(200);
});

test('a NUL character in the address, a form or JSON is a 400 on either database', async () => {
  const { agent } = await createUser(t, 'learner');
  const login = await request.agent(t.app).get('/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
  await request(t.app).post('/login').type('form').send({ _csrf: csrf, email: 'a\u0000@example.org', password: 'x' }).expect(400);
  await agent.get('/courses/first%00aid').expect(400);
  await agent.get('/courses?q=%00').expect(400);
  const page = await agent.get('/account');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
  await agent.post('/account').type('form').send({ _csrf: token, displayName: 'Nul\u0000Name' }).expect(400);
  await request(t.app).get('/healthz').expect(200);
});

test('signed-in pages are never cached; public pages may be', async () => {
  const { agent } = await createUser(t, 'learner');
  for (const path of ['/dashboard', '/account', '/courses']) {
    const res = await agent.get(path).expect(200);
    expect(res.headers['cache-control']).toBe('no-store');
  }
  const anonymous = await request(t.app).get('/courses').expect(200);
  expect(anonymous.headers['cache-control']).not.toBe('no-store');
});
