// The database rate-limit store: counters shared by every process on the database, windows timed
// by the injected clock, a counter whose window has passed starting again at 1.
import type { Options } from 'express-rate-limit';
import { KnexRateLimitStore } from '../../src/http/rate-limit';
import { createTestDb, type TestDb } from '../support/db';
import { TestClock } from '../support/clock';

const WINDOW = 15 * 60 * 1000;

let testDb: TestDb;
let clock: TestClock;
beforeAll(async () => { testDb = await createTestDb(); });
afterAll(async () => { await testDb.drop(); });
beforeEach(() => { clock = new TestClock(); });

let n = 0;
const newKey = () => `203.0.113.${++n}`;
function storeNamed(name: string, windowMs = WINDOW): KnexRateLimitStore {
  const store = new KnexRateLimitStore(testDb.db, clock, name);
  store.init({ windowMs } as Options);
  return store;
}
const hits = async (store: KnexRateLimitStore, key: string) => (await store.increment(key)).totalHits;

test('counts hits within the window, then starts again at 1 once the window has passed', async () => {
  const store = storeNamed('login');
  const key = newKey();
  expect([await hits(store, key), await hits(store, key), await hits(store, key)]).toEqual([1, 2, 3]);
  clock.advance(WINDOW - 1);
  expect(await hits(store, key)).toBe(4);
  clock.advance(1); // the window ends exactly now
  expect(await hits(store, key)).toBe(1);
  expect(await hits(store, key)).toBe(2);
});

test('the window is fixed from the first hit, not slid by later ones', async () => {
  const store = storeNamed('verify');
  const key = newKey();
  await hits(store, key);
  clock.advance(WINDOW / 2);
  await hits(store, key);
  clock.advance(WINDOW / 2);
  expect(await hits(store, key)).toBe(1);
});

test('the reset time is the time left by the injected clock, given on the wall clock', async () => {
  const store = storeNamed('login');
  const key = newKey();
  await store.increment(key);
  clock.advance(5 * 60 * 1000);
  const before = Date.now();
  const { resetTime } = await store.increment(key);
  const after = Date.now();
  // 10 minutes were left by the test clock (which is months away from the wall clock).
  expect(resetTime!.getTime()).toBeGreaterThanOrEqual(before + 10 * 60 * 1000);
  expect(resetTime!.getTime()).toBeLessThanOrEqual(after + 10 * 60 * 1000);
});

test('a decrement uncounts one hit and never goes below zero; a reset forgets the key', async () => {
  const store = storeNamed('login');
  const key = newKey();
  await hits(store, key);
  await hits(store, key);
  await store.decrement(key);
  expect(await hits(store, key)).toBe(2);
  for (let i = 0; i < 4; i++) await store.decrement(key);
  expect(await hits(store, key)).toBe(1);
  await store.resetKey(key);
  expect(await testDb.db('rate_limits').where({ key: `login:${key}` }).first()).toBeUndefined();
  expect(await hits(store, key)).toBe(1);
});

test('limits with different names count apart; stores with the same name (other processes) count together', async () => {
  const key = newKey();
  const login = storeNamed('login');
  const sameLimitElsewhere = storeNamed('login');
  const verify = storeNamed('verify');
  await hits(login, key);
  expect(await hits(sameLimitElsewhere, key)).toBe(2);
  expect(await hits(verify, key)).toBe(1);
  expect(await hits(login, newKey())).toBe(1);
});

test('each store uses the window it was initialised with', async () => {
  const short = storeNamed('short', 1000);
  const key = newKey();
  await hits(short, key);
  clock.advance(1000);
  expect(await hits(short, key)).toBe(1);
});
