// Where SMTP is configured, the personal links of new accounts go by email (written to the outbox
// in the same transaction as the invitation) instead of being listed for the manager to copy.
import request from 'supertest';
import { createTestApp, type TestApp } from '../support/app';
import { signedInUser } from '../support/factories';
import { makeOrganization } from '../support/organizations';

let t: TestApp;
beforeAll(async () => {
  // No mail worker runs in the test app: messages stay in the outbox, where the test reads them.
  t = await createTestApp({ config: { smtpUrl: 'smtp://127.0.0.1:2525' } });
});
afterAll(async () => { await t.close(); });

const outboxTo = (email: string) => t.testDb.db('outbox').where({ recipient: email }).select('kind', 'subject', 'text_body', 'dedupe_key');
const linkIn = (text: string) => /http:\/\/bridgework\.test(\/join\/[A-Za-z0-9_-]{32})/.exec(text)![1];

test('a new manager named by an administrator gets their link by email, not on the page', async () => {
  const admin = await signedInUser(t, { role: 'admin' });
  const id = await t.services.organizations.create(admin.user, { name: 'Mailed Municipality', type: 'municipality' });
  const res = await admin.agent.post(`/admin/organizations/${id}/managers`).type('form')
    .send({ _csrf: admin.csrf, email: 'mailed.manager@example.org', displayName: 'Mo Manager' }).expect(303)
    .expect('location', `/admin/organizations/${id}?named=emailed`);
  expect(res.text).not.toContain('/join/');
  const [message] = await outboxTo('mailed.manager@example.org');
  expect(message).toMatchObject({ kind: 'organization-invitation', subject: 'Your invitation to Mailed Municipality on Bridgework' });
  expect(message.text_body).toContain('You have been named a manager of Mailed Municipality');
  expect(message.dedupe_key).toMatch(/^invitation:[0-9a-f]{64}$/);
  await request(t.app).get(linkIn(message.text_body)).expect(200).expect((page) => expect(page.text).toContain('An account was made for you'));
});

test('an import emails each new person their link; the result page says so and lists none', async () => {
  const org = await makeOrganization(t);
  const { agent, csrf } = org.manager;
  const posted = await agent.post(`/organizations/${org.id}/import?_csrf=${encodeURIComponent(csrf)}`)
    .attach('file', Buffer.from('name,email\nAmi One,ami.one@example.org\nBen Two,ben.two@example.org\n'), 'staff.csv').expect(303);
  const done = await agent.post(posted.headers.location).type('form').send({ _csrf: csrf }).expect(200);
  expect(done.text).toContain('2 invitation links were sent by email.');
  expect(done.text).not.toContain('link-cell');
  for (const email of ['ami.one@example.org', 'ben.two@example.org']) {
    const [message] = await outboxTo(email);
    expect(message.text_body).toContain(`invited you to take your training on Bridgework`);
    await request(t.app).get(linkIn(message.text_body)).expect(200);
  }
  // A new link for someone who lost theirs is emailed too, and the old one stops working.
  const ami = (await t.services.organizations.members(org.id)).find((m) => m.email === 'ami.one@example.org')!;
  const first = linkIn((await outboxTo('ami.one@example.org'))[0].text_body);
  const again = await agent.post(`/organizations/${org.id}/members/${ami.userId}/link`).type('form').send({ _csrf: csrf }).expect(200);
  expect(again.text).toContain('The invitation link was sent by email.');
  expect(await outboxTo('ami.one@example.org')).toHaveLength(2);
  await request(t.app).get(first).expect(410);
});
