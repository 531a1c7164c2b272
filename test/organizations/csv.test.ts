// Reading staff files as spreadsheets save them: UTF-8 with or without a byte order mark is read;
// UTF-16, Windows-1252, workbooks and binary files are recognised and named; records follow RFC 4180.
import { decodeCsv, detectDelimiter, parseCsv } from '../../src/organizations/csv';

const utf16le = (s: string) => Buffer.from(s, 'utf16le');

test('UTF-8 is read with or without its byte order mark', () => {
  expect(decodeCsv(Buffer.from('name,email\nZoë,z@example.org\n'))).toEqual({ ok: true, text: 'name,email\nZoë,z@example.org\n' });
  expect(decodeCsv(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('name,email\n')]))).toEqual({ ok: true, text: 'name,email\n' });
});

test('other encodings and other kinds of file are named, not guessed at', () => {
  expect(decodeCsv(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16le('name,email\n')]))).toEqual({ ok: false, encoding: 'utf-16' });
  expect(decodeCsv(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('\0n\0a')]))).toEqual({ ok: false, encoding: 'utf-16' });
  expect(decodeCsv(utf16le('name,email\nSam,s@example.org\n'))).toEqual({ ok: false, encoding: 'utf-16' });
  // "Zoë" and "Chloé" as Excel's plain "CSV" writes them in Windows-1252 / Latin-1.
  expect(decodeCsv(Buffer.from('name,email\nZo\xeb,z@example.org\nChlo\xe9,c@example.org\n', 'latin1'))).toEqual({ ok: false, encoding: 'windows-1252' });
  expect(decodeCsv(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]))).toEqual({ ok: false, encoding: 'spreadsheet' });
  expect(decodeCsv(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]))).toEqual({ ok: false, encoding: 'binary' });
  expect(decodeCsv(Buffer.from([0xc3, 0x28, 0x01, 0x02]))).toEqual({ ok: false, encoding: 'binary' });
});

test('records: quoted cells keep commas, quotes and line breaks; CRLF and blank lines are handled', () => {
  const text = 'name,email,unit\r\n"Lee, Ann",ann@example.org,"Patrol ""A"""\r\n\r\n"Two\nLines",two@example.org,\r\nlast,last@example.org,Unit';
  const parsed = parseCsv(text);
  expect(parsed).toEqual({
    ok: true, delimiter: ',',
    records: [
      { line: 1, cells: ['name', 'email', 'unit'] },
      { line: 2, cells: ['Lee, Ann', 'ann@example.org', 'Patrol "A"'] },
      { line: 4, cells: ['Two\nLines', 'two@example.org', ''] },
      { line: 6, cells: ['last', 'last@example.org', 'Unit'] },
    ],
  });
});

test('a semicolon or tab separated file (as some spreadsheets save CSV) is read by its header', () => {
  expect(detectDelimiter('name;email;unit\nA;a@example.org;X')).toBe(';');
  expect(detectDelimiter('name\temail\nA\ta@example.org')).toBe('\t');
  expect(detectDelimiter('name,email\n')).toBe(',');
  expect(parseCsv('name;email\n"Doe; Jo";jo@example.org\n')).toMatchObject({ ok: true, delimiter: ';', records: [{ cells: ['name', 'email'] }, { cells: ['Doe; Jo', 'jo@example.org'] }] });
});

test('a quotation mark never closed is named with the line it opened on', () => {
  expect(parseCsv('name,email\nok,ok@example.org\n"broken,b@example.org\nmore,m@example.org\n')).toEqual({ ok: false, problem: 'unclosedQuote', line: 3 });
});

test('an empty file has no records; a lone header has one', () => {
  expect(parseCsv('')).toEqual({ ok: true, delimiter: ',', records: [] });
  expect(parseCsv('\n\n')).toEqual({ ok: true, delimiter: ',', records: [] });
  expect(parseCsv('name,email')).toMatchObject({ ok: true, records: [{ line: 1, cells: ['name', 'email'] }] });
  // A trailing empty cell is kept (the import decides it is harmless).
  expect(parseCsv('a,b,\n')).toMatchObject({ records: [{ cells: ['a', 'b', ''] }] });
});
