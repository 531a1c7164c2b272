// The pre/post survey of a course: one `::: survey` block in course.md, asked before the first
// module and again at the end. Attitude items use a 5-point agreement scale; knowledge items are
// true / false / not sure; the two are kept apart in the form and in the reports.
//
//   ::: survey
//   Optional words shown above the items.
//
//   - (agree) same-response: A sex worker who reports an assault should get the same response as anyone.
//   - (agree, reversed) persuade: When someone discloses sex work, the talk should turn to persuading them to stop.
//   - (true) advertising: In Canada, an adult cannot be prosecuted for advertising their own sexual services.
//   - (false) border: Human trafficking requires that the person was moved across a border.
//   :::
import type { CompiledSurvey, SurveyItem } from './types';
import { parseList, plainTextOf } from './blocks';
import { renderInline, renderMarkdown, type RenderContext } from './render';
import { SLUG } from './names';

/** More items than this and people stop reading them: a warning, not an error. */
export const MAX_SURVEY_ITEMS = 12;

const OPEN = /^:::\s*survey\b\s*(.*?)\s*$/i;
const CLOSE = /^:::\s*$/;
const ITEM = /^\(\s*(agree|agree\s*,\s*reversed|true|false)\s*\)\s*([^:\s]+)\s*:\s*(.*)$/i;

type Report = (line: number, key: string, params?: Record<string, unknown>, severity?: 'error' | 'warning') => void;

/**
 * Takes the survey block out of course.md's body. The block's lines are blanked (not removed), so
 * the rest of the overview keeps its line numbers for problems. `line` is the block's first inner
 * line, relative to the body (1-based).
 */
export function extractSurvey(body: string, report: Report): { overview: string; block: { lines: string[]; line: number } | null } {
  const lines = body.split(/\r?\n/);
  let block: { lines: string[]; line: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (!OPEN.test(lines[i])) continue;
    const end = lines.findIndex((l, j) => j > i && CLOSE.test(l));
    if (end < 0) {
      report(i + 1, 'blockUnclosed', { name: 'survey' });
      lines[i] = '';
      continue;
    }
    if (block) report(i + 1, 'surveyTwice');
    else block = { lines: lines.slice(i + 1, end), line: i + 2 };
    for (let j = i; j <= end; j++) lines[j] = '';
    i = end;
  }
  return { overview: lines.join('\n'), block };
}

/** Compiles the survey's items, reporting problems at lines relative to the body. */
export function compileSurvey(block: { lines: string[]; line: number }, ctx: RenderContext, report: Report): CompiledSurvey {
  const at = (offset: number): RenderContext => ({ ...ctx, problem: (l, k, p, s) => ctx.problem(l + block.line - 1 + offset, k, p, s) });
  const first = block.lines.findIndex((l) => /^[-*]\s+/.test(l));
  const lead = first < 0 ? block.lines : block.lines.slice(0, first);
  const list = first < 0 ? [] : block.lines.slice(first);
  const listLine = block.line + (first < 0 ? block.lines.length : first);
  const items: SurveyItem[] = [];
  const seen = new Set<string>();
  for (const item of parseList(list, listLine, report)) {
    if (item.children.length) report(item.children[0].line, 'surveyNested');
    const m = ITEM.exec(item.text.trim());
    if (!m) {
      report(item.line, 'surveyItemForm');
      continue;
    }
    const [, scale, id, statement] = m;
    if (!SLUG.test(id)) report(item.line, 'surveyItemName', { name: id });
    if (seen.has(id)) report(item.line, 'surveyItemTwice', { name: id });
    seen.add(id);
    if (!statement.trim()) report(item.line, 'surveyItemText', { name: id });
    const kind = /^(true|false)$/i.test(scale) ? 'knowledge' : 'attitude';
    const reversed = /reversed/i.test(scale);
    const textHtml = renderInline(statement.trim(), at(item.line - block.line));
    // The brief's advice: reversals built on "not" are misread more often than antonyms.
    if (reversed && /\bnot\b|n't\b/i.test(plainTextOf(textHtml))) report(item.line, 'surveyReversedNegation', { name: id }, 'warning');
    items.push({ id, kind, textHtml, reversed, answer: kind === 'knowledge' ? (scale.toLowerCase() as 'true' | 'false') : null });
  }
  if (!items.length) report(block.line - 1, 'surveyEmpty');
  if (items.length > MAX_SURVEY_ITEMS) report(block.line - 1, 'surveyLong', { count: items.length, max: MAX_SURVEY_ITEMS }, 'warning');
  const attitudes = items.filter((i) => i.kind === 'attitude');
  if (attitudes.length >= 2 && attitudes.filter((i) => i.reversed).length * 3 > attitudes.length) {
    report(block.line - 1, 'surveyManyReversed', { count: attitudes.filter((i) => i.reversed).length, total: attitudes.length }, 'warning');
  }
  return { introHtml: renderMarkdown(lead.join('\n'), at(0)), items };
}
