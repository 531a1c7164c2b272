// Never losing work in the course editor, in a real browser (public/js/author-editor.js): typed
// text is saved as the trainer types and is there after a reload; leaving with unsaved text asks
// first; the preview sits beside the text on a wide screen, and a phone has "Problems (n)" beside
// Save; problem counts are announced when they change; after a move the moved module keeps the
// focus; a zip over a draft asks first and the draft history brings the old draft back. Every
// page passes axe (WCAG 2.1 A/AA).
import type { Page } from 'playwright-core';
import { BrowserHarness, horizontalOverflow, signInThroughForm } from './support';
import { buildZip } from '../support/zip';

const EMAIL = 'keeper@example.org';
const PASSWORD = 'quiet harbour lantern autumn';
const SLUG = 'kept-words';

const h = new BrowserHarness();
beforeAll(async () => {
  await h.start();
  await h.t.services.accounts.createUser({ email: EMAIL, displayName: 'Kim Keeper', password: PASSWORD, role: 'trainer' });
}, 60_000);
afterAll(() => h.close(), 30_000);

const signIn = (page: Page) => signInThroughForm(page, EMAIL, PASSWORD);

async function createCourse(page: Page, slug = SLUG, title = 'Kept words'): Promise<void> {
  await page.goto('/author/new');
  await page.getByLabel('Course title').fill(title);
  await page.getByLabel('Course address').fill(slug);
  await page.getByLabel('Summary').fill('Nothing typed here is lost.');
  await page.getByLabel('municipal staff').check();
  await page.getByRole('button', { name: 'Create the draft' }).click();
  await page.waitForURL((url) => url.pathname === `/author/courses/${slug}`);
}

const EDITOR = `/author/courses/${SLUG}/files/01-introduction.md`;

/** Waits until `read` gives what `ok` accepts (jest has no expect.poll). */
async function until<T>(read: () => T | Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const end = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`waited for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const MODULE = (body: string) => `---\ntitle: Introduction\nminutes: 5\n---\n## Start\n\n${body}\n`;

test('typed text is autosaved and survives a reload; leaving with unsaved text asks first', async () => {
  const { context, page } = await h.newPage({ viewport: { width: 1280, height: 900 } });
  await signIn(page);
  await createCourse(page);
  await page.goto(EDITOR);
  await h.audit(page, 'editor, wide');
  const text = page.getByLabel('Content of 01-introduction.md');

  // Wide screen: the preview is beside the text, not below it; Problems (n) is not needed there.
  const textBox = (await text.boundingBox())!;
  const previewBox = (await page.locator('#preview').boundingBox())!;
  expect(previewBox.x).toBeGreaterThanOrEqual(textBox.x + textBox.width);
  expect(previewBox.y).toBeLessThan(textBox.y + textBox.height);
  expect(await page.locator('#problems-link').isVisible()).toBe(false);
  // The header's brand and navigation line up with the wide editor, as the footer does.
  const column = async (selector: string) => (await page.locator(selector).boundingBox())!;
  const [header, main, footer] = [await column('.header-inner'), await column('main'), await column('.site-footer .wrap')];
  expect(header.x).toBeCloseTo(main.x, 0);
  expect(header.width).toBeCloseTo(main.width, 0);
  expect(footer.width).toBeCloseTo(main.width, 0);

  // Typing: the status says saving, then "Saved at …"; a reload shows the text.
  const previewed = () => page.waitForResponse((r) => r.url().endsWith('/files/01-introduction.md/preview'));
  let preview = previewed();
  await text.fill(MODULE('Words typed in the browser.'));
  await text.press('End');
  await page.keyboard.type(' And a few more.');
  await page.locator('#autosave-status').filter({ hasText: /^Saved at / }).waitFor();
  await preview;
  await page.reload();
  expect(await text.inputValue()).toMatch(/Words typed in the browser\.\s+And a few more\./);
  await h.audit(page, 'editor, after reload');

  // The status is a polite live region.
  expect(await page.locator('#autosave-status').getAttribute('role')).toBe('status');

  // Unsaved text: leaving asks first; staying keeps the text.
  await text.press('End');
  preview = previewed();
  await page.keyboard.type(' Not saved yet.');
  const dialogs: string[] = [];
  page.once('dialog', (dialog) => {
    dialogs.push(dialog.type());
    void dialog.dismiss();
  });
  await page.close({ runBeforeUnload: true });
  await until(() => dialogs.join(), (d) => d === 'beforeunload', 'the beforeunload dialog');
  expect(page.isClosed()).toBe(false);
  expect(await text.inputValue()).toContain('Not saved yet.');
  // Once autosaved, leaving asks nothing.
  await page.locator('#autosave-status').filter({ hasText: /^Saved at / }).waitFor();
  await preview;
  let asked = false;
  page.on('dialog', (dialog) => { asked = true; void dialog.accept(); });
  await page.goto(`/author/courses/${SLUG}`);
  expect(asked).toBe(false);
  await page.goto(EDITOR);
  expect(await text.inputValue()).toContain('Not saved yet.');

  // The history keeps the saves, coalesced, and explains the rule.
  await page.goto(`/author/courses/${SLUG}/history`);
  await h.audit(page, 'draft history');
  await page.getByText('Saved 01-introduction.md automatically while typing').first().waitFor();
  await page.getByText(/kept as one entry per file and person for up to 10 minutes/).waitFor();
  await page.getByRole('link', { name: /^Compare with the draft now/ }).first().click();
  await h.audit(page, 'compare a save');
  await context.close();
}, 120_000);

test('problems: listed in line order, counted beside Save on a phone, announced only when the count changes', async () => {
  const { context, page } = await h.newPage({ viewport: { width: 390, height: 844 } });
  await signIn(page);
  await createCourse(page, 'phone-course', 'Phone course');
  await page.goto('/author/courses/phone-course/files/01-introduction.md');
  await h.audit(page, 'editor, phone');
  const text = page.getByLabel('Content of 01-introduction.md');
  const link = page.getByRole('link', { name: /^Problems \(\d+\)$/ });
  expect(await link.isVisible()).toBe(true);
  // Beside Save: on the same row.
  const save = (await page.getByRole('button', { name: 'Save draft' }).boundingBox())!;
  const linkBox = (await link.boundingBox())!;
  expect(Math.abs(linkBox.y - save.y)).toBeLessThan(save.height);

  const announce = page.locator('#problems-announce');
  await text.fill(MODULE('::: quiz\n:::\n\n::: check\nOnly one.\n- [x] Yes\n:::'));
  await link.filter({ hasText: /Problems \([1-9]\d*\)/ }).waitFor();
  await until(() => announce.textContent(), (x) => /[1-9]\d* problems? in this file now/.test(x ?? ''), 'the problems announced');
  const lines = await page.locator('#preview-body ul.problems a[data-line]').evaluateAll((as) => as.map((a) => Number(a.getAttribute('data-line'))));
  expect(lines.length).toBeGreaterThan(1);
  expect([...lines].sort((x, y) => x - y)).toEqual(lines);
  await h.audit(page, 'editor, phone, problems');

  // The preview is a tap away, and the text a tap back.
  await link.click();
  await page.waitForURL((url) => url.hash === '#preview');
  await page.getByRole('heading', { name: 'Preview', exact: true }).waitFor();
  expect(await page.getByRole('link', { name: 'Back to the text' }).isVisible()).toBe(true);

  // Fixed: the count goes back to 0 and the region says so.
  await text.fill(MODULE('All fine now.'));
  await until(() => announce.textContent(), (x) => x === 'No problems in this file now.', 'no problems announced');
  expect(await link.textContent()).toMatch(/Problems \(0\)/);
  const { scrollWidth, clientWidth } = await horizontalOverflow(page);
  expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
  await page.locator('#autosave-status').filter({ hasText: /^Saved at / }).waitFor();
  await context.close();
}, 120_000);

test('after a move the moved module keeps the focus; a zip over the draft asks first and the history brings it back', async () => {
  const { context, page } = await h.newPage();
  await signIn(page);
  const SLUG = 'moved-course';
  await createCourse(page, SLUG, 'Moved course');
  await page.getByLabel('New module title').fill('Second steps');
  await page.getByLabel('New module title').press('Enter');
  await page.waitForURL((url) => url.pathname.endsWith('/files/02-second-steps.md'));
  await page.goto(`/author/courses/${SLUG}`);
  await page.getByRole('button', { name: /^Move down\s*: Introduction$/ }).click();
  await page.waitForURL((url) => url.searchParams.get('notice') === 'moved');
  await h.audit(page, 'draft, moved');
  // Now last, so its Down button is disabled: Up has the focus.
  const active = await page.evaluate(`(() => {
    const el = document.activeElement;
    return el ? { module: el.closest('li') ? el.closest('li').id : null, value: el.value } : null;
  })()`);
  expect(active).toEqual({ module: 'module-introduction', value: 'up' });

  // A zip with this course's address: asked first, naming the course.
  const zip = buildZip([
    { name: `${SLUG}/course.md`, data: Buffer.from('---\ntitle: Zipped over\nsummary: From a zip.\naudience: [police]\nminutes: 5\n---\nOverview.\n') },
    { name: `${SLUG}/01-zipped.md`, data: Buffer.from('---\ntitle: Zipped\nminutes: 5\n---\nZipped words.\n') },
  ]);
  await page.goto('/author/upload');
  await h.audit(page, 'upload');
  await page.getByLabel('Course address (optional)').fill(SLUG);
  await page.getByLabel('Zip file').setInputFiles({ name: 'kept.zip', mimeType: 'application/zip', buffer: zip });
  await page.getByRole('button', { name: 'Upload' }).click();
  await page.getByRole('heading', { name: 'This address already has a draft' }).waitFor();
  await h.audit(page, 'upload, asked first');
  await page.getByText('The course “Moved course” (moved-course) already has a draft.').waitFor();
  await page.getByLabel('New content for “Moved course”, replacing its draft').check();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL((url) => url.searchParams.get('notice') === 'imported');
  await page.getByRole('heading', { name: 'Zipped over' }).waitFor();

  // Brought back from the history.
  await page.getByRole('link', { name: 'Draft history' }).click();
  await page.getByRole('button', { name: /^Bring this save back/ }).first().click();
  await page.waitForURL((url) => url.searchParams.get('notice') === 'restored');
  await page.getByRole('heading', { name: 'Moved course' }).waitFor();
  await h.audit(page, 'draft, restored');
  await context.close();
}, 120_000);

test('a draft preview shows what compiles beside one broken module, and its glossary links open the draft glossary', async () => {
  const { context, page } = await h.newPage();
  await signIn(page);
  await createCourse(page, 'half-ready', 'Half ready');
  // Written and left to autosave, once its live preview has answered (leaving earlier would cut
  // that request short, which the harness counts as a failure).
  const save = async (file: string, text: string) => {
    await page.goto(`/author/courses/half-ready/files/${file}`);
    const previewed = page.waitForResponse((r) => r.url().endsWith(`/files/${file}/preview`));
    await page.getByLabel(`Content of ${file}`).fill(text);
    await previewed;
    await page.locator('#autosave-status').filter({ hasText: /^Saved at / }).waitFor();
  };
  await save('glossary.md', '---\nterms:\n  outreach: Going to where people are, in the draft.\n---\n');
  await save('01-introduction.md', MODULE('About [[outreach]].'));
  await page.goto('/author/courses/half-ready');
  await page.getByLabel('New module title').fill('Not yet');
  await page.getByLabel('New module title').press('Enter');
  await page.waitForURL((url) => url.pathname.endsWith('/files/02-not-yet.md'));
  await save('02-not-yet.md', '---\nminutes: 5\n---\nNo title yet.\n');

  await page.goto('/author/courses/half-ready');
  await page.getByRole('link', { name: 'Preview the draft as a learner' }).click();
  await page.getByRole('heading', { level: 1, name: 'Half ready' }).waitFor();
  await page.getByText('left out of this preview until they are fixed').waitFor();
  await h.audit(page, 'draft preview, one module broken');
  await page.getByRole('link', { name: 'Introduction' }).click();
  await h.audit(page, 'module preview beside a broken module');
  await page.getByRole('link', { name: 'outreach' }).click();
  await page.waitForURL((url) => url.pathname === '/author/courses/half-ready/preview-glossary');
  await page.getByText('Going to where people are, in the draft.').waitFor();
  await h.audit(page, 'draft glossary preview');
  await context.close();
}, 120_000);
