// The audit log: every privileged action is recorded with its actor and target, administrators
// filter it and download it as CSV, nobody else sees it, and no code in src/ changes or removes it.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { certifiedUser, publishCourse, signIn, signedInUser, makeUser, type MadeUser, type SignedIn } from '../support/factories';
import { makeMember, makeOrganization } from '../support/organizations';
import { makeApiToken, apiGet } from '../support/api';
import { ROOT_DIR } from '../../src/paths';

let t: TestApp;
let admin: MadeUser & SignedIn;
beforeAll(async () => {
  t = await createTestApp();
  admin = await signedInUser(t, { role: 'admin', name: 'Ada Admin' });
});
afterAll(async () => { await t.close(); });

interface Entry { actor_id: number | null; actor_label: string; action: string; target_type: string | null; target_id: string | null; details: string; client_address: string | null; request_id: string | null }
const entries = async (action: string, targetId?: number): Promise<Entry[]> => t.testDb.db('audit_events')
  .where(targetId === undefined ? { action } : { action, target_id: String(targetId) }).orderBy('id').select('*');
const binary = (res: request.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

test('role changes, deactivations and reactivations are logged with actor, target and origin, and shown filtered', async () => {
  const someone = await makeUser(t, { name: 'Logged Person' });
  const post = (action: string, body: Record<string, string> = {}) => admin.agent.post(`/admin/users/${someone.user.id}/${action}`).type('form').send({ _csrf: admin.csrf, ...body }).expect(303);
  await post('role', { role: 'trainer' });
  await post('deactivate');
  await post('reactivate');
  const [role] = await entries('user.role_changed');
  expect(role).toMatchObject({ actor_id: admin.user.id, actor_label: `Ada Admin <${admin.email}>`, target_type: 'user', target_id: String(someone.user.id) });
  expect(JSON.parse(role.details)).toEqual({ from: 'learner', to: 'trainer' });
  expect(role.client_address).toBeTruthy();
  expect(role.request_id).toBeTruthy();
  expect(await entries('user.deactivated')).toHaveLength(1);
  expect(await entries('user.reactivated')).toHaveLength(1);

  const page = await admin.agent.get('/admin/audit?action=user.deactivated').expect(200);
  expect(page.text).toContain('Account deactivated');
  expect(page.text).toContain('1 entry.');
  expect(page.text).not.toContain('Role changed</td>');
  expect((await admin.agent.get('/admin/audit?actor=ada+admin').expect(200)).text).toContain('Account reactivated');
  expect((await admin.agent.get('/admin/audit?actor=nobody-at-all').expect(200)).text).toContain('0 entries.');
  const today = t.clock.now().toISOString().slice(0, 10);
  expect((await admin.agent.get(`/admin/audit?from=${today}&to=${today}&action=user.role_changed`).expect(200)).text).toContain('1 entry.');
  expect((await admin.agent.get('/admin/audit?to=2000-01-01').expect(200)).text).toContain('0 entries.');
  // Unreadable filters are ignored, never an error.
  await admin.agent.get('/admin/audit?from=yesterday&action=bogus&page=-3').expect(200);
});

test('a failed change writes no entry (the entry is in the action\'s transaction)', async () => {
  const before = (await entries('user.role_changed')).length;
  const others = await t.testDb.db('users').where({ role: 'admin' }).whereNot('id', admin.user.id).select('id');
  for (const o of others) await t.testDb.db('users').where({ id: o.id }).update({ role: 'learner' });
  await admin.agent.post(`/admin/users/${admin.user.id}/role`).type('form').send({ _csrf: admin.csrf, role: 'learner' }).expect(409);
  expect(await entries('user.role_changed')).toHaveLength(before);
});

test('publications, revocations, certificate downloads and report exports are logged', async () => {
  // A publication from the browser.
  const trainer = await signedInUser(t, { role: 'trainer', name: 'Tess Trainer' });
  await trainer.agent.post('/author/new').type('form').send({ _csrf: trainer.csrf, slug: 'audited-course', title: 'Audited', summary: 'A summary.', audience: ['police'], minutes: '20' }).expect(303);
  await trainer.agent.post('/author/courses/audited-course/publish').type('form').send({ _csrf: trainer.csrf, notes: '' }).expect(303);
  expect(await entries('course.published')).toEqual([expect.objectContaining({ actor_id: trainer.user.id, target_type: 'course', target_id: 'audited-course' })]);

  const { slug } = await publishCourse(t);
  const learner = await certifiedUser(t, slug);
  await admin.agent.post(`/admin/certificates/${learner.certificate.code}/revoke`).type('form').send({ _csrf: admin.csrf, reason: 'Issued in error' }).expect(303);
  expect(await entries('certificate.revoked')).toEqual([expect.objectContaining({ actor_id: admin.user.id, target_type: 'certificate', target_id: learner.certificate.code })]);

  await admin.agent.get(`/admin/certificates.zip?course=${slug}`).buffer(true).parse(binary).expect(200);
  const [zip] = await entries('certificates.downloaded');
  expect(zip.actor_id).toBe(admin.user.id);
  expect(JSON.parse(zip.details)).toMatchObject({ course: slug });

  const org = await makeOrganization(t, { admin: admin.user });
  for (const file of ['report.csv', 'summary.pdf', 'certificates.zip']) {
    await org.manager.agent.get(`/reports/${org.id}/${file}`).buffer(true).parse(binary).expect(200);
  }
  const exports = await entries('report.exported');
  expect(exports.map((e) => JSON.parse(e.details).format)).toEqual(['csv', 'pdf', 'certificates-zip']);
  expect(exports.every((e) => e.actor_id === org.manager.user.id && e.target_id === String(org.id))).toBe(true);
});

test('organizations, managers, imports, member removals and API tokens are logged; token use once a minute', async () => {
  const created = await admin.agent.post('/admin/organizations').type('form').send({ _csrf: admin.csrf, name: 'Audit Health', type: 'health_authority' }).expect(303);
  const orgId = Number(/\/admin\/organizations\/(\d+)/.exec(created.headers.location)![1]);
  expect(await entries('organization.created', orgId)).toEqual([expect.objectContaining({ actor_id: admin.user.id, target_id: String(orgId) })]);
  const boss = await makeUser(t, { name: 'Boss Person' });
  await admin.agent.post(`/admin/organizations/${orgId}/managers`).type('form').send({ _csrf: admin.csrf, email: boss.email, displayName: '' }).expect(303);
  expect(await entries('manager.named', boss.user.id)).toEqual([expect.objectContaining({ actor_id: admin.user.id, target_id: String(boss.user.id) })]);

  const manager = await signIn(t, (await t.services.accounts.findUser(boss.user.id))!);
  const upload = await manager.agent.post(`/organizations/${orgId}/import?_csrf=${encodeURIComponent(manager.csrf)}`)
    .attach('file', Buffer.from('Name,Email\r\nNew Person,new.person.audit@example.org\r\n'), 'staff.csv').expect(303);
  await manager.agent.post(upload.headers.location).type('form').send({ _csrf: manager.csrf }).expect(200);
  const [imported] = await entries('staff.imported');
  expect(imported).toMatchObject({ actor_id: boss.user.id, target_id: String(orgId) });
  expect(JSON.parse(imported.details)).toMatchObject({ create: 1 });

  const member = await makeMember(t, orgId);
  await manager.agent.post(`/organizations/${orgId}/members/${member.user.id}/remove`).type('form').send({ _csrf: manager.csrf }).expect(303);
  expect(await entries('member.removed')).toEqual([expect.objectContaining({ actor_id: boss.user.id, target_id: String(member.user.id) })]);

  const shown = await manager.agent.post(`/organizations/${orgId}/api-tokens`).type('form').send({ _csrf: manager.csrf, name: 'HR sync' }).expect(200);
  const secret = /bwk_[A-Za-z0-9_-]{20,}/.exec(shown.text)![0];
  const [made] = await entries('api_token.created');
  expect(made.actor_id).toBe(boss.user.id);
  expect(made.details).not.toContain(secret); // never the token itself
  await manager.agent.post(`/organizations/${orgId}/api-tokens/${made.target_id}/revoke`).type('form').send({ _csrf: manager.csrf }).expect(303);
  expect(await entries('api_token.revoked')).toEqual([expect.objectContaining({ actor_id: boss.user.id, target_id: made.target_id })]);

  const reporting = await makeOrganization(t, { admin: admin.user });
  const { id, token } = await makeApiToken(t, reporting.id, reporting.manager.user.id);
  await apiGet(t, '/api/v1/learners', token);
  await apiGet(t, '/api/v1/learners', token);
  expect(await entries('api_token.used')).toEqual([expect.objectContaining({ actor_id: null, target_type: 'api_token', target_id: String(id) })]);
  t.clock.advance(61_000);
  await apiGet(t, '/api/v1/learners', token);
  expect(await entries('api_token.used')).toHaveLength(2);
});

test('the log downloads as CSV, filtered, with a byte-order mark and a header', async () => {
  const res = await admin.agent.get('/admin/audit.csv?action=user.role_changed').buffer(true).parse(binary).expect(200);
  expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
  const text = (res.body as Buffer).toString('utf8');
  expect(text.startsWith('\uFEFFwhen,actor_id,actor,action,')).toBe(true);
  const lines = text.trim().split('\r\n');
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.slice(1).every((l) => l.includes(',user.role_changed,'))).toBe(true);
  expect(text).toContain(`Ada Admin <${admin.email}>`);
});

test('learners, trainers and organization managers cannot see the log', async () => {
  const org = await makeOrganization(t, { admin: admin.user });
  for (const as of [await signedInUser(t), await signedInUser(t, { role: 'trainer' }), org.manager]) {
    await as.agent.get('/admin/audit').expect(403);
    await as.agent.get('/admin/audit.csv').expect(403);
  }
  await request(t.app).get('/admin/audit.csv').set('Accept', 'application/json').expect(401);
});

test('the log is append-only: no code in src/ updates or deletes audit_events', () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|js)$/.test(e.name)) files.push(p);
    }
  };
  walk(path.join(ROOT_DIR, 'src'));
  const offenders: string[] = [];
  for (const file of files) {
    const text = fs.readFileSync(file, 'utf8');
    // Any statement naming the table with an update, delete, truncate or drop nearby.
    for (const m of text.matchAll(/audit_events/g)) {
      const around = text.slice(Math.max(0, m.index! - 200), m.index! + 300);
      if (/\.(update|delete|del|truncate)\s*\(|\b(update|delete\s+from|truncate|drop\s+table)\b[^;]{0,80}audit_events/i.test(around)) offenders.push(path.relative(ROOT_DIR, file));
    }
  }
  expect(files.length).toBeGreaterThan(50);
  expect(offenders).toEqual([]);
});
