// The report taken away: the CSV (BOM, CRLF, quoting, formulas neutralized, the same numbers as the
// page), the printable PDF summary and the zip of certificates; renewing courses seen as expiring
// soon and expired; and a learner's private reflection in none of them.
import fs from 'node:fs';
import { unzipSync } from 'fflate';
import type { Response } from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { completeCourse, completeModules, publishCourse } from '../support/factories';
import { makeMember, makeOrganization, type MadeOrganization } from '../support/organizations';
import { pdfText, squash, tempDir } from '../certificates/helpers';

const DAY = 24 * 60 * 60 * 1000;
const REFLECTION = 'My private reflection: I once laughed at a sex worker, zq7-unique';
let t: TestApp;
let org: MadeOrganization;
let dir: string;
let slugs: { core: string; annual: string };

/** supertest's parser for bytes (zip, PDF). */
function binary(res: Response, cb: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}

beforeAll(async () => {
  t = await createTestApp();
  dir = tempDir('bw-report-');
  const s = t.services.organizations;
  org = await makeOrganization(t, { name: 'Valley Health' });
  const ward = await s.addUnit(org.id, 'Ward 7, "East"');
  const core = await publishCourse(t, { slug: 'export-core', spec: { title: 'Core Practice', modules: [
    { key: 'start', body: 'Read this.\n\n::: reflection\nWhat would you do differently next time?\n:::\n' }, 'end',
  ] } });
  const annual = await publishCourse(t, { slug: 'export-annual', spec: { title: 'Annual Update', modules: ['only'], validityMonths: 12 } });
  slugs = { core: core.slug, annual: annual.slug };
  const people = {
    formula: await makeMember(t, org.id, { name: '=HYPERLINK("http://evil.example","click")', unitId: ward }),
    plus: await makeMember(t, org.id, { name: '+1 Plus', unitId: ward }),
    comma: await makeMember(t, org.id, { name: 'Smith, "Jo"', unitId: null }),
    punjabi: await makeMember(t, org.id, { name: 'ਹਰਪ੍ਰੀਤ ਕੌਰ', unitId: ward }),
    chinese: await makeMember(t, org.id, { name: '王秀英', unitId: null }),
  };
  const ids = await s.assignments.courses();
  const record = await s.find(org.id);
  for (const [slug, renews] of [[core.slug, false], [annual.slug, true]] as const) {
    const made = await s.assignments.create(record, {
      courseId: ids.find((c) => c.slug === slug)!.courseId, target: 'organization', unitId: null, userId: null, person: '',
      dueKind: 'window', dueDate: '', withinDays: '400', renews,
    } as Parameters<typeof s.assignments.create>[1], org.manager.user.id);
    if (!made.ok) throw new Error(JSON.stringify(made.errors));
  }
  // The formula learner writes a reflection and finishes Core; the Punjabi and Chinese names finish both.
  await completeModules(t, people.formula.user, core.slug, ['start']);
  const key = core.course.modules[0]!.key;
  await t.services.learning.saveReflection(core.slug, key, core.course.modules[0]!.reflections[0]!.id, REFLECTION, people.formula.user);
  await completeModules(t, people.formula.user, core.slug, ['end']);
  await completeCourse(t, people.punjabi.user, annual.slug);
  await completeCourse(t, people.chinese.user, annual.slug);
  await completeCourse(t, people.punjabi.user, core.slug);
  await completeModules(t, people.plus.user, core.slug, ['start']);
  // Eleven months on, the annual certificates (12 months) are within the 60-day warning.
  t.clock.advance(320 * DAY);
});
afterAll(async () => {
  await t.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const get = (path: string) => org.manager.agent.get(`/reports/${org.id}${path}`);

/** RFC 4180 parsing of our own CSV (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\r' && text[i + 1] === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; i++; } else cell += c;
  }
  if (cell || row.length) throw new Error('CSV does not end with CRLF');
  return rows;
}

test('the CSV: a BOM, a header, CRLF lines, RFC 4180 quoting and formulas neutralized', async () => {
  const res = await get('/report.csv').buffer(true).parse(binary).expect(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  expect(res.headers['content-disposition']).toMatch(/^attachment; filename="report-\d+-2027-01-\d\d\.csv"$/);
  const body = (res.body as Buffer).toString('utf8');
  expect((res.body as Buffer).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  expect(body.replace(/\r\n/g, '')).not.toMatch(/\n/);
  const rows = parseCsv(body.slice(1));
  expect(rows[0]).toEqual(['Name', 'Email', 'Unit', 'Course', 'Status', 'Status code', 'Percent done', 'Due', 'Completed', 'Certificate expires']);
  expect(body).toContain('"\'=HYPERLINK(""http://evil.example"",""click"")"');
  expect(body).toContain("'+1 Plus,");
  expect(body).toContain('"Smith, ""Jo"""');
  expect(body).toContain('"Ward 7, ""East"""');
  const byName = (name: string) => rows.filter((r) => r[0] === name);
  // Parsed back, the values are as written, the formula ones behind their quote.
  expect(byName('\'=HYPERLINK("http://evil.example","click")').map((r) => [r[3], r[5]])).toEqual([['Annual Update', 'not_started'], ['Core Practice', 'completed']]);
  expect(byName('ਹਰਪ੍ਰੀਤ ਕੌਰ').map((r) => [r[2], r[3], r[4], r[5], r[6]])).toEqual([
    ['Ward 7, "East"', 'Annual Update', 'Expiring soon', 'expiring_soon', '100'],
    ['Ward 7, "East"', 'Core Practice', 'Completed', 'completed', '100'],
  ]);
  expect(byName('\'+1 Plus').find((r) => r[3] === 'Core Practice')!.slice(4, 7)).toEqual(['In progress', 'in_progress', '50']);
  // A cell never starts with a formula character once parsed, except behind the quote.
  for (const r of rows.slice(1)) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
});

test('the CSV holds the same cells as the page: its line count and statuses are the summary\'s', async () => {
  const page = await get('').expect(200);
  const figure = (label: string) => Number(new RegExp(`${label}</dt><dd>([^<]+)</dd>`).exec(page.text)?.[1]?.replace(/,/g, ''));
  const rows = parseCsv((await get('/report.csv').buffer(true).parse(binary).expect(200)).body.toString('utf8').slice(1)).slice(1);
  expect(rows).toHaveLength(figure('Required courses'));
  expect(rows.filter((r) => r[5] === 'completed' || r[5] === 'expiring_soon')).toHaveLength(figure('Completed'));
  expect(rows.filter((r) => r[5] === 'expiring_soon')).toHaveLength(figure('Expiring soon'));
  expect(new Set(rows.map((r) => r[1])).size).toBe(figure('People'));
  // Filtered the same way, the same again.
  const filtered = parseCsv((await get('/report.csv?status=expiring_soon').buffer(true).parse(binary).expect(200)).body.toString('utf8').slice(1)).slice(1);
  expect(filtered.map((r) => r[0]).sort()).toEqual(['王秀英', 'ਹਰਪ੍ਰੀਤ ਕੌਰ'].sort());
});

test('renewing courses: expiring soon within the warning, expired after, in the page and the CSV', async () => {
  expect((await get('?status=expiring_soon').expect(200)).text).toMatch(/⏳<\/span> Expiring soon<br><span class="detail">expires Mar 1, 2027<\/span>/);
  t.clock.advance(60 * DAY);
  try {
    const page = await get('?status=expired').expect(200);
    expect(page.text).toMatch(/✕<\/span> Expired<br><span class="detail">expired Mar 1, 2027<\/span>/);
    expect(page.text).toContain('王秀英');
    const rows = parseCsv((await get('/report.csv?status=expired').buffer(true).parse(binary).expect(200)).body.toString('utf8').slice(1)).slice(1);
    expect(rows.map((r) => [r[0], r[3], r[7], r[8], r[9]])).toContainEqual(['王秀英', 'Annual Update', '2027-03-01', '2026-03-01', '2027-03-01']);
  } finally {
    t.clock.advance(-60 * DAY);
  }
});

test('the printable summary is a tagged PDF with the figures and names in every script', async () => {
  const res = await get('/summary.pdf').buffer(true).parse(binary).expect(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  const text = squash(pdfText(dir, 'summary', res.body as Buffer));
  expect(text).toContain('Training report: Valley Health');
  expect(text).toContain('Completion rate: ');
  expect(text).toContain('Ward 7, "East": ');
  // Nobody is overdue yet (due 400 days after joining): the list says so.
  expect(text).toContain("Nobody's training is overdue or expired.");
  t.clock.advance(100 * DAY);
  try {
    const late = squash(pdfText(dir, 'late', (await get('/summary.pdf').buffer(true).parse(binary).expect(200)).body as Buffer));
    expect(late).toContain('ਹਰਪ੍ਰੀਤ ਕੌਰ (Ward 7, "East"): Annual Update, Expired');
    expect(late).toContain('王秀英 (No unit): Annual Update, Expired');
  } finally {
    t.clock.advance(-100 * DAY);
  }
  const filtered = squash(pdfText(dir, 'filtered', (await get('/summary.pdf?status=completed').buffer(true).parse(binary).expect(200)).body as Buffer));
  expect(filtered).toContain('Statuses: Completed');
});

test('the certificates zip holds each certificate that counts, with an index of whose it is', async () => {
  const res = await get('/certificates.zip').buffer(true).parse(binary).expect(200);
  expect(res.headers['content-type']).toBe('application/zip');
  const files = unzipSync(new Uint8Array(res.body as Buffer));
  const pdfs = Object.keys(files).filter((f) => f.endsWith('.pdf')).sort();
  // Core: the formula learner and Punjabi; Annual: Punjabi and Chinese.
  expect(pdfs).toHaveLength(4);
  expect(pdfs.filter((f) => f.startsWith(`${slugs.annual}/`))).toHaveLength(2);
  for (const f of pdfs) expect(Buffer.from(files[f]!).subarray(0, 5).toString()).toBe('%PDF-');
  const index = Buffer.from(files['index.csv']!).toString('utf8');
  expect(index.startsWith('\uFEFFName,Email,Unit,Course,Certificate code,File\r\n')).toBe(true);
  expect(index).toContain('"\'=HYPERLINK(""http://evil.example"",""click"")"');
  expect(index).toContain('王秀英');
  // Filtered: only the unit's.
  const ward = (await t.services.organizations.units(org.id)).find((u) => u.name.startsWith('Ward'))!.id;
  const some = unzipSync(new Uint8Array((await get(`/certificates.zip?unit=${ward}&course=${slugs.annual}`).buffer(true).parse(binary).expect(200)).body as Buffer));
  expect(Object.keys(some).filter((f) => f.endsWith('.pdf'))).toHaveLength(1);
});

test('a learner\'s reflection appears in no report, export or download', async () => {
  const responses = [
    (await get('').expect(200)).text,
    (await get('?status=completed&sort=due').expect(200)).text,
    (await get('/report.csv').buffer(true).parse(binary).expect(200)).body.toString('utf8'),
    pdfText(dir, 'reflection', (await get('/summary.pdf').buffer(true).parse(binary).expect(200)).body as Buffer),
  ];
  const zip = unzipSync(new Uint8Array((await get('/certificates.zip').buffer(true).parse(binary).expect(200)).body as Buffer));
  for (const [name, data] of Object.entries(zip)) {
    responses.push(name.endsWith('.pdf') ? pdfText(dir, `zip-${responses.length}`, Buffer.from(data)) : Buffer.from(data).toString('utf8'));
  }
  const rows = [];
  for await (const r of t.services.reports.rows(org.id, {})) rows.push(JSON.stringify(r));
  responses.push(rows.join('\n'), JSON.stringify(await t.services.reports.summary(org.id, {})));
  // It was written: the learner's own module page shows it back to them.
  expect(await t.testDb.db('reflections').where({ text: REFLECTION }).first()).toBeTruthy();
  for (const body of responses) {
    expect(body).not.toContain('zq7-unique');
    expect(body).not.toContain('What would you do differently');
  }
});
