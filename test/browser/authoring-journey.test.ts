// A trainer's path in a real browser: sign in, open authoring from the menu, start a course (an
// error first), upload an image, write a module while the live preview (public/js/author-preview.js)
// renders it with the answers marked, move a module with the keyboard, preview as a learner,
// publish and read the version history; the editor's Preview button without JavaScript; and
// phone-width pages that do not scroll sideways. Every page passes axe (WCAG 2.1 A/AA).
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { BrowserHarness, horizontalOverflow, signInThroughForm, tabTo } from './support';
import { FIXTURE_CURRICULUM } from '../support/app';

const EMAIL = 'trainer@example.org';
const PASSWORD = 'maple harbour lantern spring';
const SLUG = 'outreach-basics';
const DOT_PNG = fs.readFileSync(path.join(FIXTURE_CURRICULUM, 'blocks-demo', 'media', 'dot.png'));
const MODULE = `---
title: Meeting people where they are
minutes: 10
---
## On the street

Outreach starts with listening.

![A single dot standing for the meeting place](media/dot.png)

::: check
Who decides what help is offered?

- [ ] The outreach worker.
  > No: help nobody asked for pushes people away.
- [x] The person being supported.
  > Right: they know what they need.
:::
`;

const h = new BrowserHarness();
beforeAll(async () => {
  await h.start();
  await h.t.services.accounts.createUser({ email: EMAIL, displayName: 'Tess Trainer', password: PASSWORD, role: 'trainer' });
}, 60_000);
afterAll(() => h.close(), 30_000);

const signIn = (page: Page) => signInThroughForm(page, EMAIL, PASSWORD);

async function fitsWidth(page: Page): Promise<void> {
  const { scrollWidth, clientWidth } = await horizontalOverflow(page);
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
}

test('a trainer writes, previews and publishes a course in the browser; every page passes axe', async () => {
  const { context, page } = await h.newPage();
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Authoring' }).click();
  await page.waitForURL((url) => url.pathname === '/author');
  await h.audit(page, 'authoring list');

  await page.getByRole('link', { name: 'Start a new course' }).click();
  await h.audit(page, 'new course');
  await page.getByLabel('Course title').fill('Outreach basics');
  await page.getByLabel('Course address').fill('Outreach Basics');
  await page.getByRole('button', { name: 'Create the draft' }).click();
  await page.waitForLoadState('load');
  await h.audit(page, 'new course, with errors');
  expect(await page.getByLabel('Course address').getAttribute('aria-invalid')).toBe('true');
  expect(await page.getByLabel('Course title').inputValue()).toBe('Outreach basics');
  await page.getByLabel('Course address').fill(SLUG);
  await page.getByLabel('Summary').fill('How to meet people where they are.');
  await page.getByLabel('municipal staff').check();
  await page.getByRole('button', { name: 'Create the draft' }).click();
  await page.waitForURL((url) => url.pathname === `/author/courses/${SLUG}`);
  await h.audit(page, 'draft');
  await page.getByText('Bridgework (made in the browser by Tess Trainer)').waitFor();

  await page.getByLabel('Add a media file').setInputFiles({ name: 'dot.png', mimeType: 'image/png', buffer: DOT_PNG });
  await page.getByRole('button', { name: 'Upload', exact: true }).click();
  await page.waitForURL((url) => url.searchParams.get('notice') === 'mediaAdded');
  await h.audit(page, 'draft, image added');

  // The editor: typing updates the preview through the server, answers marked for the trainer.
  await page.getByRole('link', { name: /^Edit\s*: Introduction$/ }).click();
  await page.waitForURL((url) => url.pathname.endsWith('/files/01-introduction.md'));
  await h.audit(page, 'editor');
  await page.getByLabel('Content of 01-introduction.md').fill(MODULE);
  await page.locator('#preview-body li.correct').filter({ hasText: 'The person being supported.' }).waitFor();
  expect(await page.locator('#preview-body img').getAttribute('alt')).toBe('A single dot standing for the meeting place');
  expect(await page.locator('#preview-body').textContent()).toContain('No problems in this file.');
  await page.getByLabel('Content of 01-introduction.md').fill(MODULE.replace('::: check', '::: quiz'));
  await page.locator('#preview-body .problems').filter({ hasText: 'unknown block "::: quiz"' }).waitFor();
  await h.audit(page, 'editor, live preview with a problem');
  await page.getByLabel('Content of 01-introduction.md').fill(MODULE);
  await page.getByRole('button', { name: 'Save draft' }).click();
  await page.waitForURL((url) => url.searchParams.get('saved') === '1');
  await h.audit(page, 'editor, saved');

  // A second module, then move it up with the keyboard alone.
  await page.goto(`/author/courses/${SLUG}`);
  await page.getByLabel('New module title').fill('Referral to local supports');
  await page.getByLabel('New module title').press('Enter');
  await page.waitForURL((url) => url.pathname.endsWith('/files/02-referral-to-local-supports.md'));
  await page.goto(`/author/courses/${SLUG}`);
  const up = page.getByRole('button', { name: /^Move up\s*: Referral to local supports$/ });
  await tabTo(page, up, 80);
  await page.keyboard.press('Enter');
  await page.waitForURL((url) => url.searchParams.get('notice') === 'moved');
  expect(await page.locator('.author-module').first().textContent()).toContain('01-referral-to-local-supports.md');
  await h.audit(page, 'draft, module moved');

  await page.getByRole('link', { name: /^Preview\s*: Meeting people where they are$/ }).click();
  await h.audit(page, 'module preview');
  await page.getByText('(correct answer)').waitFor();

  await page.goto(`/author/courses/${SLUG}`);
  await page.getByLabel('What changed (optional)').fill('First version.');
  await page.getByRole('button', { name: 'Publish this draft' }).click();
  await page.waitForURL((url) => url.searchParams.get('notice') === 'published');
  await h.audit(page, 'published');
  await page.getByRole('link', { name: 'Version history' }).click();
  await h.audit(page, 'version history');
  await page.getByRole('heading', { name: /^Version 1/ }).waitFor();

  // A folder course: read-only, with its zip.
  await page.goto('/author/courses/first-aid-basics');
  await h.audit(page, 'folder course');
  await page.getByText('This course is kept in the curriculum folder; change it there.').waitFor();

  // On a phone: nothing scrolls sideways.
  await page.setViewportSize({ width: 360, height: 740 });
  for (const url of ['/author', `/author/courses/${SLUG}`, `/author/courses/${SLUG}/files/02-introduction.md`, `/author/courses/${SLUG}/preview/introduction`]) {
    await page.goto(url);
    await fitsWidth(page);
  }
  await context.close();
}, 90_000);

test('without JavaScript, the Preview button shows the preview below the kept text', async () => {
  const { context, page } = await h.newPage({ javaScriptEnabled: false });
  await signIn(page);
  await page.goto(`/author/courses/${SLUG}/files/02-introduction.md`);
  await page.getByLabel('Content of 02-introduction.md').fill(MODULE.replace('Outreach starts', 'Without script, outreach starts'));
  await page.getByRole('button', { name: 'Preview', exact: true }).click();
  await page.waitForLoadState('load');
  // (No axe audit here: axe needs script. The same page with script was audited above.)
  expect(await page.locator('#preview-body').textContent()).toContain('Without script, outreach starts with listening.');
  expect(await page.getByLabel('Content of 02-introduction.md').inputValue()).toContain('Without script, outreach starts');
  await context.close();
});
