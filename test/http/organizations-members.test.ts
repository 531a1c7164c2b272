// A manager's units and people: add and rename units, list people by unit, move them, make them
// managers, remove them (their learning stays theirs); a member leaves from their account; the
// last manager stays. Bad filters are a clear 400.
import { createTestApp, type TestApp } from '../support/app';
import { certifiedUser, publishCourse } from '../support/factories';
import { makeMember, makeOrganization, type MadeOrganization } from '../support/organizations';

let t: TestApp;
let org: MadeOrganization;
beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrganization(t, { name: 'Riverside Police' });
});
afterAll(async () => { await t.close(); });

const unitsOf = async (id: number) => (await t.services.organizations.units(id)).map((u) => u.name);

test('a manager adds and renames units; a name taken twice is refused beside the field', async () => {
  const { agent, csrf } = org.manager;
  await agent.post(`/organizations/${org.id}/units`).type('form').send({ _csrf: csrf, name: 'Patrol North' }).expect(303)
    .expect('location', `/organizations/${org.id}/units?done=added`);
  await agent.post(`/organizations/${org.id}/units`).type('form').send({ _csrf: csrf, name: 'Traffic' }).expect(303);
  const taken = await agent.post(`/organizations/${org.id}/units`).type('form').send({ _csrf: csrf, name: '  patrol   NORTH ' }).expect(409);
  expect(taken.text).toContain('This organization already has a unit with this name.');
  expect(taken.text).toContain('value="  patrol   NORTH "');
  await agent.post(`/organizations/${org.id}/units`).type('form').send({ _csrf: csrf, name: '' }).expect(422);

  const traffic = (await t.services.organizations.units(org.id)).find((u) => u.name === 'Traffic')!;
  await agent.post(`/organizations/${org.id}/units/${traffic.id}`).type('form').send({ _csrf: csrf, name: 'Traffic Services' }).expect(303)
    .expect('location', `/organizations/${org.id}/units?done=renamed`);
  const clash = await agent.post(`/organizations/${org.id}/units/${traffic.id}`).type('form').send({ _csrf: csrf, name: 'Patrol North' }).expect(409);
  expect(clash.text).toContain(`href="#name-${traffic.id}"`);
  expect(await unitsOf(org.id)).toEqual(['Patrol North', 'Traffic Services']);
  const page = await agent.get(`/organizations/${org.id}/units`).expect(200);
  expect(page.text).toContain('Traffic Services');
  await agent.post(`/organizations/${org.id}/units/999999`).type('form').send({ _csrf: csrf, name: 'Ghost' }).expect(404);
});

test('people are listed by name, filtered by unit; nonsense filters are a clear 400', async () => {
  const [north, trafficUnit] = await t.services.organizations.units(org.id);
  await makeMember(t, org.id, { name: 'Zoe Officer', unitId: north.id });
  await makeMember(t, org.id, { name: 'Adam Officer', unitId: trafficUnit.id });
  const { agent } = org.manager;
  const all = await agent.get(`/organizations/${org.id}/members`).expect(200);
  expect(all.text.indexOf('Adam Officer')).toBeLessThan(all.text.indexOf('Zoe Officer'));
  expect(all.text).toMatch(/<caption id="members-caption">\d+ people/);
  const northOnly = await agent.get(`/organizations/${org.id}/members?unit=${north.id}`).expect(200);
  expect(northOnly.text).toContain('Zoe Officer');
  expect(northOnly.text).not.toContain('Adam Officer');
  const noUnit = await agent.get(`/organizations/${org.id}/members?unit=none`).expect(200);
  expect(noUnit.text).toContain(`Manager of Riverside Police`);
  expect(noUnit.text).not.toContain('Zoe Officer');

  const other = await makeOrganization(t);
  const otherUnit = await t.services.organizations.addUnit(other.id, 'Elsewhere Unit');
  for (const query of ['unit=abc', `unit=${otherUnit}`, 'unit=999999', 'page=0', 'page=abc', 'page=99', 'unit=1&unit=2']) {
    const res = await agent.get(`/organizations/${org.id}/members?${query}`).expect(400);
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    expect(res.text).not.toContain('Elsewhere Unit');
  }
  expect((await agent.get(`/organizations/${org.id}/members?unit=${otherUnit}`)).text).toContain('not one of your organization&#39;s units');
});

test('a manager moves someone to another unit, makes them a manager and back', async () => {
  const [north, trafficUnit] = await t.services.organizations.units(org.id);
  const person = await makeMember(t, org.id, { name: 'Moving Person', unitId: north.id });
  const { agent, csrf } = org.manager;
  const page = await agent.get(`/organizations/${org.id}/members/${person.user.id}`).expect(200);
  expect(page.text).toContain('<h1>Moving Person</h1>');
  await agent.post(`/organizations/${org.id}/members/${person.user.id}/unit`).type('form').send({ _csrf: csrf, unitId: String(trafficUnit.id) }).expect(303);
  let m = (await t.services.organizations.members(org.id)).find((x) => x.userId === person.user.id)!;
  expect(m.unitName).toBe('Traffic Services');
  await agent.post(`/organizations/${org.id}/members/${person.user.id}/unit`).type('form').send({ _csrf: csrf, unitId: '' }).expect(303);
  m = (await t.services.organizations.members(org.id)).find((x) => x.userId === person.user.id)!;
  expect(m.unitId).toBeNull();

  // A unit of another organization, or nonsense, changes nothing.
  const other = await makeOrganization(t);
  const foreignUnit = await t.services.organizations.addUnit(other.id, 'Foreign');
  await agent.post(`/organizations/${org.id}/members/${person.user.id}/unit`).type('form').send({ _csrf: csrf, unitId: String(foreignUnit) }).expect(404);
  await agent.post(`/organizations/${org.id}/members/${person.user.id}/unit`).type('form').send({ _csrf: csrf, unitId: 'x' }).expect(400);
  await agent.post(`/organizations/${org.id}/members/${person.user.id}/role`).type('form').send({ _csrf: csrf, role: 'admin' }).expect(400);
  expect((await t.services.organizations.members(org.id)).find((x) => x.userId === person.user.id)).toMatchObject({ unitId: null, role: 'member' });

  await agent.post(`/organizations/${org.id}/members/${person.user.id}/role`).type('form').send({ _csrf: csrf, role: 'manager' }).expect(303);
  await person.agent.get(`/organizations/${org.id}/members`).expect(200);
  await agent.post(`/organizations/${org.id}/members/${person.user.id}/role`).type('form').send({ _csrf: csrf, role: 'member' }).expect(303);
  await person.agent.get(`/organizations/${org.id}/members`).expect(403);
});

test('removing someone keeps their learning history and certificates', async () => {
  const course = await publishCourse(t, { spec: { title: 'Kept course' } });
  const learner = await certifiedUser(t, course.slug, { name: 'Leaving Learner' });
  const orgRecord = await t.services.organizations.find(org.id);
  const { link } = await t.services.organizations.invitations.createOpen(orgRecord, { unitId: null, expiresInDays: 5, maxUses: 1 }, org.manager.user.id);
  await t.services.organizations.invitations.join(learner.user, link.split('/join/')[1]);
  const { agent, csrf } = org.manager;
  await agent.post(`/organizations/${org.id}/members/${learner.user.id}/remove`).type('form').send({ _csrf: csrf }).expect(303)
    .expect('location', `/organizations/${org.id}/members?done=removed`);
  expect((await t.services.organizations.members(org.id)).map((m) => m.userId)).not.toContain(learner.user.id);
  const certificates = await t.services.certificates.listForUser(learner.user.id);
  expect(certificates.map((c) => [c.code, c.status])).toEqual([[learner.certificate.code, 'valid']]);
  expect((await t.services.learning.dashboard(learner.user)).completed.map((i) => i.course.slug)).toEqual([course.slug]);
  await agent.post(`/organizations/${org.id}/members/${learner.user.id}/remove`).type('form').send({ _csrf: csrf }).expect(404);
});

test('the last manager may not step down, be removed or leave; with a second manager they may', async () => {
  const solo = await makeOrganization(t);
  const { agent, csrf, user } = solo.manager;
  const down = await agent.post(`/organizations/${solo.id}/members/${user.id}/role`).type('form').send({ _csrf: csrf, role: 'member' }).expect(409);
  expect(down.text).toContain('You are the only manager of this organization.');
  await agent.post(`/organizations/${solo.id}/members/${user.id}/remove`).type('form').send({ _csrf: csrf }).expect(409);
  const leave = await agent.post('/account/organization/leave').type('form').send({ _csrf: csrf }).expect(409);
  expect(leave.text).toContain('You are the only manager');
  expect((await t.services.organizations.managers(solo.id)).map((m) => m.userId)).toEqual([user.id]);

  await makeMember(t, solo.id, { role: 'manager' });
  await agent.post('/account/organization/leave').type('form').send({ _csrf: csrf }).expect(303).expect('location', '/account/organization?done=left');
  expect((await agent.get('/account/organization?done=left').expect(200)).text).toContain('You left the organization.');
  await agent.get(`/organizations/${solo.id}`).expect(403);
});

test('a member sees their organization from their account and leaves it', async () => {
  const [north] = await t.services.organizations.units(org.id);
  const member = await makeMember(t, org.id, { name: 'Mel Member', unitId: north.id });
  expect((await member.agent.get('/account').expect(200)).text).toContain('href="/account/organization"');
  const page = await member.agent.get('/account/organization').expect(200);
  expect(page.text).toContain('Riverside Police');
  expect(page.text).toContain('Patrol North');
  await member.agent.post('/account/organization/leave').type('form').send({ _csrf: member.csrf }).expect(303);
  expect((await member.agent.get('/account/organization')).text).toContain('You do not belong to an organization.');
  expect((await member.agent.get('/account')).text).not.toContain('href="/account/organization"');
  // Leaving again: there is nothing to leave.
  await member.agent.post('/account/organization/leave').type('form').send({ _csrf: member.csrf }).expect(404);
});
