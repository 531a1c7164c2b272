// A learner deletes their account: after it, their name and email are nowhere in the database
// (every text column of every table is searched), their certificate verifies as withdrawn by the
// holder with no name, the course's totals still count their completion and answers, and they
// cannot sign in. The last active administrator cannot delete their account.
import request from 'supertest';
import { createTestApp, csrfFrom, type TestApp } from '../support/app';
import { makeOrganization, makeMember } from '../support/organizations';
import { makeUser, signIn } from '../support/factories';
import { publishAssessmentCourse, takeSurveyCourse, surveyAnswers, answerByService } from '../support/assessment';
import { databaseColumns } from '../../src/privacy/store';
import { enqueueEmail } from '../../src/mail/outbox';
import { formatCode } from '../../src/certificates/codes';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

const NAME = 'Zephyrine Quill-Okafor';

/** Every place (table.column) where a value contains the needle, any case. */
async function findEverywhere(needle: string): Promise<string[]> {
  const found: string[] = [];
  const lower = needle.toLowerCase();
  for (const [table, columns] of await databaseColumns(t.testDb.db)) {
    for (const row of await t.testDb.db(table).select(columns)) {
      for (const c of columns) {
        const v = row[c];
        const text = Buffer.isBuffer(v) ? v.toString('utf8') : v == null ? '' : String(v);
        if (text.toLowerCase().includes(lower)) found.push(`${table}.${c}`);
      }
    }
  }
  return found;
}

async function learnerWithRecords() {
  const graded = await publishAssessmentCourse(t, 'graded-course', `graded-${Math.random().toString(36).slice(2, 8)}`);
  const org = await makeOrganization(t);
  const member = await makeMember(t, org.id, { name: NAME });
  const slug = graded.slug;
  await takeSurveyCourse(t, member.user, slug, surveyAnswers(graded.course, 2), surveyAnswers(graded.course, 4, 'true'));
  for (const [key, id, chosen] of [['start', 'start--border', [1]], ['start', 'start--roles', [0, 1]], ['start', 'start--reports', [1]], ['end', 'end--scenario-the-licence-check', [1]], ['end', 'end--recheck', [2]]] as const) {
    await answerByService(t, member.user, slug, key, id, [...chosen]);
  }
  await t.services.learning.submitEvaluation(slug, { useful: 4, relevant: 5, recommend: 4, comment: 'Useful scenarios.' }, member.user);
  const certificate = (await t.services.certificates.listForUser(member.user.id)).find((c) => c.courseSlug === slug);
  if (!certificate) throw new Error('the course was not completed');
  // Email to them, and a manager's email that names them, as the weekly summary does.
  await enqueueEmail(t.testDb.db, { kind: 'test_to_learner', to: member.email, subject: 'Reminder', text: `Hello ${NAME}`, dedupeKey: `test-a-${member.user.id}` }, t.clock.now());
  await enqueueEmail(t.testDb.db, {
    kind: 'test_summary', to: org.manager.email, subject: 'Weekly summary', text: `Overdue: ${NAME} (${member.email})`,
    html: `<p>Overdue: ${NAME.replace('-', '&#45;')} ${NAME}</p>`, dedupeKey: `test-b-${member.user.id}`,
  }, t.clock.now());
  // A sign-in limit counted against their email.
  await t.testDb.db('rate_limits').insert({ key: `login-account:email:${member.email}`, hits: 3, reset_at: t.clock.now().getTime() + 60_000 });
  return { graded, org, member, certificate, slug };
}

test('deleting one\'s account erases the identity and keeps anonymous totals', async () => {
  const { member, certificate, graded, org } = await learnerWithRecords();
  const db = t.testDb.db;
  const courseId = Number((await db('courses').where({ slug: graded.slug }).first('id')).id);
  const before = {
    completions: (await db('completions').where({ course_id: courseId })).length,
    attempts: (await t.services.learning.records.courseAttempts(courseId)).length,
    surveys: (await t.services.learning.records.surveyResponses(courseId)).length,
  };
  expect(before.completions).toBe(1);
  expect(await findEverywhere(NAME)).not.toEqual([]);

  // The page says what happens, and asks for the password.
  const page = await member.agent.get('/account/delete').expect(200);
  expect(page.text).toContain('withdrawn by its holder');
  expect(page.text).toContain('name="password"');

  // A wrong password changes nothing, and says so beside the field.
  const wrong = await member.agent.post('/account/delete').type('form').send({ _csrf: member.csrf, password: 'not my password' }).expect(422);
  expect(wrong.text).toContain('aria-invalid="true"');
  expect((await db('users').where({ id: member.user.id }).first('erased_at')).erased_at).toBeNull();

  const done = await member.agent.post('/account/delete').type('form').send({ _csrf: member.csrf, password: member.password }).expect(303);
  expect(done.headers.location).toBe('/account/deleted');
  await member.agent.get('/account/deleted').expect(200);

  // Nothing names them, in any column of any table.
  expect(await findEverywhere(NAME)).toEqual([]);
  expect(await findEverywhere(member.email)).toEqual([]);

  // The certificate verifies as withdrawn by the holder, with no name, in HTML and JSON.
  const verify = await request(t.app).get(`/verify/${certificate.code}`).expect(200);
  expect(verify.text).toContain('withdrawn by the holder');
  expect(verify.text).not.toContain(NAME);
  const json = await request(t.app).get(`/verify/${formatCode(certificate.code)}`).set('Accept', 'application/json').expect(200);
  expect(json.body).toMatchObject({ valid: false, status: 'withdrawn', holderName: null });

  // The totals still count their completion, their attempts and their survey answers.
  expect((await db('completions').where({ course_id: courseId })).length).toBe(before.completions);
  expect((await t.services.learning.records.courseAttempts(courseId)).length).toBe(before.attempts);
  expect((await t.services.learning.records.surveyResponses(courseId)).length).toBe(before.surveys);
  // They are no longer anyone's staff.
  expect((await t.services.organizations.members(org.id)).map((m) => m.userId)).not.toContain(member.user.id);

  // Signed out, and cannot sign in again.
  const after = await member.agent.get('/account');
  expect([302, 303]).toContain(after.status);
  const agent = request.agent(t.app);
  const csrf = await csrfFrom(agent, '/login');
  await agent.post('/login').type('form').send({ _csrf: csrf, email: member.email, password: member.password }).expect(401);

  // Even a session made for the account is signed out, and no PDF of the certificate is made for it.
  const again = await signIn(t, { ...member.user });
  const pdf = await again.agent.get(`/certificates/${certificate.code}.pdf`);
  expect(pdf.status).not.toBe(200);

  // The audit log records the erasure by the account's id only.
  const event = await db('audit_events').where({ action: 'account.erased' }).first();
  expect(event).toMatchObject({ actor_id: member.user.id, target_id: String(member.user.id), client_address: null });
});

test('the last active administrator cannot delete their account', async () => {
  // Every administrator made so far is deactivated, so this one is the last.
  await t.testDb.db('users').where({ role: 'admin' }).update({ deactivated_at: t.clock.now() });
  const admin = await makeUser(t, { role: 'admin', name: 'Only Admin' });
  const { agent, csrf } = await signIn(t, admin.user);
  const page = await agent.get('/account/delete').expect(200);
  expect(page.text).not.toContain('name="password"');
  await agent.post('/account/delete').type('form').send({ _csrf: csrf, password: admin.password }).expect(409);
  expect((await t.testDb.db('users').where({ id: admin.user.id }).first('erased_at')).erased_at).toBeNull();

  // With another active administrator, they may.
  await makeUser(t, { role: 'admin', name: 'Second Admin' });
  await agent.post('/account/delete').type('form').send({ _csrf: csrf, password: admin.password }).expect(303);
  expect((await t.testDb.db('users').where({ id: admin.user.id }).first('erased_at')).erased_at).not.toBeNull();
});

test('one person\'s erasure leaves everyone else as they were', async () => {
  const other = await makeUser(t, { name: 'Unrelated Person' });
  const { member } = await learnerWithRecords();
  const { agent, csrf } = await signIn(t, member.user);
  await agent.post('/account/delete').type('form').send({ _csrf: csrf, password: member.password }).expect(303);
  expect(await findEverywhere('Unrelated Person')).toContain('users.display_name');
  expect(await findEverywhere(other.email)).toContain('users.email');
});

test('an administrator sees a deleted account as deleted, and can neither reactivate it nor change its role', async () => {
  const { member } = await learnerWithRecords();
  const { agent, csrf } = await signIn(t, member.user);
  await agent.post('/account/delete').type('form').send({ _csrf: csrf, password: member.password }).expect(303);

  const admin = await makeUser(t, { role: 'admin', name: 'Looking Admin' });
  const signedIn = await signIn(t, admin.user);
  const page = await signedIn.agent.get(`/admin/users/${member.user.id}`).expect(200);
  expect(page.text).toContain('Deleted by its holder on');
  expect(page.text).not.toContain('confirm?action=reactivate');
  expect(page.text).not.toContain('/reset-link');
  // Reactivated, the anonymous account could be given a password again through a staff-made link.
  const reactivate = await signedIn.agent.post(`/admin/users/${member.user.id}/reactivate`).type('form').send({ _csrf: signedIn.csrf }).expect(409);
  expect(reactivate.text).toContain('This account was deleted');
  await signedIn.agent.post(`/admin/users/${member.user.id}/role`).type('form').send({ _csrf: signedIn.csrf, role: 'trainer' }).expect(409);
  const row = await t.testDb.db('users').where({ id: member.user.id }).first('deactivated_at', 'role');
  expect(row.deactivated_at).not.toBeNull();
  expect(row.role).toBe('learner');
});

test('wrong passwords on the delete form are limited per account: ten an hour, then even the right one waits', async () => {
  const person = await makeUser(t, { name: 'Guessed At' });
  const { agent, csrf } = await signIn(t, person.user);
  for (let i = 0; i < 10; i++) {
    await agent.post('/account/delete').type('form').send({ _csrf: csrf, password: `wrong guess ${i}` }).expect(422);
  }
  const held = await agent.post('/account/delete').type('form').send({ _csrf: csrf, password: person.password });
  expect(held.status).toBe(429);
  expect((await t.testDb.db('users').where({ id: person.user.id }).first('erased_at')).erased_at).toBeNull();
  // The count is the account's, whatever form asks: changing the password is held too.
  await agent.post('/account/password').type('form')
    .send({ _csrf: csrf, currentPassword: person.password, newPassword: 'a brand new long password', confirmPassword: 'a brand new long password' }).expect(429);
  // An hour later the owner may go on.
  t.clock.advance(61 * 60 * 1000);
  await agent.post('/account/delete').type('form').send({ _csrf: csrf, password: person.password }).expect(303);
});
