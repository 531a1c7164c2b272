// Grading a check, as pure functions: the options' ids, each learner's order of them, reading a
// submitted answer, scoring it, and what a learner may do next (attempt limits and waits).
// No database and no clock: the service loads attempts and asks these.
import crypto from 'node:crypto';
import type { CheckKind, CheckSettings, CompiledCheck } from '../curriculum/types';

export function kindOf(check: CompiledCheck): CheckKind {
  return check.kind ?? (check.multiple ? 'multiple' : 'single');
}

const idCache = new WeakMap<CompiledCheck, string[]>();

/**
 * Each option's id, as forms send it and attempts store it: a hash of the check and the option's
 * words, so it says nothing of the option's position or whether it is right, stays the same in
 * every version where the option is unchanged, and changes when its words do.
 */
export function optionIds(check: CompiledCheck): string[] {
  let ids = idCache.get(check);
  if (!ids) {
    const seen = new Set<string>();
    ids = check.options.map((o, i) => {
      let id = crypto.createHash('sha256').update(`${check.id}\n${o.html}`).digest('hex').slice(0, 10);
      if (seen.has(id)) id = `${id}${i}`; // two options with the same words
      seen.add(id);
      return id;
    });
    idCache.set(check, ids);
  }
  return ids;
}

/** Whether this check's options are shown in an order of each learner's own. */
export function isShuffled(check: CompiledCheck, settings: CheckSettings): boolean {
  return settings.shuffle && !check.keepOrder && kindOf(check) !== 'true-false';
}

/**
 * The order (indexes into the written options) in which this learner sees them: derived from a
 * hash of the learner and the check, so it is the same on every visit and differs between
 * learners. `learner` null (a trainer's preview) or a pinned order: as written.
 */
export function displayOrder(check: CompiledCheck, settings: CheckSettings, learner: number | null): number[] {
  const order = check.options.map((_, i) => i);
  if (learner === null || !isShuffled(check, settings)) return order;
  const bytes = crypto.createHash('sha256').update(`${learner}\n${check.id}`).digest();
  // Fisher-Yates, drawing from the hash: 16 bits per swap is ample for a handful of options.
  for (let i = order.length - 1; i > 0; i--) {
    const draw = bytes.readUInt16BE((2 * i) % (bytes.length - 1));
    const j = draw % (i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

export type AnswerProblem = 'empty' | 'unknown_option' | 'tampered';

/** Reads the option ids a form sent: the chosen options' indexes, or what is wrong with them. */
export function readAnswer(check: CompiledCheck, raw: unknown): { ok: true; chosen: number[] } | { ok: false; problem: AnswerProblem } {
  const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (values.some((v) => typeof v !== 'string')) return { ok: false, problem: 'tampered' };
  if (values.length === 0) return { ok: false, problem: 'empty' };
  const ids = optionIds(check);
  const chosen = new Set<number>();
  for (const v of values as string[]) {
    const i = ids.indexOf(v);
    if (i < 0) return { ok: false, problem: 'unknown_option' };
    chosen.add(i);
  }
  // One answer to a question with one right option: a second value is a form that was changed.
  if (kindOf(check) !== 'multiple' && chosen.size > 1) return { ok: false, problem: 'tampered' };
  return { ok: true, chosen: [...chosen].sort((a, b) => a - b) };
}

/**
 * The score (0 to 1) and whether it passes. One right option: all or nothing. Several: each right
 * option chosen counts, each wrong one chosen takes one away, never below 0, out of the number of
 * right options; with the default pass mark (100) only the exact set passes.
 */
export function grade(check: CompiledCheck, chosen: number[], passMark: number): { score: number; passed: boolean } {
  const right = check.options.map((o, i) => (o.correct ? i : -1)).filter((i) => i >= 0);
  const hits = chosen.filter((i) => right.includes(i)).length;
  const misses = chosen.length - hits;
  const score = right.length ? Math.max(0, hits - misses) / right.length : 0;
  // A small tolerance for floating point only: 3 of 5 right is 60% and passes a mark of 60.
  return { score, passed: score * 100 + 1e-9 >= passMark };
}

/** What a learner has done on one check in this round, oldest first. */
export interface AttemptFacts {
  attempt: number;
  chosen: number[];
  passed: boolean;
  at: Date;
}

export type AttemptStatus =
  /** Not answered yet, or answered wrongly with attempts left and no wait. */
  | 'open'
  | 'passed'
  /** Answered wrongly; the next attempt is allowed from `nextAt`. */
  | 'waiting'
  /** Answered wrongly as many times as allowed. */
  | 'used-up';

export interface AttemptState {
  status: AttemptStatus;
  attempts: number;
  /** Attempts still allowed, or null for no limit. */
  left: number | null;
  nextAt: Date | null;
  last: AttemptFacts | null;
}

export function attemptState(settings: CheckSettings, attempts: AttemptFacts[], now: Date): AttemptState {
  const last = attempts[attempts.length - 1] ?? null;
  const count = attempts.length;
  const left = settings.maxAttempts === null ? null : Math.max(0, settings.maxAttempts - count);
  if (attempts.some((a) => a.passed)) return { status: 'passed', attempts: count, left, nextAt: null, last: attempts.find((a) => a.passed)! };
  if (left === 0) return { status: 'used-up', attempts: count, left, nextAt: null, last };
  if (last && settings.waitMinutes > 0) {
    const nextAt = new Date(last.at.getTime() + settings.waitMinutes * 60_000);
    if (nextAt > now) return { status: 'waiting', attempts: count, left, nextAt, last };
  }
  return { status: 'open', attempts: count, left, nextAt: null, last };
}
