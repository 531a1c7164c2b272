// The learner's whole path through HTTP on a real database: register, enrol, read in order,
// resume, complete, download the certificate, verify it.
import request from 'supertest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestApp, csrfFrom, registerLearner, type TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

const COURSE = '/courses/first-aid-basics';

test('a learner walks the whole path and gets a verifiable certificate', async () => {
  const name = 'Sḵwx̱wú7mesh səl̓ilw̓ətaʔɬ Nguyễn';
  const { agent } = await registerLearner(t.app, name);

  const catalog = await agent.get('/courses').expect(200);
  expect(catalog.text).toContain('Test course: the basics');

  // Enrol: lands on the first module.
  const token = await csrfFrom(agent, COURSE);
  const enrol = await agent.post(`${COURSE}/enrol`).type('form').send({ _csrf: token }).expect(303);
  expect(enrol.headers.location).toBe(`${COURSE}/modules/welcome`);

  const first = await agent.get(`${COURSE}/modules/welcome`).expect(200);
  expect(first.text).toContain('Module 1 of 3');
  expect(first.text).toMatch(/<progress[^>]*max="3" value="0"/);

  // Complete module 1: redirected to module 2.
  let csrf = /name="_csrf" value="([^"]+)"/.exec(first.text)![1];
  const done1 = await agent.post(`${COURSE}/modules/welcome/complete`).type('form').send({ _csrf: csrf }).expect(303);
  expect(done1.headers.location).toBe(`${COURSE}/modules/middle`);
  // Completing twice is harmless.
  await agent.post(`${COURSE}/modules/welcome/complete`).type('form').send({ _csrf: csrf }).expect(303);

  // Leave, come back: the dashboard resumes at module 2.
  const dash = await agent.get('/dashboard').expect(200);
  expect(dash.text).toContain(`href="${COURSE}/modules/middle"`);
  expect(dash.text).toMatch(/<progress[^>]*max="3" value="1"/);

  const middle = await agent.get(`${COURSE}/modules/middle`).expect(200);
  expect(middle.text).toContain('Mentions difficult topics.');
  expect(middle.text).toContain('rel="prev"');
  csrf = /name="_csrf" value="([^"]+)"/.exec(middle.text)![1];
  await agent.post(`${COURSE}/modules/middle/complete`).type('form').send({ _csrf: csrf }).expect(303);
  const last = await agent.post(`${COURSE}/modules/wrap-up/complete`).type('form').send({ _csrf: csrf }).expect(303);
  expect(last.headers.location).toBe(`${COURSE}?completed=1`);
  // A double submit of the last module issues no second certificate.
  await agent.post(`${COURSE}/modules/wrap-up/complete`).type('form').send({ _csrf: csrf }).expect(303);
  const certs = await t.testDb.db('certificates').count({ n: '*' }).first();
  expect(Number(certs!.n)).toBe(1);

  // The completion records the version it was earned on.
  const completion = await t.testDb.db('completions').first();
  const course = await t.testDb.db('courses').where({ slug: 'first-aid-basics' }).first();
  expect(Number(completion.version_id)).toBe(Number(course.current_version_id));

  const after = await agent.get('/dashboard').expect(200);
  const code = /\/certificates\/([A-Z0-9]{15})\.pdf/.exec(after.text)![1];

  // The PDF is the holder's, with their name exactly as registered.
  const pdf = await agent.get(`/certificates/${code}.pdf`).buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  }).expect(200);
  expect(pdf.headers['content-type']).toBe('application/pdf');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bw-cert-')), 'c.pdf');
  fs.writeFileSync(file, pdf.body as Buffer);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  expect(text.replace(/\s+/g, ' ')).toContain('Test course: the basics');

  // Anyone can verify it, as a page and as JSON; nothing else is disclosed.
  const page = await request(t.app).get(`/verify/${code.toLowerCase()}`).expect(200);
  expect(page.text).toContain('Valid certificate');
  expect(page.text).toContain(name);
  const json = await request(t.app).get(`/verify/${code}`).set('Accept', 'application/json').expect(200);
  expect(json.body).toMatchObject({ valid: true, status: 'valid', holderName: name, courseTitle: 'Test course: the basics', hours: 1.5 });
  expect(JSON.stringify(json.body)).not.toContain('@example.org');

  // Another learner cannot download it.
  const other = await registerLearner(t.app, 'Someone Else');
  await other.agent.get(`/certificates/${code}.pdf`).expect(404);
});

test('an unknown or mistyped code answers 404 with the reason', async () => {
  const unknown = await request(t.app).get('/verify/ABCDE-FGHJK-MNPQR').set('Accept', 'application/json').expect(404);
  expect(['check', 'unknown']).toContain(unknown.body.reason);
  const short = await request(t.app).get('/verify/ABC').expect(404);
  expect(short.text).toContain('15 letters and digits');
});

test('unknown course or module is a 404 page', async () => {
  const { agent } = await registerLearner(t.app);
  const res = await agent.get('/courses/no-such-course').expect(404);
  expect(res.text).toContain('Page not found');
  await agent.get(`${COURSE}/modules/no-such-module`).expect(404);
});
