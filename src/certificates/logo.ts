/**
 * The organization's logo on certificates (LOGO_FILE): a PNG or JPEG, prepared once at start so
 * that every certificate embeds it cheaply and synchronously.
 *
 * pdfkit 0.20 embeds a PNG with transparency (or an interlaced one) by decoding its pixels
 * with an asynchronous inflate, which would break the renderer's synchronous `finish()`, and
 * it would do that decoding again for every document. So a PNG is decoded here once (pngjs),
 * composited onto white (the page is white: it looks the same), scaled down when it has more
 * pixels than the logo box needs at 300 dpi, and re-encoded as a plain 8-bit RGB PNG, which
 * pdfkit embeds as it is (a few KB for a typical logo). A JPEG is embedded as it is (pdfkit does not decode it), so its file
 * size is what every certificate carries: it is limited to LOGO_JPEG_MAX_BYTES.
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';
import { PNG } from 'pngjs';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** 'png', 'jpeg', or null for anything else, by the file's first bytes. */
export function imageType(data: Uint8Array): 'png' | 'jpeg' | null {
  if (data.length >= 8 && PNG_SIGNATURE.every((b, i) => data[i] === b)) return 'png';
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  return null;
}

export class LogoError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LogoError';
  }
}

/**
 * The box (points) a logo is scaled to fit on a certificate, centred where the seal would be
 * (between the signature and the QR code).
 */
export const LOGO_BOX = { width: 190, height: 84 };

/** A JPEG goes into every certificate byte for byte. */
export const LOGO_JPEG_MAX_BYTES = 512 * 1024;
/** A PNG is decoded at start; past this, ask for a smaller file rather than spend the memory. */
export const LOGO_PNG_MAX_BYTES = 20 * 1024 * 1024;

/** Read a logo file: a clear LogoError when it cannot be read or is not a PNG or JPEG. */
export function readLogoFile(file: string): Buffer {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
    throw new LogoError(`cannot read ${file}: ${why}`);
  }
  if (imageType(data) === null) throw new LogoError(`${file} is not a PNG or JPEG image`);
  return data;
}

export type PreparedLogo = {
  /** What pdfkit embeds: an 8-bit RGB PNG, or the JPEG as given. */
  data: Buffer;
  /** Pixels. */
  width: number;
  height: number;
};

/**
 * Prepare logo bytes for embedding (see above). `maxWidth` and `maxHeight` are the most pixels
 * worth keeping (the logo box at 300 dpi). Throws LogoError for what cannot be used.
 */
export function prepareLogo(data: Buffer, maxWidth: number, maxHeight: number): PreparedLogo {
  const type = imageType(data);
  if (type === 'jpeg') {
    if (data.length > LOGO_JPEG_MAX_BYTES) {
      throw new LogoError(
        `the JPEG is ${Math.round(data.length / 1024)} KB and would be copied into every certificate: ` +
          `use one under ${LOGO_JPEG_MAX_BYTES / 1024} KB, or a PNG (which is scaled to the size printed)`,
      );
    }
    const size = jpegSize(data);
    return { data, width: size.width, height: size.height };
  }
  if (type !== 'png') throw new LogoError('not a PNG or JPEG image');
  if (data.length > LOGO_PNG_MAX_BYTES) throw new LogoError(`the PNG is over ${LOGO_PNG_MAX_BYTES / 1024 / 1024} MB`);
  checkPngStructure(data);
  let png: PNG;
  try {
    png = PNG.sync.read(data);
  } catch (err) {
    throw new LogoError(`the PNG cannot be decoded (${(err as Error).message})`);
  }
  let { width, height } = png;
  let rgba: Buffer = png.data;
  if (!(width > 0 && height > 0) || rgba.length !== width * height * 4) throw new LogoError('the PNG cannot be decoded');
  onWhite(rgba);
  const factor = Math.max(width / maxWidth, height / maxHeight);
  if (factor > 1) {
    const w = Math.max(1, Math.round(width / factor));
    const h = Math.max(1, Math.round(height / factor));
    rgba = downscale(rgba, width, height, w, h);
    width = w;
    height = h;
  }
  return { data: encodeRgbPng(rgba, width, height), width, height };
}

/**
 * An 8-bit RGB PNG, not interlaced, from opaque RGBA pixels: what pdfkit embeds as it is (its
 * IDAT data with a PNG predictor). Each row gets the filter (None, Sub, Up or Paeth) with the
 * smallest sum of absolute values, the usual heuristic. Written here rather than with pngjs,
 * whose encoder is deterministic too but about 50 times slower.
 */
function encodeRgbPng(rgba: Buffer, width: number, height: number): Buffer {
  const stride = width * 3;
  const rows = Buffer.alloc((stride + 1) * height);
  let prev = Buffer.alloc(stride);
  const cur = Buffer.alloc(stride);
  const candidates = [0, 1, 2, 4].map((type) => ({ type, out: Buffer.alloc(stride) }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      cur[x * 3] = rgba[i]!;
      cur[x * 3 + 1] = rgba[i + 1]!;
      cur[x * 3 + 2] = rgba[i + 2]!;
    }
    let best = candidates[0]!;
    let bestCost = Infinity;
    for (const c of candidates) {
      let cost = 0;
      for (let i = 0; i < stride; i++) {
        const left = i >= 3 ? cur[i - 3]! : 0;
        const up = prev[i]!;
        const upLeft = i >= 3 ? prev[i - 3]! : 0;
        const predictor = c.type === 0 ? 0 : c.type === 1 ? left : c.type === 2 ? up : paeth(left, up, upLeft);
        const v = (cur[i]! - predictor) & 0xff;
        c.out[i] = v;
        cost += v < 128 ? v : 256 - v;
      }
      if (cost < bestCost) {
        best = c;
        bestCost = cost;
      }
    }
    const at = y * (stride + 1);
    rows[at] = best.type;
    best.out.copy(rows, at + 1);
    prev = Buffer.from(cur);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8 bits, colour type 2 (RGB), deflate, adaptive filtering, no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * pngjs decodes a truncated PNG into whatever memory it got (sometimes without an error), so
 * first check the file is whole: every chunk's CRC, IHDR first, image data, IEND at the end,
 * and a complete zlib stream in the image data.
 */
function checkPngStructure(data: Buffer): void {
  let pos = 8;
  const idat: Buffer[] = [];
  let first = true;
  for (;;) {
    if (pos + 12 > data.length) throw new LogoError('the PNG is damaged or cut short (no IEND chunk)');
    const length = data.readUInt32BE(pos);
    const type = data.toString('latin1', pos + 4, pos + 8);
    const end = pos + 12 + length;
    if (end > data.length) throw new LogoError(`the PNG is damaged or cut short (in its ${type} chunk)`);
    if (crc32(data.subarray(pos + 4, pos + 8 + length)) !== data.readUInt32BE(end - 4)) {
      throw new LogoError(`the PNG is damaged (bad checksum in its ${type} chunk)`);
    }
    if (first && type !== 'IHDR') throw new LogoError('the PNG is damaged (IHDR is not first)');
    first = false;
    if (type === 'IDAT') idat.push(data.subarray(pos + 8, pos + 8 + length));
    if (type === 'IEND') break;
    pos = end;
  }
  if (idat.length === 0) throw new LogoError('the PNG has no image data');
  try {
    zlib.inflateSync(Buffer.concat(idat));
  } catch (err) {
    throw new LogoError(`the PNG's image data is damaged (${(err as Error).message})`);
  }
}

/** Composite RGBA pixels onto white, in place; alpha becomes opaque. */
function onWhite(rgba: Buffer): void {
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3]!;
    if (a === 255) continue;
    for (let c = 0; c < 3; c++) rgba[i + c] = Math.round((rgba[i + c]! * a + 255 * (255 - a)) / 255);
    rgba[i + 3] = 255;
  }
}

/** Area-average downscaling of opaque RGBA pixels. */
function downscale(src: Buffer, sw: number, sh: number, dw: number, dh: number): Buffer {
  const dst = Buffer.alloc(dw * dh * 4);
  for (let y = 0; y < dh; y++) {
    const y0 = Math.floor((y * sh) / dh);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * sh) / dh));
    for (let x = 0; x < dw; x++) {
      const x0 = Math.floor((x * sw) / dw);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * sw) / dw));
      let r = 0;
      let g = 0;
      let b = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let xx = x0; xx < x1; xx++) {
          const i = (yy * sw + xx) * 4;
          r += src[i]!;
          g += src[i + 1]!;
          b += src[i + 2]!;
        }
      }
      const n = (y1 - y0) * (x1 - x0);
      const o = (y * dw + x) * 4;
      dst[o] = Math.round(r / n);
      dst[o + 1] = Math.round(g / n);
      dst[o + 2] = Math.round(b / n);
      dst[o + 3] = 255;
    }
  }
  return dst;
}

/** A JPEG's pixel size, from its first start-of-frame marker. */
function jpegSize(data: Buffer): { width: number; height: number } {
  let pos = 2;
  while (pos + 4 <= data.length) {
    if (data[pos] !== 0xff) throw new LogoError('the JPEG is damaged (bad marker)');
    const marker = data[pos + 1]!;
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    const length = data.readUInt16BE(pos + 2);
    // SOF0-SOF15, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (pos + 9 > data.length) break;
      const height = data.readUInt16BE(pos + 5);
      const width = data.readUInt16BE(pos + 7);
      if (width === 0 || height === 0) throw new LogoError('the JPEG has no size');
      return { width, height };
    }
    if (marker === 0xda || marker === 0xd9) break; // scan data or end before any frame
    pos += 2 + length;
  }
  throw new LogoError('the JPEG is damaged (no frame header)');
}
