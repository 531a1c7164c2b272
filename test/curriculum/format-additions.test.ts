// Three additions to the course format: tables a phone can read, handouts (pages made to print),
// and a course's record of review.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCourseDir } from '../../src/curriculum/parse';
import { renderMarkdown, type RenderContext } from '../../src/curriculum/render';

function courseDir(files: Record<string, string>): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bw-format-')), 'a-course');
  fs.mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

const COURSE = (extra = '', minutes = 5) => `---\ntitle: A course\nsummary: Short.\naudience: [police]\nminutes: ${minutes}\n${extra}---\nOverview.\n`;
const MODULE = (extra = '', body = '## Hello\n\nBody text.\n') => `---\ntitle: One\nminutes: 5\n${extra}---\n${body}`;

function messages(dir: string) {
  return parseCourseDir(dir).problems.map((p) => `${path.basename(p.file)}:${p.line}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`);
}

describe('tables', () => {
  const TABLE = '| **Instead of** | Try <this> & that | Why [[term]] |\n|---|---|---|\n| a | b | c |\n| d | e |\n';

  test('a table is wrapped in a focusable region named by its column headings', () => {
    const html = renderMarkdown(TABLE);
    expect(html).toContain('<div class="table-wrap" role="region" aria-label="Instead of, Try &lt;this&gt; &amp; that, Why term" tabindex="0">\n<table>');
    expect(html.trimEnd().endsWith('</table>\n</div>')).toBe(true);
  });

  test('each body cell carries its column heading, so a phone can stack the row', () => {
    const html = renderMarkdown(TABLE);
    expect(html).toContain('<td data-label="Instead of">a</td>');
    expect(html).toContain('<td data-label="Try &lt;this&gt; &amp; that">b</td>');
    expect(html).toContain('<td data-label="Why term">c</td>');
    // A short row still labels the cells it has; header cells get no label of their own.
    expect(html).toContain('<td data-label="Try &lt;this&gt; &amp; that">e</td>');
    expect(html).not.toMatch(/<th[^>]*data-label/);
  });

  test('two tables in one fragment are labelled separately', () => {
    const html = renderMarkdown('| A | B |\n|---|---|\n| 1 | 2 |\n\nText.\n\n| C |\n|---|\n| 3 |\n');
    expect(html).toContain('aria-label="A, B"');
    expect(html).toContain('aria-label="C"');
    expect(html).toContain('<td data-label="C">3</td>');
  });

  test('a table whose headings are all empty scrolls without claiming to be a named region', () => {
    const html = renderMarkdown('| | |\n|---|---|\n| 1 | 2 |\n');
    expect(html).toContain('<div class="table-wrap" tabindex="0">');
    expect(html).not.toContain('role="region"');
    expect(html).not.toContain('data-label');
  });
});

describe('handouts', () => {
  test('a module marked handout: true compiles as a handout; others do not', () => {
    const dir = courseDir({ 'course.md': COURSE('', 10), '01-read.md': MODULE(), '02-sheet.md': MODULE('handout: true\n') });
    const { course, problems } = parseCourseDir(dir);
    expect(problems).toEqual([]);
    expect(course!.modules.map((m) => [m.key, m.handout])).toEqual([['read', false], ['sheet', true]]);
  });

  test('a handout with a check or a reflection is warned about at its handout line', () => {
    const check = '::: check\nQ?\n\n- [x] A\n  > a\n- [ ] B\n  > b\n:::\n';
    const dir = courseDir({
      'course.md': COURSE('', 15),
      '01-sheet.md': MODULE('handout: true\n', check),
      '02-other.md': MODULE('content_warning: x\nhandout: true\n', '::: reflection\nWhy?\n:::\n'),
      '03-fine.md': MODULE('handout: false\n', check),
    });
    expect(messages(dir)).toEqual([
      '01-sheet.md:4: warning: a handout is made to print, and knowledge checks and reflections do not print: move them to another module, or remove "handout: true"',
      '02-other.md:5: warning: a handout is made to print, and knowledge checks and reflections do not print: move them to another module, or remove "handout: true"',
    ]);
    expect(parseCourseDir(dir).course).not.toBeNull();
  });

  test('handout must be true or false', () => {
    const dir = courseDir({ 'course.md': COURSE(), '01-sheet.md': MODULE('handout: yes please\n') });
    expect(messages(dir)).toEqual(['01-sheet.md:4: field "handout": must be a boolean']);
  });
});

describe('the record of review', () => {
  test('review entries compile in order, with date and note when given', () => {
    const review = 'review:\n  - part: "Module 3: cultural safety"\n    by: Paid Indigenous reviewers\n    status: needed\n'
      + '  - part: The scenarios\n    by: People with lived experience\n    status: done\n    date: "2026-11-20"\n    note: Two reviewers, paid.\n';
    const { course, problems } = parseCourseDir(courseDir({ 'course.md': COURSE(review), '01-a.md': MODULE() }));
    expect(problems).toEqual([]);
    expect(course!.review).toEqual([
      { part: 'Module 3: cultural safety', by: 'Paid Indigenous reviewers', status: 'needed', date: null, note: null },
      { part: 'The scenarios', by: 'People with lived experience', status: 'done', date: '2026-11-20', note: 'Two reviewers, paid.' },
    ]);
  });

  test('a course without a review list has an empty one', () => {
    const { course } = parseCourseDir(courseDir({ 'course.md': COURSE(), '01-a.md': MODULE() }));
    expect(course!.review).toEqual([]);
  });

  test('a wrong status, a malformed date, a missing reviewer and an unknown key are named at the review field', () => {
    const review = 'review:\n  - part: All\n    by: Someone\n    status: maybe\n  - part: All\n    by: Someone\n    status: done\n    date: 20 Nov 2026\n'
      + '  - part: All\n    status: done\n  - part: All\n    by: Someone\n    status: done\n    who: x\n';
    const m = messages(courseDir({ 'course.md': COURSE(review), '01-a.md': MODULE() }));
    expect(m).toEqual(expect.arrayContaining([
      'course.md:6: field "review.0.status": must be one of: needed, in-progress, done',
      'course.md:6: field "review.1.date": must be a date written YYYY-MM-DD, e.g. 2026-11-25',
      expect.stringMatching(/^course\.md:6: field "review\.2\.by"/),
    ]));
    expect(m.some((x) => x.startsWith('course.md:') && x.includes('who'))).toBe(true);
  });
});

describe('phone numbers', () => {
  const context = (problems: string[]): RenderContext => ({
    slug: 'c', glossary: new Map(), media: () => undefined, modules: new Map(), label: (k) => k,
    problem: (line, key, params) => problems.push(`${line}: ${key} ${JSON.stringify(params)}`),
  });

  test('a support line written as a tel: link can be called with one tap', () => {
    const problems: string[] = [];
    const html = renderMarkdown('Call [1-800-563-0808](tel:+18005630808) or [9-8-8](tel:988).', context(problems));
    expect(problems).toEqual([]);
    expect(html).toContain('<a href="tel:+18005630808" rel="noopener noreferrer">1-800-563-0808</a>');
    expect(html).toContain('<a href="tel:988"');
  });

  test('a tel: link with anything but digits is refused', () => {
    const problems: string[] = [];
    renderMarkdown('[call](tel:1-800-ABC)', context(problems));
    expect(problems).toEqual(['1: linkNowhere {"href":"tel:1-800-ABC"}']);
  });
});
