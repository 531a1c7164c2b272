// Markdown → HTML for course content. Raw HTML is off: what a trainer types is shown, never run.
// Rendering is a parse, a walk over the tokens that checks and rewrites links, images and
// glossary terms (reporting problems by line), then a render.
import MarkdownIt from 'markdown-it';
import { altSaysNothing } from './alt-text';

/** Bump when rendering output changes, so every course is republished with the new HTML. */
export const RENDERER_VERSION = '4';

type Token = MarkdownIt.Token;

export interface RenderContext {
  /** Course slug, for glossary and media addresses. */
  slug: string;
  /** Lowercased term → anchor on the glossary page. */
  glossary: Map<string, string>;
  /** media/x.png → public URL of that file's content, or undefined when there is no such file. */
  media(path: string): string | undefined;
  /** Module file name (01-x.md) or key (x) → URL of that module. */
  modules: Map<string, string>;
  /** Words the renderer itself adds ("Note", "Transcript"), in the course's language. */
  label(key: string): string;
  /**
   * Where this course's media files come from, for the fix a missing file's problem gives: the
   * course folder's media/ (the default), or the media upload of the course's page in the browser.
   */
  mediaHome?: 'folder' | 'browser';
  /** Called with a line relative to the rendered source (1-based). */
  problem(line: number, key: string, params?: Record<string, unknown>, severity?: 'error' | 'warning'): void;
}

const md = new MarkdownIt({ html: false, linkify: false, typographer: true });

// [[term]] or [[term|shown words]] links a glossary term.
md.inline.ruler.before('link', 'glossary_ref', (state, silent) => {
  const src = state.src;
  const start = state.pos;
  if (src.charCodeAt(start) !== 0x5b || src.charCodeAt(start + 1) !== 0x5b) return false;
  const end = src.indexOf(']]', start + 2);
  if (end < 0) return false;
  const inner = src.slice(start + 2, end);
  if (!inner.trim() || inner.includes('\n') || inner.includes('[')) return false;
  if (!silent) {
    const [term, label] = inner.split('|');
    const token = state.push('glossary_ref', '', 0);
    token.meta = { term: term.trim(), label: (label ?? term).trim() };
  }
  state.pos = end + 2;
  return true;
});

md.renderer.rules.glossary_ref = (tokens, idx) => {
  const { label, href } = tokens[idx].meta as { label: string; href?: string };
  const text = md.utils.escapeHtml(label);
  return href ? `<a class="term" href="${md.utils.escapeHtml(href)}">${text}</a>` : text;
};

// Tables: a phone is too narrow for three columns side by side. Each table is wrapped in a
// labelled region that scrolls sideways when it must (focusable, so a keyboard can scroll it),
// and each body cell carries its column's heading in data-label, so the stylesheet can stack a
// row into "heading: value" lines on a narrow screen (public/css/site.css, "Tables on phones").
md.renderer.rules.table_open = (tokens, idx, options, _env, self) => {
  const label = (tokens[idx].meta as { label?: string } | null)?.label ?? '';
  // A region needs a name; a table whose headings are all empty gets a plain scrolling box.
  const region = label ? ` role="region" aria-label="${md.utils.escapeHtml(label)}"` : '';
  return `<div class="table-wrap"${region} tabindex="0">\n${self.renderToken(tokens, idx, options)}`;
};
md.renderer.rules.table_close = (tokens, idx, options, _env, self) => `${self.renderToken(tokens, idx, options)}</div>\n`;

/** The words of an inline token, without Markdown marks: what a column heading says. */
function plainText(token: Token | undefined): string {
  const parts: string[] = [];
  const walk = (list: Token[] | null) => {
    for (const t of list ?? []) {
      if (t.type === 'text' || t.type === 'code_inline') parts.push(t.content);
      else if (t.type === 'glossary_ref') parts.push((t.meta as { label: string }).label);
      else if (t.type === 'softbreak' || t.type === 'hardbreak') parts.push(' ');
      walk(t.children);
    }
  };
  walk(token?.children ?? null);
  return parts.join('').replace(/\s+/g, ' ').trim();
}

/** Gives each table its label (its column headings) and each body cell the heading of its column. */
function labelTables(tokens: Token[]): void {
  let headings: string[] = [];
  let column = 0;
  let table: Token | null = null;
  tokens.forEach((token, i) => {
    if (token.type === 'table_open') {
      table = token;
      headings = [];
    } else if (token.type === 'th_open') {
      headings.push(plainText(tokens[i + 1]));
    } else if (token.type === 'thead_close' && table) {
      table.meta = { ...(table.meta ?? {}), label: headings.filter(Boolean).join(', ') };
    } else if (token.type === 'tr_open') {
      column = 0;
    } else if (token.type === 'td_open') {
      const heading = headings[column++];
      if (heading) token.attrSet('data-label', heading);
    }
  });
}

export function anchorFor(term: string): string {
  return 'term-' + term.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** The problem key for a missing media file: the fix differs for a folder course and a browser course. */
export function missingMediaKey(key: string, ctx: Pick<RenderContext, 'mediaHome'>): string {
  return ctx.mediaHome === 'browser' ? `${key}Upload` : key;
}

/** What the fix names: the file to add, and where (the course's media/ folder). */
export function missingMediaParams(src: string, ctx: Pick<RenderContext, 'slug'>): { name: string; folder: string } {
  return { name: src.split('/').pop() ?? src, folder: `${ctx.slug}/media/` };
}

// tel: lets a reader on a phone call a support line with one tap.
const EXTERNAL = /^(https?:|mailto:|tel:\+?[0-9]+$)/i;

function checkTokens(tokens: Token[], ctx: RenderContext, line: number): void {
  for (const token of tokens) {
    const here = token.map ? token.map[0] + 1 : line;
    if (token.type === 'link_open') {
      const href = String(token.attrGet('href') ?? '');
      if (EXTERNAL.test(href)) {
        token.attrSet('rel', 'noopener noreferrer');
      } else if (href.startsWith('#')) {
        // an anchor on the same page
      } else if (ctx.modules.has(href)) {
        token.attrSet('href', ctx.modules.get(href)!);
      } else if (ctx.media(href)) {
        token.attrSet('href', ctx.media(href)!);
      } else if (href.startsWith('media/')) {
        ctx.problem(here, missingMediaKey('mediaLinkMissing', ctx), { href, ...missingMediaParams(href, ctx) });
      } else {
        ctx.problem(here, 'linkNowhere', { href });
      }
    } else if (token.type === 'image') {
      const src = String(token.attrGet('src') ?? '');
      const alt = token.children?.map((c: Token) => c.content).join('').trim() ?? '';
      if (!alt) ctx.problem(here, 'imageAlt', { src, example: src || 'media/form.png' });
      else if (altSaysNothing(alt, src)) ctx.problem(here, 'imageAltUseless', { alt, src }, 'warning');
      const url = ctx.media(src);
      if (url) token.attrSet('src', url);
      else ctx.problem(here, missingMediaKey('imageMissing', ctx), { src, ...missingMediaParams(src, ctx) });
    } else if (token.type === 'glossary_ref') {
      const meta = token.meta as { term: string; href?: string };
      const anchor = ctx.glossary.get(meta.term.toLowerCase());
      if (anchor) meta.href = `/courses/${ctx.slug}/glossary#${anchor}`;
      else ctx.problem(here, 'termUndefined', { term: meta.term });
    }
    if (token.children) checkTokens(token.children, ctx, here);
  }
}

/** Renders a Markdown fragment, checking links, images and glossary terms against the course. */
export function renderMarkdown(source: string, ctx?: RenderContext): string {
  const tokens = md.parse(source, {});
  if (ctx) checkTokens(tokens, ctx, 1);
  labelTables(tokens);
  return md.renderer.render(tokens, md.options, {});
}

/** Renders one line of Markdown without a paragraph around it (options, titles). */
export function renderInline(source: string, ctx?: RenderContext): string {
  const tokens = md.parseInline(source, {});
  if (ctx) checkTokens(tokens, ctx, 1);
  return md.renderer.render(tokens, md.options, {});
}

/**
 * Renders a page of documentation (the course-writing guide, curriculum/README.md) with the course
 * renderer, so the guide shows Markdown exactly as a course would. Its level-2 and level-3
 * headings get ids (for the contents and for links from the editor) and the level-1 heading is
 * left out (the page has its own). Course output is untouched.
 */
export function renderGuide(source: string): { html: string; contents: { level: 2 | 3; id: string; text: string }[] } {
  const tokens = md.parse(source, {});
  const contents: { level: 2 | 3; id: string; text: string }[] = [];
  const used = new Set<string>();
  let skip = false;
  const kept = tokens.filter((token, i) => {
    if (token.type === 'heading_open' && token.tag === 'h1') skip = true;
    if (skip) {
      if (token.type === 'heading_close' && token.tag === 'h1') skip = false;
      return false;
    }
    if (token.type === 'heading_open' && (token.tag === 'h2' || token.tag === 'h3')) {
      const text = plainText(tokens[i + 1]);
      let id = anchorFor(text).replace(/^term-/, '') || 'section';
      for (let n = 2; used.has(id); n++) id = `${anchorFor(text).replace(/^term-/, '')}-${n}`;
      used.add(id);
      token.attrSet('id', id);
      contents.push({ level: token.tag === 'h2' ? 2 : 3, id, text });
    }
    return true;
  });
  labelTables(kept);
  // A wide example scrolls sideways inside its box: focusable, so a keyboard can scroll it too.
  const html = md.renderer.render(kept, md.options, {}).replace(/<pre>/g, '<pre tabindex="0">');
  return { html, contents };
}

export function escapeHtml(s: string): string {
  return md.utils.escapeHtml(s);
}

// A second parser that recognises HTML, used only to point authors at raw HTML by line.
const htmlDetector = new MarkdownIt({ html: true });

// A third parser that accepts every link, used only to find the links the renderer refuses.
// markdown-it drops javascript:, vbscript:, file: and non-image data: addresses and shows the
// Markdown as text, so without this the author would never hear of it.
const linkDetector = new MarkdownIt({ html: false, linkify: false });
linkDetector.validateLink = () => true;
const REFUSED_LINK = /^(javascript|vbscript|file|data):/i;
const IMAGE_DATA = /^data:image\/(gif|png|jpeg|webp);/i;

/** Links and images (1-based line relative to `source`, address) whose address could run code in the reader's browser. */
export function findUnsafeLinks(source: string): Array<{ line: number; href: string }> {
  const found: Array<{ line: number; href: string }> = [];
  const lines = source.split(/\r?\n/);
  // Links sit inside a paragraph, whose tokens know only its first line: the link's own line is
  // the paragraph's first line that holds the address (a reference link's, its definition's).
  const lineOf = (href: string, from: number, to: number) => {
    for (let i = from; i < to; i++) if (lines[i]?.includes(href)) return i + 1;
    const anywhere = lines.findIndex((l) => l.includes(href));
    return anywhere >= 0 ? anywhere + 1 : from + 1;
  };
  const walk = (tokens: Token[], span: [number, number]) => {
    for (const token of tokens) {
      const here: [number, number] = token.map ? [token.map[0], token.map[1]] : span;
      const address = token.type === 'link_open' ? token.attrGet('href') : token.type === 'image' ? token.attrGet('src') : null;
      // Browsers ignore leading spaces and control characters before the scheme, and so does this test.
      const href = String(address ?? '').replace(/^[\s\p{Cc}]+/u, '');
      if (address !== null && REFUSED_LINK.test(href) && !IMAGE_DATA.test(href)) {
        found.push({ line: lineOf(href, here[0], here[1]), href: href.slice(0, 80) });
      }
      if (token.children) walk(token.children, here);
    }
  };
  walk(linkDetector.parse(source, {}), [0, lines.length]);
  return found;
}

/** Lines (1-based, relative to `source`) where raw HTML appears. */
export function findRawHtml(source: string): number[] {
  const lines: number[] = [];
  const walk = (tokens: Token[], blockLine: number) => {
    for (const token of tokens) {
      const line = token.map ? token.map[0] + 1 : blockLine;
      if (token.type === 'html_block' || token.type === 'html_inline') lines.push(line);
      if (token.children) walk(token.children, line);
    }
  };
  walk(htmlDetector.parse(source, {}), 1);
  return [...new Set(lines)];
}
