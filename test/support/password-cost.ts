// The scrypt cost of every password hash the test app makes.
import type { PasswordCost } from '../../src/accounts/passwords';

/**
 * scrypt at a token cost: production's (N=2^15) takes 50-100 ms a hash, and the tests make and
 * check hundreds. Only the test app's services are built with it (src/services.ts takes it as a
 * dependency, never from configuration); hashes record their cost, so verification runs the
 * production code path either way.
 */
export const TEST_PASSWORD_COST: PasswordCost = Object.freeze({ N: 2 ** 4, r: 1, p: 1 });
