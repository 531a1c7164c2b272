// The retention period: accounts with no activity for longer than RETENTION_INACTIVE_DAYS are
// erased by the job, active ones are kept, and the last active administrator is never erased.
// Time is the injected clock; activity is a signed-in request.
import { createTestApp, type TestApp } from '../support/app';
import { makeUser, signIn } from '../support/factories';
import { createRetentionJob } from '../../src/privacy/retention';
import { createEraser } from '../../src/privacy/erase';

const DAY = 24 * 60 * 60 * 1000;
let t: TestApp;
beforeAll(async () => { t = await createTestApp({ config: { retentionInactiveDays: 365 } }); });
afterAll(async () => { await t.close(); });

const erased = async (id: number) => (await t.testDb.db('users').where({ id }).first('erased_at')).erased_at !== null;

test('accounts inactive past the period are erased; active ones and the last administrator are kept', async () => {
  const idle = await makeUser(t, { name: 'Idle Person' });
  const active = await makeUser(t, { name: 'Active Person' });
  const admin = await makeUser(t, { role: 'admin', name: 'Sole Admin' });
  // Other administrators (made by nobody here) are out of the way: this one is the last.
  await t.testDb.db('users').where({ role: 'admin' }).whereNot({ id: admin.user.id }).update({ deactivated_at: t.clock.now() });

  t.clock.advance(300 * DAY);
  const { agent } = await signIn(t, active.user);
  await agent.get('/account').expect(200);

  // 300 days: nobody is past 365 yet.
  expect(await t.services.privacy.retention.runOnce()).toEqual({ erased: 0, kept: 0 });

  t.clock.advance(100 * DAY);
  // 400 days since the idle person and the administrator were seen; 100 since the active one.
  const result = await t.services.privacy.retention.runOnce();
  expect(await erased(idle.user.id)).toBe(true);
  expect(await erased(active.user.id)).toBe(false);
  expect(await erased(admin.user.id)).toBe(false);
  expect(result.kept).toBe(1);
  expect(await t.testDb.db('users').where({ id: idle.user.id }).first('email')).toEqual({ email: `erased-${idle.user.id}@erased.invalid` });
  const event = await t.testDb.db('audit_events').where({ action: 'account.erased', target_id: String(idle.user.id) }).first('actor_id', 'details');
  expect(event).toEqual({ actor_id: null, details: JSON.stringify({ cause: 'retention' }) });

  // Run again: nothing more to do.
  expect((await t.services.privacy.retention.runOnce()).erased).toBe(0);
});

test('without a period, nothing is erased however long ago', async () => {
  const job = createRetentionJob({ db: t.testDb.db, clock: t.clock, eraser: createEraser({ db: t.testDb.db, clock: t.clock }), inactiveDays: null });
  const person = await makeUser(t, { name: 'Long Gone' });
  t.clock.advance(5000 * DAY);
  expect(await job.runOnce()).toEqual({ erased: 0, kept: 0 });
  expect(await erased(person.user.id)).toBe(false);
});
