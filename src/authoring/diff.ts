// What changed from one published version of a course to the next: defined in the curriculum
// feature, which the learning feature also asks (a learner hears of a newer version).
export { diffCourses, type Changes } from '../curriculum/diff';
