/**
 * BC Sans for certificates.
 *
 * `@bcgov/bc-sans` ships only WOFF and WOFF2. fontkit parses WOFF about 1000x slower than a
 * plain TrueType file and crashes when subsetting WOFF2, so `build-fonts.ts` converts the WOFF
 * (version 1) files to TTF at build time (`dist/fonts/`). This module holds that converter, and
 * `loadCertificateFonts()` reads the TTFs once and parses them into fontkit font objects that
 * pdfkit's `registerFont(name, fontObject)` accepts (pdfkit's PDFFontFactory.open uses any
 * object with a `layout` function as-is), so no document pays for parsing the font again.
 *
 * If the TTFs have not been built (tests run from source), the same converter builds them in
 * memory from the WOFF files: nothing here depends on a prior build.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as fontkit from 'fontkit';

/** The faces a certificate uses, by the file stem that `@bcgov/bc-sans` ships. */
export const CERTIFICATE_FACES = {
  regular: 'BCSans-Regular',
  bold: 'BCSans-Bold',
  italic: 'BCSans-Italic',
} as const;

export type CertificateFace = keyof typeof CERTIFICATE_FACES;

/** Parsed fontkit fonts, built once per process and shared by every rendered document. */
export type CertificateFonts = { readonly [K in CertificateFace]: fontkit.Font };

export class WoffFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WoffFormatError';
  }
}

const WOFF_SIGNATURE = 0x774f4646; // 'wOFF'
const WOFF_HEADER_SIZE = 44;
const WOFF_DIR_ENTRY_SIZE = 20;
const SFNT_HEADER_SIZE = 12;
const SFNT_DIR_ENTRY_SIZE = 16;
const HEAD_TAG = 0x68656164; // 'head'
const HEAD_CHECKSUM_ADJUSTMENT_OFFSET = 8;

/** OpenType table checksum: sum of big-endian uint32 words, the last one zero-padded. */
function tableChecksum(data: Buffer): number {
  let sum = 0;
  const whole = data.length - (data.length % 4);
  for (let i = 0; i < whole; i += 4) {
    sum = (sum + data.readUInt32BE(i)) >>> 0;
  }
  if (whole < data.length) {
    const tail = Buffer.alloc(4);
    data.copy(tail, 0, whole);
    sum = (sum + tail.readUInt32BE(0)) >>> 0;
  }
  return sum;
}

const pad4 = (n: number): number => (n + 3) & ~3;

/**
 * Convert a WOFF 1.0 file to the sfnt (TrueType/CFF OpenType) file it wraps: every table is
 * inflated (when compLength < origLength), checked against its length and the checksum stored in
 * the WOFF directory, laid out 4-byte aligned in tag order behind a fresh table directory
 * (searchRange/entrySelector/rangeShift), and head.checkSumAdjustment is recomputed for the new
 * layout. WOFF metadata and private blocks are dropped (they are not part of the sfnt).
 */
export function woffToSfnt(woff: Buffer): Buffer {
  if (woff.length < WOFF_HEADER_SIZE || woff.readUInt32BE(0) !== WOFF_SIGNATURE) {
    throw new WoffFormatError('not a WOFF 1.0 file (bad signature)');
  }
  const flavor = woff.readUInt32BE(4);
  const declaredLength = woff.readUInt32BE(8);
  const numTables = woff.readUInt16BE(12);
  if (declaredLength !== woff.length) {
    throw new WoffFormatError(`WOFF length field ${declaredLength} != file size ${woff.length}`);
  }
  if (numTables === 0 || WOFF_HEADER_SIZE + numTables * WOFF_DIR_ENTRY_SIZE > woff.length) {
    throw new WoffFormatError(`bad table count ${numTables}`);
  }

  type Table = { tag: number; data: Buffer; checksum: number };
  const tables: Table[] = [];
  for (let i = 0; i < numTables; i++) {
    const entry = WOFF_HEADER_SIZE + i * WOFF_DIR_ENTRY_SIZE;
    const tag = woff.readUInt32BE(entry);
    const offset = woff.readUInt32BE(entry + 4);
    const compLength = woff.readUInt32BE(entry + 8);
    const origLength = woff.readUInt32BE(entry + 12);
    const origChecksum = woff.readUInt32BE(entry + 16);
    const tagName = Buffer.from([tag >>> 24, (tag >>> 16) & 0xff, (tag >>> 8) & 0xff, tag & 0xff]).toString('latin1');
    if (offset + compLength > woff.length || compLength > origLength) {
      throw new WoffFormatError(`table ${tagName}: bad offset or length`);
    }
    const stored = woff.subarray(offset, offset + compLength);
    const data = compLength < origLength ? zlib.inflateSync(stored) : Buffer.from(stored);
    if (data.length !== origLength) {
      throw new WoffFormatError(`table ${tagName}: inflated to ${data.length} bytes, expected ${origLength}`);
    }
    let checksum: number;
    if (tag === HEAD_TAG) {
      if (data.length < 12) throw new WoffFormatError('head table too short');
      // The head checksum is computed with checkSumAdjustment set to zero.
      data.writeUInt32BE(0, HEAD_CHECKSUM_ADJUSTMENT_OFFSET);
      checksum = tableChecksum(data);
    } else {
      checksum = tableChecksum(data);
    }
    if (checksum !== origChecksum) {
      throw new WoffFormatError(`table ${tagName}: checksum mismatch`);
    }
    tables.push({ tag, data, checksum });
  }
  // The sfnt table directory must be sorted by tag (as unsigned big-endian integers).
  tables.sort((a, b) => a.tag - b.tag);

  let maxPow2 = 1;
  let entrySelector = 0;
  while (maxPow2 * 2 <= numTables) {
    maxPow2 *= 2;
    entrySelector++;
  }
  const searchRange = maxPow2 * 16;
  const rangeShift = numTables * 16 - searchRange;

  const directorySize = SFNT_HEADER_SIZE + numTables * SFNT_DIR_ENTRY_SIZE;
  let total = directorySize;
  for (const t of tables) total += pad4(t.data.length);

  const out = Buffer.alloc(total); // zero-filled, so padding bytes are zero
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(rangeShift, 10);

  let offset = directorySize;
  let headOffset = -1;
  tables.forEach((t, i) => {
    const entry = SFNT_HEADER_SIZE + i * SFNT_DIR_ENTRY_SIZE;
    out.writeUInt32BE(t.tag, entry);
    out.writeUInt32BE(t.checksum, entry + 4);
    out.writeUInt32BE(offset, entry + 8);
    out.writeUInt32BE(t.data.length, entry + 12);
    t.data.copy(out, offset);
    if (t.tag === HEAD_TAG) headOffset = offset;
    offset += pad4(t.data.length);
  });

  if (headOffset >= 0) {
    const adjustment = (0xb1b0afba - tableChecksum(out)) >>> 0;
    out.writeUInt32BE(adjustment, headOffset + HEAD_CHECKSUM_ADJUSTMENT_OFFSET);
  }
  return out;
}

/** Where the `@bcgov/bc-sans` WOFF files are. */
export function bcSansWoffDir(): string {
  return path.join(path.dirname(require.resolve('@bcgov/bc-sans/package.json')), 'fonts');
}

/** Every WOFF 1.0 face the package ships, as file stems (e.g. `BCSans-Regular`). */
export function shippedFaces(): string[] {
  return fs
    .readdirSync(bcSansWoffDir())
    .filter((f) => f.endsWith('.woff'))
    .map((f) => f.slice(0, -'.woff'.length))
    .sort();
}

/** Build the TTF for one face in memory from the package's WOFF. */
export function buildTtf(stem: string): Buffer {
  return woffToSfnt(fs.readFileSync(path.join(bcSansWoffDir(), `${stem}.woff`)));
}

/**
 * `dist/fonts`, whether this module runs compiled (dist/src/certificates) or from source
 * under ts-jest (src/certificates).
 */
export function defaultFontDir(): string {
  const root = path.resolve(__dirname, '..', '..');
  return path.basename(root) === 'dist' ? path.join(root, 'fonts') : path.join(root, 'dist', 'fonts');
}

function readTtf(dir: string, stem: string): Buffer {
  try {
    return fs.readFileSync(path.join(dir, `${stem}.ttf`));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return buildTtf(stem);
    throw err;
  }
}

function parseFont(buffer: Buffer, stem: string): fontkit.Font {
  const font = fontkit.create(buffer);
  if (!('layout' in font) || typeof font.layout !== 'function') {
    throw new WoffFormatError(`${stem}: expected a single font, got a collection`);
  }
  return font;
}

/**
 * Read and parse the certificate faces once. Call at start-up and pass the result to
 * `createCertificateRenderer`; parsing costs tens of milliseconds, a render a few.
 */
export function loadCertificateFonts(dir: string = defaultFontDir()): CertificateFonts {
  return {
    regular: parseFont(readTtf(dir, CERTIFICATE_FACES.regular), CERTIFICATE_FACES.regular),
    bold: parseFont(readTtf(dir, CERTIFICATE_FACES.bold), CERTIFICATE_FACES.bold),
    italic: parseFont(readTtf(dir, CERTIFICATE_FACES.italic), CERTIFICATE_FACES.italic),
  };
}
