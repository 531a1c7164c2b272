// What finishing a course takes, and what a learner still lacks, as pure functions. A course that
// declares no rules completes when every module is marked complete, as before rules existed; one
// that declares them (course.md `completion:`) completes when each of its conditions is met.
import type { CompiledCourse, CompiledModule } from '../curriculum/types';

/** What the learner has done in the round in progress. */
export interface CompletionFacts {
  completedKeys: Set<string>;
  /** Checks with at least one attempt. */
  answered: Set<string>;
  passed: Set<string>;
  postSurvey: boolean;
}

export interface MissingCheck {
  id: string;
  moduleKey: string;
  moduleTitle: string;
}

/** One thing still missing, in words the course page can say. */
export type Missing =
  | { kind: 'modules'; modules: { key: string; title: string }[] }
  | { kind: 'answer'; checks: MissingCheck[] }
  | { kind: 'pass'; checks: MissingCheck[] }
  | { kind: 'post-survey' };

type CourseRules = Pick<CompiledCourse, 'modules' | 'completion' | 'survey'>;

/** The modules that must be marked complete. */
export function requiredModules(course: CourseRules): CompiledModule[] {
  const rule = course.completion?.modules ?? 'all';
  return rule === 'all' ? course.modules : course.modules.filter((m) => rule.includes(m.key));
}

function checksOf(course: CourseRules, ids?: string[]): MissingCheck[] {
  return course.modules.flatMap((m) => m.checks
    .filter((c) => !ids || ids.includes(c.id))
    .map((c) => ({ id: c.id, moduleKey: m.key, moduleTitle: m.title })));
}

/** Whether the end-of-course survey may be answered: every required module is complete. */
export function postSurveyOpen(course: CourseRules, completedKeys: Set<string>): boolean {
  return Boolean(course.survey) && requiredModules(course).every((m) => completedKeys.has(m.key));
}

/** What is still missing, in the order a learner would do it; empty when the course is done. */
export function missingFor(course: CourseRules, facts: CompletionFacts): Missing[] {
  const out: Missing[] = [];
  const modules = requiredModules(course).filter((m) => !facts.completedKeys.has(m.key));
  if (modules.length) out.push({ kind: 'modules', modules: modules.map((m) => ({ key: m.key, title: m.title })) });
  const rules = course.completion;
  if (!rules) return out;
  if (rules.checks === 'answered') {
    const unanswered = checksOf(course).filter((c) => !facts.answered.has(c.id));
    if (unanswered.length) out.push({ kind: 'answer', checks: unanswered });
  } else if (rules.checks !== 'none') {
    const unpassed = checksOf(course, rules.checks === 'passed' ? undefined : rules.checks).filter((c) => !facts.passed.has(c.id));
    if (unpassed.length) out.push({ kind: 'pass', checks: unpassed });
  }
  if (rules.postSurvey && course.survey && !facts.postSurvey) out.push({ kind: 'post-survey' });
  return out;
}

/** Whether the rules need to know about attempts or the survey (a course without rules does not). */
export function needsAssessmentFacts(course: CourseRules): boolean {
  return Boolean(course.completion && (course.completion.checks !== 'none' || course.completion.postSurvey));
}
