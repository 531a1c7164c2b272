// Invitation links: a manager makes one (expiry, usage limit, unit), sees it once in full, lists
// and withdraws it; people join through it signed in, or register or sign in first and come back.
// Expired, used-up, withdrawn and unknown links write nothing.
import request from 'supertest';
import { createTestApp, csrfFrom, type TestApp } from '../support/app';
import { signedInUser, makeUser } from '../support/factories';
import { makeInvitation, makeMember, makeOrganization, type MadeOrganization } from '../support/organizations';

const DAY = 24 * 60 * 60 * 1000;
let t: TestApp;
let org: MadeOrganization;
let unitId: number;
beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrganization(t, { name: 'Northern Health' });
  unitId = await t.services.organizations.addUnit(org.id, 'Emergency Department');
});
afterAll(async () => { await t.close(); });

const membershipOf = async (userId: number) => (await t.services.accounts.findUser(userId))!.membership;
const tokenIn = (html: string) => /id="created-link"[^>]*value="http:\/\/bridgework\.test\/join\/([A-Za-z0-9_-]+)"/.exec(html)?.[1];

test('a manager makes a link for a unit, sees it once, and its uses are counted in the list', async () => {
  const { agent, csrf } = org.manager;
  const made = await agent.post(`/organizations/${org.id}/invitations`).type('form').send({ _csrf: csrf, unitId: String(unitId), expiresInDays: '7', maxUses: '2' }).expect(200);
  const token = tokenIn(made.text)!;
  expect(token).toHaveLength(32);
  const list = await agent.get(`/organizations/${org.id}/invitations`).expect(200);
  expect(list.text).not.toContain(token);
  expect(list.text).toMatch(/Emergency Department<\/td>\s*<td>[^<]+<\/td>\s*<td>0 of 2<\/td>\s*<td>Works<\/td>/);

  const nurse = await signedInUser(t, { name: 'Nia Nurse' });
  const page = await nurse.agent.get(`/join/${token}`).expect(200);
  expect(page.text).toContain('Join Northern Health');
  expect(page.text).toContain('Emergency Department');
  await nurse.agent.post(`/join/${token}`).type('form').send({ _csrf: nurse.csrf }).expect(200)
    .expect((res) => expect(res.text).toContain('You joined Northern Health'));
  expect(await membershipOf(nurse.user.id)).toEqual({ organizationId: org.id, role: 'member' });
  expect((await t.services.organizations.members(org.id)).find((m) => m.userId === nurse.user.id)?.unitName).toBe('Emergency Department');
  // Following it again changes nothing and spends no use.
  await nurse.agent.post(`/join/${token}`).type('form').send({ _csrf: nurse.csrf }).expect(200);
  expect((await agent.get(`/organizations/${org.id}/invitations`)).text).toContain('1 of 2');
});

test('bad link settings are refused beside the fields, with the input kept', async () => {
  const { agent, csrf } = org.manager;
  const other = await makeOrganization(t);
  const foreignUnit = await t.services.organizations.addUnit(other.id, 'Foreign unit');
  const res = await agent.post(`/organizations/${org.id}/invitations`).type('form').send({ _csrf: csrf, unitId: '', expiresInDays: '0', maxUses: 'lots' }).expect(422);
  expect(res.text).toContain('Enter a number of days from 1 to 90.');
  expect(res.text).toContain('Enter a number of people from 1 to 5,000.');
  expect(res.text).toContain('value="lots"');
  await agent.post(`/organizations/${org.id}/invitations`).type('form').send({ _csrf: csrf, unitId: String(foreignUnit), expiresInDays: '3', maxUses: '3' }).expect(422);
  expect(tokenIn((await agent.get(`/organizations/${org.id}/invitations`)).text)).toBeUndefined();
});

test('a visitor registers through the link and comes back to join', async () => {
  const token = await makeInvitation(t, org.id, { unitId, by: org.manager.user.id });
  const visitor = request.agent(t.app);
  const page = await visitor.get(`/join/${token}`).expect(200);
  expect(page.text).toContain(`href="/register?next=${encodeURIComponent(`/join/${token}`)}"`);
  const register = await visitor.get(`/register?next=${encodeURIComponent(`/join/${token}`)}`).expect(200);
  expect(register.text).toContain(`name="next" value="/join/${token}"`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(register.text)![1];
  await visitor.post('/register').type('form').send({ _csrf: csrf, displayName: 'Val Visitor', email: 'val.visitor@example.org', password: 'a long visitor password', next: `/join/${token}` })
    .expect(303).expect('location', `/join/${token}`);
  const back = await visitor.get(`/join/${token}`).expect(200);
  expect(back.text).toContain('Join Northern Health</button>');
  // Signing in made a new session, with a new form token.
  const joinCsrf = /name="_csrf" value="([^"]+)"/.exec(back.text)![1];
  await visitor.post(`/join/${token}`).type('form').send({ _csrf: joinCsrf }).expect(200);
  const [val] = await t.services.accounts.findPeople({ emails: ['val.visitor@example.org'] });
  expect(await membershipOf(val.id)).toEqual({ organizationId: org.id, role: 'member' });
  // A `next` to another site is not followed.
  const other = request.agent(t.app);
  const otherCsrf = await csrfFrom(other, '/register');
  await other.post('/register').type('form').send({ _csrf: otherCsrf, displayName: 'Eve', email: 'eve@example.org', password: 'a long visitor password', next: '//evil.example/' })
    .expect(303).expect('location', '/dashboard');
});

test('a visitor with an account signs in through the link and comes back', async () => {
  const token = await makeInvitation(t, org.id, { by: org.manager.user.id });
  const person = await makeUser(t, { name: 'Sid Signin' });
  const agent = request.agent(t.app);
  const csrf = await csrfFrom(agent, `/login?next=${encodeURIComponent(`/join/${token}`)}`);
  await agent.post('/login').type('form').send({ _csrf: csrf, email: person.email, password: person.password, next: `/join/${token}` })
    .expect(303).expect('location', `/join/${token}`);
  const joinCsrf = await csrfFrom(agent, `/join/${token}`);
  await agent.post(`/join/${token}`).type('form').send({ _csrf: joinCsrf }).expect(200);
  expect(await membershipOf(person.user.id)).toEqual({ organizationId: org.id, role: 'member' });
});

test('someone in another organization is told so, and refused with nothing written', async () => {
  const token = await makeInvitation(t, org.id, { by: org.manager.user.id, maxUses: 1 });
  const elsewhere = await makeOrganization(t, { name: 'Other Town' });
  const member = await makeMember(t, elsewhere.id);
  const page = await member.agent.get(`/join/${token}`).expect(200);
  expect(page.text).toContain('You already belong to another organization');
  expect(page.text).not.toContain('Join Northern Health</button>');
  const res = await member.agent.post(`/join/${token}`).type('form').send({ _csrf: member.csrf }).expect(409);
  expect(res.text).toContain('Already in another organization');
  expect(await membershipOf(member.user.id)).toEqual({ organizationId: elsewhere.id, role: 'member' });
  // The refused attempt spent nothing: the single use is still there.
  const newcomer = await signedInUser(t);
  await newcomer.agent.post(`/join/${token}`).type('form').send({ _csrf: newcomer.csrf }).expect(200);
});

test('expired, used-up and withdrawn links are gone (410) and unknown ones are not found (404); nothing is written', async () => {
  const learner = await signedInUser(t);
  const { agent, csrf } = org.manager;
  const expired = await makeInvitation(t, org.id, { by: org.manager.user.id, expiresInDays: 1 });
  const usedUp = await makeInvitation(t, org.id, { by: org.manager.user.id, maxUses: 1 });
  const first = await signedInUser(t);
  await first.agent.post(`/join/${usedUp}`).type('form').send({ _csrf: first.csrf }).expect(200);
  const withdrawn = tokenIn((await agent.post(`/organizations/${org.id}/invitations`).type('form').send({ _csrf: csrf, unitId: '', expiresInDays: '30', maxUses: '9' })).text)!;
  const newest = (await t.services.organizations.invitations.list(org.id)).open[0];
  expect(newest.maxUses).toBe(9);
  await agent.post(`/organizations/${org.id}/invitations/${newest.id}/revoke`).type('form').send({ _csrf: csrf }).expect(303)
    .expect('location', `/organizations/${org.id}/invitations?done=revoked`);
  // Withdrawing twice is harmless.
  await agent.post(`/organizations/${org.id}/invitations/${newest.id}/revoke`).type('form').send({ _csrf: csrf }).expect(303);
  expect((await agent.get(`/organizations/${org.id}/invitations`)).text).toContain('Withdrawn');
  t.clock.advance(1 * DAY + 1000);

  const cases: [string, RegExp][] = [[expired, /has expired/], [usedUp, /used as many times/], [withdrawn, /withdrawn by the organization/]];
  for (const [token, message] of cases) {
    const page = await request(t.app).get(`/join/${token}`).expect(410);
    expect(page.text).toMatch(message);
    const post = await learner.agent.post(`/join/${token}`).type('form').send({ _csrf: learner.csrf }).expect(410);
    expect(post.text).toMatch(message);
  }
  for (const bad of ['A'.repeat(32), 'short', 'x'.repeat(200), '..%2F..%2Fetc']) {
    await request(t.app).get(`/join/${bad}`).expect(404);
    await learner.agent.post(`/join/${bad}`).type('form').send({ _csrf: learner.csrf }).expect(404);
  }
  expect(await membershipOf(learner.user.id)).toBeNull();
  await request(t.app).get(`/join/${expired}`).set('Accept', 'application/json').expect(410)
    .expect((res) => expect(res.body.error.id).toBe('invitation_unusable'));
});

test('a manager of another organization cannot withdraw this one\'s links', async () => {
  const token = await makeInvitation(t, org.id, { by: org.manager.user.id });
  const invitation = (await t.services.organizations.invitations.list(org.id)).open[0];
  const other = await makeOrganization(t);
  await other.manager.agent.post(`/organizations/${org.id}/invitations/${invitation.id}/revoke`).type('form').send({ _csrf: other.manager.csrf }).expect(404);
  await other.manager.agent.post(`/organizations/${other.id}/invitations/${invitation.id}/revoke`).type('form').send({ _csrf: other.manager.csrf }).expect(404);
  await request(t.app).get(`/join/${token}`).expect(200);
});

test('the public join page is rate-limited per client', async () => {
  let last = 0;
  for (let i = 0; i < 31; i++) last = (await request(t.app).get(`/join/${'B'.repeat(32)}`)).status;
  expect(last).toBe(429);
});
