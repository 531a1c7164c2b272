// /api/v1/openapi.json describes every endpoint of the API, and real responses of every endpoint
// (pages, CSV, and each kind of problem) validate against it with a JSON Schema 2020-12 validator.
import request from 'supertest';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { createTestApp, type TestApp } from '../support/app';
import { apiGet, makeApiToken, makeReportingOrganization, type ReportingOrganization } from '../support/api';
import { routeTable } from '../../src/access/route-table';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let t: TestApp;
let a: ReportingOrganization;
let doc: Json;
let ajv: Ajv2020;
beforeAll(async () => {
  t = await createTestApp();
  a = await makeReportingOrganization(t, 'Schema Police');
  doc = (await request(t.app).get('/api/v1/openapi.json').expect(200).expect('content-type', /application\/json/)).body;
  ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(doc, 'openapi.json');
});
afterAll(async () => { await t.close(); });

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** The documented response of the operation for this status, following a $ref to components. */
function documented(path: string, status: number): { base: string; response: Json } {
  const responses = doc.paths[path]?.get?.responses;
  if (!responses) throw new Error(`${path} is not documented`);
  const response = responses[String(status)];
  if (!response) throw new Error(`${path} does not document ${status}`);
  if (response.$ref) {
    const name = String(response.$ref).replace('#/components/responses/', '');
    return { base: `/${pointer('components', 'responses', name)}`, response: doc.components.responses[name] };
  }
  return { base: `/${pointer('paths', path, 'get', 'responses', String(status))}`, response };
}

const checked = new Set<string>();

/** Validates a real response against the document: its status, content type and body. */
function expectDocumented(res: request.Response, apiPath: string): void {
  const { base, response } = documented(apiPath, res.status);
  const type = String(res.headers['content-type']).split(';')[0];
  expect(`${apiPath} ${res.status} ${type} ${Object.keys(response.content ?? {}).includes(type) ? 'documented' : 'undocumented'}`)
    .toBe(`${apiPath} ${res.status} ${type} documented`);
  const validate = ajv.getSchema(`openapi.json#${base}/${pointer('content', type, 'schema')}`);
  if (!validate) throw new Error(`no schema for ${apiPath} ${res.status} ${type}`);
  const body = type === 'text/csv' ? res.text : res.body;
  const ok = validate(body);
  expect({ path: apiPath, status: res.status, errors: ok ? null : validate.errors }).toEqual({ path: apiPath, status: res.status, errors: null });
  checked.add(`${apiPath} ${res.status} ${type}`);
}

const ENDPOINTS = ['/learners', '/assignments', '/courses', '/completions'];

test('the document is OpenAPI 3.1 with the bearer scheme, and lists exactly the routes the API has', () => {
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.components.securitySchemes.bearerToken).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
  expect(doc.security).toEqual([{ bearerToken: [] }]);
  const served = routeTable(t.app).filter((r) => r.path.startsWith('/api/v1/')).map((r) => `${r.method} ${r.path.slice('/api/v1'.length)}`).sort();
  const listed = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops as Json).map((m) => `${m.toUpperCase()} ${p}`)).sort();
  expect(listed).toEqual(served);
  // Every parameter and schema is written in the document's own dialect (no stray $schema/$id).
  expect(JSON.stringify(doc)).not.toMatch(/"\$(schema|id)"/);
  for (const p of ENDPOINTS) {
    const names = doc.paths[p].get.parameters.map((x: Json) => x.name);
    expect(names).toEqual(expect.arrayContaining(['limit', 'cursor']));
    for (const status of ['200', '400', '401', '429']) expect(doc.paths[p].get.responses[status]).toBeDefined();
  }
});

test('real pages of every endpoint validate against the document', async () => {
  for (const p of ENDPOINTS) {
    expectDocumented(await apiGet(t, `/api/v1${p}`, a.token.token), p);
    const first = await apiGet(t, `/api/v1${p}?limit=1`, a.token.token);
    expectDocumented(first, p);
    if (first.body.next) expectDocumented(await apiGet(t, String(first.body.next).slice('http://bridgework.test'.length), a.token.token), p);
  }
  expectDocumented(await apiGet(t, `/api/v1/learners?unit=${a.units.north}&joined_since=2026-01-01`, a.token.token), '/learners');
  expectDocumented(await apiGet(t, `/api/v1/completions?status=completed,in_progress&unit=${a.units.north}`, a.token.token), '/completions');
  const csv = await apiGet(t, '/api/v1/completions?format=csv', a.token.token);
  expect(csv.status).toBe(200);
  expectDocumented(csv, '/completions');
  const openapi = await request(t.app).get('/api/v1/openapi.json');
  expectDocumented(openapi, '/openapi.json');
});

test('every kind of problem of every endpoint validates against the document', async () => {
  for (const p of ENDPOINTS) {
    expectDocumented(await apiGet(t, `/api/v1${p}?limit=0`, a.token.token), p);
    expectDocumented(await apiGet(t, `/api/v1${p}?nonsense=1`, a.token.token), p);
    expectDocumented(await apiGet(t, `/api/v1${p}`, null), p);
    expectDocumented(await apiGet(t, `/api/v1${p}`, 'bwk_not-a-real-token'), p);
  }
  const { token } = await makeApiToken(t, a.id, a.manager.user.id, 'Schema busy');
  let res = await apiGet(t, '/api/v1/courses?limit=1', token);
  for (let i = 0; i < 200 && res.status !== 429; i++) res = await apiGet(t, '/api/v1/courses?limit=1', token);
  expect(res.status).toBe(429);
  expect(res.headers['retry-after']).toBeDefined();
  expectDocumented(res, '/courses');
  for (const p of ENDPOINTS) for (const s of [200, 400, 401]) expect(checked).toContain(`${p} ${s} ${s === 200 ? 'application/json' : 'application/problem+json'}`);
});

test('the validation can fail: a field the document does not name, or a missing one, is refused', async () => {
  const res = await apiGet(t, '/api/v1/learners', a.token.token).expect(200);
  const validate = ajv.getSchema(`openapi.json#/${pointer('paths', '/learners', 'get', 'responses', '200', 'content', 'application/json', 'schema')}`)!;
  expect(validate(res.body)).toBe(true);
  expect(validate({ ...res.body, data: [{ ...res.body.data[0], reflection: 'what I wrote' }] })).toBe(false);
  const { email: _email, ...noEmail } = res.body.data[0];
  expect(validate({ ...res.body, data: [noEmail] })).toBe(false);
  expect(validate({ ...res.body, data: [{ ...res.body.data[0], joinedAt: 'yesterday' }] })).toBe(false);
});
