// Answer cues across a course: patterns that let a learner pass checks without knowing the answer.
// `curriculum check` warns when the right answer of most single-answer checks sits in the same
// written position, or is the longest option. "Most" is more than half; a course needs
// MIN_CHECKS_FOR_CUES such checks before a share means anything. (A check whose feedback is the
// same under every option is warned about where it is written: see blocks.ts.)
import type { CompiledCheck, CompiledModule } from './types';
import { plainTextOf } from './blocks';

export const MIN_CHECKS_FOR_CUES = 4;

export interface AnswerCues {
  /** Single-answer checks looked at (knowledge checks with exactly one right option). */
  total: number;
  /** The written position (1-based) the right answer takes most often, and in how many checks. */
  position: { position: number; count: number } | null;
  /** Checks whose right answer is longer than every other option (true/false checks aside). */
  longest: { count: number; of: number };
}

function singleAnswer(check: CompiledCheck): boolean {
  return check.kind !== 'scenario' && check.options.filter((o) => o.correct).length === 1;
}

export function answerCues(modules: Pick<CompiledModule, 'checks'>[]): AnswerCues {
  const checks = modules.flatMap((m) => m.checks).filter(singleAnswer);
  const byPosition = new Map<number, number>();
  for (const c of checks) {
    const at = c.options.findIndex((o) => o.correct) + 1;
    byPosition.set(at, (byPosition.get(at) ?? 0) + 1);
  }
  const top = [...byPosition].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  const worded = checks.filter((c) => c.kind !== 'true-false');
  const longest = worded.filter((c) => {
    const lengths = c.options.map((o) => plainTextOf(o.html).length);
    const right = c.options.findIndex((o) => o.correct);
    return lengths.every((l, i) => i === right || l < lengths[right]);
  }).length;
  return { total: checks.length, position: top ? { position: top[0], count: top[1] } : null, longest: { count: longest, of: worded.length } };
}

/** The warnings to give, as problem keys and values (the caller names the file and line). */
export function cueWarnings(cues: AnswerCues): { key: string; params: Record<string, unknown> }[] {
  const out: { key: string; params: Record<string, unknown> }[] = [];
  if (cues.total >= MIN_CHECKS_FOR_CUES && cues.position && cues.position.count * 2 > cues.total) {
    out.push({ key: 'cuePosition', params: { position: cues.position.position, count: cues.position.count, total: cues.total } });
  }
  if (cues.longest.of >= MIN_CHECKS_FOR_CUES && cues.longest.count * 2 > cues.longest.of) {
    out.push({ key: 'cueLongest', params: { count: cues.longest.count, total: cues.longest.of } });
  }
  return out;
}
