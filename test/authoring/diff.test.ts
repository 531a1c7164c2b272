// What changed between two published versions of a course, as the version history shows it:
// modules added, removed and edited (by key), a new order, and changed course details.
import { diffCourses } from '../../src/authoring/diff';
import { compileCourse, courseFiles, type CourseSpec } from '../support/course-files';

const SLUG = 'diffed';
const version = (spec: CourseSpec) => compileCourse(SLUG, courseFiles(spec)).course;
const base: CourseSpec = {
  title: 'Diffed course',
  modules: [{ key: 'intro', title: 'Intro' }, { key: 'middle', title: 'Middle' }, { key: 'end', title: 'The end' }],
};
const NOTHING = { first: false, added: [], removed: [], edited: [], reordered: false, detailsChanged: false };

test('the first version has nothing to compare with', () => {
  expect(diffCourses(null, version(base))).toEqual({ ...NOTHING, first: true });
});

test('the same content changes nothing', () => {
  expect(diffCourses(version(base), version(base))).toEqual(NOTHING);
});

test('modules added, removed and edited are named by key and title', () => {
  const after = version({
    ...base,
    modules: [
      { key: 'intro', title: 'Intro' },
      { key: 'middle', title: 'Middle, rewritten' },
      { key: 'new-part', title: 'A new part' },
    ],
  });
  expect(diffCourses(version(base), after)).toEqual({
    ...NOTHING,
    added: [{ key: 'new-part', title: 'A new part' }],
    removed: [{ key: 'end', title: 'The end' }],
    edited: [{ key: 'middle', title: 'Middle, rewritten' }],
  });
});

test('a module whose body changed is edited even when its title did not', () => {
  const modules = base.modules!.map((m) => (typeof m !== 'string' && m.key === 'end' ? { ...m, body: 'New words.' } : m));
  expect(diffCourses(version(base), version({ ...base, modules }))).toEqual({ ...NOTHING, edited: [{ key: 'end', title: 'The end' }] });
});

test('a new order of the same modules is a reorder, not an edit (keys, not file numbers, identify modules)', () => {
  const [intro, middle, end] = base.modules!;
  expect(diffCourses(version(base), version({ ...base, modules: [intro, end, middle] }))).toEqual({ ...NOTHING, reordered: true });
});

test('adding or removing a module between others is not a reorder', () => {
  const [intro, middle, end] = base.modules!;
  const added = version({ ...base, modules: [intro, { key: 'inserted', title: 'Inserted' }, middle, end] });
  expect(diffCourses(version(base), added)).toMatchObject({ reordered: false, added: [{ key: 'inserted' }] });
  expect(diffCourses(version(base), version({ ...base, modules: [intro, end] }))).toMatchObject({ reordered: false, removed: [{ key: 'middle' }] });
});

test('course details (title, validity, overview) changed are reported apart from the modules', () => {
  expect(diffCourses(version(base), version({ ...base, title: 'Renamed course' }))).toEqual({ ...NOTHING, detailsChanged: true });
  expect(diffCourses(version(base), version({ ...base, validityMonths: 12 }))).toEqual({ ...NOTHING, detailsChanged: true });
  expect(diffCourses(version(base), version({ ...base, overview: 'A new overview.' }))).toEqual({ ...NOTHING, detailsChanged: true });
  expect(diffCourses(version(base), version({ ...base, refresher: 'a-refresher' }))).toEqual({ ...NOTHING, detailsChanged: true });
});
