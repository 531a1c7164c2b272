// The module page's view model, in one place: the learner's page and the trainer's preview (which
// shows the answers and records nothing) render `learning/module` from the same model, so the
// preview is exactly what learners see.
//
// Checks are presented here, not in the view: each option carries only what the learner may see
// now. The right answer and the feedback are put in the model only for options the learner has
// answered (or, once no attempt is left, the right ones), so they never reach the browser before
// an answer is stored. A learner sees the options in their own order (stable across reloads).
import type { CheckKind, CompiledCheck, CompiledCourse, CompiledModule } from '../curriculum/types';
import { settingsFor } from '../curriculum/course-rules';
import type { ErrorId } from '../http/errors';
import type { Progress } from './rules';
import type { AttemptRow } from './assessment-store';
import type { AnswerOutcome } from './assessment';
import { attemptFacts } from './assessment';
import { attemptState, displayOrder, kindOf, optionIds, type AttemptStatus } from './grading';

/** Longest reflection a learner may save. */
export const MAX_REFLECTION_LENGTH = 5000;

export interface ModuleData {
  course: CompiledCourse;
  module: CompiledModule;
  index: number;
  enrolled: boolean;
  isComplete: boolean;
  courseCompletedAt: Date | null;
  reflections: Map<string, string>;
  progress: Progress;
  /** The learner's attempts at this module's checks, by check id (none in a preview). */
  attempts?: Map<string, AttemptRow[]>;
  /** Whose order the options are shown in; null or absent: as written (a preview). */
  learnerId?: number | null;
  now?: Date;
  /** When the module may be marked complete, if that is still ahead (a minimum time per module). */
  completableAt?: Date | null;
}

/** What became of the last submission of a check on this page. */
export interface CheckAnswer {
  checkId: string;
  outcome?: AnswerOutcome;
  /** The answer met the course's last condition: the course is complete now. */
  completedNow?: boolean;
  /** The submission was refused: the error's id, and a message key and values when it has its own. */
  error?: { id: ErrorId; key?: string; params?: Record<string, unknown> } | null;
}

export interface ModulePageState {
  answer?: CheckAnswer | null;
  reflectionError?: { id: string; text: string } | null;
  savedReflection?: string | null;
  /** A refusal of "mark complete" (a minimum time not yet spent): the message key and values. */
  completeError?: { key: string; params?: Record<string, unknown> } | null;
  /** Content warnings are shown first unless the learner chose to continue. */
  warningAccepted: boolean;
}

export interface ModulePaths {
  course: (slug: string) => string;
  module: (slug: string, key: string) => string;
}

/** A trainer's preview: answers revealed, a banner naming the course's owner and a way back. */
export interface PreviewOf {
  back: string;
  version: number | null;
  owner: string;
}

export interface OptionView {
  id: string;
  html: string;
  picked: boolean;
  /** Shown only once the learner may see it. */
  feedbackHtml: string | null;
  mark: 'correct' | 'incorrect' | null;
}

export interface CheckView {
  id: string;
  kind: CheckKind;
  titleHtml: string | null;
  questionHtml: string;
  inputType: 'radio' | 'checkbox';
  options: OptionView[];
  status: AttemptStatus;
  /** How the last stored attempt went. */
  result: 'right' | 'wrong' | null;
  attempts: number;
  /** Attempts still allowed, when the course limits them. */
  left: number | null;
  /** Minutes until the next attempt is allowed, while waiting. */
  waitMinutes: number | null;
  /** The attempt number the form submits (its hidden field): a repeated submission is recognised. */
  nextAttempt: number;
  canSubmit: boolean;
  /** A message for this check: a refusal, or a notice about a repeated submission. */
  message: { key: string; params?: Record<string, unknown>; alert: boolean } | null;
}

function minutesUntil(at: Date, now: Date): number {
  return Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 60_000));
}

function presentCheck(check: CompiledCheck, data: ModuleData, answer: CheckAnswer | null, reveal: boolean): CheckView {
  const kind = kindOf(check);
  const settings = settingsFor(data.course.grading, check.id);
  const now = data.now ?? new Date(0);
  const rows = data.attempts?.get(check.id) ?? [];
  const state = attemptState(settings, rows.map((r) => attemptFacts(check, r)), now);
  const ids = optionIds(check);
  const order = displayOrder(check, settings, reveal ? null : data.learnerId ?? null);
  const picked = new Set(state.last?.chosen ?? []);
  const noneLeft = state.status === 'used-up';
  const options: OptionView[] = order.map((i) => {
    const o = check.options[i];
    const shown = reveal || picked.has(i) || (noneLeft && o.correct);
    const marked = reveal || (state.status === 'passed' && picked.has(i)) || (noneLeft && (o.correct || picked.has(i)));
    return {
      id: ids[i], html: o.html, picked: !reveal && picked.has(i),
      feedbackHtml: shown ? o.feedbackHtml : null,
      mark: marked ? (o.correct ? 'correct' : 'incorrect') : null,
    };
  });
  const mine = answer && answer.checkId === check.id ? answer : null;
  let message: CheckView['message'] = null;
  if (mine?.error) {
    message = mine.error.id === 'answer_empty' ? { key: 'check.chooseOne', alert: true }
      : { key: mine.error.key ?? `errors.${mine.error.id}.message`, params: mine.error.params, alert: true };
  } else if (mine?.outcome === 'duplicate' || mine?.outcome === 'already-passed') {
    message = { key: `check.${mine.outcome === 'duplicate' ? 'duplicate' : 'alreadyPassed'}`, alert: false };
  }
  return {
    id: check.id, kind, titleHtml: check.titleHtml ?? null, questionHtml: check.questionHtml,
    inputType: kind === 'multiple' ? 'checkbox' : 'radio', options,
    status: state.status,
    result: state.last ? (state.last.passed ? 'right' : 'wrong') : null,
    attempts: state.attempts, left: state.left,
    waitMinutes: state.nextAt ? minutesUntil(state.nextAt, now) : null,
    nextAttempt: state.attempts + 1,
    canSubmit: !reveal && (state.status === 'open' || state.status === 'waiting'),
    message,
  };
}

export function presentModulePage(data: ModuleData, state: ModulePageState, options: { path: ModulePaths; title: string; preview?: PreviewOf }) {
  const { course, module, index } = data;
  const reveal = Boolean(options.preview);
  const answer = state.answer ?? null;
  return {
    title: options.title,
    course: data.course,
    module: data.module,
    index: data.index,
    enrolled: data.enrolled,
    isComplete: data.isComplete,
    courseCompletedAt: data.courseCompletedAt,
    reflections: data.reflections,
    progress: data.progress,
    previous: course.modules[index - 1] ?? null,
    next: course.modules[index + 1] ?? null,
    showWarning: !reveal && Boolean(module.contentWarning) && !state.warningAccepted && !data.isComplete,
    // Every key is passed, even when empty: EJS throws on an undefined name.
    reflectionError: state.reflectionError ?? null,
    savedReflection: state.savedReflection ?? null,
    checks: Object.fromEntries(module.checks.map((c) => [c.id, presentCheck(c, data, answer, reveal)])),
    reflectionPrompts: Object.fromEntries(module.reflections.map((r) => [r.id, r])),
    maxReflectionLength: MAX_REFLECTION_LENGTH,
    completeError: state.completeError ?? null,
    // This answer met the course's last condition: the course was completed by it, just now.
    completedByAnswer: Boolean(answer?.completedNow),
    completableIn: data.completableAt && data.now ? minutesUntil(data.completableAt, data.now) : null,
    minimumMinutes: course.completion?.minimumMinutes ?? null,
    path: options.path,
    reveal,
    previewOf: options.preview ?? null,
  };
}
