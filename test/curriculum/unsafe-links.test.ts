// Links that could run code in the reader's browser are refused by the renderer (shown as text);
// the author is told, by file and line, rather than left to wonder why the link does nothing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseCourseDir } from '../../src/curriculum/parse';

function courseDir(files: Record<string, string>): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bw-unsafe-')), 'a-course');
  fs.mkdirSync(dir);
  for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
  return dir;
}

const COURSE = '---\ntitle: A course\nsummary: Short.\naudience: [police]\nminutes: 10\n---\nOverview.\n';

test('javascript:, vbscript: and data:text/html links are problems named by file and line', () => {
  const body = [
    '## Links', // line 5
    '',
    'Click [here](javascript:alert(1)).',
    '',
    'Or [there](  VBScript:msgbox(1)).',
    '',
    'Or [this](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==).',
    '',
    ':::tip',
    'Even [in a callout](javascript:void(0)).',
    ':::',
    '',
    '[ref]: javascript:alert(2)',
    'A [reference link][ref].',
    '',
    'A fine [site](https://example.org) and an inline image ![dot](data:image/png;base64,iVBORw0KGgo=).',
  ].join('\n');
  const dir = courseDir({ 'course.md': COURSE, '01-links.md': `---\ntitle: Links\nminutes: 5\n---\n${body}\n` });
  const { problems } = parseCourseDir(dir);
  const unsafe = problems.filter((p) => p.key === 'unsafeLink').map((p) => [path.basename(p.file), p.line, p.severity, (p.params as { href: string }).href]);
  expect(unsafe).toEqual([
    ['01-links.md', 7, 'error', 'javascript:alert(1)'],
    ['01-links.md', 9, 'error', 'VBScript:msgbox(1)'],
    ['01-links.md', 11, 'error', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='],
    ['01-links.md', 14, 'error', 'javascript:void(0)'],
    ['01-links.md', 17, 'error', 'javascript:alert(2)'], // the reference's definition,
  ]);
  expect(problems.find((p) => p.key === 'unsafeLink')!.message).toMatch(/^link to "javascript:alert\(1\)" is not allowed/);
});

test('the course overview is checked too', () => {
  const dir = courseDir({ 'course.md': COURSE.replace('Overview.', 'See [me](javascript:alert(1)).'), '01-one.md': '---\ntitle: One\nminutes: 5\n---\nBody.\n' });
  const found = parseCourseDir(dir).problems.filter((p) => p.key === 'unsafeLink');
  expect(found.map((p) => [path.basename(p.file), p.line])).toEqual([['course.md', 7]]);
});
