// Times on the authoring pages (a draft saved, a version published) in the reader's own time zone.
// The server writes each as <time datetime="ISO"> holding the UTC time, a fallback that is right
// without script; public/js/local-time.js then shows it in the browser's zone and language.
import { escapeHtml } from '../curriculum/render';

type Translate = (key: string, values?: Record<string, unknown>) => string;

/** Stands for the time in a translated sentence until the sentence is escaped (a private-use character). */
const MARK = '\uE000';

export function timeElement(date: Date, fallback: string): string {
  return `<time datetime="${date.toISOString()}" class="local-time">${escapeHtml(fallback)}</time>`;
}

/**
 * A translated sentence, escaped, with its `name` value as a <time> element: HTML to output with
 * <%- %>. Every other value is escaped with the sentence.
 */
export function sentenceWithTime(t: Translate, key: string, values: Record<string, unknown>, name: string, date: Date, fallback: string): string {
  return t(key, { ...values, [name]: MARK }).split(MARK).map(escapeHtml).join(timeElement(date, fallback));
}
