// Pure helpers on a draft's files (path → bytes): which open in the editor, module order and
// renumbering, starter front matter, and a key for a set of files.
import crypto from 'node:crypto';
import { parse as parseYaml, stringify } from 'yaml';
import type { CourseFiles } from '../curriculum/parse';
import { MODULE_FILE } from '../curriculum/names';

const EDITABLE_FIXED = new Set(['course.md', 'glossary.md']);

export function isEditableFile(file: string): boolean {
  return EDITABLE_FIXED.has(file) || MODULE_FILE.test(file);
}

/** The module files among paths, in their order (by the NN- prefix). */
export function moduleFiles(files: Iterable<string>): string[] {
  return [...files].filter((f) => MODULE_FILE.test(f)).sort();
}

/** The key of a module file (`02-first-steps.md` → `first-steps`); the file must be one. */
export function moduleKeyOf(file: string): string {
  return MODULE_FILE.exec(file)![2];
}

export function frontMatter(data: Record<string, unknown>): string {
  return `---\n${stringify(data, { lineWidth: 0 })}---\n`;
}

/** The `title:` of a Markdown file's front matter, or null when it has none that reads (the editor names a module by it). */
export function titleOf(text: string): string | null {
  const m = /^\uFEFF?---\r?\n([\s\S]*?)\r?\n---\s*(?:\r?\n|$)/.exec(text);
  if (!m) return null;
  try {
    const data = parseYaml(m[1]) as { title?: unknown } | null;
    return typeof data?.title === 'string' && data.title.trim() ? data.title.trim().slice(0, 200) : null;
  } catch {
    return null;
  }
}

/** Lowercase ASCII words joined by hyphens: a module key from its title. */
export function slugify(text: string, fallback = 'module'): string {
  const s = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60).replace(/-+$/, '');
  return s || fallback;
}

/** One hash for a set of (path, content hash) pairs: equal sets, equal keys, in any order. */
export function stateKey(entries: Iterable<[string, string]>): string {
  const h = crypto.createHash('sha256');
  for (const [p, sha] of [...entries].sort((a, b) => (a[0] < b[0] ? -1 : 1))) h.update(`${p}\0${sha}\n`);
  return h.digest('hex');
}

/**
 * Renames module files to 01-, 02-, ... in the given order. Keys (and so learners' progress) stay;
 * links between modules written with file names (`[next](02-x.md)`) are rewritten to the new names.
 */
export function renumber(files: CourseFiles, order: string[]): CourseFiles {
  const renames = new Map<string, string>();
  order.forEach((file, i) => {
    renames.set(file, `${String(i + 1).padStart(2, '0')}-${moduleKeyOf(file)}.md`);
  });
  const changed = [...renames].filter(([a, b]) => a !== b);
  const out: CourseFiles = new Map();
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const names = changed.map(([a]) => escape(a)).join('|');
  const inline = names ? new RegExp(`(\\]\\(\\s*<?)(${names})(?=[)#\\s>])`, 'g') : null;
  const reference = names ? new RegExp(`^(\\s{0,3}\\[[^\\]]+\\]:\\s*<?)(${names})(?=[#\\s>]|$)`, 'gm') : null;
  for (const [p, bytes] of files) {
    const name = renames.get(p) ?? p;
    if (inline && reference && p.endsWith('.md') && !p.includes('/')) {
      const text = bytes.toString('utf8');
      const swap = (_m: string, lead: string, old: string) => lead + renames.get(old)!;
      const rewritten = text.replace(inline, swap).replace(reference, swap);
      out.set(name, rewritten === text ? bytes : Buffer.from(rewritten, 'utf8'));
    } else {
      out.set(name, bytes);
    }
  }
  return out;
}
