// What the checker catches beyond errors (issue 15, point 4): template text left in, alt text that
// says nothing, a course's minutes far from its modules', missing media with the fix for where the
// course is kept, and no line number for a problem about a whole media file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatProblem, parseCourseDir, parseCourseFiles, type CourseFiles } from '../../src/curriculum/parse';
import { altSaysNothing } from '../../src/curriculum/alt-text';
import { placeholderSentences } from '../../src/curriculum/placeholders';
import { createI18n } from '../../src/i18n';
import { glossaryTemplate } from '../../src/authoring/drafts';

const en = createI18n().getFixedT('en');
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c80000000049454e44ae426082', 'hex');

const course = (minutes = 10, body = 'Who this course is for.') => `---\ntitle: A course\nsummary: Short.\naudience: [police]\nminutes: ${minutes}\n---\n${body}\n`;
const mod = (body: string, minutes = 5) => `---\ntitle: One\nminutes: ${minutes}\n---\n${body}\n`;

function files(entries: Record<string, string | Buffer>): CourseFiles {
  return new Map(Object.entries(entries).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8')]));
}

/** Problems as `file:line: severity key` (no line when there is none), for exact comparison. */
function problemsOf(entries: Record<string, string | Buffer>, mediaHome?: 'folder' | 'browser') {
  return parseCourseFiles('c', files(entries), 'c', { mediaHome }).problems;
}
const keys = (ps: ReturnType<typeof problemsOf>) => ps.map((p) => `${path.basename(p.file)}:${p.line}: ${p.severity} ${p.key}`);

describe('placeholder text from the templates', () => {
  test('the new course, new module and new glossary templates are warned about, at their lines', () => {
    const overview = en('author.starter.overview');
    const moduleBody = en('author.starter.moduleBody');
    const glossary = glossaryTemplate({ term: en('author.starter.glossaryTerm'), definition: en('author.starter.glossaryDefinition') });
    const ps = problemsOf({ 'course.md': course(10, overview), '01-one.md': mod(moduleBody), '02-two.md': mod('## Fine\n\nOwn words.'), 'glossary.md': glossary });
    expect(keys(ps).sort()).toEqual([
      '01-one.md:7: warning placeholderText',
      'course.md:7: warning placeholderText',
      'glossary.md:3: warning placeholderText',
    ]);
    const inCourse = ps.find((p) => p.file.endsWith('course.md'))!;
    expect(inCourse.message).toContain(overview);
    expect(inCourse.message).toContain('replace it with your own words');
  });

  test('the sentences come from the templates themselves, and own words are not flagged', () => {
    expect(placeholderSentences()).toEqual(expect.arrayContaining([en('author.starter.overview'), 'Write the module here.', en('author.media.altPlaceholder')]));
    // The template's section heading is plausible to keep; only its sentences are placeholders.
    expect(keys(problemsOf({ 'course.md': course(5), '01-one.md': mod('## What this module covers\n\nHarm reduction, in practice.') }))).toEqual([]);
  });

  test('the alt text the media list suggests is a placeholder too', () => {
    const ps = problemsOf({ 'course.md': course(5), '01-one.md': mod(`Text.\n\n![${en('author.media.altPlaceholder')}](media/a.png)`), 'media/a.png': PNG });
    expect(keys(ps)).toEqual(['01-one.md:7: warning placeholderText']);
  });
});

describe('alt text that says nothing', () => {
  test.each([
    ['the file name', 'form.png', 'media/form.png'],
    ['the file name without its extension', 'bad-date_form', 'media/bad-date_form.png'],
    ['"image"', 'Image', 'media/a.png'],
    ['"picture"', 'a picture', 'media/a.png'],
    ['"pic"', 'pic', 'media/a.png'],
    ['"photo"', 'Photo 1', 'media/a.png'],
    ['almost nothing', '--', 'media/a.png'],
  ])('%s', (_what, alt, src) => {
    expect(altSaysNothing(alt, src)).toBe(true);
  });

  test('alt text that describes the image is fine', () => {
    expect(altSaysNothing('A photo of a bad-date report form', 'media/form.png')).toBe(false);
    expect(altSaysNothing('Map of the outreach route', 'media/map.png')).toBe(false);
  });

  test('is a warning at the image\'s line, naming the image and how to fix it', () => {
    const ps = problemsOf({ 'course.md': course(5), '01-one.md': mod('## Map\n\nText.\n\n![map.png](media/map.png)'), 'media/map.png': PNG });
    expect(keys(ps)).toEqual(['01-one.md:9: warning imageAltUseless']);
    expect(ps[0].message).toMatch(/"map\.png" of image "media\/map\.png" says nothing about it: describe what the image shows/);
  });
});

describe("a course's minutes and its modules'", () => {
  test('more than a quarter apart is a warning at the minutes line', () => {
    const ps = problemsOf({ 'course.md': course(60), '01-one.md': mod('Text.', 20), '02-two.md': mod('Text.', 20) });
    expect(keys(ps)).toEqual(['course.md:5: warning minutesMismatch']);
    expect(ps[0].message).toBe('field "minutes": the course says 60 minutes, but its modules add up to 40: make the two agree (within a quarter)');
  });

  test('within a quarter either way is fine', () => {
    expect(keys(problemsOf({ 'course.md': course(50), '01-one.md': mod('Text.', 20), '02-two.md': mod('Text.', 20) }))).toEqual([]);
    expect(keys(problemsOf({ 'course.md': course(30), '01-one.md': mod('Text.', 20), '02-two.md': mod('Text.', 20) }))).toEqual([]);
    expect(keys(problemsOf({ 'course.md': course(29), '01-one.md': mod('Text.', 20), '02-two.md': mod('Text.', 20) }))).toEqual(['course.md:5: warning minutesMismatch']);
  });
});

describe('a missing media file says to upload it, and where', () => {
  const body = '## Files\n\n![A bad-date report form](media/form.png)\n\n[The form](media/form.pdf)\n\n::: audio media/talk.mp3\nTranscript.\n:::';

  test('in a folder course: put it in the course folder\'s media/', () => {
    const ps = problemsOf({ 'course.md': course(5), '01-one.md': mod(body) });
    expect(ps.map((p) => `${p.line}: ${p.message}`)).toEqual([
      '7: image "media/form.png" is not in this course\'s media/ folder: put form.png in the course folder\'s media/ (c/media/) and write media/form.png',
      '9: link to "media/form.pdf" leads to a file that is not in this course\'s media/ folder: put form.pdf in the course folder\'s media/ (c/media/)',
      '11: "media/talk.mp3" is not in this course\'s media/ folder: put talk.mp3 in the course folder\'s media/ (c/media/)',
    ]);
  });

  test('in a course written in the browser: upload it on the course\'s page', () => {
    const ps = problemsOf({ 'course.md': course(5), '01-one.md': mod(body) }, 'browser');
    expect(ps.map((p) => p.key)).toEqual(['imageMissingUpload', 'mediaLinkMissingUpload', 'mediaBlockMissingUpload']);
    for (const p of ps) expect(p.message).toContain('on the course\'s page, under "Images, audio and video"');
    expect(ps.every((p) => p.severity === 'error')).toBe(true);
  });
});

describe('a problem in a media file has no line number', () => {
  test('unused, wrong type, bad name: the file is named alone', () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bw-warn-')), 'c');
    fs.mkdirSync(path.join(dir, 'media'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'course.md'), course(5));
    fs.writeFileSync(path.join(dir, '01-one.md'), mod('Text.'));
    fs.writeFileSync(path.join(dir, 'media', 'unused.png'), PNG);
    fs.writeFileSync(path.join(dir, 'media', 'drawing.svg'), '<svg/>');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
    const { problems } = parseCourseDir(dir);
    const lines = problems.map((p) => formatProblem(p, path.dirname(dir))).sort();
    expect(lines).toEqual([
      'c/media/drawing.svg: files of this type cannot be used; use one of .png .jpg .jpeg .gif .webp .mp4 .webm .mp3 .m4a .ogg .pdf .vtt',
      'c/media/unused.png: warning: no module uses this file',
      'c/notes.txt: warning: this file is not part of the course: modules are .md files, and media belong in media/',
    ]);
    expect(problems.every((p) => p.line === 0)).toBe(true);
  });
});
