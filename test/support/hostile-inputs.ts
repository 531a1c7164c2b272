// The inputs an attacker types into every field: markup, SQL, paths, control and invisible
// characters, bytes that are not UTF-8, spreadsheet formulas and sheer size. Shared by the suites
// that send them through forms, query parameters and the API (test/http/hostile-inputs.test.ts).
//
// Each has the bytes as they travel (`encoded`: percent-encoded, as a form or a query string
// carries them) and, where the bytes are text, the text (`text`). Malformed UTF-8 has no text:
// it is only ever sent encoded, and the server may only refuse it or read it as replacement
// characters.

export interface HostileInput {
  name: string;
  encoded: string;
  /** The text the server should store exactly; null for bytes that are not UTF-8. */
  text: string | null;
  /** True when it is markup: it must never come back unescaped in a page. */
  markup: boolean;
}

const text = (name: string, value: string): HostileInput => ({ name, encoded: encodeURIComponent(value), text: value, markup: /[<>"']/.test(value) });
const bytes = (name: string, encoded: string): HostileInput => ({ name, encoded, text: null, markup: false });

export const ONE_MEGABYTE = 1024 * 1024;

export const HOSTILE_INPUTS: readonly HostileInput[] = [
  text('script tag', '<script>alert("bw-xss-1")</script>'),
  text('attribute break-out', '"><img src=x onerror=alert(\'bw-xss-2\')>'),
  text('single-quoted break-out', '\'><svg onload=alert(1)>bw-xss-3'),
  text('javascript url', 'javascript:alert(\'bw-xss-4\')'),
  text('SQL quote', '\' OR \'1\'=\'1'),
  text('SQL statement', '1; DROP TABLE users; --'),
  text('SQL union', '\' UNION SELECT email, password_hash FROM users --'),
  text('path traversal', '../../../../etc/passwd'),
  text('encoded path traversal', '..%2F..%2F..%2Fetc%2Fpasswd'),
  text('NUL', 'a\u0000b'),
  text('other control characters', 'a\u0001\u0008\u001b[31mb\r\nc'),
  bytes('overlong UTF-8 slash', '%C0%AF'),
  bytes('overlong UTF-8 NUL', '%C0%80'),
  bytes('lone continuation byte', 'a%80b'),
  bytes('truncated sequence', 'caf%C3'),
  bytes('invalid bytes FE FF', '%FE%FF'),
  bytes('UTF-16 surrogate as UTF-8', '%ED%A0%80'),
  bytes('malformed percent escape', '%E0%A4%A'),
  text('bidi override', 'abc\u202Eevil\u202C\u2066x\u2069'),
  text('invisible only', '\u200B\u200C\u200D\uFEFF\u3164'),
  text('lone combining mark', '\u0301'),
  text('formula =', '=HYPERLINK("http://evil.example","x")'),
  text('formula +', '+1+cmd|\' /C calc\'!A0'),
  text('formula -', '-2+3'),
  text('formula @', '@SUM(1+1)'),
  text('formula tab', '\t=1+1'),
  text('emoji and astral', '👩🏽‍🚒 𝕏'),
  text('long line', 'x'.repeat(5000)),
  text('one megabyte', 'a'.repeat(ONE_MEGABYTE)),
];
