// Second factors for tests: enrol a user through the real service, and the code their
// authenticator app would show now (by the test clock). Administrators must have a second factor
// (src/accounts/second-factor-gate.ts), so the factories enrol every administrator they make.
import type { SessionUser } from '../../src/accounts/types';
import { codeAt, PERIOD_SECONDS } from '../../src/accounts/totp';
import type { TestApp } from './app';

export interface Enrolled {
  /** The TOTP secret in base32, as the enrolment page shows it. */
  secret: string;
  /** The ten recovery codes, as shown once after enrolment. */
  recoveryCodes: string[];
}

/**
 * Turns the user's second factor on through the service, as the enrolment page does. It confirms
 * with the code of the time step before now, so the code of the current step (secondFactorCode)
 * is still unused for a sign-in at the same test-clock time.
 */
export async function enrolSecondFactor(t: TestApp, user: SessionUser): Promise<Enrolled> {
  const pending = await t.services.secondFactor.pendingEnrolment(user);
  if (!pending) throw new Error(`user ${user.id} has a second factor already`);
  const earlier = new Date(t.clock.now().getTime() - PERIOD_SECONDS * 1000);
  const recoveryCodes = await t.services.secondFactor.confirmEnrolment(user, codeAt(pending.secret, earlier), null);
  if (!recoveryCodes) throw new Error('enrolling the second factor failed');
  return { secret: pending.secret, recoveryCodes };
}

/** The code an authenticator app shows now, by the test clock (each is accepted once). */
export function secondFactorCode(t: TestApp, secret: string, offsetSteps = 0): string {
  return codeAt(secret, new Date(t.clock.now().getTime() + offsetSteps * PERIOD_SECONDS * 1000));
}
