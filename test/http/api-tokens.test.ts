// The managers' page of reporting API tokens: a token is shown once in full, kept only as its
// SHA-256 with a visible prefix, revocable; its last use is shown and written at most once a minute.
import crypto from 'node:crypto';
import { createTestApp, type TestApp } from '../support/app';
import { makeMember, makeOrganization, type MadeOrganization } from '../support/organizations';
import { apiGet } from '../support/api';

let t: TestApp;
let a: MadeOrganization;
beforeAll(async () => {
  t = await createTestApp();
  a = await makeOrganization(t, { name: 'Token Constabulary' });
});
afterAll(async () => { await t.close(); });

const page = () => `/organizations/${a.id}/api-tokens`;

async function makeThroughPage(name: string): Promise<string> {
  const res = await a.manager.agent.post(page()).type('form').send({ _csrf: a.manager.csrf, name }).expect(200);
  expect(res.headers['cache-control']).toBe('no-store');
  const match = /id="created-token"[^>]*value="(bwk_[A-Za-z0-9_-]{43})"/.exec(res.text);
  if (!match) throw new Error('no token shown');
  return match[1];
}

test('the organization pages link to the tokens page, which a manager opens', async () => {
  const overview = await a.manager.agent.get(`/organizations/${a.id}`).expect(200);
  expect(overview.text).toContain(`href="${page()}"`);
  const res = await a.manager.agent.get(page()).expect(200);
  expect(res.text).toContain('No tokens yet.');
  expect(res.text).toContain('http://bridgework.test/api/v1/openapi.json');
});

test('a token is shown once in full; only its SHA-256 and prefix are kept', async () => {
  const token = await makeThroughPage('  HR   nightly sync ');
  const rows = await t.testDb.db('api_tokens').where({ organization_id: a.id, name: 'HR nightly sync' }).select();
  expect(rows).toHaveLength(1);
  expect(rows[0].token_hash).toBe(crypto.createHash('sha256').update(token).digest('hex'));
  expect(token.startsWith(rows[0].prefix)).toBe(true);
  expect(rows[0].prefix).toHaveLength(12);
  expect(JSON.stringify(rows[0])).not.toContain(token);
  const again = await a.manager.agent.get(page()).expect(200);
  expect(again.text).not.toContain(token);
  expect(again.text).toContain(`${rows[0].prefix}…`);
  expect(again.text).toContain('HR nightly sync');
  expect(again.text).toContain('Never');
});

test('a name is required and at most 100 characters; the form keeps what was typed', async () => {
  const empty = await a.manager.agent.post(page()).type('form').send({ _csrf: a.manager.csrf, name: '   ' }).expect(422);
  expect(empty.text).toContain('Enter a name for the token.');
  const long = await a.manager.agent.post(page()).type('form').send({ _csrf: a.manager.csrf, name: 'x'.repeat(101) }).expect(422);
  expect(long.text).toContain('Use at most 100 characters.');
  expect(long.text).toContain(`value="${'x'.repeat(101)}"`);
  expect(long.text).not.toMatch(/bwk_[A-Za-z0-9_-]{43}/);
});

test('last use is shown, and written at most once a minute', async () => {
  const token = await makeThroughPage('Usage probe');
  const lastUsed = async () => (await t.testDb.db('api_tokens').where({ name: 'Usage probe' }).first('last_used_at')).last_used_at;
  expect(await lastUsed()).toBeNull();
  await apiGet(t, '/api/v1/courses', token).expect(200);
  const first = await lastUsed();
  expect(first).not.toBeNull();
  t.clock.advance(30_000);
  await apiGet(t, '/api/v1/courses', token).expect(200);
  expect(String(await lastUsed())).toBe(String(first));
  t.clock.advance(31_000);
  await apiGet(t, '/api/v1/courses', token).expect(200);
  expect(String(await lastUsed())).not.toBe(String(first));
  const res = await a.manager.agent.get(page()).expect(200);
  expect(res.text).toMatch(/<td>[^<]*2026[^<]* UTC<\/td>/);
});

test('a revoked token is refused with a problem document; revoking again is harmless', async () => {
  const token = await makeThroughPage('Soon revoked');
  await apiGet(t, '/api/v1/learners', token).expect(200);
  const id = (await t.testDb.db('api_tokens').where({ name: 'Soon revoked' }).first('id')).id;
  await a.manager.agent.post(`${page()}/${id}/revoke`).type('form').send({ _csrf: a.manager.csrf }).expect(303).expect('location', `${page()}?done=revoked`);
  await a.manager.agent.post(`${page()}/${id}/revoke`).type('form').send({ _csrf: a.manager.csrf }).expect(303);
  const res = await apiGet(t, '/api/v1/learners', token).expect(401);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.headers['www-authenticate']).toBe('Bearer realm="bridgework", error="invalid_token"');
  expect(res.body).toEqual({
    type: 'tag:bridgework,2026:problem:invalid_token', title: expect.any(String), status: 401,
    detail: expect.stringContaining('revoked'), id: 'invalid_token',
  });
  const listed = await a.manager.agent.get(`${page()}?done=revoked`).expect(200);
  expect(listed.text).toContain('The token was revoked');
  expect(listed.text).toMatch(/Revoked on/);
});

test('members are refused the page (403), and an unknown token id is not found', async () => {
  const member = await makeMember(t, a.id);
  await member.agent.get(page()).expect(403);
  await member.agent.post(page()).type('form').send({ _csrf: member.csrf, name: 'Sneaky' }).expect(403);
  await a.manager.agent.post(`${page()}/999999/revoke`).type('form').send({ _csrf: a.manager.csrf }).expect(404);
  await a.manager.agent.post(`${page()}/abc/revoke`).type('form').send({ _csrf: a.manager.csrf }).expect(404);
  expect(await t.testDb.db('api_tokens').where({ name: 'Sneaky' }).first()).toBeUndefined();
});
