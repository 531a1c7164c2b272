// Every name British Columbia writes registers and prints; what no certificate can print is
// refused beside the field, naming the characters (invisible ones as code points, never raw);
// a name with nothing visible is refused; and the administrator's zip still leaves out (and
// lists) an old record whose name cannot be printed.
import request from 'supertest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { createTestApp, csrfFrom, registerLearner, type TestApp } from '../support/app';
import { certifiedUser, signIn, signedInUser } from '../support/factories';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

const SLUG = 'blocks-demo';
const COURSE = `/courses/${SLUG}`;

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** pdftotext's text, whitespace squashed, less poppler's direction controls and the PDF's LRMs (see bidi.ts). */
function pdfText(pdf: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bw-pdf-')), 'f.pdf');
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/[\u202a-\u202e\u200e]/g, '').replace(/\s+/g, ' ');
}

async function completeCourseByPages(agent: request.Agent): Promise<string> {
  const csrf = await csrfFrom(agent, COURSE);
  await agent.post(`${COURSE}/enrol`).type('form').send({ _csrf: csrf }).expect(303);
  for (const key of ['everything', 'second']) await agent.post(`${COURSE}/modules/${key}/complete`).type('form').send({ _csrf: csrf }).expect(303);
  const dash = await agent.get('/dashboard').expect(200);
  return /\/certificates\/([A-Z0-9]{15})\.pdf/.exec(dash.text)![1]!;
}

async function register(displayName: string): Promise<request.Response> {
  const agent = request.agent(t.app);
  const csrf = await csrfFrom(agent, '/register');
  return agent.post('/register').type('form').send({ _csrf: csrf, displayName, email: `n${Math.random().toString(36).slice(2)}@example.org`, password: 'a long enough password' });
}

const unescape = (html: string): string => html.replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n))).replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16))).replace(/&amp;/g, '&');
/** The field's message on the re-rendered form. */
const nameMessage = (html: string): string => unescape(/Certificates cannot yet print these characters: ([^<]*?)\. Please/.exec(html)?.[1] ?? '');

test.each([
  '김민준', 'प्रिया शर्मा', 'ਗੁਰਪ੍ਰੀਤ ਕੌਰ', 'سارا محمدی', 'محمد علی', 'Nguyễn Thị Hương', 'səl̓ilw̓ətaʔɬ', 'ᐊᓂᔨᔅ', '陳美玲', 'Sara محمدی Tehrani',
])('%s registers, completes a course, and downloads a certificate and transcript that read back as typed', async (name) => {
  const { agent } = await registerLearner(t.app, name);
  const code = await completeCourseByPages(agent);
  const pdf = await agent.get(`/certificates/${code}.pdf`).buffer(true).parse(binary).expect(200);
  expect(pdf.headers['content-type']).toBe('application/pdf');
  expect(pdfText(pdf.body)).toContain(name);
  const transcript = await agent.get('/transcript.pdf').buffer(true).parse(binary).expect(200);
  expect(pdfText(transcript.body)).toContain(name);
});

test('an emoji is refused at registration, named, and the name kept on the form', async () => {
  const res = await register('Sam 😀 Lee');
  expect(res.status).toBe(422);
  expect(nameMessage(res.text)).toBe('😀');
  expect(unescape(res.text)).toContain('value="Sam 😀 Lee"');
});

test('control and bidi control characters are named as code points, never echoed raw', async () => {
  for (const [name, shown] of [['Alex\u202eelpmaxE', 'U+202E'], ['Alex\u0007Lee', 'U+0007'], ['Ali \u2067علی\u2069', 'U+2067 U+2069'], ['Ann \u0301Lee', 'U+0020 U+0301']] as const) {
    const res = await register(name);
    expect([name, res.status]).toEqual([name, 422]);
    expect(nameMessage(res.text)).toBe(shown);
    // The message itself carries no bidi control: it reads the same in any direction.
    const message = /Certificates cannot yet print[^<]*/.exec(unescape(res.text))![0];
    expect([...message].filter((ch) => /[\u202a-\u202e\u2066-\u2069]/u.test(ch) || ch.codePointAt(0)! < 0x20)).toEqual([]);
  }
});

test('a name with nothing visible is refused', async () => {
  for (const name of ['\u200b', '\u3164', '\u200d\u200d', '\u115f\u1160']) {
    const res = await register(name);
    expect([JSON.stringify(name), res.status]).toEqual([JSON.stringify(name), 422]);
    expect(res.text).toContain('Your name has no letters a certificate could show');
  }
});

test('at /account: an unprintable name is refused and named; a Persian name is accepted and the certificate reissued', async () => {
  const { user } = await certifiedUser(t, SLUG, { name: 'Account Person' });
  const { agent, csrf } = await signIn(t, user);
  const refused = await agent.post('/account').type('form').send({ _csrf: csrf, displayName: 'Account 🌈 Person' }).expect(422);
  expect(nameMessage(refused.text)).toBe('🌈');
  await agent.post('/account').type('form').send({ _csrf: csrf, displayName: 'مهسا رضایی‌نژاد' }).expect(303);
  const dash = await agent.get('/dashboard').expect(200);
  const code = /\/certificates\/([A-Z0-9]{15})\.pdf/.exec(dash.text)![1]!;
  const pdf = await agent.get(`/certificates/${code}.pdf`).buffer(true).parse(binary).expect(200);
  expect(pdfText(pdf.body)).toContain('مهسا رضایی‌نژاد');
});

test('the administrator\'s zip renders off the event loop and lists an old unprintable name it left out', async () => {
  // A record from before names were checked (made directly, not through the form).
  const { certificate: bad } = await certifiedUser(t, SLUG, { name: 'Legacy 😀 Name' });
  const { certificate: good } = await certifiedUser(t, SLUG, { name: 'سارا محمدی' });
  const { agent } = await signedInUser(t, { role: 'admin' });
  const zip = await agent.get(`/admin/certificates.zip?course=${SLUG}`).buffer(true).parse(binary).expect(200);
  const files = unzipSync(new Uint8Array(zip.body));
  const file = (code: string) => `${SLUG}/${code.slice(0, 5)}-${code.slice(5, 10)}-${code.slice(10)}.pdf`;
  expect(Object.keys(files)).toContain(file(good.code));
  expect(Object.keys(files)).not.toContain(file(bad.code));
  expect(Buffer.from(files['not-included.txt']!).toString()).toContain(`${bad.code.slice(0, 5)}-${bad.code.slice(5, 10)}-${bad.code.slice(10)}`);
  expect(pdfText(Buffer.from(files[file(good.code)]!))).toContain('سارا محمدی');
});
