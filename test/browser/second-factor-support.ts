// The second step of a sign-in in Chromium: administrators must have a second factor, so browser
// tests that sign one in enrol them first (enrolSecondFactor) and type the code their app would show.
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/app';
import { secondFactorCode } from '../support/second-factor';

export { enrolSecondFactor } from '../support/second-factor';

/** After the password: waits for the code page and enters the current code for the secret. */
export async function enterSecondFactorCode(page: Page, t: TestApp, secret: string): Promise<void> {
  await page.waitForURL((url) => url.pathname === '/login/second-factor');
  const field = page.getByLabel('Code', { exact: true });
  await field.fill(secondFactorCode(t, secret));
  await field.press('Enter');
}
