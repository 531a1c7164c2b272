// The factories make what the app itself would make: an agent signed in as the user (with a CSRF
// token the app accepts), published courses the learner pages serve, and completions with their
// certificates. If the app changes how any of these are stored, these tests say so first.
import request from 'supertest';
import { createTestApp, type TestApp } from './app';
import { certifiedUser, completeCourse, completeModules, enrol, makeUser, publishCourse, signIn, signedInUser } from './factories';
import { courseFiles } from './course-files';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

describe('signed-in agents', () => {
  test('the app sees the user, and accepts the CSRF token the factory gives', async () => {
    const { agent, csrf, user } = await signedInUser(t, { name: 'Factory Learner' });
    const account = await agent.get('/account').expect(200);
    expect(account.text).toContain('value="Factory Learner"');
    await agent.post('/account').type('form').send({ _csrf: csrf, displayName: 'Factory Learner Renamed' }).expect(303);
    expect((await t.services.accounts.findUser(user.id))?.displayName).toBe('Factory Learner Renamed');
    // A stranger's agent is not signed in, and a wrong token is still refused.
    await request(t.app).get('/account').expect(303);
    await agent.post('/account').type('form').send({ _csrf: `${csrf}x`, displayName: 'Nope' }).expect(403);
  });

  test('each role reaches what that role may, and no more', async () => {
    const admin = await signedInUser(t, { role: 'admin' });
    const learner = await signedInUser(t, { role: 'learner' });
    await admin.agent.get('/admin').expect(200);
    await learner.agent.get('/admin').expect(403);
  });

  test('an agent can be signed in as a user made earlier, and the sign-in password still works', async () => {
    const { user, email, password } = await makeUser(t, { role: 'trainer' });
    const { agent } = await signIn(t, user);
    await agent.get('/author').expect(200);
    await expect(t.services.accounts.checkCredentials(email, password)).resolves.toMatchObject({ id: user.id });
  });
});

describe('courses, progress and certificates', () => {
  test('a course published from files is served to learners; the same files again are the same version', async () => {
    const first = await publishCourse(t, { slug: 'factory-course', spec: { title: 'Factory course', modules: ['alpha', 'beta'] } });
    const again = await publishCourse(t, { slug: 'factory-course', spec: { title: 'Factory course', modules: ['alpha', 'beta'] } });
    expect(again.versionId).toBe(first.versionId);
    const changed = await publishCourse(t, { slug: 'factory-course', files: courseFiles({ title: 'Factory course', modules: ['alpha', 'beta', 'gamma'] }) });
    expect(changed.versionId).not.toBe(first.versionId);
    const { agent, user } = await signedInUser(t);
    const page = await agent.get('/courses/factory-course').expect(200);
    expect(page.text).toContain('Factory course');
    await enrol(t, user, 'factory-course');
    expect((await agent.get('/courses/factory-course/modules/gamma').expect(200)).text).toContain('Module gamma');
  });

  test('a fixture course published by the factory is the version the folder sync published', async () => {
    const synced = (await t.services.curriculum.catalog()).find((c) => c.course.slug === 'first-aid-basics')!;
    expect((await publishCourse(t, { fixture: 'first-aid-basics' })).versionId).toBe(synced.versionId);
  });

  test('progress made by the factory is the progress the learner sees', async () => {
    const { slug } = await publishCourse(t, { spec: { modules: ['one', 'two', 'three'] } });
    const { user } = await makeUser(t);
    await completeModules(t, user, slug, ['one']);
    const { agent } = await signIn(t, user);
    expect((await agent.get('/dashboard').expect(200)).text).toMatch(/<progress[^>]*max="3" value="1"/);
  });

  test('completing a course issues its certificate, dated by the test clock, expiring by the course validity', async () => {
    const { slug } = await publishCourse(t, { spec: { title: 'Expiring course', validityMonths: 12 } });
    const { user, certificate } = await certifiedUser(t, slug, { name: 'Certified Person' });
    expect(certificate).toMatchObject({ holderName: 'Certified Person', courseTitle: 'Expiring course', status: 'valid', userId: user.id });
    expect(certificate.issuedAt.toISOString()).toBe(t.clock.now().toISOString());
    expect(certificate.expiresAt?.toISOString()).toBe('2027-03-01T10:00:00.000Z');
    await request(t.app).get(`/verify/${certificate.code}`).expect(200);
    // Completing again is harmless: still one certificate.
    await completeCourse(t, user, slug);
    expect((await t.services.certificates.listForUser(user.id)).length).toBe(1);
  });
});
