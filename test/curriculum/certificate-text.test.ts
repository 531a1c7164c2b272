// A course's title is printed on its certificates: what no certificate font can print is a
// problem of the course, named at the title's line, before anyone earns a certificate of it.
// The same parser runs for `curriculum check`, the folder sync and the browser's publish.
import { parseCourseFiles } from '../../src/curriculum/parse';
import { courseFiles } from '../support/course-files';

const problemsFor = (title: string) => parseCourseFiles('titled', courseFiles({ title }), '/factory/titled').problems;

test('titles in every script a certificate prints are fine', () => {
  for (const title of ['Rights-based practice', 'ਸਿਹਤ ਸੇਵਾਵਾਂ', 'حقوق و کرامت', 'Безопасность', '인권 교육', 'Sḵwx̱wú7mesh l̓ w̓']) {
    expect([title, problemsFor(title)]).toEqual([title, []]);
  }
});

test('an emoji in a title is an error at the title line, naming it; the course is not compiled', () => {
  const parsed = parseCourseFiles('titled', courseFiles({ title: 'Safety first 🌈' }), '/factory/titled');
  expect(parsed.course).toBeNull();
  expect(parsed.problems).toEqual([
    expect.objectContaining({ severity: 'error', key: 'titleUnprintable', line: 2, params: { characters: '🌈' }, message: expect.stringContaining('🌈') }),
  ]);
});

test('control and bidi control characters are named as code points', () => {
  const [problem] = problemsFor('Safety \u202eterces');
  expect(problem).toMatchObject({ key: 'titleUnprintable', params: { characters: 'U+202E' } });
  expect(problem!.message).not.toContain('\u202e');
});

test('a title with nothing visible is an error', () => {
  expect(problemsFor('\u200b\u200b')).toEqual([expect.objectContaining({ severity: 'error', key: 'titleInvisible' })]);
});
