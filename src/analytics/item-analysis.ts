// Item analysis for trainers: per question of a course's current version, the share right at the
// first attempt, how often each option is chosen, and a flag on the questions nearly everyone
// misses or (nearly) nobody misses. Pure: the current checks and every attempt in, rows out. An
// attempt names options by id, so it counts wherever the option's words are unchanged; ids of
// options since reworded are counted apart ("earlier wording").
import type { CompiledCheck, CompiledModule } from '../curriculum/types';
import { kindOf, optionIds } from '../learning/grading';
import { MIN_GROUP } from './suppression';

/** At most this share right at the first attempt: nearly everyone misses it. */
export const HARD_SHARE = 0.2;
/** At least this share right at the first attempt: (nearly) nobody misses it. */
export const EASY_SHARE = 0.95;

export interface AttemptRecord {
  checkId: string;
  attempt: number;
  chosen: string[];
  passed: boolean;
}

export interface OptionUse {
  html: string;
  correct: boolean;
  /** Attempts that chose it. */
  chosen: number;
  /** Of all attempts at the question. */
  share: number;
}

export interface ItemRow {
  checkId: string;
  moduleTitle: string;
  kind: ReturnType<typeof kindOf>;
  questionHtml: string;
  /** Learners who answered it (first attempts). */
  learners: number;
  attempts: number;
  /** Null when fewer than 5 learners answered: too few to say anything. */
  firstRight: number | null;
  options: OptionUse[] | null;
  /** Choices of options no longer in the question (reworded since). */
  earlierWording: number;
  flag: 'nearly-everyone-misses' | 'nobody-misses' | null;
}

export function itemAnalysis(modules: readonly Pick<CompiledModule, 'title' | 'checks'>[], attempts: readonly AttemptRecord[]): ItemRow[] {
  const byCheck = new Map<string, AttemptRecord[]>();
  for (const a of attempts) {
    const list = byCheck.get(a.checkId);
    if (list) list.push(a);
    else byCheck.set(a.checkId, [a]);
  }
  return modules.flatMap((m) => m.checks.map((check) => row(m.title, check, byCheck.get(check.id) ?? [])));
}

function row(moduleTitle: string, check: CompiledCheck, attempts: AttemptRecord[]): ItemRow {
  const ids = optionIds(check);
  const counts = new Map(ids.map((id) => [id, 0]));
  let earlierWording = 0;
  for (const a of attempts) {
    for (const id of a.chosen) {
      if (counts.has(id)) counts.set(id, counts.get(id)! + 1);
      else earlierWording++;
    }
  }
  const first = attempts.filter((a) => a.attempt === 1);
  const enough = first.length >= MIN_GROUP;
  const firstRight = enough ? first.filter((a) => a.passed).length / first.length : null;
  return {
    checkId: check.id, moduleTitle, kind: kindOf(check), questionHtml: check.questionHtml,
    learners: first.length, attempts: attempts.length,
    firstRight,
    options: enough ? check.options.map((o, i) => {
      const chosen = counts.get(ids[i]) ?? 0;
      return { html: o.html, correct: o.correct, chosen, share: attempts.length ? chosen / attempts.length : 0 };
    }) : null,
    earlierWording: enough ? earlierWording : 0,
    flag: firstRight === null ? null : firstRight <= HARD_SHARE ? 'nearly-everyone-misses' : firstRight >= EASY_SHARE ? 'nobody-misses' : null,
  };
}
