// Importing staff from a CSV file: a preview naming every row's problem before anything is written,
// a confirmation that writes all or nothing, accounts made at once for new people with links to
// choose a password, and clear refusals for files that cannot be read as a whole.
import request from 'supertest';
import type { Agent } from 'supertest';
import { createTestApp, csrfFrom, type TestApp } from '../support/app';
import { makeUser } from '../support/factories';
import { makeMember, makeOrganization, type MadeOrganization } from '../support/organizations';

let t: TestApp;
let org: MadeOrganization;
let north: number;
beforeAll(async () => {
  t = await createTestApp();
  org = await makeOrganization(t, { name: 'Capital Police' });
  north = await t.services.organizations.addUnit(org.id, 'Patrol North');
  await t.services.organizations.addUnit(org.id, 'Traffic');
});
afterAll(async () => { await t.close(); });

function upload(agent: Agent, csrf: string, orgId: number, content: Buffer | string, name = 'staff.csv') {
  return agent.post(`/organizations/${orgId}/import?_csrf=${encodeURIComponent(csrf)}`)
    .attach('file', Buffer.isBuffer(content) ? content : Buffer.from(content), name);
}
const userCount = async () => Number((await t.testDb.db('users').count({ n: '*' }).first())!.n);
const memberCount = async () => (await t.services.organizations.members(org.id)).length;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

test('a clean file: preview, confirm, accounts made at once with links to copy, existing accounts invited', async () => {
  const existing = await makeUser(t, { name: 'Existing Account', email: 'existing@example.org' });
  const mover = await makeMember(t, org.id, { name: 'Mover Member' });
  const { agent, csrf } = org.manager;
  const csv = Buffer.concat([BOM, Buffer.from(
    'Name,Email,Unit\r\nSam Patel,Sam.Patel@Example.org,patrol north\r\nJordan Lee,jordan.lee@example.org,\r\n'
    + `Existing Account,existing@example.org,Traffic\r\nMover Member,${mover.email},Traffic\r\n`,
  )]);
  const posted = await upload(agent, csrf, org.id, csv).expect(303);
  expect(posted.headers.location).toMatch(new RegExp(`^/organizations/${org.id}/import/\\d+$`));
  const usersBefore = await userCount();

  const preview = await agent.get(posted.headers.location).expect(200);
  expect(preview.text).toContain('2 new accounts will be made');
  expect(preview.text).toContain('1 person who already has an account will be invited to join');
  expect(preview.text).toContain('1 of your people will move to another unit');
  expect(preview.text).toMatch(/sam\.patel@example\.org<\/td>\s*<td>patrol north<\/td>\s*<td>New account/);
  expect(await userCount()).toBe(usersBefore); // a preview writes nothing

  const confirmed = await agent.post(posted.headers.location).type('form').send({ _csrf: csrf }).expect(200);
  expect(confirmed.text).toContain('The file was imported.');
  const links = [...confirmed.text.matchAll(/<td class="code link-cell">(http:\/\/bridgework\.test\/join\/[A-Za-z0-9_-]{32})<\/td>/g)].map((m) => m[1]);
  expect(links).toHaveLength(3);
  expect(await userCount()).toBe(usersBefore + 2);

  const members = await t.services.organizations.members(org.id);
  expect(members.find((m) => m.email === 'sam.patel@example.org')).toMatchObject({ displayName: 'Sam Patel', unitName: 'Patrol North', claimed: false });
  expect(members.find((m) => m.email === 'jordan.lee@example.org')).toMatchObject({ unitId: null, claimed: false });
  expect(members.find((m) => m.userId === mover.user.id)?.unitName).toBe('Traffic');
  // The existing account is invited, not added: they join when they accept.
  expect(members.find((m) => m.email === 'existing@example.org')).toBeUndefined();

  // Sam chooses a password through their link and is in.
  const samLink = links.find((l) => confirmed.text.indexOf(l) > confirmed.text.indexOf('sam.patel@example.org'))!;
  const sam = request.agent(t.app);
  const samPage = await sam.get(new URL(samLink).pathname).expect(200);
  expect(samPage.text).toContain('An account was made for you (sam.patel@example.org)');
  const samCsrf = /name="_csrf" value="([^"]+)"/.exec(samPage.text)![1];
  await sam.post(`${new URL(samLink).pathname}/claim`).type('form').send({ _csrf: samCsrf, displayName: 'Samir Patel', password: 'a long learner password' }).expect(303);
  expect((await sam.get('/dashboard').expect(200)).text).toContain('Welcome, Samir Patel');

  // The existing account accepts by signing in through its personal link.
  const existingLink = links.find((l) => l !== samLink && confirmed.text.indexOf(l) > confirmed.text.indexOf('existing@example.org'))!;
  const path = new URL(existingLink).pathname;
  expect((await request(t.app).get(path).expect(200)).text).toContain('This invitation is for the account existing@example.org');
  const ex = request.agent(t.app);
  const exCsrf = await csrfFrom(ex, `/login?next=${encodeURIComponent(path)}`);
  await ex.post('/login').type('form').send({ _csrf: exCsrf, email: existing.email, password: existing.password, next: path }).expect(303).expect('location', path);
  const joinCsrf = await csrfFrom(ex, path);
  await ex.post(path).type('form').send({ _csrf: joinCsrf }).expect(200);
  expect((await t.services.organizations.members(org.id)).find((m) => m.email === 'existing@example.org')?.unitName).toBe('Traffic');

  // Confirming again imports nothing twice.
  const again = await agent.post(posted.headers.location).type('form').send({ _csrf: csrf }).expect(200);
  expect(again.text).toContain('This file was imported already.');
  expect(await userCount()).toBe(usersBefore + 2);
});

test('the preview names every row\'s problem, and confirming writes nothing while one remains', async () => {
  const elsewhere = await makeOrganization(t);
  const taken = await makeMember(t, elsewhere.id, { name: 'Taken Elsewhere' });
  const { agent, csrf } = org.manager;
  const csv = [
    'name,email,unit',
    'Good Person,good.person@example.org,Patrol North',
    'Bad Email,not-an-email,',
    ',empty.name@example.org,',
    'Dup One,dup@example.org,',
    'Dup Two,DUP@example.org,',
    'Lost Unit,lost@example.org,Atlantis',
    `Taken Elsewhere,${taken.email},`,
    'Too,many,cells,here',
    'Short row',
  ].join('\n');
  const usersBefore = await userCount();
  const membersBefore = await memberCount();
  const posted = await upload(agent, csrf, org.id, csv).expect(303);
  const preview = await agent.get(posted.headers.location).expect(200);
  const problems = [...preview.text.matchAll(/<li><a href="#line-(\d+)">Row \d+: ([^<]+)<\/a><\/li>/g)].map((m) => [Number(m[1]), m[2]]);
  expect(problems).toEqual([
    [3, '&#34;not-an-email&#34; is not an email address.'],
    [4, 'The name is empty.'],
    [6, 'The same email is on row 5.'],
    [7, 'There is no unit called &#34;Atlantis&#34;.'],
    [8, 'This person belongs to another organization.'],
    [9, 'This row has 4 cells; the first row has 3. &#34;many&#34; is not an email address. There is no unit called &#34;cells&#34;.'],
    [10, 'This row has 1 cell; the first row has 3. The email is empty.'],
  ]);
  expect(preview.text).toContain('7 rows have problems');
  expect(preview.text).not.toContain('name="createUnits"');
  expect(preview.text).not.toMatch(/<button type="submit" class="button">Import/);
  expect(preview.text).toContain('id="line-7" class="row-problem"');

  const refused = await agent.post(posted.headers.location).type('form').send({ _csrf: csrf }).expect(422);
  expect(refused.text).toContain('The import was not made');
  expect(await userCount()).toBe(usersBefore);
  expect(await memberCount()).toBe(membersBefore);
  expect(await t.services.accounts.findPeople({ emails: ['good.person@example.org'] })).toEqual([]);
});

test('units the file names that do not exist can be created with the import', async () => {
  const { agent, csrf } = org.manager;
  const posted = await upload(agent, csrf, org.id, 'name,email,unit\nAna North,ana@example.org,Harbour\nBo South,bo@example.org,harbour\nCy,cy@example.org,Airport\n').expect(303);
  const preview = await agent.get(posted.headers.location).expect(200);
  expect(preview.text).toContain('The file names 2 units your organization does not have: Harbour, Airport.');
  expect(preview.text).toContain(`href="${posted.headers.location}?createUnits=1"`);
  const withUnits = await agent.get(`${posted.headers.location}?createUnits=1`).expect(200);
  expect(withUnits.text).toContain('They will be created when you confirm.');
  expect(withUnits.text).toContain('<input type="hidden" name="createUnits" value="1">');
  const done = await agent.post(posted.headers.location).type('form').send({ _csrf: csrf, createUnits: '1' }).expect(200);
  expect(done.text).toContain('2 units created');
  const units = (await t.services.organizations.units(org.id)).map((u) => u.name);
  expect(units).toEqual(expect.arrayContaining(['Harbour', 'Airport']));
  const members = await t.services.organizations.members(org.id);
  expect(members.filter((m) => ['ana@example.org', 'bo@example.org'].includes(m.email)).map((m) => m.unitName)).toEqual(['Harbour', 'Harbour']);
});

test('all or nothing: a person who joined elsewhere since the preview stops the whole import', async () => {
  const { agent, csrf } = org.manager;
  const later = await makeUser(t, { name: 'Later Joiner', email: 'later.joiner@example.org' });
  const posted = await upload(agent, csrf, org.id, 'name,email\nFirst New,first.new@example.org\nLater Joiner,later.joiner@example.org\nLast New,last.new@example.org\n').expect(303);
  expect((await agent.get(posted.headers.location)).text).toContain('0 rows have problems');
  const elsewhere = await makeOrganization(t);
  const org2 = await t.services.organizations.find(elsewhere.id);
  const { link } = await t.services.organizations.invitations.createOpen(org2, { unitId: null, expiresInDays: 1, maxUses: 1 }, elsewhere.manager.user.id);
  await t.services.organizations.invitations.join(later.user, link.split('/join/')[1]);
  const usersBefore = await userCount();
  const refused = await agent.post(posted.headers.location).type('form').send({ _csrf: csrf }).expect(422);
  expect(refused.text).toContain('This person belongs to another organization.');
  expect(await userCount()).toBe(usersBefore);
  expect(await t.services.accounts.findPeople({ emails: ['first.new@example.org', 'last.new@example.org'] })).toEqual([]);
});

test('files that cannot be read as a whole are refused with a clear message and nothing is kept', async () => {
  const { agent, csrf } = org.manager;
  const imports = async () => Number((await t.testDb.db('member_imports').count({ n: '*' }).first())!.n);
  const before = await imports();
  const cases: [Buffer | string, number, string][] = [
    ['name,email,phone\nA,a@example.org,555\n', 422, 'names a column we do not know: phone'],
    ['name,unit\nA,X\n', 422, 'missing: email'],
    ['name,email,email\nA,a@example.org,b@example.org\n', 422, 'names a column twice: email'],
    [Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('name,email\nA,a@example.org\n', 'utf16le')]), 422, 'saved as UTF-16'],
    [Buffer.from('name,email\nZo\xeb,zoe@example.org\n', 'latin1'), 422, 'looks like Windows-1252 or Latin-1'],
    [Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]), 422, 'spreadsheet workbook (.xlsx)'],
    ['', 422, 'Choose a CSV file'],
    ['name,email\n', 422, 'a header row but nobody in it'],
    ['name,email\n"Open,open@example.org\n', 422, 'opened on row 2 is never closed'],
    [`name,email\n${Array.from({ length: 50_000 }, (_, i) => `P${i},p${i}@x.org`).join('\n')}\n`, 422, 'The file has 50,000 rows; at most 5,000 can be imported at a time.'],
    [Buffer.alloc(2 * 1024 * 1024 + 10, 'a'), 413, 'larger than 2 MB'],
  ];
  for (const [content, status, message] of cases) {
    const res = content === '' ? await agent.post(`/organizations/${org.id}/import?_csrf=${encodeURIComponent(csrf)}`).field('x', 'y').expect(status)
      : await upload(agent, csrf, org.id, content).expect(status);
    expect(res.text).toContain(message);
    expect(res.text).toContain('Nothing was changed.');
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
  }
  expect(await imports()).toBe(before);
});

test('an upload is seen only by the manager who made it; other organizations see nothing of it', async () => {
  const { agent, csrf } = org.manager;
  const posted = await upload(agent, csrf, org.id, 'name,email\nPrivate Person,private.person@example.org\n').expect(303);
  const importId = posted.headers.location.split('/').pop();
  const colleague = await makeMember(t, org.id, { role: 'manager' });
  await colleague.agent.get(posted.headers.location).expect(404);
  const other = await makeOrganization(t);
  for (const path of [posted.headers.location, `/organizations/${other.id}/import/${importId}`]) {
    const res = await other.manager.agent.get(path).expect(404);
    expect(res.text).not.toContain('private.person@example.org');
    await other.manager.agent.post(path).type('form').send({ _csrf: other.manager.csrf }).expect(404);
  }
  await upload(other.manager.agent, other.manager.csrf, org.id, 'name,email\nX,x@example.org\n').expect(404);
  expect(await t.services.accounts.findPeople({ emails: ['private.person@example.org', 'x@example.org'] })).toEqual([]);
  // Previews are forgotten after a day.
  t.clock.advance(25 * 60 * 60 * 1000);
  await agent.get(posted.headers.location).expect(404);
});

test('removing someone who has not chosen a password yet withdraws their link', async () => {
  const { agent, csrf } = org.manager;
  const posted = await upload(agent, csrf, org.id, 'name,email\nGone Soon,gone.soon@example.org\n').expect(303);
  const done = await agent.post(posted.headers.location).type('form').send({ _csrf: csrf }).expect(200);
  const link = /<td class="code link-cell">http:\/\/bridgework\.test(\/join\/[A-Za-z0-9_-]{32})<\/td>/.exec(done.text)![1];
  const person = (await t.services.organizations.members(org.id)).find((m) => m.email === 'gone.soon@example.org')!;
  // A new link replaces the first one, which stops working.
  const fresh = await agent.post(`/organizations/${org.id}/members/${person.userId}/link`).type('form').send({ _csrf: csrf }).expect(200);
  const freshLink = /class="code link-box" value="http:\/\/bridgework\.test(\/join\/[A-Za-z0-9_-]{32})"/.exec(fresh.text)![1];
  await request(t.app).get(link).expect(410);
  await request(t.app).get(freshLink).expect(200);
  await agent.post(`/organizations/${org.id}/members/${person.userId}/remove`).type('form').send({ _csrf: csrf }).expect(303);
  await request(t.app).get(freshLink).expect(410);
  expect(north).toBeGreaterThan(0);
});
