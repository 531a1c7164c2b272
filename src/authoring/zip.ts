// A course as the zip of its folder, both ways.
//
// Writing is deterministic (sorted entries, one fixed timestamp, fixed compression per file type),
// so the same files always make the same bytes: download → upload → download is identical.
//
// Reading trusts nothing in the archive. The central directory is read and checked first (entry
// count, paths, symlinks, declared sizes against per-file and total caps) before a single byte is
// inflated; each entry is then inflated into a buffer of exactly its declared size, so a lying
// header cannot make it bigger, and its length and CRC-32 must match what was declared.
import zlib from 'node:zlib';
import { inflateSync, zipSync, type Zippable } from 'fflate';
import type { CourseFiles } from '../curriculum/parse';
import { HttpError } from '../http/errors';

export interface ZipLimits {
  /** The uploaded zip itself. */
  maxZipBytes: number;
  /** Entries in the archive, folders included. */
  maxEntries: number;
  /** Sum of the declared uncompressed sizes. */
  maxTotalBytes: number;
  /** One media file, uncompressed. */
  maxFileBytes: number;
  /** One Markdown (or other text) file, uncompressed. */
  maxTextBytes: number;
}

/** A refusal with a status and a translation key (under author.zip) with its values. */
/** A zip we refuse, with what is wrong with it (`author.zip.<key>` in the catalogs). */
export class ZipError extends HttpError {
  constructor(status: 400 | 413 | 422, key: string, values: Record<string, string | number> = {}) {
    super(status, 'invalid_zip', { key: `author.zip.${key}`, params: values });
  }
}

const MTIME = new Date(2000, 0, 1, 0, 0, 0); // local time: the DOS fields are the same in every time zone
const TEXT = /\.(md|vtt|txt)$/i;

/** The zip of a course folder: every file under `slug/`, in path order. */
export function writeCourseZip(slug: string, files: CourseFiles): Buffer {
  const entries: Zippable = {};
  for (const path of [...files.keys()].sort()) {
    // Media formats are compressed already: store them; deflate text.
    entries[`${slug}/${path}`] = [new Uint8Array(files.get(path)!), { level: TEXT.test(path) ? 6 : 0, mtime: MTIME }];
  }
  return Buffer.from(zipSync(entries, { mtime: MTIME }));
}

interface Entry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

function readCentralDirectory(buf: Buffer, limits: ZipLimits): Entry[] {
  const notZip = () => new ZipError(400, 'notZip');
  if (buf.length < 22) throw notZip();
  const sig = buf.readUInt32LE(0);
  if (sig !== 0x04034b50 && sig !== 0x06054b50) throw notZip();
  // The end-of-central-directory record: 22 bytes, then a comment of up to 65,535 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw notZip();
  const disk = buf.readUInt16LE(eocd + 4);
  const count = buf.readUInt16LE(eocd + 10);
  const cdSize = buf.readUInt32LE(eocd + 12);
  const cdOffset = buf.readUInt32LE(eocd + 16);
  if (disk !== 0) throw new ZipError(422, 'multiDisk');
  if (count === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new ZipError(422, 'zip64');
  if (count > limits.maxEntries) throw new ZipError(422, 'tooManyFiles', { count, max: limits.maxEntries });
  if (cdOffset + cdSize > eocd) throw new ZipError(422, 'damaged', { name: '' });

  const entries: Entry[] = [];
  const names = new Set<string>();
  let total = 0;
  let p = cdOffset;
  for (let n = 0; n < count; n++) {
    if (p + 46 > eocd || buf.readUInt32LE(p) !== 0x02014b50) throw new ZipError(422, 'damaged', { name: '' });
    const madeBy = buf.readUInt16LE(p + 4);
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    const crc = buf.readUInt32LE(p + 16);
    const compressedSize = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    const external = buf.readUInt32LE(p + 38);
    const localOffset = buf.readUInt32LE(p + 42);
    if (p + 46 + nameLength > eocd) throw new ZipError(422, 'damaged', { name: '' });
    const name = buf.subarray(p + 46, p + 46 + nameLength).toString('utf8');
    p += 46 + nameLength + extraLength + commentLength;

    // Paths: relative, forward slashes, no way out of the folder.
    const shown = name.slice(0, 200);
    if (name.includes('\\')) throw new ZipError(422, 'backslash', { name: shown });
    if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw new ZipError(422, 'absolutePath', { name: shown });
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(name) || name.replace(/\/$/, '').split('/').some((s) => s === '..' || s === '.' || s === '')) {
      throw new ZipError(422, 'unsafePath', { name: shown });
    }
    if (names.has(name)) throw new ZipError(422, 'duplicate', { name: shown });
    names.add(name);
    // Unix file type in the high bits of the external attributes (made on Unix, host 3).
    const mode = (madeBy >> 8) === 3 ? (external >>> 16) & S_IFMT : 0;
    if (mode === S_IFLNK) throw new ZipError(422, 'symlink', { name: shown });
    if (mode !== 0 && mode !== S_IFREG && mode !== S_IFDIR) throw new ZipError(422, 'specialFile', { name: shown });
    if (flags & 0x1) throw new ZipError(422, 'encrypted', { name: shown });
    if (name.endsWith('/')) continue; // a folder
    if (method !== 0 && method !== 8) throw new ZipError(422, 'method', { name: shown });
    const max = TEXT.test(name) ? limits.maxTextBytes : limits.maxFileBytes;
    if (size > max) throw new ZipError(413, 'fileTooLarge', { name: shown, max: megabytes(max) });
    total += size;
    if (total > limits.maxTotalBytes) throw new ZipError(413, 'totalTooLarge', { max: megabytes(limits.maxTotalBytes) });
    entries.push({ name, method, crc, compressedSize, size, localOffset });
  }
  return entries;
}

export function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return mb >= 1 ? `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}

function inflateEntry(buf: Buffer, e: Entry): Buffer {
  const damaged = () => new ZipError(422, 'damaged', { name: e.name.slice(0, 200) });
  const h = e.localOffset;
  if (h + 30 > buf.length || buf.readUInt32LE(h) !== 0x04034b50) throw damaged();
  const start = h + 30 + buf.readUInt16LE(h + 26) + buf.readUInt16LE(h + 28);
  const end = start + e.compressedSize;
  if (end > buf.length) throw damaged();
  const data = buf.subarray(start, end);
  let out: Buffer;
  if (e.method === 0) {
    if (e.compressedSize !== e.size) throw damaged();
    out = Buffer.from(data);
  } else if (e.size === 0) {
    out = Buffer.alloc(0);
  } else {
    // Exactly the declared size: a stream that would inflate to more cannot get more memory.
    const target = new Uint8Array(e.size);
    let result: Uint8Array;
    try {
      result = inflateSync(data, { out: target });
    } catch {
      throw damaged();
    }
    if (result.length !== e.size) throw damaged();
    out = Buffer.from(result.buffer, result.byteOffset, result.length);
  }
  if ((zlib.crc32(out) >>> 0) !== e.crc) throw damaged();
  return out;
}

/** Names a course zip may carry that are not part of the course (made by archivers): skipped. */
function ignorable(name: string): boolean {
  return name.startsWith('__MACOSX/') || name.split('/').some((s) => s.startsWith('.'));
}

/**
 * Reads a course zip: either the course folder (`slug/course.md`, ...) or the files of one at the
 * top level. Returns the folder's name (null when there is none) and the files by relative path.
 */
export function readCourseZip(buf: Buffer, limits: ZipLimits): { folder: string | null; files: CourseFiles } {
  if (buf.length > limits.maxZipBytes) throw new ZipError(413, 'tooLarge', { max: megabytes(limits.maxZipBytes) });
  const entries = readCentralDirectory(buf, limits).filter((e) => !ignorable(e.name));
  if (!entries.length) throw new ZipError(422, 'empty');
  const firsts = new Set(entries.map((e) => (e.name.includes('/') ? e.name.split('/')[0] : '')));
  const folder = firsts.size === 1 && !firsts.has('') ? [...firsts][0] : null;
  const files: CourseFiles = new Map();
  for (const e of entries) {
    const rel = folder ? e.name.slice(folder.length + 1) : e.name;
    const parts = rel.split('/');
    if (!(parts.length === 1 || (parts.length === 2 && parts[0] === 'media'))) {
      throw new ZipError(422, 'unexpectedPath', { name: e.name.slice(0, 200) });
    }
  }
  for (const e of entries) files.set(folder ? e.name.slice(folder.length + 1) : e.name, inflateEntry(buf, e));
  return { folder, files };
}
