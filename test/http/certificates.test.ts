// Certificates over their life: expiry and recertification, name correction and reissue,
// revocation, the transcript, and the administrator's bulk download. The first test is the one
// real journey (register, enrol, complete every module through the pages, renew); the others make
// their learners and certificates with the factories and test only what they are about.
import request from 'supertest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { createTestApp, csrfFrom, registerLearner, type TestApp } from '../support/app';
import { certifiedUser, publishCourse, signIn, signedInUser } from '../support/factories';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

const SLUG = 'blocks-demo';
const COURSE = `/courses/${SLUG}`;
const DAY = 24 * 60 * 60 * 1000;
const tokenIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];

const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

function pdfText(pdf: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bw-pdf-')), 'f.pdf');
  fs.writeFileSync(file, pdf);
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

/** The journey a learner takes: enrol, complete each module, find the certificate on the dashboard. */
async function completeCourseByPages(agent: request.Agent, slug = COURSE): Promise<string> {
  const csrf = await csrfFrom(agent, slug);
  const enrol = await agent.post(`${slug}/enrol`).type('form').send({ _csrf: csrf });
  if (enrol.status !== 303) throw new Error(`enrol: ${enrol.status}`);
  for (const key of ['everything', 'second']) {
    const res = await agent.post(`${slug}/modules/${key}/complete`).type('form').send({ _csrf: csrf });
    if (res.status !== 303) throw new Error(`complete ${key}: ${res.status}`);
  }
  const dash = await agent.get('/dashboard').expect(200);
  return /\/certificates\/([A-Z0-9]{15})\.pdf/.exec(dash.text)![1];
}

/** A learner who finished blocks-demo, signed in, with the certificate's code. */
async function certifiedLearner(name: string): Promise<{ agent: request.Agent; csrf: string; code: string }> {
  const { user, certificate } = await certifiedUser(t, SLUG, { name });
  return { ...(await signIn(t, user)), code: certificate.code };
}

test('a certificate expires after the course validity, is flagged 60 days ahead, and can be renewed', async () => {
  const { agent } = await registerLearner(t.app, 'Renewing Learner');
  const start = t.clock.now();
  const code = await completeCourseByPages(agent);
  const json = await request(t.app).get(`/verify/${code}`).set('Accept', 'application/json').expect(200);
  expect(json.body.expiresAt).toBe(new Date(Date.UTC(start.getUTCFullYear() + 2, start.getUTCMonth(), start.getUTCDate(), start.getUTCHours())).toISOString());
  expect((await agent.get('/dashboard')).text).not.toContain('Certificates to renew');
  const csrf = tokenIn((await agent.get(COURSE)).text);
  // Not due yet: a retake is refused.
  await agent.post(`${COURSE}/retake`).type('form').send({ _csrf: csrf }).expect(409);

  t.clock.advance(2 * 365 * DAY - 50 * DAY);
  const warned = await agent.get('/dashboard').expect(200);
  expect(warned.text).toContain('Certificates to renew');
  expect(warned.text).toMatch(/Your certificate for Blocks demo expires on/);

  t.clock.advance(60 * DAY);
  const expired = await request(t.app).get(`/verify/${code}`).expect(200);
  expect(expired.text).toContain('Expired certificate');
  const page = await agent.get(COURSE).expect(200);
  expect(page.text).toContain('Take the course again to renew your certificate');

  const retake = await agent.post(`${COURSE}/retake`).type('form').send({ _csrf: tokenIn(page.text) }).expect(303);
  expect(retake.headers.location).toBe(`${COURSE}/modules/everything`);
  expect((await agent.get('/dashboard')).text).toMatch(/<progress[^>]*max="2" value="0"/);
  for (const key of ['everything', 'second']) await agent.post(`${COURSE}/modules/${key}/complete`).type('form').send({ _csrf: tokenIn(page.text) }).expect(303);
  const transcript = await agent.get('/transcript').expect(200);
  expect(transcript.text.match(/<tr>/g)!.length).toBe(3); // header + two certificates
  expect(transcript.text).toContain('Expired');
  expect(transcript.text).toContain('Valid');
  expect((await agent.get('/dashboard')).text).not.toContain('Certificates to renew');
});

test('correcting a name reissues the certificate; the old one verifies as replaced', async () => {
  const { agent, code: oldCode } = await certifiedLearner('Wrong Spelling');
  const account = await agent.get('/account').expect(200);
  const bad = await agent.post('/account').type('form').send({ _csrf: tokenIn(account.text), displayName: '  ' }).expect(422);
  expect(bad.text).toContain('Enter your name as it should appear on your certificate.');
  const saved = await agent.post('/account').type('form').send({ _csrf: tokenIn(account.text), displayName: 'Stó:lō Right Spelling' }).expect(303);
  expect((await agent.get(saved.headers.location)).text).toContain('1 certificate was reissued with your corrected name.');

  const old = await request(t.app).get(`/verify/${oldCode}`).set('Accept', 'application/json').expect(200);
  expect(old.body).toMatchObject({ valid: false, status: 'superseded', holderName: 'Wrong Spelling' });
  const dash = await agent.get('/dashboard').expect(200);
  const newCode = /\/certificates\/([A-Z0-9]{15})\.pdf/.exec(dash.text)![1];
  expect(newCode).not.toBe(oldCode);
  const fresh = await request(t.app).get(`/verify/${newCode}`).set('Accept', 'application/json').expect(200);
  expect(fresh.body).toMatchObject({ valid: true, holderName: 'Stó:lō Right Spelling', issuedAt: old.body.issuedAt, expiresAt: old.body.expiresAt });
  const pdf = await agent.get(`/certificates/${newCode}.pdf`).buffer(true).parse(binary).expect(200);
  expect(pdfText(pdf.body)).toContain('Stó:lō Right Spelling');
});

test('an administrator revokes with a reason, which verification shows', async () => {
  const { agent, csrf: learnerCsrf, code } = await certifiedLearner('Revoked Person');
  const { agent: adminAgent } = await signedInUser(t, { role: 'admin' });
  const page = await adminAgent.get(`/admin/certificates?course=blocks-demo`).expect(200);
  expect(page.text).toContain(code.slice(0, 5));
  const empty = await adminAgent.post(`/admin/certificates/${code}/revoke`).type('form').send({ _csrf: tokenIn(page.text), reason: 'x' }).expect(422);
  expect(empty.text).toContain('Give a reason of at least 3 characters.');
  expect(empty.text).toContain('value="x"');
  await adminAgent.post(`/admin/certificates/${code}/revoke`).type('form').send({ _csrf: tokenIn(page.text), reason: 'Issued in error' }).expect(303);
  const verify = await request(t.app).get(`/verify/${code}`).expect(200);
  expect(verify.text).toContain('Revoked certificate');
  expect(verify.text).toContain('Issued in error');
  const json = await request(t.app).get(`/verify/${code}`).set('Accept', 'application/json').expect(200);
  expect(json.body).toMatchObject({ valid: false, status: 'revoked', revokedReason: 'Issued in error' });
  // Learners may not revoke: with their own valid CSRF token, the guard (not CSRF) refuses them.
  const refused = await agent.post(`/admin/certificates/${code}/revoke`).set('Accept', 'application/json').type('form')
    .send({ _csrf: learnerCsrf, reason: 'nope' }).expect(403);
  expect(refused.body.error.id).toBe('forbidden');
  // A revoked certificate counts for nothing: the course page offers to take the course again for a new one.
  const course = await agent.get(COURSE).expect(200);
  expect(course.text).toContain('Take the course again for a new certificate');
  const retake = await agent.post(`${COURSE}/retake`).type('form').send({ _csrf: tokenIn(course.text) }).expect(303);
  expect(retake.headers.location).toBe(`${COURSE}/modules/everything`);
});

test('the transcript PDF lists completions; administrators download a selection as a zip', async () => {
  const { agent, code } = await certifiedLearner('Transcript Person');
  const pdf = await agent.get('/transcript.pdf').buffer(true).parse(binary).expect(200);
  const text = pdfText(pdf.body);
  expect(text).toContain('Transcript Person');
  expect(text).toContain('Blocks demo');
  expect(text).toContain(`${code.slice(0, 5)}-${code.slice(5, 10)}-${code.slice(10)}`);

  await agent.get('/admin/certificates.zip').expect(403);
  const { agent: adminAgent } = await signedInUser(t, { role: 'admin' });
  const today = t.clock.now().toISOString().slice(0, 10);
  const zip = await adminAgent.get(`/admin/certificates.zip?course=blocks-demo&from=${today}&to=${today}`).buffer(true).parse(binary).expect(200);
  const files = unzipSync(new Uint8Array(zip.body));
  const name = `blocks-demo/${code.slice(0, 5)}-${code.slice(5, 10)}-${code.slice(10)}.pdf`;
  expect(Object.keys(files)).toContain(name);
  expect(Buffer.from(files[name]).subarray(0, 5).toString()).toBe('%PDF-');
  const none = await adminAgent.get('/admin/certificates.zip?course=blocks-demo&from=2001-01-01&to=2001-01-02').buffer(true).parse(binary).expect(200);
  expect(Object.keys(unzipSync(new Uint8Array(none.body)))).toEqual([]);
  await adminAgent.get('/admin/certificates?from=not-a-date').expect(400);
});

test('a mistyped code is caught by its check character', async () => {
  const { certificate: { code } } = await certifiedUser(t, SLUG, { name: 'Typo Person' });
  // Swap the first two neighbours that differ (swapping equal ones would change nothing).
  const i = [...code].findIndex((c, n) => n < code.length - 1 && c !== code[n + 1]);
  const swapped = code.slice(0, i) + code[i + 1] + code[i] + code.slice(i + 2);
  const res = await request(t.app).get(`/verify/${swapped}`).expect(404);
  expect(res.text).toContain('That code has a typo');
  const spaced = `${code.slice(0, 5).toLowerCase()} ${code.slice(5, 10)}-${code.slice(10)}`;
  await request(t.app).get(`/verify/${encodeURIComponent(spaced)}`).expect(200);
});

test('a name no certificate can print is refused beside the field; names in other scripts print', async () => {
  const agent = request.agent(t.app);
  const csrf = await csrfFrom(agent, '/register');
  const res = await agent.post('/register').type('form')
    .send({ _csrf: csrf, displayName: 'Sam 😀', email: 'emoji@example.org', password: 'a long enough password' }).expect(422);
  expect(res.text).toContain('Certificates cannot yet print these characters: 😀.');
  expect(res.text).toContain('value="Sam 😀"');

  const { agent: learner, code } = await certifiedLearner('ਗੁਰਪ੍ਰੀਤ 陳大文');
  const pdf = await learner.get(`/certificates/${code}.pdf`).buffer(true).parse(binary).expect(200);
  expect(pdfText(pdf.body)).toContain('ਗੁਰਪ੍ਰੀਤ 陳大文');
  const transcript = await learner.get('/transcript.pdf').buffer(true).parse(binary).expect(200);
  expect(pdfText(transcript.body)).toContain('陳大文');
});

test('the transcript and the verification page give the training time as it is said, not a decimal', async () => {
  const course = await publishCourse(t, { spec: { hours: 70 / 60 } });
  const { user, certificate } = await certifiedUser(t, course.slug);
  const { agent } = await signIn(t, user);
  const transcript = await agent.get('/transcript').expect(200);
  expect(transcript.text).toContain('1 hour 10 minutes');
  expect(transcript.text).not.toContain('1.167');
  const verify = await request(t.app).get(`/verify/${certificate.code}`).expect(200);
  expect(verify.text).toContain('1 hour 10 minutes');
});
