// The database session store: sessions expire by the store's clock, and touch() writes a new
// expiry only once it has moved by the touch interval since this process last wrote or read it,
// so a signed-in page is not a write per request. Real database, statements counted.
import { KnexSessionStore } from '../../src/http/session-store';
import { findSessionWithUser } from '../../src/accounts/store';
import { createTestDb, type TestDb } from '../support/db';
import { TestClock } from '../support/clock';

const MINUTE = 60 * 1000;
const INTERVAL = 10 * MINUTE;

let testDb: TestDb;
let clock: TestClock;
beforeAll(async () => { testDb = await createTestDb(); });
afterAll(async () => { await testDb.drop(); });
beforeEach(() => { clock = new TestClock(); });

let n = 0;
const newSid = () => `sid-${++n}`;
/** A session's data and expiry, as the session middleware hands them to the store. */
interface Stored { expires: number; data: Record<string, unknown> }
const sessionUntil = (expires: number, data: Record<string, unknown> = {}): Stored => ({ expires, data });
const userOf = (data: Record<string, unknown>) => (data.passport as { user?: number } | undefined)?.user ?? null;

const set = (store: KnexSessionStore, sid: string, sess: Stored) => store.save(sid, JSON.stringify(sess.data), sess.expires, userOf(sess.data));
const get = async (store: KnexSessionStore, sid: string) => (await store.load(sid))?.data ?? null;
const touch = async (store: KnexSessionStore, sid: string, sess: Stored) => { await store.touch(sid, sess.expires); };
const destroy = (store: KnexSessionStore, sid: string) => store.destroy(sid);
const storedExpiry = async (sid: string) => Number((await testDb.db('sessions').where({ sid }).first('expires_at'))?.expires_at);

/** The statements on the sessions table while `fn` runs, by their first word. */
async function statements(fn: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const listen = (q: { sql: string }) => { if (/\bsessions\b/.test(q.sql)) seen.push(q.sql.trim().split(/\s+/)[0].toLowerCase()); };
  testDb.db.on('query', listen);
  try {
    await fn();
  } finally {
    testDb.db.off('query', listen);
  }
  return seen;
}

test('a session set is read back until it expires by the store clock', async () => {
  const store = new KnexSessionStore(testDb.db, clock);
  const sid = newSid();
  const expires = clock.now().getTime() + 30 * MINUTE;
  await set(store, sid, sessionUntil(expires, { csrfToken: 'token-1' }));
  expect(await get(store, sid)).toMatchObject({ csrfToken: 'token-1' });
  expect(await get(store, 'no-such-sid')).toBeNull();
  clock.advance(30 * MINUTE);
  expect(await get(store, sid)).toBeNull();
});

test('touch writes nothing until the expiry has moved by the interval, then writes once', async () => {
  const store = new KnexSessionStore(testDb.db, clock, INTERVAL);
  const sid = newSid();
  const first = clock.now().getTime() + 60 * MINUTE;
  await set(store, sid, sessionUntil(first));

  expect(await statements(() => touch(store, sid, sessionUntil(first + INTERVAL - 1)))).toEqual([]);
  expect(await statements(() => touch(store, sid, sessionUntil(first + 5 * MINUTE)))).toEqual([]);
  expect(await storedExpiry(sid)).toBe(first);

  // Measured from the last written expiry, not the last touch: small steps add up to a write.
  expect(await statements(() => touch(store, sid, sessionUntil(first + INTERVAL)))).toEqual(['update']);
  expect(await storedExpiry(sid)).toBe(first + INTERVAL);
  expect(await statements(() => touch(store, sid, sessionUntil(first + INTERVAL + MINUTE)))).toEqual([]);
});

test('a session this process only read counts as written at the expiry it read', async () => {
  const writer = new KnexSessionStore(testDb.db, clock, INTERVAL);
  const sid = newSid();
  const expires = clock.now().getTime() + 60 * MINUTE;
  await set(writer, sid, sessionUntil(expires));

  // Another process: it has never written this session, so its first touch writes...
  const other = new KnexSessionStore(testDb.db, clock, INTERVAL);
  expect(await statements(() => touch(other, sid, sessionUntil(expires + MINUTE)))).toEqual(['update']);
  expect(await storedExpiry(sid)).toBe(expires + MINUTE);

  // ...but once it has read the session, touches within the interval of what it read do not.
  const reader = new KnexSessionStore(testDb.db, clock, INTERVAL);
  await get(reader, sid);
  expect(await statements(() => touch(reader, sid, sessionUntil(expires + 2 * MINUTE)))).toEqual([]);
  expect(await storedExpiry(sid)).toBe(expires + MINUTE);
});

test('a destroyed session is gone, and forgotten: a later touch is not skipped as if it were known', async () => {
  const store = new KnexSessionStore(testDb.db, clock, INTERVAL);
  const sid = newSid();
  const expires = clock.now().getTime() + 60 * MINUTE;
  await set(store, sid, sessionUntil(expires));
  await destroy(store, sid);
  expect(await get(store, sid)).toBeNull();
  // The touch is tried (and finds no row, so nothing comes back).
  expect(await statements(() => touch(store, sid, sessionUntil(expires + MINUTE)))).toEqual(['update']);
  expect(await testDb.db('sessions').where({ sid }).first()).toBeUndefined();
});

test('prune deletes the expired sessions and only those', async () => {
  const store = new KnexSessionStore(testDb.db, clock);
  const [old, current] = [newSid(), newSid()];
  await set(store, old, sessionUntil(clock.now().getTime() + MINUTE));
  await set(store, current, sessionUntil(clock.now().getTime() + 60 * MINUTE));
  clock.advance(2 * MINUTE);
  expect(await store.prune()).toBeGreaterThanOrEqual(1);
  expect(await testDb.db('sessions').where({ sid: old }).first()).toBeUndefined();
  expect(await get(store, current)).not.toBeNull();
});

/** A user, optionally a member of a new organization, inserted directly: the store reads these rows. */
async function insertUser(email: string, membership?: 'member' | 'manager'): Promise<number> {
  const db = testDb.db;
  const [u] = await db('users')
    .insert({ email, display_name: 'Ada Example', password_hash: 'x', role: 'learner', locale: 'fr', created_at: new Date() })
    .returning('id');
  const userId = Number(typeof u === 'object' ? u.id : u);
  if (membership) {
    const [o] = await db('organizations')
      .insert({ name: `Org ${email}`, name_key: `org ${email}`, type: 'community', created_at: new Date() })
      .returning('id');
    await db('memberships').insert({ user_id: userId, organization_id: Number(typeof o === 'object' ? o.id : o), role: membership, joined_at: new Date() });
  }
  return userId;
}

test('a session is read with its user and membership in one statement, seen by query listeners', async () => {
  const store = new KnexSessionStore(testDb.db, clock);
  const userId = await insertUser(`member-${newSid()}@example.org`, 'manager');
  const sid = newSid();
  const expires = clock.now().getTime() + 30 * MINUTE;
  await set(store, sid, sessionUntil(expires, { passport: { user: userId } }));

  let row: Awaited<ReturnType<typeof findSessionWithUser>> = null;
  expect(await statements(async () => { row = await findSessionWithUser(testDb.db, sid); })).toEqual(['select']);
  const organizationId = Number((await testDb.db('memberships').where({ user_id: userId }).first('organization_id')).organization_id);
  expect(row).toEqual({
    data: expect.any(String),
    expiresAt: expires,
    user: { id: userId, email: expect.stringMatching(/^member-/), displayName: 'Ada Example', role: 'learner', locale: 'fr',
      membership: { organizationId, role: 'manager' } },
  });
  expect(JSON.parse(row!.data)).toMatchObject({ passport: { user: userId } });
  expect(await findSessionWithUser(testDb.db, 'no-such-sid')).toBeNull();
});

test('a session without a user is read with a null user; one whose user was deleted is gone', async () => {
  const store = new KnexSessionStore(testDb.db, clock);
  const expires = clock.now().getTime() + 30 * MINUTE;
  const anonymous = newSid();
  await set(store, anonymous, sessionUntil(expires, { csrfToken: 't' }));
  expect(await findSessionWithUser(testDb.db, anonymous)).toMatchObject({ user: null, expiresAt: expires });

  const userId = await insertUser(`plain-${newSid()}@example.org`);
  const sid = newSid();
  await set(store, sid, sessionUntil(expires, { passport: { user: userId } }));
  expect((await findSessionWithUser(testDb.db, sid))?.user).toMatchObject({ id: userId, membership: null });
  // Deleting a user deletes their sessions (a cascade on both dialects): no signed-in session outlives its user.
  await testDb.db('users').where({ id: userId }).delete();
  expect(await findSessionWithUser(testDb.db, sid)).toBeNull();
});

test("a session read waits for, and never sees, another request's uncommitted transaction", async () => {
  const store = new KnexSessionStore(testDb.db, clock);
  const sid = newSid();
  const expires = clock.now().getTime() + 30 * MINUTE;
  await set(store, sid, sessionUntil(expires, { csrfToken: 'committed' }));

  const trx = await testDb.db.transaction();
  await trx('sessions').where({ sid }).update({ data: JSON.stringify({ csrfToken: 'uncommitted' }) });
  const reading = findSessionWithUser(testDb.db, sid);
  await new Promise((resolve) => setTimeout(resolve, 20));
  await trx.rollback();
  expect(JSON.parse((await reading)!.data)).toMatchObject({ csrfToken: 'committed' });
});
