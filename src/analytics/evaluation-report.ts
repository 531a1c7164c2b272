// The course evaluation, aggregated for trainers: per question the number of answers, the mean and
// how many chose each point of the scale; the same by period with small groups suppressed; and the
// comments, only when at least 5 people answered (so no comment stands out in a tiny group).
import { MIN_GROUP, suppressGroups, type Suppression } from './suppression';
import { quarterOf } from './change-report';

export const EVALUATION_QUESTIONS = ['useful', 'relevant', 'recommend'] as const;
export type EvaluationQuestion = (typeof EVALUATION_QUESTIONS)[number];

export interface EvaluationRecord {
  answeredOn: string;
  useful: number | null;
  relevant: number | null;
  recommend: number | null;
  comment: string | null;
}

export interface QuestionSummary {
  question: EvaluationQuestion;
  answers: number;
  mean: number | null;
  /** How many chose 1, 2, 3, 4 and 5. */
  counts: number[];
}

export interface EvaluationReport {
  responses: number;
  shown: boolean;
  questions: QuestionSummary[];
  byPeriod: { period: string; n: number | null; means: (number | null)[]; suppression: Suppression | null }[];
  /** Null when hidden (fewer than 5 responses). */
  comments: string[] | null;
}

function summarize(records: readonly EvaluationRecord[], q: EvaluationQuestion): QuestionSummary {
  const counts = [0, 0, 0, 0, 0];
  let sum = 0;
  let answers = 0;
  for (const r of records) {
    const v = r[q];
    if (v === null || v < 1 || v > 5) continue;
    counts[v - 1]++;
    sum += v;
    answers++;
  }
  return { question: q, answers, mean: answers ? sum / answers : null, counts };
}

export function evaluationReport(records: readonly EvaluationRecord[]): EvaluationReport {
  const shown = records.length >= MIN_GROUP;
  const periods = new Map<string, EvaluationRecord[]>();
  for (const r of records) {
    const p = quarterOf(r.answeredOn);
    periods.set(p, [...(periods.get(p) ?? []), r]);
  }
  const groups = [...periods].sort((a, b) => a[0].localeCompare(b[0])).map(([period, list]) => ({ key: period, n: list.length, list }));
  const hidden = suppressGroups(groups);
  return {
    responses: records.length,
    shown,
    questions: shown ? EVALUATION_QUESTIONS.map((q) => summarize(records, q)) : [],
    byPeriod: shown ? groups.map((g) => {
      const suppression = hidden.get(g.key) ?? null;
      return { period: g.key, n: suppression ? null : g.n, means: suppression ? [] : EVALUATION_QUESTIONS.map((q) => summarize(g.list, q).mean), suppression };
    }) : [],
    // In alphabetical order, not the order given: the order would tell early answers from late ones.
    comments: shown ? records.map((r) => r.comment).filter((c): c is string => Boolean(c)).sort((a, b) => a.localeCompare(b)) : null,
  };
}
