// The measured change of a course's survey: pre and post answers paired by pseudonym, then per item
// and overall, attitude and knowledge kept apart, the number of pairs, mean pre, mean post and the
// mean paired change with its 95% confidence interval; and the same overall figures by group (unit,
// period, organization), with small groups suppressed. Pure: rows in, report out.
//
// Scoring: an attitude answer is 1-5 agreement, a reversed item recoded as 6 - answer, so higher is
// always the rights-based view. A knowledge answer scores 1 when right, 0 when wrong or "not sure".
// A learner's overall score is the mean of the items they answered both times.
import type { CompiledSurvey, SurveyItem } from '../curriculum/types';
import { pairedChange, type PairedChange } from './statistics';
import { MIN_GROUP, suppressGroups, type Suppression } from './suppression';

export interface ResponseRow {
  respondent: string;
  phase: 'pre' | 'post';
  answeredOn: string;
  answers: Record<string, unknown>;
}

export interface Pair {
  respondent: string;
  pre: ResponseRow;
  post: ResponseRow;
}

export interface ItemChange {
  item: SurveyItem;
  /** Pairs who answered the item both times. */
  n: number;
  /** Null when hidden (fewer than 5 pairs answered it). */
  stats: PairedChange | null;
}

export interface ChangeSection {
  /** Null when hidden or when the survey has no items of this kind. */
  overall: PairedChange | null;
  items: ItemChange[];
}

export interface GroupRow {
  key: string;
  label: string;
  /** Null when hidden. */
  n: number | null;
  attitude: PairedChange | null;
  knowledge: PairedChange | null;
  suppression: Suppression | null;
}

export interface Breakdown {
  name: string;
  /** Every group there may be, in the order to show them (a unit with no pairs is still listed). */
  groups: { key: string; label: string }[];
  /** The group of a pair; null leaves the pair out of this breakdown. */
  groupOf: (pair: Pair) => string | null;
}

export interface ChangeReport {
  pairs: number;
  /** The whole report may be shown: at least 5 pairs. */
  shown: boolean;
  attitude: ChangeSection;
  knowledge: ChangeSection;
  breakdowns: { name: string; rows: GroupRow[] }[];
}

export function scoreOf(item: SurveyItem, value: unknown): number | null {
  if (item.kind === 'attitude') {
    const v = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(v) || v < 1 || v > 5) return null;
    return item.reversed ? 6 - v : v;
  }
  if (value !== 'true' && value !== 'false' && value !== 'not-sure') return null;
  return value === item.answer ? 1 : 0;
}

/** Pre and post answers of the same respondent (a respondent with one of them is left out). */
export function pairResponses(rows: readonly ResponseRow[]): Pair[] {
  const pre = new Map<string, ResponseRow>();
  const post = new Map<string, ResponseRow>();
  for (const r of rows) (r.phase === 'pre' ? pre : post).set(r.respondent, r);
  const pairs: Pair[] = [];
  for (const [respondent, p] of post) {
    const before = pre.get(respondent);
    if (before) pairs.push({ respondent, pre: before, post: p });
  }
  return pairs;
}

/**
 * Every pair's scores as columns: per item, and overall per kind, a pre and a post value for each
 * pair (NaN where not answered both times). Columns of numbers, not an object per pair and item:
 * 10,000 pairs are scored per report, and the garbage of small arrays was most of its time.
 */
interface Columns {
  items: { pre: Float64Array; post: Float64Array }[];
  attitude: { pre: Float64Array; post: Float64Array };
  knowledge: { pre: Float64Array; post: Float64Array };
}

function column(n: number) {
  return { pre: new Float64Array(n).fill(NaN), post: new Float64Array(n).fill(NaN) };
}

function scoreAll(pairs: readonly Pair[], items: readonly SurveyItem[]): Columns {
  const n = pairs.length;
  const cols: Columns = { items: items.map(() => column(n)), attitude: column(n), knowledge: column(n) };
  for (let p = 0; p < n; p++) {
    const { pre, post } = pairs[p];
    let attitudePre = 0;
    let attitudePost = 0;
    let attitudes = 0;
    let knowledgePre = 0;
    let knowledgePost = 0;
    let knowledge = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const a = scoreOf(item, pre.answers[item.id]);
      const b = scoreOf(item, post.answers[item.id]);
      if (a === null || b === null) continue;
      cols.items[i].pre[p] = a;
      cols.items[i].post[p] = b;
      if (item.kind === 'attitude') {
        attitudePre += a;
        attitudePost += b;
        attitudes++;
      } else {
        knowledgePre += a;
        knowledgePost += b;
        knowledge++;
      }
    }
    if (attitudes) {
      cols.attitude.pre[p] = attitudePre / attitudes;
      cols.attitude.post[p] = attitudePost / attitudes;
    }
    if (knowledge) {
      cols.knowledge.pre[p] = knowledgePre / knowledge;
      cols.knowledge.post[p] = knowledgePost / knowledge;
    }
  }
  return cols;
}

export function changeReport(survey: CompiledSurvey, rows: readonly ResponseRow[], breakdowns: readonly Breakdown[] = []): ChangeReport {
  const items = survey.items;
  const pairs = pairResponses(rows);
  const cols = scoreAll(pairs, items);
  const shown = pairs.length >= MIN_GROUP;
  const section = (kind: SurveyItem['kind']): ChangeSection => {
    const overall = pairedChange(cols[kind].pre, cols[kind].post);
    return {
      overall: shown && overall && overall.n >= MIN_GROUP ? overall : null,
      items: items.map((item, i) => ({ item, i })).filter((x) => x.item.kind === kind).map(({ item, i }) => {
        const c = pairedChange(cols.items[i].pre, cols.items[i].post);
        const n = c?.n ?? 0;
        return { item, n: shown ? n : 0, stats: shown && n >= MIN_GROUP ? c : null };
      }),
    };
  };
  return {
    pairs: pairs.length,
    shown,
    attitude: section('attitude'),
    knowledge: section('knowledge'),
    breakdowns: breakdowns.map((b) => ({ name: b.name, rows: groupRows(b, pairs, cols) })),
  };
}

/** The overall columns of the pairs at these indexes. */
function pick(col: { pre: Float64Array; post: Float64Array }, at: number[]) {
  const pre = new Float64Array(at.length);
  const post = new Float64Array(at.length);
  at.forEach((p, j) => {
    pre[j] = col.pre[p];
    post[j] = col.post[p];
  });
  return { pre, post };
}

function groupRows(b: Breakdown, pairs: readonly Pair[], cols: Columns): GroupRow[] {
  const byKey = new Map<string, number[]>(b.groups.map((g) => [g.key, []]));
  const labels = new Map(b.groups.map((g) => [g.key, g.label]));
  pairs.forEach((pair, p) => {
    const key = b.groupOf(pair);
    if (key === null) return;
    const list = byKey.get(key);
    if (list) list.push(p);
    else byKey.set(key, [p]);
  });
  const groups = [...byKey].map(([key, members]) => ({ key, n: members.length, members }));
  const hidden = suppressGroups(groups);
  return groups.map((g) => {
    const suppression = hidden.get(g.key) ?? null;
    if (suppression) return { key: g.key, label: labels.get(g.key) ?? g.key, suppression, n: null, attitude: null, knowledge: null };
    const attitude = pick(cols.attitude, g.members);
    const knowledge = pick(cols.knowledge, g.members);
    return {
      key: g.key, label: labels.get(g.key) ?? g.key, suppression, n: g.n,
      attitude: pairedChange(attitude.pre, attitude.post), knowledge: pairedChange(knowledge.pre, knowledge.post),
    };
  });
}

/** "2026 Q1" for a day in January to March 2026: the period a pair belongs to (by its post answer). */
export function quarterOf(day: string): string {
  const month = Number(day.slice(5, 7));
  return `${day.slice(0, 4)} Q${Math.ceil(month / 3)}`;
}
