// An invalid course is skipped at start; administrators see why, with file and line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestApp, csrfFrom, FIXTURE_CURRICULUM, type TestApp } from '../support/app';
import { enrolSecondFactor, secondFactorCode } from '../support/second-factor';

let t: TestApp;
let root: string;
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-admin-'));
  fs.cpSync(FIXTURE_CURRICULUM, root, { recursive: true });
  fs.mkdirSync(path.join(root, 'half-written'));
  fs.writeFileSync(path.join(root, 'half-written', 'course.md'), '---\ntitle: Half written\nsummary: x\naudience: [all]\nminutes: 5\n---\nOverview\n');
  fs.writeFileSync(path.join(root, 'half-written', '01-start.md'), '---\ntitle: Start\nminutes: five\n---\nBody\n');
  t = await createTestApp({ config: { curriculumDir: root } });
});
afterAll(async () => { await t.close(); });

test('the valid courses are served, the invalid one is skipped and explained to administrators', async () => {
  const catalog = await request(t.app).get('/courses').expect(200);
  expect(catalog.text).toContain('Test course: the basics');
  expect(catalog.text).not.toContain('Half written');
  await request(t.app).get('/courses/half-written').expect(404);

  const made = await t.services.accounts.createUser({ email: 'admin@example.org', displayName: 'Admin', password: 'admin password 123', role: 'admin' });
  const { secret } = await enrolSecondFactor(t, made);
  const agent = request.agent(t.app);
  const csrf = await csrfFrom(agent, '/login');
  await agent.post('/login').type('form').send({ _csrf: csrf, email: 'admin@example.org', password: 'admin password 123' }).expect(303).expect('location', '/login/second-factor');
  const stepCsrf = await csrfFrom(agent, '/login/second-factor');
  await agent.post('/login/second-factor').type('form').send({ _csrf: stepCsrf, code: secondFactorCode(t, secret) }).expect(303);
  const admin = await agent.get('/admin').expect(200);
  expect(admin.text).toMatch(/half-written\/01-start\.md:3<\/code>\s*field &#34;minutes&#34;: must be a number/);
});
