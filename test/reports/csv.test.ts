// CSV as a spreadsheet reads it: RFC 4180 quoting, CRLF, a BOM, and no cell a spreadsheet would run
// as a formula. Also: lines written with backpressure (a slow reader holds the writer back).
import { PassThrough, Writable } from 'node:stream';
import { BOM, csvCell, csvLine, writeLines } from '../../src/reports/csv';

test('cells beginning with =, +, -, @, a tab or a carriage return are neutralized with a single quote', () => {
  expect(csvCell('=HYPERLINK("http://evil.example","x")')).toBe('"\'=HYPERLINK(""http://evil.example"",""x"")"');
  expect(csvCell('+1 604 555 0100')).toBe("'+1 604 555 0100");
  expect(csvCell('-2+3')).toBe("'-2+3");
  expect(csvCell('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
  expect(csvCell('\tindented')).toBe("'\tindented");
  expect(csvCell('\rreturn')).toBe('"\'\rreturn"');
  // Only at the start: a hyphenated name or an email is left alone.
  expect(csvCell('Mary-Jane O=K')).toBe('Mary-Jane O=K');
  expect(csvCell('a@example.org')).toBe('a@example.org');
});

test('numbers we write stay numbers, even negative; empty values are empty cells', () => {
  expect(csvCell(-5)).toBe('-5');
  expect(csvCell(50)).toBe('50');
  expect(csvCell(null)).toBe('');
  expect(csvCell(undefined)).toBe('');
  expect(csvCell('')).toBe('');
});

test('RFC 4180: quotes doubled, fields with commas, quotes or line breaks quoted; lines end in CRLF', () => {
  expect(csvCell('Smith, Jo')).toBe('"Smith, Jo"');
  expect(csvCell('Jo "JJ" Smith')).toBe('"Jo ""JJ"" Smith"');
  expect(csvCell('two\nlines')).toBe('"two\nlines"');
  expect(csvLine(['a', 'b,c', 3])).toBe('a,"b,c",3\r\n');
  expect(csvCell('ਸਤਿ ਸ੍ਰੀ ਅਕਾਲ 王秀英 Sḵwx̱wú7mesh')).toBe('ਸਤਿ ਸ੍ਰੀ ਅਕਾਲ 王秀英 Sḵwx̱wú7mesh');
  expect(BOM).toBe('\uFEFF');
});

async function* lines(n: number, seen: { made: number }) {
  for (let i = 0; i < n; i++) {
    seen.made = i + 1;
    yield `line ${i}\r\n`;
  }
}

test('writeLines waits for drain: with a stalled reader, it stops making lines', async () => {
  const out = new PassThrough({ highWaterMark: 1024 });
  const seen = { made: 0 };
  const done = writeLines(out, lines(100_000, seen), { flushEvery: 512 });
  await new Promise((r) => setTimeout(r, 50));
  // Nobody reads: the writer is waiting with only a few buffers' worth of lines made.
  expect(seen.made).toBeLessThan(500);
  let bytes = 0;
  out.on('data', (c: Buffer) => { bytes += c.length; });
  expect(await done).toBe(true);
  expect(seen.made).toBe(100_000);
  await new Promise((r) => setImmediate(r));
  expect(bytes).toBeGreaterThan(100_000 * 8);
});

test('writeLines stops (false) when the client goes away, and stops reading the lines', async () => {
  const seen = { made: 0 };
  const out = new Writable({ highWaterMark: 256, write: (_c, _e, cb) => setTimeout(cb, 5) });
  const done = writeLines(out, lines(100_000, seen), { flushEvery: 128 });
  await new Promise((r) => setTimeout(r, 30));
  out.destroy();
  expect(await done).toBe(false);
  expect(seen.made).toBeLessThan(1000);
});
