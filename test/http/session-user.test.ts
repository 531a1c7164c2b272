// The signed-in user of a request is the user row read with the session, in the session's own
// statement (the store's get), not a copy kept by passport: a change to the account shows on the
// very next request, and deleting the account signs its sessions out. Real app, real database.
import { createTestApp, type TestApp } from '../support/app';
import { signedInUser } from '../support/factories';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

test('a change to the account is seen by the next request of a signed-in session', async () => {
  const { agent, user } = await signedInUser(t, { name: 'Before Rename' });
  expect((await agent.get('/account').expect(200)).text).toContain('Before Rename');

  await t.testDb.db('users').where({ id: user.id }).update({ display_name: 'After Rename' });
  const page = await agent.get('/account').expect(200);
  expect(page.text).toContain('After Rename');
  expect(page.text).not.toContain('Before Rename');
});

test('deleting the account signs its session out: the next page asks to sign in', async () => {
  const { agent, user } = await signedInUser(t, { name: 'Soon Deleted' });
  await agent.get('/account').expect(200);

  await t.testDb.db('users').where({ id: user.id }).delete();
  const res = await agent.get('/account').set('Accept', 'text/html');
  expect(res.status).toBeGreaterThanOrEqual(300);
  expect(res.status).toBeLessThan(400);
  expect(res.headers.location).toMatch(/^\/login\?next=/);
});
