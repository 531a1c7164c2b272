// The special blocks of the course format (see curriculum/README.md): `::: name` ... `:::`.
// Splits a module body into Markdown and blocks, and compiles each block, reporting problems by line.
import type { CompiledCheck, CompiledReflection, Segment } from './types';
import { escapeHtml, missingMediaKey, missingMediaParams, renderInline, renderMarkdown, type RenderContext } from './render';
import { SLUG as ID } from './names';

export const BLOCK_NAMES = ['check', 'reflection', 'scenario', 'note', 'tip', 'caution', 'voice', 'video', 'audio'] as const;
/** `survey` is a block of course.md (survey.ts): in a module it is read, then refused with a reason. */
const KNOWN_BLOCKS: readonly string[] = [...BLOCK_NAMES, 'survey'];
type BlockName = (typeof BLOCK_NAMES)[number] | 'survey';

const OPEN = /^:::\s*([A-Za-z-]+)\s*(.*?)\s*$/;
const CLOSE = /^:::\s*$/;

interface Block {
  name: BlockName;
  args: string;
  /** Inner lines. */
  lines: string[];
  /** Line of the first inner line, relative to the body (1-based). */
  line: number;
}

type Part = { kind: 'markdown'; text: string; line: number } | { kind: 'block'; block: Block };

/** Problem reporter with lines relative to the module body. */
type Report = (line: number, key: string, params?: Record<string, unknown>, severity?: 'error' | 'warning') => void;

function withOffset(ctx: RenderContext, offset: number): RenderContext {
  return { ...ctx, problem: (line, key, params, severity) => ctx.problem(line + offset, key, params, severity) };
}

export function splitBlocks(body: string, report: Report): Part[] {
  const lines = body.split(/\r?\n/);
  const parts: Part[] = [];
  let text: string[] = [];
  let textLine = 1;
  let open: Block | null = null;
  let openedAt = 0;
  let inFence = false;
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    if (/^(```|~~~)/.test(raw.trim())) inFence = !inFence;
    if (!inFence && !open) {
      const m = OPEN.exec(raw);
      if (m) {
        const name = m[1].toLowerCase();
        if (!KNOWN_BLOCKS.includes(name)) {
          report(lineNo, 'blockUnknown', { name: m[1], names: BLOCK_NAMES.join(', ') });
        }
        if (text.length) parts.push({ kind: 'markdown', text: text.join('\n'), line: textLine });
        text = [];
        open = { name: name as BlockName, args: m[2], lines: [], line: lineNo + 1 };
        openedAt = lineNo;
        return;
      }
      if (CLOSE.test(raw)) {
        report(lineNo, 'blockStrayClose');
        return;
      }
      if (!text.length) textLine = lineNo;
      text.push(raw);
      return;
    }
    if (open && !inFence) {
      if (CLOSE.test(raw)) {
        if (KNOWN_BLOCKS.includes(open.name)) parts.push({ kind: 'block', block: open });
        open = null;
        return;
      }
      if (OPEN.test(raw)) report(lineNo, 'blockNested', { name: open.name, line: openedAt });
    }
    if (open) open.lines.push(raw);
    else {
      if (!text.length) textLine = lineNo;
      text.push(raw);
    }
  });
  if (open) report(openedAt, 'blockUnclosed', { name: (open as Block).name });
  if (text.length) parts.push({ kind: 'markdown', text: text.join('\n'), line: textLine });
  return parts;
}

export interface ListItem {
  text: string;
  line: number;
  /** Lines of `>` text directly under the item. */
  follow: string[];
  children: ListItem[];
}

/** Parses a `- item` list with `>` lines and nested items under each, by indentation. */
export function parseList(lines: string[], firstLine: number, report: Report): ListItem[] {
  const root: ListItem[] = [];
  const stack: { indent: number; item: ListItem }[] = [];
  lines.forEach((raw, i) => {
    const lineNo = firstLine + i;
    if (!raw.trim()) return;
    const indent = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    const item = /^[-*]\s+(.*)$/.exec(trimmed);
    if (item) {
      while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
      const node: ListItem = { text: item[1], line: lineNo, follow: [], children: [] };
      (stack.length ? stack[stack.length - 1].item.children : root).push(node);
      stack.push({ indent, item: node });
      return;
    }
    const owner = [...stack].reverse().find((s) => s.indent < indent)?.item;
    if (!owner) {
      report(lineNo, 'listStrayText');
      return;
    }
    if (trimmed.startsWith('>')) owner.follow.push(trimmed.replace(/^>\s?/, ''));
    else if (owner.follow.length) owner.follow.push(trimmed);
    else owner.text += ' ' + trimmed;
  });
  return root;
}

/** `[x] text` or `[ ] text`: an option marked right or wrong. */
const MARK = /^\[( |x|X)\]\s*(.*)$/;

/** A check's block arguments: its name, and `keep-order` to show the options as written. */
export function checkArgs(args: string): { name: string; keepOrder: boolean } {
  const words = args.trim().split(/\s+/).filter(Boolean);
  return { name: words.filter((w) => w !== 'keep-order').join(' '), keepOrder: words.includes('keep-order') };
}

/** The words of a fragment of our own HTML, for comparing options and feedback. */
export function plainTextOf(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/&[a-z]+;|&#\d+;/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Two options, "True" and "False" (in either case, with or without a full stop). */
function isTrueFalse(options: string[]): boolean {
  const words = options.map((o) => plainTextOf(o).toLowerCase().replace(/\.$/, ''));
  return words.length === 2 && words[0] === 'true' && words[1] === 'false';
}

/** Every option says the same thing back: the feedback teaches nothing about the choice made. */
function sameFeedbackEverywhere(options: { feedbackHtml: string | null }[]): boolean {
  const texts = options.map((o) => plainTextOf(o.feedbackHtml ?? ''));
  return texts.length >= 2 && texts[0] !== '' && texts.every((t) => t === texts[0]);
}

/** A scenario's title as a name: "The licence check" → "the-licence-check". */
function slugOf(title: string): string {
  const slug = title.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return slug ? `scenario-${slug}` : '';
}

function leadAndList(lines: string[]): { lead: string[]; list: string[]; listOffset: number } {
  const start = lines.findIndex((l) => /^[-*]\s+/.test(l));
  if (start < 0) return { lead: lines, list: [], listOffset: lines.length };
  return { lead: lines.slice(0, start), list: lines.slice(start), listOffset: start };
}

export interface CompiledBody {
  segments: Segment[];
  checks: CompiledCheck[];
  reflections: CompiledReflection[];
}

/** Compiles a module body. `report` lines are relative to the body. */
export function compileBody(body: string, ctx: RenderContext, moduleKey: string, report: Report): CompiledBody {
  const out: CompiledBody = { segments: [], checks: [], reflections: [] };
  const html = (s: string) => {
    const last = out.segments[out.segments.length - 1];
    if (last?.kind === 'html') last.html += s;
    else out.segments.push({ kind: 'html', html: s });
  };
  const ids = new Set<string>();
  const idFor = (prefix: string, args: string, line: number): string => {
    const given = args.trim();
    if (given && !ID.test(given)) report(line - 1, 'blockName', { name: given });
    const count = prefix === 'check' ? out.checks.filter((c) => c.kind !== 'scenario').length
      : prefix === 'scenario' ? out.checks.filter((c) => c.kind === 'scenario').length : out.reflections.length;
    let id = given && ID.test(given) ? given : `${prefix}-${count + 1}`;
    if (ids.has(id)) {
      report(line - 1, 'blockNameTwice', { name: id });
      id = `${id}-${line}`;
    }
    ids.add(id);
    return `${moduleKey}--${id}`;
  };

  function compileGradedScenario(b: Block, lead: string[], items: ListItem[]): void {
    const at = (offset: number) => withOffset(ctx, b.line - 1 + offset);
    // Follow-up choices under a marked choice are read, not graded: shown with its outcome.
    const followUp = (item: ListItem): string => {
      if (MARK.test(item.text)) report(item.line, 'scenarioNestedMark');
      if (!item.follow.length) report(item.line, 'scenarioOutcome');
      const next = item.children.length ? `<div class="choices">${item.children.map(followUp).join('')}</div>` : '';
      return `<details class="choice"><summary>${renderInline(item.text, at(item.line - b.line))}</summary>`
        + `<div class="outcome">${renderMarkdown(item.follow.join('\n'), at(item.line - b.line))}${next}</div></details>`;
    };
    const options = items.map((item) => {
      const m = MARK.exec(item.text);
      if (!m) report(item.line, 'scenarioMarkEvery');
      if (!item.follow.length) report(item.line, 'scenarioOutcome');
      const outcome = renderMarkdown(item.follow.join('\n'), at(item.line - b.line));
      const next = item.children.length ? `<div class="choices">${item.children.map(followUp).join('')}</div>` : '';
      return { html: renderInline(m ? m[2] : item.text, at(item.line - b.line)), correct: Boolean(m && m[1] !== ' '), feedbackHtml: outcome + next };
    });
    if (!options.some((o) => o.correct)) report(b.line - 1, 'checkNoCorrect');
    if (sameFeedbackEverywhere(options)) report(b.line - 1, 'checkSameFeedback', {}, 'warning');
    const title = b.args.trim();
    const id = idFor('scenario', title ? slugOf(title) : '', b.line);
    const multiple = options.filter((o) => o.correct).length > 1;
    out.checks.push({
      id, questionHtml: renderMarkdown(lead.join('\n'), at(0)), multiple, options, kind: 'scenario',
      keepOrder: false, titleHtml: title ? renderInline(title, at(-1)) : null,
    });
    out.segments.push({ kind: 'check', id });
  }

  for (const part of splitBlocks(body, report)) {
    if (part.kind === 'markdown') {
      html(renderMarkdown(part.text, withOffset(ctx, part.line - 1)));
      continue;
    }
    const b = part.block;
    const at = (offset: number) => withOffset(ctx, b.line - 1 + offset);
    const inner = b.lines.join('\n');
    if (!inner.trim()) {
      report(b.line - 1, 'blockEmpty', { name: b.name });
      continue;
    }
    switch (b.name) {
      case 'check': {
        const { lead, list, listOffset } = leadAndList(b.lines);
        const items = parseList(list, b.line + listOffset, report);
        const options = items.map((item) => {
          const m = MARK.exec(item.text);
          if (!m) report(item.line, 'checkOptionMark');
          if (!item.follow.length) report(item.line, 'checkFeedback', {}, 'warning');
          if (item.children.length) report(item.children[0].line, 'checkSubOptions');
          return {
            html: renderInline(m ? m[2] : item.text, at(item.line - b.line)),
            correct: Boolean(m && m[1] !== ' '),
            feedbackHtml: item.follow.length ? renderMarkdown(item.follow.join('\n'), at(item.line - b.line)) : null,
          };
        });
        if (!lead.join('').trim()) report(b.line, 'checkQuestion');
        if (options.length < 2) report(b.line - 1, 'checkTwoOptions');
        else if (!options.some((o) => o.correct)) report(b.line - 1, 'checkNoCorrect');
        if (sameFeedbackEverywhere(options)) report(b.line - 1, 'checkSameFeedback', {}, 'warning');
        const { name, keepOrder } = checkArgs(b.args);
        const id = idFor('check', name, b.line);
        const multiple = options.filter((o) => o.correct).length > 1;
        const trueFalse = !multiple && isTrueFalse(options.map((o) => o.html));
        out.checks.push({
          id, questionHtml: renderMarkdown(lead.join('\n'), at(0)), multiple, options,
          kind: multiple ? 'multiple' : trueFalse ? 'true-false' : 'single', keepOrder: keepOrder || trueFalse,
        });
        out.segments.push({ kind: 'check', id });
        break;
      }
      case 'reflection': {
        const id = idFor('reflection', b.args, b.line);
        out.reflections.push({ id, promptHtml: renderMarkdown(inner, at(0)) });
        out.segments.push({ kind: 'reflection', id });
        break;
      }
      case 'scenario': {
        const { lead, list, listOffset } = leadAndList(b.lines);
        const items = parseList(list, b.line + listOffset, report);
        if (!lead.join('').trim()) report(b.line, 'scenarioSituation');
        if (items.length < 2) report(b.line - 1, 'scenarioTwoChoices');
        // A scenario whose choices are marked [x] / [ ] is graded like a check: the learner
        // chooses, the server says whether it was a good choice and shows what follows.
        if (items.some((item) => MARK.test(item.text))) {
          compileGradedScenario(b, lead, items);
          break;
        }
        const choice = (item: ListItem): string => {
          if (!item.follow.length) report(item.line, 'scenarioOutcome');
          const outcome = renderMarkdown(item.follow.join('\n'), at(item.line - b.line));
          const next = item.children.length ? `<div class="choices">${item.children.map(choice).join('')}</div>` : '';
          return `<details class="choice"><summary>${renderInline(item.text, at(item.line - b.line))}</summary><div class="outcome">${outcome}${next}</div></details>`;
        };
        const title = b.args ? `<h3 class="block-title">${renderInline(b.args, at(-1))}</h3>` : '';
        html(`<section class="block scenario">${title}<div class="situation">${renderMarkdown(lead.join('\n'), at(0))}</div>`
          + `<p class="choices-intro">${escapeHtml(ctx.label('blocks.scenarioChoose'))}</p><div class="choices">${items.map(choice).join('')}</div></section>`);
        break;
      }
      case 'note':
      case 'tip':
      case 'caution': {
        const title = b.args ? renderInline(b.args, at(-1)) : escapeHtml(ctx.label(`blocks.${b.name}`));
        html(`<div class="block callout ${b.name}" role="note"><p class="callout-title">${title}</p>${renderMarkdown(inner, at(0))}</div>`);
        break;
      }
      case 'voice': {
        const by = b.args ? renderInline(b.args, at(-1)) : escapeHtml(ctx.label('blocks.voiceAnonymous'));
        html(`<figure class="block voice"><blockquote>${renderMarkdown(inner, at(0))}</blockquote><figcaption>${by}</figcaption></figure>`);
        break;
      }
      case 'survey':
        // The survey is the course's, asked before its first module and at its end.
        report(b.line - 1, 'surveyInModule');
        break;
      case 'video':
      case 'audio': {
        const src = b.args.trim();
        const url = src ? ctx.media(src) : undefined;
        if (!src) report(b.line - 1, 'mediaBlockFile', { name: b.name, ext: b.name === 'video' ? 'mp4' : 'mp3' });
        else if (!url) report(b.line - 1, missingMediaKey('mediaBlockMissing', ctx), { src, ...missingMediaParams(src, ctx) });
        const player = url ? `<${b.name} controls preload="none" src="${escapeHtml(url)}"></${b.name}>` : '';
        html(`<figure class="block media">${player}<figcaption><details open><summary>${escapeHtml(ctx.label('blocks.transcript'))}</summary>${renderMarkdown(inner, at(0))}</details></figcaption></figure>`);
        break;
      }
    }
  }
  return out;
}
