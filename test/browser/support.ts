// What a browser test needs: the real app on a fresh database behind a real HTTP server, Debian's
// Chromium driven by playwright-core, an axe-core audit of every page visited, and a teardown that
// closes whatever was opened, in reverse order, even when starting or the test itself failed.
import fs from 'node:fs';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Locator, type Page } from 'playwright-core';
import { createTestApp, type TestApp } from '../support/app';
import { createHttpServer } from '../../src/http/server';
import type { Config } from '../../src/config';

// Functions given to page.evaluate() run in Chromium, not in Node. The project's tsconfig has no
// DOM lib (the app is server code), so this module declares the little of the DOM they touch.
interface DomElement {
  id: string;
  tagName: string;
  className: string;
  textContent: string | null;
  matches(selector: string): boolean;
  getBoundingClientRect(): { left: number; top: number; right: number; bottom: number };
}
interface AxeNode { target: unknown[]; failureSummary?: string }
interface AxeResult { id: string; impact?: string | null; help: string; helpUrl: string; nodes: AxeNode[] }
interface AxeApi {
  run(context: unknown, options: unknown): Promise<{ violations: AxeResult[]; passes: AxeResult[]; incomplete: AxeResult[]; inapplicable: AxeResult[] }>;
}
declare const document: {
  activeElement: DomElement | null;
  documentElement: { scrollWidth: number; clientWidth: number };
  fonts: { ready: Promise<unknown> };
};
declare const window: { axe?: AxeApi; innerWidth: number; innerHeight: number };
declare function getComputedStyle(el: DomElement): { outlineStyle: string; outlineWidth: string };

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const LAUNCH_ARGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-gpu'];

/** WCAG 2.1 levels A and AA: the accessibility bar every page must clear. */
export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

// The app's Content-Security-Policy is `script-src 'self'`, so page.addScriptTag({ content }) is
// refused: it inserts an inline <script>, which CSP blocks ("Executing inline script violates the
// following Content Security Policy directive"), and axe never loads. A bypassCSP context would
// work, but it would also switch off the policy the test should be running under. page.evaluate()
// goes through the DevTools protocol (Runtime.evaluate), which CSP does not govern, and axe itself
// needs no eval or inline script, so axe is evaluated as source with CSP left on, and any CSP
// violation by the app's own pages still shows up (see pageProblems).
let axeSource: string | undefined;
function readAxeSource(): string {
  axeSource ??= fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export interface Violation { id: string; impact: string | null; help: string; helpUrl: string; targets: string[] }

/** Runs axe on the page as it is now: the WCAG 2.1 A/AA violations, and the ids of every rule it ran. */
export async function axeViolations(page: Page): Promise<{ violations: Violation[]; rules: string[] }> {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(readAxeSource());
  return page.evaluate(async (tags) => {
    // resultTypes: only violations carry every node; the other lists are cut to one node each (faster).
    const results = await window.axe!.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return {
      violations: results.violations.map((v) => ({
        id: v.id, impact: v.impact ?? null, help: v.help, helpUrl: v.helpUrl,
        targets: v.nodes.map((n) => n.target.map(String).join(' >>> ')),
      })),
      rules: [results.violations, results.passes, results.incomplete, results.inapplicable].flat().map((r) => r.id),
    };
  }, WCAG_TAGS);
}

export function formatViolations(label: string, url: string, violations: Violation[]): string {
  const lines = violations.map((v) => `  - ${v.id} (${v.impact ?? 'n/a'}): ${v.help}\n    ${v.helpUrl}\n` +
    v.targets.map((t) => `      at ${t}`).join('\n'));
  return `axe found ${violations.length} WCAG 2.1 A/AA violation(s) on "${label}" (${url}):\n${lines.join('\n')}`;
}

/** The focused element, described so an assertion failure says where focus actually went. */
export function focused(page: Page): Promise<{ tag: string; id: string; className: string; text: string } | null> {
  return page.evaluate(() => {
    const el = document.activeElement;
    return el ? { tag: el.tagName.toLowerCase(), id: el.id, className: el.className, text: (el.textContent ?? '').trim() } : null;
  });
}

/** Waits until the element with this id has focus. */
export async function waitForFocusOn(page: Page, id: string): Promise<void> {
  await page.waitForFunction((wanted) => document.activeElement?.id === wanted, id);
}

/** Whether the element is inside the viewport (a skip link that appears on focus must be). */
export function inViewport(locator: Locator): Promise<boolean> {
  return locator.evaluate((el: DomElement) => {
    const r = el.getBoundingClientRect();
    return r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth && r.bottom <= window.innerHeight && r.right > r.left;
  });
}

/** Whether the element shows the keyboard focus ring (WCAG 2.4.7; axe cannot check this). */
export function showsFocusRing(locator: Locator): Promise<boolean> {
  return locator.evaluate((el: DomElement) => {
    const s = getComputedStyle(el);
    return el.matches(':focus-visible') && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  });
}

/** Presses Tab until the element has focus, as a keyboard user would, and fails if it never does. */
export async function tabTo(page: Page, target: Locator, maxPresses = 40): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press('Tab');
    if (await target.evaluate((el: DomElement) => el === document.activeElement)) return;
  }
  throw new Error(`${String(target)} was not reached after ${maxPresses} presses of Tab; focus is on ${JSON.stringify(await focused(page))}`);
}

/**
 * Signs in through the sign-in form, as a person would, and waits for the dashboard. `beforeDashboard`
 * answers whatever comes between (an administrator's second step). The journeys that test the form
 * itself keep their own steps.
 */
export async function signInThroughForm(page: Page, email: string, password: string, beforeDashboard?: () => Promise<void>): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Password', { exact: true }).press('Enter');
  if (beforeDashboard) await beforeDashboard();
  await page.waitForURL((url) => url.pathname === '/dashboard');
}

export function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
}

export class BrowserHarness {
  t!: TestApp;
  baseUrl = '';
  browser!: Browser;
  /** Problems seen by any page since the last audit: script errors, CSP violations, failed subresources. */
  private problems: string[] = [];
  /**
   * Requests any page made to a host other than the test server (refused, never sent): a page
   * must tell no third party that it was visited (docs/privacy.md). Failed on at the next audit,
   * and at close() for a request made after the last one.
   */
  private foreignRequests: string[] = [];
  private closers: Array<{ what: string; close: () => Promise<void> }> = [];
  private shots = 0;
  private readonly screenshotDir = process.env.BROWSER_SCREENSHOTS || null;

  /**
   * Starts app, server and browser (the app with `config` over the test defaults). What started
   * before a failure is still closed by close().
   */
  async start(config: Partial<Config> = {}): Promise<void> {
    this.t = await createTestApp({ config });
    this.closers.push({ what: 'database', close: () => this.t.close() });

    const server = createHttpServer(this.t.app);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.closers.push({
      what: 'server',
      close: () => new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
    });
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    this.browser = await chromium.launch({ executablePath: CHROMIUM, args: LAUNCH_ARGS });
    this.closers.push({ what: 'browser', close: () => this.browser.close() });
    if (this.screenshotDir) fs.mkdirSync(this.screenshotDir, { recursive: true });
  }

  /** A fresh browser context (cookies of its own) whose pages report their problems to the harness. */
  async newPage(options: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
    const context = await this.browser.newContext({ baseURL: this.baseUrl, locale: 'en-CA', ...options });
    // Every request to another origin is refused and remembered (data: and blob: URLs are not requests).
    const ownOrigin = new URL(this.baseUrl).origin;
    await context.route((url) => /^(https?|wss?|ftp):$/.test(url.protocol) && url.origin !== ownOrigin, (route) => {
      this.foreignRequests.push(route.request().url());
      return route.abort('blockedbyclient');
    });
    // Fail within the jest timeout, with Playwright's message naming what it waited for.
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    page.on('pageerror', (err) => this.problems.push(`script error on ${page.url()}: ${err.message}`));
    page.on('console', (msg) => {
      // A 4xx page logs "Failed to load resource" for itself; the response handler below covers subresources.
      if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) this.problems.push(`console error on ${page.url()}: ${msg.text()}`);
    });
    page.on('requestfailed', (req) => {
      // A download is "aborted" as a navigation once the browser hands it to the download manager;
      // a font or image still loading when the test moves to the next page is aborted too. Neither
      // is a fault of the page (a missing file answers 404, caught below; CSP blocks have their own code).
      const error = req.failure()?.errorText ?? '';
      if (req.resourceType() !== 'document' && error !== 'net::ERR_ABORTED') this.problems.push(`request failed: ${req.url()} (${error})`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400 && res.request().resourceType() !== 'document') this.problems.push(`${res.status()} for ${res.url()}`);
    });
    return { context, page };
  }

  /**
   * Everything checked on each page visited: it loaded without script errors, CSP violations or
   * missing files, it passes axe's WCAG 2.1 A/AA rules, and (with BROWSER_SCREENSHOTS) a picture.
   */
  async audit(page: Page, label: string): Promise<void> {
    await page.waitForLoadState('load');
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const problems = [...this.foreignRequests.splice(0).map((url) => `request to another host: ${url}`), ...this.problems.splice(0)];
    if (problems.length) throw new Error(`problems while loading "${label}" (${page.url()}):\n  ${problems.join('\n  ')}`);
    if (this.screenshotDir) {
      const file = path.join(this.screenshotDir, `${String(++this.shots).padStart(2, '0')}-${label.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
      await page.screenshot({ path: file, fullPage: true });
    }
    const { violations, rules } = await axeViolations(page);
    // A guard against a check that passes because it checked nothing (a mistyped tag runs no rules).
    if (!rules.includes('color-contrast') || !rules.includes('label')) throw new Error(`axe did not run the WCAG rules on "${label}": ran ${rules.join(', ') || 'none'}`);
    if (violations.length) throw new Error(formatViolations(label, page.url(), violations));
  }

  /** Closes browser, server and database (in that order), each even if another fails. */
  async close(): Promise<void> {
    const errors: unknown[] = [];
    const foreign = this.foreignRequests.splice(0);
    if (foreign.length) errors.push(new Error(`pages requested other hosts: ${foreign.join(', ')}`));
    for (const { what, close } of this.closers.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        errors.push(new Error(`closing the ${what} failed: ${(err as Error).message}`));
      }
    }
    if (errors.length) throw new AggregateError(errors, errors.map((e) => (e as Error).message).join('; '));
  }
}
