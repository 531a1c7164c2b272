// Learners can turn email reminders off at /account: a checkbox on the account form, on by
// default, stored on the user and read by whoever queues reminders. Offered only when email is on.
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { signedInUser } from '../support/factories';
import { remindersEnabled } from '../../src/accounts/store';

let t: TestApp;
// Email on (nothing is sent: these tests queue no reminder).
beforeAll(async () => { t = await createTestApp({ config: { smtpUrl: 'smtp://127.0.0.1:2525' } }); });
afterAll(async () => { await t.close(); });

const tokenIn = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];
const checkbox = (html: string) => /<input type="checkbox" id="reminders"[^>]*>/.exec(html)?.[0] ?? '';

test('reminders are on by default, and unticking the box turns them off', async () => {
  const { agent, user } = await signedInUser(t, { name: 'Remi Learner' });
  const page = await agent.get('/account').expect(200);
  expect(checkbox(page.text)).toContain('checked');
  expect(page.text).toContain('<label for="reminders">Email me reminders about courses assigned to me</label>');
  expect(await t.services.accounts.remindersEnabled(user.id)).toBe(true);

  // As a browser sends the form with the box unticked: no `reminders` field at all.
  const saved = await agent.post('/account').type('form')
    .send({ _csrf: tokenIn(page.text), displayName: 'Remi Learner', remindersShown: '1' }).expect(303);
  expect(saved.headers.location).toBe('/account?reissued=0');
  expect(await t.services.accounts.remindersEnabled(user.id)).toBe(false);
  const after = await agent.get(saved.headers.location).expect(200);
  expect(after.text).toContain('Saved.');
  expect(checkbox(after.text)).not.toContain('checked');

  // Ticked again.
  await agent.post('/account').type('form')
    .send({ _csrf: tokenIn(after.text), displayName: 'Remi Learner', remindersShown: '1', reminders: 'on' }).expect(303);
  expect(await t.services.accounts.remindersEnabled(user.id)).toBe(true);
  expect(checkbox((await agent.get('/account')).text)).toContain('checked');
});

test('a form without the checkbox (an older page, a script) leaves the setting as it was', async () => {
  const { agent, user } = await signedInUser(t);
  await t.services.accounts.setRemindersEnabled(user.id, false);
  const page = await agent.get('/account').expect(200);
  await agent.post('/account').type('form').send({ _csrf: tokenIn(page.text), displayName: 'A New Name' }).expect(303);
  expect(await t.services.accounts.remindersEnabled(user.id)).toBe(false);
});

test('changing the name and the setting together does both; a bad name changes neither and keeps the choice on the form', async () => {
  const { agent, user } = await signedInUser(t, { name: 'Before' });
  const page = await agent.get('/account').expect(200);
  const bad = await agent.post('/account').type('form').send({ _csrf: tokenIn(page.text), displayName: '  ', remindersShown: '1' }).expect(422);
  expect(checkbox(bad.text)).not.toContain('checked');
  expect(await t.services.accounts.remindersEnabled(user.id)).toBe(true);

  await agent.post('/account').type('form').send({ _csrf: tokenIn(page.text), displayName: 'After', remindersShown: '1' }).expect(303);
  expect(await t.services.accounts.remindersEnabled(user.id)).toBe(false);
  expect((await t.services.accounts.findUser(user.id))!.displayName).toBe('After');
});

test('odd values never break the form', async () => {
  const { agent, user } = await signedInUser(t);
  const page = await agent.get('/account').expect(200);
  await agent.post('/account').type('form')
    .send(`_csrf=${encodeURIComponent(tokenIn(page.text))}&displayName=Same&remindersShown=1&reminders=on&reminders=yes`).expect(303);
  expect(await t.services.accounts.remindersEnabled(user.id)).toBe(true);
});

test('the setting needs a signed-in user and a CSRF token', async () => {
  await request(t.app).post('/account').type('form').send({ displayName: 'X', remindersShown: '1' }).expect(403);
  const { agent, user } = await signedInUser(t);
  await agent.post('/account').type('form').send({ displayName: 'X', remindersShown: '1' }).expect(403);
  expect(await t.services.accounts.remindersEnabled(user.id)).toBe(true);
});

test('who wants reminders, for the job that queues them: one query over a list of users', async () => {
  const on = await signedInUser(t);
  const off = await signedInUser(t);
  await t.services.accounts.setRemindersEnabled(off.user.id, false);
  const ids = [on.user.id, off.user.id, 999_999];
  expect(await t.services.accounts.usersWantingReminders(ids)).toEqual(new Set([on.user.id]));
  expect(await remindersEnabled(t.testDb.db, ids)).toEqual(new Set([on.user.id]));
  // Inside the caller's transaction, too.
  const inTrx = await t.testDb.db.transaction((trx) => t.services.accounts.usersWantingReminders(ids, trx));
  expect(inTrx).toEqual(new Set([on.user.id]));
  expect(await remindersEnabled(t.testDb.db, [])).toEqual(new Set());
});

test('without email there are no reminders, and the account page does not offer them', async () => {
  const noMail = await createTestApp();
  try {
    const { agent, user } = await signedInUser(noMail, { name: 'No Mail' });
    const page = await agent.get('/account').expect(200);
    expect(page.text).toContain('id="displayName"');
    expect(checkbox(page.text)).toBe('');
    expect(page.text).not.toContain('remindersShown');
    await agent.post('/account').type('form').send({ _csrf: tokenIn(page.text), displayName: 'No Mail' }).expect(303);
    expect(await noMail.services.accounts.remindersEnabled(user.id)).toBe(true);
  } finally {
    await noMail.close();
  }
});
