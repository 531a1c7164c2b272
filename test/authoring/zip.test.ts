// The course zip reader refuses hostile archives before inflating anything, and the writer is
// deterministic, so a course's zip is the same bytes every time.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readCourseZip, writeCourseZip, ZipError, type ZipLimits } from '../../src/authoring/zip';
import { buildZip } from '../support/zip';

const limits: ZipLimits = { maxZipBytes: 1024 * 1024, maxEntries: 20, maxTotalBytes: 200 * 1024, maxFileBytes: 100 * 1024, maxTextBytes: 10 * 1024 };
const md = Buffer.from('---\ntitle: T\n---\nHello\n');

function refusal(buf: Buffer, l: ZipLimits = limits): { status: number; key: string } {
  try {
    readCourseZip(buf, l);
  } catch (err) {
    if (err instanceof ZipError) return { status: err.status, key: String(err.detail?.key).replace('author.zip.', '') };
    throw err;
  }
  throw new Error('the zip was accepted');
}

test('a course folder round-trips exactly, and the zip is the same bytes every time', () => {
  const files = new Map([['course.md', md], ['01-a.md', Buffer.from('x\r\ny\n')], ['media/dot.png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255])]]);
  const zip = writeCourseZip('my-course', files);
  expect(writeCourseZip('my-course', new Map([...files].reverse()))).toEqual(zip);
  const back = readCourseZip(zip, limits);
  expect(back.folder).toBe('my-course');
  expect([...back.files.keys()].sort()).toEqual([...files.keys()].sort());
  for (const [p, b] of files) expect(back.files.get(p)!.equals(b)).toBe(true);
  // A standard unzip tool reads it as the folder, byte for byte.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bw-zip-'));
  fs.writeFileSync(path.join(dir, 'c.zip'), zip);
  execFileSync('unzip', ['-q', 'c.zip'], { cwd: dir });
  for (const [p, b] of files) expect(fs.readFileSync(path.join(dir, 'my-course', p)).equals(b)).toBe(true);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('files at the top level (no folder) are accepted, archiver litter is skipped', () => {
  const zip = buildZip([{ name: 'course.md', data: md }, { name: '.DS_Store', data: Buffer.from('x') }, { name: '__MACOSX/._course.md', data: Buffer.from('x') }, { name: 'media/', data: Buffer.alloc(0), method: 0 }]);
  const { folder, files } = readCourseZip(zip, limits);
  expect(folder).toBeNull();
  expect([...files.keys()]).toEqual(['course.md']);
});

test('not a zip, damaged, or empty', () => {
  expect(refusal(Buffer.from('just some text, not a zip at all'))).toEqual({ status: 400, key: 'notZip' });
  expect(refusal(Buffer.from('%PDF-1.7 ......................................'))).toEqual({ status: 400, key: 'notZip' });
  const zip = buildZip([{ name: 'c/course.md', data: md }]);
  expect(refusal(zip.subarray(0, zip.length - 10))).toEqual({ status: 400, key: 'notZip' });
  expect(refusal(buildZip([]))).toEqual({ status: 422, key: 'empty' });
  expect(refusal(buildZip([{ name: 'c/course.md', data: md, crc: 1234 }]))).toEqual({ status: 422, key: 'damaged' });
});

test('paths out of the folder, absolute paths, backslashes, symlinks and special files are refused', () => {
  expect(refusal(buildZip([{ name: 'c/../../etc/cron.d/x', data: md }])).key).toBe('unsafePath');
  expect(refusal(buildZip([{ name: '../course.md', data: md }])).key).toBe('unsafePath');
  expect(refusal(buildZip([{ name: 'c/./course.md', data: md }])).key).toBe('unsafePath');
  expect(refusal(buildZip([{ name: 'c//course.md', data: md }])).key).toBe('unsafePath');
  expect(refusal(buildZip([{ name: '/etc/passwd', data: md }])).key).toBe('absolutePath');
  expect(refusal(buildZip([{ name: 'C:/course.md', data: md }])).key).toBe('absolutePath');
  expect(refusal(buildZip([{ name: 'c\\..\\course.md', data: md }])).key).toBe('backslash');
  expect(refusal(buildZip([{ name: 'c/course.md', data: md }, { name: 'c/media/x.png', data: Buffer.from('/etc/passwd'), unixMode: 0o120777 }]))).toEqual({ status: 422, key: 'symlink' });
  expect(refusal(buildZip([{ name: 'c/fifo', data: Buffer.alloc(0), unixMode: 0o010644 }])).key).toBe('specialFile');
  expect(refusal(buildZip([{ name: 'c/course.md', data: md }, { name: 'c/course.md', data: md }])).key).toBe('duplicate');
  expect(refusal(buildZip([{ name: 'c/course.md', data: md }, { name: 'c/other/x.md', data: md }])).key).toBe('unexpectedPath');
  // An ordinary Unix file mode is fine.
  expect(readCourseZip(buildZip([{ name: 'c/course.md', data: md, unixMode: 0o100644 }]), limits).files.size).toBe(1);
});

test('too many entries, oversized files and zip bombs are refused before inflating', () => {
  const many = buildZip(Array.from({ length: 21 }, (_, i) => ({ name: `c/${String(i).padStart(2, '0')}-m.md`, data: md })));
  expect(refusal(many)).toEqual({ status: 422, key: 'tooManyFiles' });
  expect(refusal(Buffer.alloc(limits.maxZipBytes + 1))).toEqual({ status: 413, key: 'tooLarge' });
  // A Markdown file over its own limit.
  expect(refusal(buildZip([{ name: 'c/course.md', data: Buffer.alloc(11 * 1024, 0x61) }]))).toEqual({ status: 413, key: 'fileTooLarge' });
  // A bomb: files of 90 KB of zeros compress to a few hundred bytes each; three are over the total cap.
  const zeros = Buffer.alloc(90 * 1024);
  const bomb = buildZip(['a', 'b', 'c'].map((n) => ({ name: `c/media/${n}.png`, data: zeros })));
  expect(bomb.length).toBeLessThan(2000);
  expect(refusal(bomb)).toEqual({ status: 413, key: 'totalTooLarge' });
  // A header claiming 4 GB is refused on its word, without inflating.
  expect(refusal(buildZip([{ name: 'c/media/a.png', data: Buffer.alloc(10), declaredSize: 0xfffffff0 }]))).toEqual({ status: 413, key: 'fileTooLarge' });
  // A lying header (declares 100 bytes, inflates to 5 MB): inflation stops at 100 bytes and the CRC fails.
  expect(refusal(buildZip([{ name: 'c/media/a.png', data: Buffer.alloc(5 * 1024 * 1024), declaredSize: 100 }]))).toEqual({ status: 422, key: 'damaged' });
});
