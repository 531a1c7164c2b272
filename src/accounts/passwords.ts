// Passwords are hashed with scrypt (memory-hard, built into Node). Each hash is stored as
// `scrypt$N$r$p$salt$key` and verified with the parameters written in it, so the cost can be
// raised later (or lowered by the tests) without breaking any existing account.
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (pw: string | Buffer, salt: Buffer, len: number, opts: crypto.ScryptOptions) => Promise<Buffer>;

/** scrypt's cost parameters: N (CPU and memory), r (block size), p (parallelism). */
export interface PasswordCost {
  N: number;
  r: number;
  p: number;
}

// N=2^15, r=8, p=3: one of OWASP's equivalent scrypt settings (Password Storage Cheat Sheet),
// 32 MiB of memory per hash instead of the 128 MiB of N=2^17, p=1. The account service uses this
// unless it is built with another cost; only the tests do that, and no setting in config.ts can.
export const PRODUCTION_PASSWORD_COST: Readonly<PasswordCost> = Object.freeze({ N: 2 ** 15, r: 8, p: 3 });
const KEY_LENGTH = 32;

// Bounds on what a stored hash may ask for: a damaged or hostile row must fail to verify, not
// throw inside scrypt or allocate gigabytes (production asks for 32 MiB and p=3).
const MAX_SCRYPT_MEMORY = 256 * 1024 * 1024;
const MAX_P = 16;

export const MIN_PASSWORD_LENGTH = 12;

/**
 * The stored hash of an account made for someone who has not chosen a password yet (a staff
 * import made it). It is not a scrypt hash, so no password verifies against it.
 */
export const UNCLAIMED_PASSWORD_HASH = '!unclaimed';

function memoryFor({ N, r }: PasswordCost): number {
  return 128 * N * r * 2;
}

export async function hashPassword(password: string, cost: PasswordCost = PRODUCTION_PASSWORD_COST): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, { N: cost.N, r: cost.r, p: cost.p, maxmem: memoryFor(cost) });
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64'), key.toString('base64')].join('$');
}

/** The parameters a stored hash was made with, or null when it is not a hash this code wrote. */
export function storedHashParameters(stored: string): (PasswordCost & { salt: Buffer; key: Buffer }) | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = parts.slice(1, 4).map((s) => (/^\d{1,8}$/.test(s) ? Number(s) : NaN));
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || !(r >= 1) || !(p >= 1 && p <= MAX_P) || 128 * N * r > MAX_SCRYPT_MEMORY) return null;
  const salt = Buffer.from(parts[4], 'base64');
  const key = Buffer.from(parts[5], 'base64');
  if (salt.length === 0 || key.length === 0) return null;
  return { N, r, p, salt, key };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const params = storedHashParameters(stored);
  if (!params) return false;
  const key = await scrypt(password.normalize('NFKC'), params.salt, params.key.length, {
    N: params.N, r: params.r, p: params.p, maxmem: memoryFor(params),
  });
  return crypto.timingSafeEqual(key, params.key);
}

/**
 * A hash of a random password at the given cost: checked when the email is unknown, so timing
 * does not tell whether an account exists. Made once per cost.
 */
const dummyHashes = new Map<string, Promise<string>>();
export function dummyPasswordHash(cost: PasswordCost = PRODUCTION_PASSWORD_COST): Promise<string> {
  const id = `${cost.N}$${cost.r}$${cost.p}`;
  let hash = dummyHashes.get(id);
  if (!hash) {
    hash = hashPassword(crypto.randomBytes(16).toString('hex'), cost);
    dummyHashes.set(id, hash);
  }
  return hash;
}
