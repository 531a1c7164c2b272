// Reading a CSV file a person saved from a spreadsheet: which encoding it is in (only UTF-8 is
// read; anything else is named, so the manager knows how to save it again), and its records
// (RFC 4180: quoted cells may hold commas, quotes and line breaks). Pure functions, no I/O.

/** Why a file's bytes are not read as text: what it looks like instead. */
export type Encoding = 'utf-16' | 'windows-1252' | 'spreadsheet' | 'binary';

export type Decoded = { ok: true; text: string } | { ok: false; encoding: Encoding };

/**
 * UTF-8, with or without a byte order mark. Excel's "CSV" (not "CSV UTF-8") is Windows-1252,
 * "Unicode text" is UTF-16, and an .xlsx workbook is a zip: each is recognised and named.
 */
export function decodeCsv(bytes: Buffer): Decoded {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return { ok: false, encoding: 'utf-16' };
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return { ok: false, encoding: 'spreadsheet' };
  const head = bytes.subarray(0, 4096);
  let evenZeros = 0;
  let oddZeros = 0;
  head.forEach((b, i) => {
    if (b !== 0) return;
    if (i % 2) oddZeros++;
    else evenZeros++;
  });
  // Text in UTF-16 without a mark has a zero byte beside most ASCII letters, always on the same side.
  const [most, least] = evenZeros > oddZeros ? [evenZeros, oddZeros] : [oddZeros, evenZeros];
  if (most >= head.length / 4 && least <= most / 10) return { ok: false, encoding: 'utf-16' };
  if (most > 0) return { ok: false, encoding: 'binary' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    // Bytes that are not UTF-8 but are all printable in Windows-1252 (and Latin-1): a spreadsheet's
    // "CSV" in Western Europe and the Americas. Control characters instead: not a text file.
    const controls = bytes.some((b) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d);
    return { ok: false, encoding: controls ? 'binary' : 'windows-1252' };
  }
  return { ok: true, text };
}

export interface CsvRecord {
  /** The line of the file the record starts on (1 is the header). */
  line: number;
  cells: string[];
}

export type Parsed =
  | { ok: true; delimiter: string; records: CsvRecord[] }
  | { ok: false; problem: 'unclosedQuote'; line: number };

/** The header's separator: a comma, or the semicolon (or tab) a spreadsheet in some languages writes. */
export function detectDelimiter(text: string): string {
  const firstLine = text.slice(0, Math.max(0, text.search(/\r?\n/)) || text.length);
  const counts = [',', ';', '\t'].map((d) => ({ d, n: firstLine.split(d).length - 1 }));
  counts.sort((a, b) => b.n - a.n);
  return counts[0].n > 0 ? counts[0].d : ',';
}

/** Splits the text into records; blank lines are skipped. */
export function parseCsv(text: string, delimiter = detectDelimiter(text)): Parsed {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let quoted = false;
  let quoteLine = 0;
  let cellStarted = false;

  const endRecord = () => {
    cells.push(cell);
    // A line with nothing on it at all is not a record.
    if (!(cells.length === 1 && cells[0] === '' && !cellStarted)) records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
    cellStarted = false;
  };

  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
      cellStarted = true;
    } else if (c === delimiter) {
      cells.push(cell);
      cell = '';
      cellStarted = true;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      cell += c;
    }
  }
  if (quoted) return { ok: false, problem: 'unclosedQuote', line: quoteLine };
  if (cell !== '' || cells.length || cellStarted) endRecord();
  return { ok: true, delimiter, records };
}
