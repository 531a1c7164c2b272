// Requests no browser sends, written byte by byte on a socket to a listening server: multipart
// bodies that are truncated, aborted or malformed, bodies of the wrong type, and bodies shorter or
// longer than their Content-Length. Each is answered with a 4xx (or, when the client went away, not
// at all) and the server stays up: /healthz answers 200 after every one.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestApp, createUser, type TestApp } from '../support/app';
import { createHttpServer } from '../../src/http/server';

let t: TestApp;
let server: http.Server;
let port: number;
/** A trainer's session cookie and CSRF token: the upload routes are theirs. */
let trainer: { cookie: string; csrf: string };
/** An anonymous session (from the sign-in page) and its CSRF token. */
let visitor: { cookie: string; csrf: string };

beforeAll(async () => {
  t = await createTestApp();
  server = createHttpServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const { agent } = await createUser(t, 'trainer');
  const page = await agent.get('/author/upload');
  const cookieOf = async (a: request.Agent) => (await a.jar.getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })).map((c) => `${c.name}=${c.value}`).join('; ');
  trainer = { cookie: await cookieOf(agent), csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1] };
  const anonymous = request.agent(t.app);
  const login = await anonymous.get('/login');
  visitor = { cookie: await cookieOf(anonymous), csrf: /name="_csrf" value="([^"]+)"/.exec(login.text)![1] };
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});
afterEach(async () => {
  await request(server).get('/healthz').expect(200);
});

/**
 * Writes the bytes on a fresh connection and returns what came back: the status of each response
 * (more than one when extra bytes read as a second request). `end`: 'keep-open' waits for the
 * server to answer and close (every request here asks for Connection: close); 'half-close' ends
 * the client's side at once, for a body the server would otherwise wait for (Node then aborts a
 * request still being answered, so it is only for bodies that cannot be complete); 'abort'
 * destroys the socket after the bytes.
 */
function raw(bytes: Buffer, end: 'half-close' | 'abort' | 'keep-open' = 'keep-open'): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve([...Buffer.concat(chunks).toString('latin1').matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]))));
    socket.write(bytes, () => {
      if (end === 'half-close') socket.end();
      else if (end === 'abort') setTimeout(() => socket.destroy(), 20);
    });
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
  });
}

/** A request's bytes: the head (with Connection: close unless told) and the body as given. */
function message(method: string, path: string, headers: Record<string, string>, body: Buffer | string): Buffer {
  const head = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries({ connection: 'close', ...headers }).map(([k, v]) => `${k}: ${v}`)];
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'latin1')]);
}

const boundary = 'XbwMalformed';
function upload(body: string, headers: Record<string, string> = {}, contentLength?: number): Buffer {
  return message('POST', `/author/upload?_csrf=${encodeURIComponent(trainer.csrf)}`, {
    cookie: trainer.cookie, 'content-type': `multipart/form-data; boundary=${boundary}`,
    'content-length': String(contentLength ?? Buffer.byteLength(body, 'latin1')), ...headers,
  }, body);
}

const part = (name: string, value: string, filename?: string) => [
  `--${boundary}`, `Content-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}`, ...(filename ? ['Content-Type: application/zip'] : []), '', value,
].join('\r\n');

const expect4xx = (statuses: number[]) => {
  expect(statuses.length).toBeGreaterThan(0);
  for (const s of statuses) expect(s).toBeGreaterThanOrEqual(400);
  for (const s of statuses) expect(s).toBeLessThan(500);
};

describe('multipart', () => {
  test('a body that ends inside a field (not a file) is a 400', async () => {
    expect(await raw(upload(`${part('title', 'half a fie')}`))).toEqual([400]);
  });

  test('a body with no closing boundary after a complete file is a 400', async () => {
    expect(await raw(upload(`${part('zip', 'PK\u0003\u0004 whole', 'c.zip')}\r\n`))).toEqual([400]);
  });

  test('a multipart type without a boundary is refused', async () => {
    expect4xx(await raw(upload(part('zip', 'x', 'c.zip'), { 'content-type': 'multipart/form-data' })));
  });

  test('garbage that never shows the boundary is refused', async () => {
    expect4xx(await raw(upload('this is not multipart at all\r\n\r\n--nope--\r\n')));
  });

  test('a part with no Content-Disposition, or a header line without a colon, is refused', async () => {
    expect4xx(await raw(upload(`--${boundary}\r\nContent-Type: text/plain\r\n\r\nx\r\n--${boundary}--\r\n`)));
    expect4xx(await raw(upload(`--${boundary}\r\nthis header has no colon\r\n\r\nx\r\n--${boundary}--\r\n`)));
  });

  test('more parts than allowed is refused, not read forever', async () => {
    const many = Array.from({ length: 50 }, (_, i) => part(`f${i}`, 'x')).join('\r\n');
    expect4xx(await raw(upload(`${many}\r\n--${boundary}--\r\n`)));
  });

  test('an upload aborted part-way through its file leaves the server up', async () => {
    const body = `${part('zip', `PK\u0003\u0004${'z'.repeat(64 * 1024)}`, 'c.zip')}`;
    // The client claims a megabyte, sends 64 KB and goes away: there is no one to answer.
    await raw(upload(body, {}, 1024 * 1024), 'abort');
  });
});

describe('wrong content types', () => {
  const login = (type: string, body: string) => message('POST', '/login', {
    cookie: visitor.cookie, 'x-csrf-token': visitor.csrf, 'content-type': type, 'content-length': String(Buffer.byteLength(body)),
  }, body);

  test.each([
    ['JSON that does not parse', 'application/json', '{"email": "a@example.org", '],
    ['a form in a charset the parser does not read', 'application/x-www-form-urlencoded; charset=utf-16', 'email=a%40example.org&password=x'],
    ['XML', 'application/xml', '<login><email>a@example.org</email></login>'],
    ['plain text', 'text/plain', 'email=a@example.org'],
    ['a content type that is not one', ';;;', 'email=a'],
    ['a gzip-encoded form that is not gzip', 'application/x-www-form-urlencoded', 'not gzip'],
  ])('%s is a 4xx', async (_label, type, body) => {
    const bytes = _label.startsWith('a gzip')
      ? message('POST', '/login', { cookie: visitor.cookie, 'x-csrf-token': visitor.csrf, 'content-type': type, 'content-encoding': 'gzip', 'content-length': String(body.length) }, body)
      : login(type, body);
    expect4xx(await raw(bytes));
  });

  test('a multipart body sent to a form that takes none is a 4xx', async () => {
    const body = `${part('email', 'a@example.org')}\r\n--${boundary}--\r\n`;
    expect4xx(await raw(message('POST', '/login', {
      cookie: visitor.cookie, 'x-csrf-token': visitor.csrf, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(body.length),
    }, body)));
  });

  test('a form sent to the upload, which takes multipart, is a 4xx', async () => {
    const body = `_csrf=${encodeURIComponent(trainer.csrf)}&zip=PK`;
    expect4xx(await raw(message('POST', '/author/upload', {
      cookie: trainer.cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length),
    }, body)));
  });
});

describe('Content-Length', () => {
  const form = (body: string, length: string) => message('POST', '/login', {
    cookie: visitor.cookie, 'content-type': 'application/x-www-form-urlencoded', 'content-length': length,
  }, body);
  const body = `_csrf=${encodeURIComponent('x')}&email=a%40example.org&password=wrong`;

  test('a body shorter than its length, the client then finished, is a 400', async () => {
    expect4xx(await raw(form(body, String(body.length + 100)), 'half-close'));
  });

  test('a body longer than its length: the rest is read as a request that is not one, and refused', async () => {
    const statuses = await raw(form(`${body}GARBAGE / NOT-HTTP\r\n\r\n`, String(body.length)));
    expect4xx(statuses);
  });

  test('a length that is not a number, or both a length and chunked encoding, is a 400', async () => {
    expect(await raw(form(body, 'twelve'))).toEqual([400]);
    expect(await raw(message('POST', '/login', {
      'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length), 'transfer-encoding': 'chunked',
    }, `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`))).toEqual([400]);
  });

  test('a body over the form limit is a 413, and a claimed huge length sent short is a 400', async () => {
    const big = `email=${'a'.repeat(70 * 1024)}`;
    expect(await raw(form(big, String(big.length)))).toEqual([413]);
    // body-parser drains what it refuses, so the answer comes when the client has finished.
    expect4xx(await raw(form('email=a', String(50 * 1024 * 1024)), 'half-close'));
  });

  test('a chunked body that stops mid-chunk is a 400', async () => {
    expect4xx(await raw(message('POST', '/login', {
      cookie: visitor.cookie, 'content-type': 'application/x-www-form-urlencoded', 'transfer-encoding': 'chunked',
    }, `100\r\n${body}`), 'half-close'));
  });
});
