// CSV as spreadsheets open it cleanly: UTF-8 with a byte-order mark (so Excel reads accents and
// every script), CRLF line ends and RFC 4180 quoting. A cell that a spreadsheet would take for a
// formula (beginning with =, +, -, @, a tab or a carriage return) is neutralized with a leading
// single quote: a learner named "=HYPERLINK(...)" must not become a link in a manager's sheet.
import type { Writable } from 'node:stream';
import { sendChunk } from '../http/send-chunk';

export const BOM = '\uFEFF';
export const CRLF = '\r\n';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: neutralized, then quoted when it holds a quote, comma or line break. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  // Numbers are written by us (percent, counts): never a formula, and a negative one stays a number.
  if (typeof value === 'number') return String(value);
  let s = value;
  if (FORMULA_START.test(s)) s = `'${s}`;
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: (string | number | null | undefined)[]): string {
  return values.map(csvCell).join(',') + CRLF;
}

/**
 * Writes the lines to the stream as they come, waiting for 'drain' whenever its buffer is full, so
 * a slow client holds the reading back instead of the lines piling up in memory. Resolves false
 * when the stream closed first (the client went away): the caller stops reading.
 */
export async function writeLines(out: Writable, lines: AsyncIterable<string>, o: { flushEvery?: number } = {}): Promise<boolean> {
  const flushEvery = o.flushEvery ?? 64 * 1024;
  let pending = '';
  const write = (chunk: string): Promise<boolean> => sendChunk(out, chunk);
  for await (const line of lines) {
    // Lines are gathered into chunks of about 64 KB: one write per line costs more than the line.
    pending += line;
    if (pending.length >= flushEvery) {
      const ok = await write(pending);
      pending = '';
      if (!ok) return false;
    }
  }
  return pending ? write(pending) : !out.destroyed;
}
