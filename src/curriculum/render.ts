// Markdown → HTML for course content. Raw HTML is off: what a trainer types is shown, never run.
import MarkdownIt from 'markdown-it';

/** Bump when rendering output changes, so every course is republished with the new HTML. */
export const RENDERER_VERSION = '1';

const md = new MarkdownIt({ html: false, linkify: false, typographer: true });

// Links that leave the site are marked as such for screen readers and open safely.
const defaultLinkOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  const href = String(tokens[idx].attrGet('href') ?? '');
  if (/^https?:\/\//i.test(href)) tokens[idx].attrSet('rel', 'noopener noreferrer');
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export function renderMarkdown(source: string): string {
  return md.render(source);
}

// A second parser that recognises HTML, used only to point authors at raw HTML by line.
const htmlDetector = new MarkdownIt({ html: true });

/** Lines (1-based, relative to `source`) where raw HTML appears. */
export function findRawHtml(source: string): number[] {
  const lines: number[] = [];
  const walk = (tokens: ReturnType<typeof htmlDetector.parse>, blockLine: number) => {
    for (const token of tokens) {
      const line = token.map ? token.map[0] + 1 : blockLine;
      if (token.type === 'html_block' || token.type === 'html_inline') lines.push(line);
      if (token.children) walk(token.children, line);
    }
  };
  walk(htmlDetector.parse(source, {}), 1);
  return [...new Set(lines)];
}
