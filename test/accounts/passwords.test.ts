// Password hashes: the production cost is what the code writes by default, every hash is checked
// with the cost stored in it (so hashes made before a cost change, or by the tests' cheap cost,
// keep working), and a damaged hash is refused, never thrown on.
import crypto from 'node:crypto';
import { hashPassword, PRODUCTION_PASSWORD_COST, storedHashParameters, verifyPassword } from '../../src/accounts/passwords';
import { createAccountService } from '../../src/accounts/service';
import { createTestDb, type TestDb } from '../support/db';
import { TestClock } from '../support/clock';
import { TEST_PASSWORD_COST } from '../support/password-cost';

// Written by src/accounts/passwords.ts as it was before the cost became a parameter.
const HASH_FROM_BEFORE = 'scrypt$32768$8$3$30dVLNRTuDjSdbz67s6b9A==$xR67mFnw1do1uinQx+hCvjm65B11P+jtNPDuOatSWLo=';
const PASSWORD_FROM_BEFORE = 'a password set before this change';

describe('hashes', () => {
  test('by default a hash is made at the production cost, and verifies', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(PRODUCTION_PASSWORD_COST).toEqual({ N: 32768, r: 8, p: 3 });
    await expect(verifyPassword('correct horse battery staple', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse battery stapler', hash)).resolves.toBe(false);
  });

  test('a hash written before the cost was a parameter still verifies', async () => {
    await expect(verifyPassword(PASSWORD_FROM_BEFORE, HASH_FROM_BEFORE)).resolves.toBe(true);
    await expect(verifyPassword('another password', HASH_FROM_BEFORE)).resolves.toBe(false);
  });

  test('verification uses the parameters stored with the hash', async () => {
    const cost = { N: 2 ** 5, r: 2, p: 2 };
    const hash = await hashPassword('pässword', cost);
    const stored = storedHashParameters(hash)!;
    expect(stored).toMatchObject(cost);
    // The key is exactly scrypt at the stored parameters (of the NFKC form of the password).
    expect(crypto.scryptSync('pässword'.normalize('NFKC'), stored.salt, stored.key.length, cost).equals(stored.key)).toBe(true);
    await expect(verifyPassword('pässword', hash)).resolves.toBe(true);
    await expect(verifyPassword('pa\u0308ssword', hash)).resolves.toBe(true); // the same word, decomposed
    // Change one stored parameter and the same password no longer matches: it is read, not assumed.
    const [scheme, n, r, p, salt, key] = hash.split('$');
    await expect(verifyPassword('pässword', [scheme, Number(n) * 2, r, p, salt, key].join('$'))).resolves.toBe(false);
    await expect(verifyPassword('pässword', [scheme, n, Number(r) + 1, p, salt, key].join('$'))).resolves.toBe(false);
    await expect(verifyPassword('pässword', [scheme, n, r, Number(p) + 1, salt, key].join('$'))).resolves.toBe(false);
  });

  test.each([
    ['empty', ''],
    ['another scheme', '$2b$12$abcdefghijklmnopqrstuuJ5N3OVpDb6eRX/9WzF8xkzDR8X1V/5y'],
    ['too few parts', 'scrypt$16$1$1$c2FsdA=='],
    ['N not a power of two', 'scrypt$100$1$1$c2FsdA==$a2V5'],
    ['N of one', 'scrypt$1$1$1$c2FsdA==$a2V5'],
    ['memory beyond the bound', 'scrypt$1048576$8$1$c2FsdA==$a2V5'],
    ['p of zero', 'scrypt$16$1$0$c2FsdA==$a2V5'],
    ['not numbers', 'scrypt$x$y$z$c2FsdA==$a2V5'],
    ['no salt', 'scrypt$16$1$1$$a2V5'],
    ['no key', 'scrypt$16$1$1$c2FsdA==$'],
  ])('a damaged hash (%s) is refused without throwing', async (_what, stored) => {
    expect(storedHashParameters(stored)).toBeNull();
    await expect(verifyPassword('any password at all', stored)).resolves.toBe(false);
  });
});

describe('the account service', () => {
  let testDb: TestDb;
  const clock = new TestClock();
  beforeAll(async () => { testDb = await createTestDb(); });
  afterAll(async () => { await testDb.drop(); });

  test('writes production-cost hashes unless built with another cost', async () => {
    const production = createAccountService({ db: testDb.db, clock });
    await production.createUser({ email: 'prod@example.org', displayName: 'Prod', password: 'a production password', role: 'learner' });
    const cheap = createAccountService({ db: testDb.db, clock, passwordCost: TEST_PASSWORD_COST });
    await cheap.createUser({ email: 'cheap@example.org', displayName: 'Cheap', password: 'a cheap test password', role: 'learner' });
    const hashes = Object.fromEntries((await testDb.db('users').select('email', 'password_hash')).map((r) => [r.email, String(r.password_hash)]));
    expect(hashes['prod@example.org']).toMatch(/^scrypt\$32768\$8\$3\$/);
    expect(hashes['cheap@example.org']).toMatch(/^scrypt\$16\$1\$1\$/);

    // Each hash is checked at its own cost, whatever cost the checking service writes.
    await expect(cheap.checkCredentials('prod@example.org', 'a production password')).resolves.toMatchObject({ email: 'prod@example.org' });
    await expect(production.checkCredentials('cheap@example.org', 'a cheap test password')).resolves.toMatchObject({ email: 'cheap@example.org' });
    await expect(production.checkCredentials('cheap@example.org', 'a production password')).resolves.toBeNull();
    await expect(cheap.checkCredentials('nobody@example.org', 'a cheap test password')).resolves.toBeNull();
  });
});
