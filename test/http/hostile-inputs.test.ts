// Hostile inputs (test/support/hostile-inputs.ts) through every form and query parameter the app
// shows. The forms are discovered, not listed: every page of the route table is fetched as each
// kind of visitor and its <form> fields read, so a form added later is covered. The query
// parameters are the GET forms' fields (searches, report filters) and the reporting API's own
// description (openapi.json). Each answer must be below 500; a page must never carry markup back
// unescaped (neither the answer nor the page a redirect leads to); and /healthz still answers 200.
//
// Forms: every field (but the CSRF token) with every input, while that cross product fits
// PROBE_BUDGET; past it, field i gets input j when (i + j) falls on a stride, deterministically, so
// every field still gets several inputs and every input several fields. Query parameters: every
// page each visitor may see, with every parameter name the app reads (its GET forms' fields and
// each `req.query.<name>` in src/) set at once to one input, a third of the inputs per page, in
// rotation. Multipart forms (uploads) are not here: their bodies are tested in
// malformed-requests.test.ts and hostile-requests.test.ts. Forms made of a CSRF token alone
// (sign out, revoke, remove) take no input and are not sent: they would only change the data.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { makeReportingOrganization, type ReportingOrganization } from '../support/api';
import { makeInvitation } from '../support/organizations';
import { signIn, signedInUser, type SignedIn } from '../support/factories';
import { routeTable } from '../../src/access/route-table';
import { fillPath } from '../support/route-params';
import { HOSTILE_INPUTS, type HostileInput } from '../support/hostile-inputs';

const SRC_DIR = path.join(__dirname, '..', '..', 'src');

type Visitor = { name: string; anonymous: boolean } & SignedIn;

interface Field { name: string; value: string; kind: string }
interface Form { method: 'get' | 'post'; action: string; fields: Field[]; visitor: Visitor; page: string }

let t: TestApp;
let a: ReportingOrganization;
let visitors: Visitor[];
let forms: Form[];
/** Each page a visitor may see (answered 200 with HTML), by visitor. */
let pagesSeen: { visitor: Visitor; page: string }[];


const decodeEntities = (s: string) => s.replace(/&(amp|lt|gt|quot|#39|#x27|#34);/g, (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': '\'', '#x27': '\'', '#34': '"' })[e]!);
const attrs = (tag: string) => new Map([...tag.matchAll(/([\w-]+)\s*=\s*"([^"]*)"/g)].map((m) => [m[1].toLowerCase(), decodeEntities(m[2])]));

/** The forms of a page: a small parser, enough for the app's own markup (double-quoted attributes). */
function formsOf(html: string, page: string, visitor: Visitor): Form[] {
  const found: Form[] = [];
  for (const [, head, body] of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const f = attrs(head);
    if ((f.get('enctype') ?? '').includes('multipart')) continue;
    const fields: Field[] = [];
    for (const [tag, kind, rest] of body.matchAll(/<(input|textarea|select)\b([^>]*)>/gi)) {
      const a2 = attrs(tag);
      const name = a2.get('name');
      if (!name) continue;
      const type = kind.toLowerCase() === 'input' ? (a2.get('type') ?? 'text').toLowerCase() : kind.toLowerCase();
      if (['submit', 'button', 'file', 'image', 'reset'].includes(type)) continue;
      if ((type === 'checkbox' || type === 'radio') && !/\bchecked\b/.test(rest)) continue;
      let value = a2.get('value') ?? '';
      if (type === 'select') value = attrs(/<option\b[^>]*>/i.exec(body.slice(body.indexOf(tag)))?.[0] ?? '').get('value') ?? '';
      fields.push({ name, value, kind: type });
    }
    const method = (f.get('method') ?? 'get').toLowerCase() === 'post' ? 'post' : 'get';
    const action = (f.get('action') ?? page) || page;
    found.push({ method, action, fields, visitor, page });
  }
  return found;
}

/** A form's body or query with one field replaced by the (already encoded) hostile bytes. */
function encodedWith(form: Form, field: string, encoded: string): string {
  return form.fields.filter((f) => f.name !== '_csrf').map((f) => `${encodeURIComponent(f.name)}=${f.name === field ? encoded : encodeURIComponent(f.value)}`).join('&');
}

beforeAll(async () => {
  t = await createTestApp();
  a = await makeReportingOrganization(t, 'Hostile Alder');
  const invitation = await makeInvitation(t, a.id, { unitId: a.units.north, by: a.manager.user.id });
  const certificate = (await t.services.certificates.listForUser(a.people.done.user.id))[0];
  const ids: Record<string, string> = {
    orgId: String(a.id), unitId: String(a.units.north), userId: String(a.people.halfway.user.id), invitationId: '0', assignmentId: String(a.assignments.followUp),
    importId: '0', tokenId: String(a.token.id), courseId: String(a.courses.foundations.id), slug: a.courses.foundations.slug, code: certificate.code,
    file: 'course.md', key: 'one', id: String(a.courses.foundations.versionId), name: 'none.png', sha: '0'.repeat(64), check: 'none', reflection: 'none', phase: 'pre', token: invitation,
  };
  const anonymous = request.agent(t.app);
  const csrf = /name="_csrf" value="([^"]+)"/.exec((await anonymous.get('/login')).text)![1];
  const trainer = await signedInUser(t, { role: 'trainer' });
  const admin = await signedInUser(t, { role: 'admin' });
  visitors = [
    { name: 'anonymous', anonymous: true, agent: anonymous, csrf },
    { name: 'learner', anonymous: false, ...(await signIn(t, a.people.done.user)) },
    { name: 'trainer', anonymous: false, ...trainer },
    { name: 'administrator', anonymous: false, ...admin },
    { name: 'manager', anonymous: false, ...(await signIn(t, a.manager.user)) },
  ];
  const pages = routeTable(t.app).filter((r) => r.method === 'GET' && !/\.(pdf|zip|csv|json)$|\/zip$/.test(r.path) && !r.path.startsWith('/api/')).map((r) => fillPath(r.path, ids));
  const seen = new Set<string>();
  forms = [];
  pagesSeen = [];
  for (const visitor of visitors) {
    for (const page of pages) {
      const res = await visitor.agent.get(page);
      if (res.status !== 200 || !String(res.headers['content-type']).includes('html')) continue;
      pagesSeen.push({ visitor, page });
      for (const form of formsOf(res.text, page, visitor)) {
        const key = `${form.method} ${form.action.split('?')[0]} ${form.fields.map((f) => f.name).sort().join(',')}`;
        if (seen.has(key)) continue;
        seen.add(key);
        forms.push(form);
      }
    }
  }
}, 60_000);
afterAll(async () => { await t.close(); });

interface Probe { form: Form; field: Field; input: HostileInput }

/** Requests the form test may send (a few ms each on SQLite): the cross product while it fits. */
const PROBE_BUDGET = 1500;

/** Every typed field with its share of the inputs (see the sampling note at the top). */
function probes(): Probe[] {
  // Every field but the CSRF token: hidden fields and choices are tampered with as well as typed ones.
  const fields = forms.flatMap((form) => form.fields.filter((f) => f.name !== '_csrf').map((field) => ({ form, field })));
  const stride = Math.max(1, Math.ceil((fields.length * HOSTILE_INPUTS.length) / PROBE_BUDGET));
  const chosen: Probe[] = [];
  fields.forEach(({ form, field }, i) => HOSTILE_INPUTS.forEach((input, j) => {
    if ((i + j) % stride === 0) chosen.push({ form, field, input });
  }));
  return chosen;
}

function pageText(res: request.Response): string | null {
  return String(res.headers['content-type'] ?? '').includes('html') ? res.text : null;
}

/** Pages that showed markup back escaped: proof the inputs reach the pages the check reads. */
let shownEscaped = 0;
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

/** What is wrong with an answer, or null: a 5xx, or markup sent back as it came. */
function problemWith(res: request.Response, input: HostileInput): string | null {
  if (res.status >= 500) return `${res.status}`;
  const html = pageText(res);
  if (input.markup && html !== null && input.text !== null && html.includes(escapeHtml(input.text))) shownEscaped++;
  if (input.markup && html !== null && input.text !== null && html.includes(input.text)) return 'markup reflected unescaped';
  return null;
}

async function send(p: Probe): Promise<string[]> {
  const { form, field, input } = p;
  const agent = form.visitor.agent;
  const label = `${form.visitor.name} ${form.method.toUpperCase()} ${form.action.split('?')[0]} [${field.name}] ${input.name}`;
  const body = encodedWith(form, field.name, input.encoded);
  const res = form.method === 'post'
    ? await agent.post(form.action).set('Content-Type', 'application/x-www-form-urlencoded').send(`_csrf=${encodeURIComponent(form.visitor.csrf)}&${body}`)
    : await agent.get(`${form.action.split('?')[0]}?${body}`);
  const problems: string[] = [];
  const problem = problemWith(res, input);
  if (problem) problems.push(`${label}: ${problem}`);
  // Stored, then shown: the page a successful form leads to must escape it too.
  const location = res.headers.location;
  if (input.markup && res.status === 303 && location?.startsWith('/')) {
    const next = await agent.get(location);
    const shown = problemWith(next, input);
    if (shown) problems.push(`${label} → ${location}: ${shown}`);
  }
  return problems;
}

test('forms were found on the pages of every kind of visitor', () => {
  const byVisitor = new Set(forms.map((f) => f.visitor.name));
  expect([...byVisitor].sort()).toEqual(['administrator', 'anonymous', 'learner', 'manager', 'trainer']);
  const actions = forms.map((f) => `${f.method} ${f.action.split('?')[0]}`);
  expect(actions).toEqual(expect.arrayContaining(['post /login', 'post /register', 'post /account', 'get /admin/certificates']));
  expect(probes().length).toBeGreaterThan(300);
});

test('every hostile input through every form field is answered below 500, never reflected raw', async () => {
  const problems: string[] = [];
  const before = shownEscaped;
  for (const probe of probes()) problems.push(...await send(probe));
  expect(problems).toEqual([]);
  expect(shownEscaped - before).toBeGreaterThan(10);
  await request(t.app).get('/healthz').expect(200);
}, 120_000);

/** Every query parameter name the app reads: its GET forms' fields and `req.query.<name>` in src/. */
function queryNames(): string[] {
  const names = new Set(forms.filter((f) => f.method === 'get').flatMap((f) => f.fields.map((x) => x.name)));
  const sources = fs.readdirSync(SRC_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const file of sources) {
    for (const m of fs.readFileSync(path.join(SRC_DIR, file), 'utf8').matchAll(/req\.query\.(\w+)/g)) names.add(m[1]);
  }
  names.delete('_csrf');
  return [...names].sort();
}

test('every hostile input through the query parameters of every page is answered below 500, never reflected raw', async () => {
  const names = queryNames();
  const before = shownEscaped;
  expect(names).toEqual(expect.arrayContaining(['code', 'from', 'next', 'notice', 'revoked', 'unit']));
  const problems: string[] = [];
  let sent = 0;
  for (const [i, { visitor, page }] of pagesSeen.entries()) {
    for (const [j, input] of HOSTILE_INPUTS.entries()) {
      if ((i + j) % 3 !== 0) continue;
      // An address of megabytes is refused by Node before the app (431): once in a while, in one parameter.
      const oversized = input.encoded.length > 16 * 1024;
      if (oversized && i % 10 !== 0) continue;
      const res = await visitor.agent.get(`${page}?${(oversized ? names.slice(0, 1) : names).map((n) => `${n}=${input.encoded}`).join('&')}`);
      sent++;
      const problem = problemWith(res, input);
      if (problem) problems.push(`${visitor.name} GET ${page}?… ${input.name}: ${problem}`);
    }
  }
  expect(sent).toBeGreaterThan(250);
  expect(shownEscaped - before).toBeGreaterThan(0);
  expect(problems).toEqual([]);
  await request(t.app).get('/healthz').expect(200);
}, 120_000);

test('every hostile input through every query parameter of the reporting API is a 2xx or 4xx, never 500', async () => {
  const spec = (await request(t.app).get('/api/v1/openapi.json').expect(200)).body as { paths: Record<string, { get?: { parameters?: { name: string; in: string }[] } }> };
  const problems: string[] = [];
  let sent = 0;
  for (const [path, item] of Object.entries(spec.paths)) {
    const names = (item.get?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    for (const name of names) {
      for (const input of HOSTILE_INPUTS) {
        const res = await request(t.app).get(`/api/v1${path.replace(/^\/api\/v1/, '')}?${name}=${input.encoded}`).set('Authorization', `Bearer ${a.token.token}`);
        sent++;
        if (res.status >= 500) problems.push(`${path}?${name} ${input.name}: ${res.status}`);
      }
    }
  }
  expect(sent).toBeGreaterThan(50);
  expect(problems).toEqual([]);
  await request(t.app).get('/healthz').expect(200);
}, 60_000);

test('a display name is stored exactly, or refused with a 4xx', async () => {
  const learner = await signedInUser(t, { role: 'learner' });
  const stored: string[] = [];
  for (const input of HOSTILE_INPUTS.filter((i) => i.text !== null && i.text.length < 200)) {
    const res = await learner.agent.post('/account').type('form').send(`_csrf=${encodeURIComponent(learner.csrf)}&displayName=${input.encoded}`);
    if (res.status >= 400) {
      expect(`${input.name} ${res.status}`).toMatch(/ 4\d\d$/);
      continue;
    }
    const user = await t.services.accounts.findUser(learner.user.id);
    // Names are trimmed of surrounding white space (and nothing else) before they are kept.
    expect(`${input.name}: ${JSON.stringify(user!.displayName)}`).toBe(`${input.name}: ${JSON.stringify(input.text!.trim())}`);
    stored.push(input.name);
  }
  expect(stored).toEqual(expect.arrayContaining(['script tag', 'SQL quote', 'path traversal']));
});
