// Checking codes, without HTTP: TOTP codes against RFC 6238's test vector and the test clock (one
// step either side accepted, nothing further), recovery codes (format, hashing, constant-time
// lookup), and the encryption of stored secrets (bound to the key and to the user).
import { codeAt, matchingStep, newSecret, normalizeCode, otpauthUri, timeStep, PERIOD_SECONDS } from '../../src/accounts/totp';
import { findRecoveryCode, hashRecoveryCode, looksLikeRecoveryCode, newRecoveryCode } from '../../src/accounts/recovery-codes';
import { createSecretBox } from '../../src/accounts/secret-box';
import { TestClock } from '../support/clock';

const STEP_MS = PERIOD_SECONDS * 1000;

describe('TOTP codes', () => {
  test("match RFC 6238's SHA-1 test vector (its last six digits)", () => {
    // RFC 6238 Appendix B: the ASCII secret "12345678901234567890", T = 59 s gives 94287082.
    const rfcSecret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(codeAt(rfcSecret, new Date(59 * 1000))).toBe('287082');
    expect(codeAt(rfcSecret, new Date(1111111109 * 1000))).toBe('081804');
  });

  test('a code is accepted one step either side of now, and its own step is returned', () => {
    const clock = new TestClock();
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const now = clock.now();
    const step = timeStep(now);
    expect(matchingStep(secret, codeAt(secret, now), now)).toBe(step);
    expect(matchingStep(secret, codeAt(secret, new Date(now.getTime() - STEP_MS)), now)).toBe(step - 1);
    expect(matchingStep(secret, codeAt(secret, new Date(now.getTime() + STEP_MS)), now)).toBe(step + 1);
    const old = codeAt(secret, now);
    clock.advance(2 * STEP_MS + 1);
    // Two steps later it is refused (a fixed secret and time: the newer codes are other digits).
    expect([codeAt(secret, clock.now()), codeAt(secret, new Date(clock.now().getTime() - STEP_MS))]).not.toContain(old);
    expect(matchingStep(secret, old, clock.now())).toBeNull();
  });

  test('a code from another secret, or not six digits, is refused', () => {
    const now = new TestClock().now();
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const theirs = codeAt('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', now);
    expect([-1, 0, 1].map((d) => codeAt(secret, new Date(now.getTime() + d * STEP_MS)))).not.toContain(theirs);
    expect(matchingStep(secret, theirs, now)).toBeNull();
    const code = codeAt(secret, now);
    expect(matchingStep(secret, code.slice(0, 5), now)).toBeNull();
    expect(matchingStep(secret, `${code}0`, now)).toBeNull();
    expect(matchingStep(secret, 'abcdef', now)).toBeNull();
    expect(matchingStep(secret, '', now)).toBeNull();
    // As apps show it, with a space, it is still the code.
    expect(matchingStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBe(timeStep(now));
    expect(normalizeCode(' 123-456 ')).toBe('123456');
  });

  test('secrets are 160 random bits in base32; the otpauth address names issuer and account', () => {
    const a = newSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(newSecret()).not.toBe(a);
    const uri = otpauthUri(a, 'Bridgework Test', 'ada@example.org');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Bridgework%20Test:ada%40example\.org\?/);
    expect(uri).toContain(`secret=${a}`);
    expect(uri).toContain('period=30');
  });
});

describe('recovery codes', () => {
  test('are four groups of four, differ, and are found by their hash however typed', () => {
    const codes = Array.from({ length: 10 }, newRecoveryCode);
    for (const c of codes) expect(c).toMatch(/^[0-9a-z]{4}(-[0-9a-z]{4}){3}$/);
    expect(new Set(codes).size).toBe(10);
    const stored = codes.map((c, id) => ({ id, codeHash: hashRecoveryCode(c) }));
    expect(findRecoveryCode(codes[3], stored)?.id).toBe(3);
    expect(findRecoveryCode(codes[3].toUpperCase().replace(/-/g, ' '), stored)?.id).toBe(3);
    expect(findRecoveryCode(newRecoveryCode(), stored)).toBeNull();
    expect(looksLikeRecoveryCode(codes[0])).toBe(true);
    expect(looksLikeRecoveryCode('123456')).toBe(false);
    expect(hashRecoveryCode(codes[0])).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecoveryCode(codes[0])).not.toContain(codes[0].replace(/-/g, ''));
  });
});

describe('the secret box', () => {
  test('opens what it sealed, for the same user and key only; a tampered box does not open', () => {
    const box = createSecretBox('a session secret of enough length 1234');
    const sealed = box.seal(7, 'JBSWY3DPEHPK3PXP');
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.seal(7, 'JBSWY3DPEHPK3PXP')).not.toBe(sealed);
    expect(box.open(7, sealed)).toBe('JBSWY3DPEHPK3PXP');
    expect(box.open(8, sealed)).toBeNull();
    expect(createSecretBox('another session secret entirely 5678').open(7, sealed)).toBeNull();
    const raw = Buffer.from(sealed.slice(3), 'base64url');
    raw[raw.length - 1] ^= 1;
    expect(box.open(7, `v1.${raw.toString('base64url')}`)).toBeNull();
    expect(box.open(7, 'nonsense')).toBeNull();
  });
});
