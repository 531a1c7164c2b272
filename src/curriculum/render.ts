// Markdown → HTML for course content. Raw HTML is off: what a trainer types is shown, never run.
// Rendering is a parse, a walk over the tokens that checks and rewrites links, images and
// glossary terms (reporting problems by line), then a render.
import MarkdownIt from 'markdown-it';

/** Bump when rendering output changes, so every course is republished with the new HTML. */
export const RENDERER_VERSION = '2';

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

export function anchorFor(term: string): string {
  return 'term-' + term.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

const EXTERNAL = /^(https?:|mailto:)/i;

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
      } else {
        ctx.problem(here, 'linkNowhere', { href });
      }
    } else if (token.type === 'image') {
      const src = String(token.attrGet('src') ?? '');
      const alt = token.children?.map((c: Token) => c.content).join('').trim() ?? '';
      if (!alt) ctx.problem(here, 'imageAlt', { src, example: src || 'media/form.png' });
      const url = ctx.media(src);
      if (url) token.attrSet('src', url);
      else ctx.problem(here, 'imageMissing', { src, name: src.split('/').pop() });
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
  return md.renderer.render(tokens, md.options, {});
}

/** Renders one line of Markdown without a paragraph around it (options, titles). */
export function renderInline(source: string, ctx?: RenderContext): string {
  const tokens = md.parseInline(source, {});
  if (ctx) checkTokens(tokens, ctx, 1);
  return md.renderer.render(tokens, md.options, {});
}

export function escapeHtml(s: string): string {
  return md.utils.escapeHtml(s);
}

// A second parser that recognises HTML, used only to point authors at raw HTML by line.
const htmlDetector = new MarkdownIt({ html: true });

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
