/**
 * WOFF 1.0 to TrueType, at build time (see build-fonts.ts and fonts.ts for why): read a WOFF
 * file's tables (inflated and checked), remove the TrueType hinting, and lay the tables out
 * again as an sfnt file with fresh checksums. Byte-level work only; no font is parsed here.
 */
import * as zlib from 'node:zlib';

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

/** An sfnt's tables by tag (`'glyf'`, `'cvt '`...), and its version tag (`flavor`). */
export type SfntTables = { flavor: number; tables: Map<string, Buffer> };

const tagName = (tag: number): string =>
  String.fromCharCode(tag >>> 24, (tag >>> 16) & 0xff, (tag >>> 8) & 0xff, tag & 0xff);
const tagNumber = (name: string): number =>
  ((name.charCodeAt(0) << 24) | (name.charCodeAt(1) << 16) | (name.charCodeAt(2) << 8) | name.charCodeAt(3)) >>> 0;

/**
 * Read a WOFF 1.0 file into its sfnt tables: every table is inflated (when compLength <
 * origLength) and checked against its length and the checksum the WOFF directory records.
 * WOFF metadata and private blocks are not part of the sfnt and are dropped.
 */
export function readWoff(woff: Buffer): SfntTables {
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
  const tables = new Map<string, Buffer>();
  for (let i = 0; i < numTables; i++) {
    const entry = WOFF_HEADER_SIZE + i * WOFF_DIR_ENTRY_SIZE;
    const tag = tagName(woff.readUInt32BE(entry));
    const offset = woff.readUInt32BE(entry + 4);
    const compLength = woff.readUInt32BE(entry + 8);
    const origLength = woff.readUInt32BE(entry + 12);
    const origChecksum = woff.readUInt32BE(entry + 16);
    if (offset + compLength > woff.length || compLength > origLength) {
      throw new WoffFormatError(`table ${tag}: bad offset or length`);
    }
    const stored = woff.subarray(offset, offset + compLength);
    let data: Buffer;
    try {
      data = compLength < origLength ? zlib.inflateSync(stored) : Buffer.from(stored);
    } catch (err) {
      throw new WoffFormatError(`table ${tag}: ${(err as Error).message}`);
    }
    if (data.length !== origLength) {
      throw new WoffFormatError(`table ${tag}: inflated to ${data.length} bytes, expected ${origLength}`);
    }
    if (tableChecksumOf(tag, data) !== origChecksum) {
      throw new WoffFormatError(`table ${tag}: checksum mismatch`);
    }
    if (tables.has(tag)) throw new WoffFormatError(`table ${tag} appears twice`);
    tables.set(tag, data);
  }
  return { flavor, tables };
}

/** A table's checksum; head's is computed with checkSumAdjustment taken as zero. */
function tableChecksumOf(tag: string, data: Buffer): number {
  if (tag !== 'head') return tableChecksum(data);
  if (data.length < 12) throw new WoffFormatError('head table too short');
  const copy = Buffer.from(data);
  copy.writeUInt32BE(0, HEAD_CHECKSUM_ADJUSTMENT_OFFSET);
  return tableChecksum(copy);
}

/**
 * Lay out an sfnt file: the table directory sorted by tag with searchRange/entrySelector/
 * rangeShift, each table 4-byte aligned and zero-padded, fresh table checksums, and
 * head.checkSumAdjustment set so the whole file sums to 0xB1B0AFBA.
 */
export function writeSfnt({ flavor, tables }: SfntTables): Buffer {
  const sorted = [...tables.entries()]
    .map(([tag, data]) => ({ tag, num: tagNumber(tag), data }))
    .sort((a, b) => a.num - b.num);
  const numTables = sorted.length;
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
  for (const t of sorted) total += pad4(t.data.length);

  const out = Buffer.alloc(total); // zero-filled, so padding bytes are zero
  out.writeUInt32BE(flavor, 0);
  out.writeUInt16BE(numTables, 4);
  out.writeUInt16BE(searchRange, 6);
  out.writeUInt16BE(entrySelector, 8);
  out.writeUInt16BE(rangeShift, 10);

  let offset = directorySize;
  let headOffset = -1;
  sorted.forEach((t, i) => {
    const entry = SFNT_HEADER_SIZE + i * SFNT_DIR_ENTRY_SIZE;
    t.data.copy(out, offset);
    if (t.tag === 'head') {
      headOffset = offset;
      out.writeUInt32BE(0, offset + HEAD_CHECKSUM_ADJUSTMENT_OFFSET);
    }
    out.writeUInt32BE(t.num, entry);
    out.writeUInt32BE(tableChecksum(out.subarray(offset, offset + pad4(t.data.length))), entry + 4);
    out.writeUInt32BE(offset, entry + 8);
    out.writeUInt32BE(t.data.length, entry + 12);
    offset += pad4(t.data.length);
  });

  if (headOffset >= 0) {
    const adjustment = (0xb1b0afba - tableChecksum(out)) >>> 0;
    out.writeUInt32BE(adjustment, headOffset + HEAD_CHECKSUM_ADJUSTMENT_OFFSET);
  }
  return out;
}

/** Convert a WOFF 1.0 file to the sfnt (TrueType or CFF OpenType) file it wraps, unchanged. */
export function woffToSfnt(woff: Buffer): Buffer {
  return writeSfnt(readWoff(woff));
}

// glyf component flags
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;
const WE_HAVE_INSTRUCTIONS = 0x0100;

/**
 * Remove TrueType hinting: the instructions of every glyph, and the fpgm, prep and cvt
 * tables (and DSIG, which no longer matches). Outlines, metrics, cmap and the OpenType layout
 * tables are untouched. 61% of BC Sans's glyf bytes are instructions; PDF viewers render
 * at print and zoom resolutions where hinting does nothing useful, so every certificate's
 * embedded subsets shrink by about a third for no visible change. loca is rewritten in the long
 * format (head.indexToLocFormat = 1), each glyph 4-byte aligned.
 */
export function stripHinting({ flavor, tables }: SfntTables): SfntTables {
  const glyf = tables.get('glyf');
  const loca = tables.get('loca');
  const head = tables.get('head');
  const maxp = tables.get('maxp');
  if (!glyf || !loca || !head || !maxp) return { flavor, tables: new Map(tables) }; // not TrueType outlines
  const numGlyphs = maxp.readUInt16BE(4);
  const longLoca = head.readInt16BE(50) === 1;
  const offsetOf = (i: number): number => (longLoca ? loca.readUInt32BE(i * 4) : loca.readUInt16BE(i * 2) * 2);

  const glyphs: Buffer[] = [];
  for (let i = 0; i < numGlyphs; i++) {
    const start = offsetOf(i);
    const end = offsetOf(i + 1);
    if (end < start || end > glyf.length) throw new WoffFormatError(`glyph ${i}: bad loca offsets`);
    glyphs.push(end === start ? Buffer.alloc(0) : stripGlyph(glyf.subarray(start, end), i));
  }

  const newLoca = Buffer.alloc((numGlyphs + 1) * 4);
  let size = 0;
  glyphs.forEach((g, i) => {
    newLoca.writeUInt32BE(size, i * 4);
    size += pad4(g.length);
  });
  newLoca.writeUInt32BE(size, numGlyphs * 4);
  const newGlyf = Buffer.alloc(size);
  glyphs.forEach((g, i) => g.copy(newGlyf, newLoca.readUInt32BE(i * 4)));

  const newHead = Buffer.from(head);
  newHead.writeInt16BE(1, 50); // indexToLocFormat: long
  const newMaxp = Buffer.from(maxp);
  if (newMaxp.readUInt32BE(0) === 0x00010000 && newMaxp.length >= 28) newMaxp.writeUInt16BE(0, 26); // maxSizeOfInstructions

  const out = new Map(tables);
  for (const tag of ['fpgm', 'prep', 'cvt ', 'DSIG', 'hdmx', 'LTSH', 'VDMX']) out.delete(tag);
  out.set('glyf', newGlyf);
  out.set('loca', newLoca);
  out.set('head', newHead);
  out.set('maxp', newMaxp);
  return { flavor, tables: out };
}

function stripGlyph(g: Buffer, index: number): Buffer {
  const numberOfContours = g.readInt16BE(0);
  if (numberOfContours >= 0) {
    // header (10) + endPtsOfContours + instructionLength + instructions + flags/coordinates
    const ilAt = 10 + 2 * numberOfContours;
    const il = g.readUInt16BE(ilAt);
    if (ilAt + 2 + il > g.length) throw new WoffFormatError(`glyph ${index}: bad instruction length`);
    const out = Buffer.concat([g.subarray(0, ilAt), Buffer.alloc(2), g.subarray(ilAt + 2 + il)]);
    return out;
  }
  // Composite: walk the components, clear WE_HAVE_INSTRUCTIONS, cut what follows the last.
  const out = Buffer.from(g);
  let pos = 10;
  for (;;) {
    const flags = out.readUInt16BE(pos);
    out.writeUInt16BE(flags & ~WE_HAVE_INSTRUCTIONS, pos);
    pos += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
    if (flags & WE_HAVE_A_SCALE) pos += 2;
    else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) pos += 4;
    else if (flags & WE_HAVE_A_TWO_BY_TWO) pos += 8;
    if (pos > out.length) throw new WoffFormatError(`glyph ${index}: bad composite glyph`);
    if (!(flags & MORE_COMPONENTS)) break;
  }
  return out.subarray(0, pos);
}
