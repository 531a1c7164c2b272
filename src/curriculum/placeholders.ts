// The placeholder sentences of the authoring templates (a new course's overview, its first
// module, a new module, a new glossary, the alt text the media list suggests). A course that still
// has one was published half-written: the checker warns, by line, in every language's words.
import { createI18n, SUPPORTED_LANGUAGES } from '../i18n';

/** The template texts, by translation key; the authoring area writes them into new files. */
export const TEMPLATE_KEYS = [
  'author.starter.overview',
  'author.starter.moduleBody',
  'author.starter.glossaryDefinition',
  'author.media.altPlaceholder',
] as const;

/** Shorter than this, a "sentence" (e.g. "Right.") could be a trainer's own words. */
const MIN_LENGTH = 12;

let cached: string[] | null = null;

/** Every placeholder sentence, in every language (headings of the templates are kept: they are plausible). */
export function placeholderSentences(): string[] {
  if (cached) return cached;
  const i18n = createI18n();
  const found = new Set<string>();
  for (const lang of SUPPORTED_LANGUAGES) {
    const t = i18n.getFixedT(lang);
    for (const key of TEMPLATE_KEYS) {
      for (const line of String(t(key)).split(/\n/)) {
        if (/^\s*#/.test(line)) continue;
        for (const sentence of line.split(/(?<=[.!?])\s+/)) {
          const s = sentence.trim();
          if (s.length >= MIN_LENGTH) found.add(s);
        }
      }
    }
  }
  cached = [...found];
  return cached;
}

/** Lines (1-based) of `text` holding a placeholder sentence, with the sentence found. */
export function findPlaceholders(text: string): { line: number; text: string }[] {
  const sentences = placeholderSentences();
  const out: { line: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const hit = sentences.find((s) => raw.includes(s));
    if (hit) out.push({ line: i + 1, text: hit });
  });
  return out;
}
