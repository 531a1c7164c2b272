/**
 * Every place the certificate and transcript PDFs reach into pdfkit 0.20 or fontkit 2.0.4 (the
 * font engine pdfkit uses) beyond their documented API: private fields read or replaced, methods
 * wrapped, undocumented behaviour relied on. Each has a comment saying why it exists. Each checks
 * that the internal it touches is still there and throws otherwise ("pdfkit internals changed"),
 * so an upgrade fails the tests loudly instead of producing subtly wrong PDFs.
 */
import { createHash } from 'node:crypto';
import type * as fontkit from 'fontkit';
import type { ShapedGlyph } from './shaping';

type Doc = PDFKit.PDFDocument;

function xmlEscape(s: string): string {
  return (
    s
      // XML 1.0 has no way to write these control characters, even escaped: they are dropped.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

/**
 * pdfkit 0.20 writes the info values (Title, Author, Subject...) into the XMP metadata stream
 * without XML escaping (MetadataMixin._addInfo), so a course called "Safety & Consent" would
 * make the XMP invalid XML. We keep the Info dictionary as is and hand `_addInfo` an escaped copy
 * for the duration of the call. If pdfkit renames that method this throws, and the tests say so.
 */
export function escapeXmpInfo(doc: Doc): void {
  const d = doc as unknown as { _addInfo?: () => void; info: Record<string, unknown> };
  const original = d._addInfo;
  if (typeof original !== 'function') {
    throw new Error('pdfkit internals changed: MetadataMixin._addInfo not found (see certificates/pdfkit-patches.ts)');
  }
  d._addInfo = function (this: typeof d): void {
    const raw = this.info;
    const escaped: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) escaped[key] = typeof value === 'string' ? xmlEscape(value) : value;
    this.info = escaped;
    try {
      original.call(this);
    } finally {
      this.info = raw;
    }
  };
}

/**
 * The trailer /ID. pdfkit 0.20 sets it once, in the PDFDocument constructor, to
 * `PDFSecurity.generateFileID(info)` (an MD5 of CreationDate and the info entries) and keeps it
 * in the private field `_id`, which `_finalize()` writes as `/ID [<id> <id>]`. That is
 * deterministic but not unique: two certificates with equal metadata would share it. We replace
 * it right after construction (before anything is written that uses it; we use no encryption,
 * the only other reader) with the first 16 bytes of SHA-256 over a fixed prefix and the
 * canonical code: unique per certificate, the same on every render.
 */
export function setDocumentId(doc: Doc, code: string): void {
  const d = doc as unknown as { _id?: unknown };
  if (!(d._id instanceof Uint8Array)) {
    throw new Error('pdfkit internals changed: PDFDocument._id not found (see certificates/pdfkit-patches.ts)');
  }
  d._id = createHash('sha256').update(`bridgework-certificate:${code}`).digest().subarray(0, 16);
}

/**
 * pdfkit's PDFFontFactory.open uses any object with a `layout` function (a parsed fontkit font)
 * as it is, so each document reuses the fonts parsed once at start (parsing costs 30+ ms a
 * document); @types/pdfkit lists only paths and buffers. Registering costs nothing: a font is
 * embedded (as a subset) only once text is set in it.
 */
export function registerParsedFonts(doc: Doc, fonts: Iterable<readonly [string, fontkit.Font]>): void {
  for (const [alias, font] of fonts) doc.registerFont(alias, font as unknown as PDFKit.Mixins.PDFFontSource);
}

/** A font registered with a document once, when the document first uses it (see registerParsedFonts). */
export function registerParsedFont(doc: Doc, alias: string, font: fontkit.Font): void {
  const d = doc as unknown as { _registeredFonts?: Record<string, unknown> };
  if (typeof d._registeredFonts !== 'object' || d._registeredFonts === null) {
    throw new Error('pdfkit internals changed: PDFDocument._registeredFonts not found (see certificates/pdfkit-patches.ts)');
  }
  if (!(alias in d._registeredFonts)) doc.registerFont(alias, font as unknown as PDFKit.Mixins.PDFFontSource);
}

/** pdfkit's PDFObject.number: the precision pdfkit writes numbers with. */
const pdfNumber = (n: number): number => Math.round(n * 1e6) / 1e6;

type EmbeddedFont = {
  id: string;
  scale: number;
  subset: { includeGlyph(id: number): number };
  widths: number[];
  unicode: number[][];
  ref(): unknown;
};

/**
 * Draws glyphs already shaped (layout.ts and shaping.ts) in the document's current font and
 * size, the baseline at `baseline`, from `x`, with `spacingAfter[i]` points more after glyph i.
 * pdfkit's `text()` would shape the text again, word by word and left to right, which cannot
 * set right-to-left or mixed-direction text and would not draw what layout.ts measured. This
 * writes what pdfkit's `_fragment` writes for shaped text (the same operators, subsetting,
 * width table and ToUnicode entries through the font's EmbeddedFont object: `subset`, `widths`,
 * `unicode`), from our glyphs. The caller has selected the font (`doc.font(alias).fontSize(size)`)
 * and colour; marked content is the caller's (tagging.ts).
 */
export function showGlyphs(doc: Doc, glyphs: readonly ShapedGlyph[], spacingAfter: readonly number[], x: number, baseline: number): void {
  const d = doc as unknown as { _font?: EmbeddedFont; _fontSize?: number; page: { height: number; fonts: Record<string, unknown> } };
  const font = d._font;
  const size = d._fontSize;
  if (!font || typeof font.subset?.includeGlyph !== 'function' || !Array.isArray(font.widths) || !Array.isArray(font.unicode) || typeof size !== 'number') {
    throw new Error('pdfkit internals changed: EmbeddedFont (subset, widths, unicode) or _fontSize not found (see certificates/pdfkit-patches.ts)');
  }
  if (glyphs.length === 0) return;
  const encoded: string[] = [];
  const advances: number[] = []; // in text space units (1000 per em), letter-spacing included
  glyphs.forEach((g, i) => {
    const gid = font.subset.includeGlyph(g.id);
    encoded.push(`0000${gid.toString(16)}`.slice(-4));
    font.widths[gid] ??= g.advanceWidth * font.scale;
    font.unicode[gid] ??= g.codePoints;
    advances.push(g.xAdvance * font.scale + ((spacingAfter[i] ?? 0) * 1000) / size);
  });
  if (d.page.fonts[font.id] == null) d.page.fonts[font.id] = font.ref();
  const scale = size / 1000;
  doc.save();
  doc.transform(1, 0, 0, -1, 0, d.page.height);
  const y = d.page.height - baseline;
  doc.addContent('BT');
  doc.addContent(`1 0 0 1 ${pdfNumber(x)} ${pdfNumber(y)} Tm`);
  doc.addContent(`/${font.id} ${pdfNumber(size)} Tf`);
  // As pdfkit's _fragment: glyphs in TJ arrays, a kerning number wherever the advance differs
  // from the glyph's width, and a glyph with an offset (a positioned mark) on its own, placed
  // by its own text matrix.
  const commands: string[] = [];
  let last = 0;
  const segment = (end: number): void => {
    if (last < end) {
      const adjust = advances[end - 1]! - glyphs[end - 1]!.advanceWidth * font.scale;
      commands.push(`<${encoded.slice(last, end).join('')}> ${pdfNumber(-adjust)}`);
    }
    last = end;
  };
  const flush = (end: number): void => {
    segment(end);
    if (commands.length > 0) {
      doc.addContent(`[${commands.join(' ')}] TJ`);
      commands.length = 0;
    }
  };
  let pen = x;
  let hadOffset = false;
  glyphs.forEach((g, i) => {
    if (g.xOffset || g.yOffset) {
      flush(i);
      doc.addContent(`1 0 0 1 ${pdfNumber(pen + g.xOffset * font.scale * scale)} ${pdfNumber(y + g.yOffset * font.scale * scale)} Tm`);
      flush(i + 1);
      hadOffset = true;
    } else {
      if (hadOffset) {
        doc.addContent(`1 0 0 1 ${pdfNumber(pen)} ${pdfNumber(y)} Tm`);
        hadOffset = false;
      }
      if (advances[i]! !== g.advanceWidth * font.scale) segment(i + 1);
    }
    pen += advances[i]! * scale;
  });
  flush(glyphs.length);
  doc.addContent('ET');
  doc.restore();
}

/**
 * fontkit keeps one glyph object per glyph id in each font (`font._glyphs`), made the first time
 * the glyph is asked for, with the characters it was asked for; pdfkit writes those characters
 * into the PDF's ToUnicode map. Subsetting a composite glyph asks for its components with no
 * characters (TTFSubset._addGlyph), so after one certificate shows "ḵ" (drawn as k plus a
 * macron below), every later document in the process maps "k" to nothing: its bytes depend on
 * what was rendered before it, and pdftotext drops the letter. We give each document an empty
 * glyph cache, as a freshly started process has, so a PDF depends on its own content only (and
 * rebuilding the few dozen glyph objects a page uses costs next to nothing). Rendering is
 * synchronous, so no other document is half-way through with these fonts.
 */
export function freshGlyphCaches(fonts: Iterable<fontkit.Font>): void {
  for (const font of new Set(fonts)) {
    const f = font as unknown as { _glyphs?: unknown };
    if (typeof f._glyphs !== 'object' || f._glyphs === null) {
      throw new Error('fontkit internals changed: font._glyphs not found (see certificates/pdfkit-patches.ts)');
    }
    f._glyphs = {};
  }
}

/** The number of pages the document has so far (pdfkit keeps it in its private page tree). */
export function pageCount(doc: Doc): number {
  const root = (doc as unknown as { _root?: { data?: { Pages?: { data?: { Count?: unknown } } } } })._root;
  const count = root?.data?.Pages?.data?.Count;
  if (typeof count !== 'number') {
    throw new Error('pdfkit internals changed: _root.data.Pages.data.Count not found (see certificates/pdfkit-patches.ts)');
  }
  return count;
}

/**
 * pdfkit's `end()` produces the whole file synchronously when nothing asynchronous was used (no
 * images from URLs, no piped streams): every object is ended and `_finalize()` pushes the xref,
 * the trailer and then `null` into the Readable. But a 'data' listener would receive those chunks
 * only on a later tick (measured: 0 chunks right after `end()`, all 61 on the next tick), so we
 * attach none and drain the Readable's buffer with `read()`, which is synchronous. We check the
 * result really ends with %%EOF rather than trusting that.
 */
export function finish(doc: Doc): Buffer {
  doc.end();
  const chunks: Buffer[] = [];
  for (let chunk = doc.read() as Buffer | null; chunk !== null; chunk = doc.read() as Buffer | null) {
    chunks.push(chunk);
  }
  const out = Buffer.concat(chunks);
  if (out.subarray(-6).toString('latin1') !== '%%EOF\n') {
    throw new Error('pdfkit did not finish the document synchronously');
  }
  return out;
}

const guardedPrototypes = new WeakSet<object>();

/**
 * fontkit 2.0.4 crashes ("Cannot read properties of null (reading 'xCoordinate')") when a GPOS
 * mark-attachment subtable has a NULL anchor, which the OpenType spec allows and means "no
 * anchor here" (foliojs/fontkit#367, fix proposed in #374). It happens in BC Sans Regular and Bold
 * for Vietnamese in decomposed form (a dot below followed by a circumflex or breve: "ệ", "ậ",
 * "ặ", "ộ" as NFD), and in Noto Sans Gurmukhi for most words with a vowel sign. We wrap
 * GPOSProcessor.prototype.applyAnchor (shared by every font, so once per process) to skip the
 * attachment when either anchor is missing, as HarfBuzz does: the mark keeps the position an
 * earlier lookup gave it (e.g. the circumflex above its base letter). If fontkit's internals
 * change, this throws and the tests say so.
 */
export function guardNullAnchors(font: fontkit.Font): void {
  if (!(font as unknown as { GPOS?: unknown }).GPOS) return;
  const engine = (font as unknown as { _layoutEngine?: { engine?: { GPOSProcessor?: object } } })._layoutEngine?.engine;
  const processor = engine?.GPOSProcessor;
  const proto = processor ? (Object.getPrototypeOf(processor) as Record<string, unknown>) : undefined;
  if (!proto || typeof proto.applyAnchor !== 'function') {
    throw new Error('fontkit internals changed: GPOSProcessor.applyAnchor not found (see certificates/pdfkit-patches.ts)');
  }
  if (guardedPrototypes.has(proto)) return;
  const original = proto.applyAnchor as (this: unknown, markRecord: unknown, baseAnchor: unknown, index: number) => void;
  proto.applyAnchor = function (this: unknown, markRecord: { markAnchor?: unknown } | null, baseAnchor: unknown, index: number): void {
    if (!baseAnchor || !markRecord || !markRecord.markAnchor) return;
    original.call(this, markRecord, baseAnchor, index);
  };
  guardedPrototypes.add(proto);
}

type Coverage = { version: 1; glyphs: number[] } | { version: 2; rangeRecords: { start: number; end: number }[] };
type LayoutTable = { lookupList?: { length?: number; toArray?: () => unknown[]; get(i: number): unknown } } | undefined;

const inCoverage = (coverage: Coverage | undefined, id: number): boolean =>
  !coverage ? false : coverage.version === 1 ? coverage.glyphs.includes(id) : coverage.rangeRecords.some((r) => r.start <= id && id <= r.end);

const filteringPrototypes = new WeakSet<object>();

/**
 * fontkit 2.0.4 reads a lookup's mark filtering set (OpenType lookup flag UseMarkFilteringSet:
 * "ignore the marks not in GDEF mark glyph set N") but never applies it: its GlyphIterator skips
 * marks only by IgnoreMarks and the mark attachment class. Noto Sans Bengali's distance lookups
 * rely on it (in "আক্তার" a conjunct's arm mark is skipped so the next glyph is kerned), so
 * fontkit positioned those conjuncts differently from HarfBuzz. We copy each such lookup's set
 * onto the flags its iterator is reset with, and wrap GlyphIterator.prototype.shouldIgnore
 * (shared by every font, so once per process) to skip a mark outside the set, as HarfBuzz does.
 * If fontkit's internals change, this throws and the tests say so.
 */
export function applyMarkFilteringSets(font: fontkit.Font): void {
  const f = font as unknown as { GSUB?: LayoutTable; GPOS?: LayoutTable; GDEF?: { markGlyphSetsDef?: { coverage?: Coverage[] } }; _layoutEngine?: { engine?: Record<string, { glyphIterator?: object } | undefined> } };
  const sets = f.GDEF?.markGlyphSetsDef?.coverage;
  if (!sets) return;
  let uses = false;
  for (const table of [f.GSUB, f.GPOS]) {
    const list = table?.lookupList;
    if (!list) continue;
    const count = typeof list.length === 'number' ? list.length : (list.toArray?.().length ?? 0);
    for (let i = 0; i < count; i++) {
      const lookup = list.get(i) as { flags?: { flags?: { useMarkFilteringSet?: boolean }; markFilteringCoverage?: Coverage }; markFilteringSet?: number } | undefined;
      if (lookup?.flags?.flags?.useMarkFilteringSet && typeof lookup.markFilteringSet === 'number') {
        lookup.flags.markFilteringCoverage = sets[lookup.markFilteringSet];
        uses = true;
      }
    }
  }
  if (!uses) return;
  // The iterator exists once the font has shaped something.
  const sample = font.characterSet.find((cp) => cp > 0x20);
  if (sample !== undefined) font.layout(String.fromCodePoint(sample));
  const engine = f._layoutEngine?.engine;
  const iterator = engine?.GSUBProcessor?.glyphIterator ?? engine?.GPOSProcessor?.glyphIterator;
  const proto = iterator ? (Object.getPrototypeOf(iterator) as Record<string, unknown>) : undefined;
  if (!proto || typeof proto.shouldIgnore !== 'function') {
    throw new Error('fontkit internals changed: GlyphIterator.shouldIgnore not found (see certificates/pdfkit-patches.ts)');
  }
  if (filteringPrototypes.has(proto)) return;
  const original = proto.shouldIgnore as (this: unknown, glyph: unknown) => boolean;
  proto.shouldIgnore = function (this: { options?: { markFilteringCoverage?: Coverage } }, glyph: { id: number; isMark?: boolean }): boolean {
    if (original.call(this, glyph)) return true;
    const coverage = this.options?.markFilteringCoverage;
    return coverage !== undefined && glyph.isMark === true && !inCoverage(coverage, glyph.id);
  };
  filteringPrototypes.add(proto);
}

/** Decoded glyphs kept per font, at most this many each (a CJK font has tens of thousands). */
const DECODED_PER_FONT = 5000;
const decodedGlyphs = new WeakMap<object, Map<number, unknown>>();
const memoizedPrototypes = new WeakSet<object>();

/**
 * Every PDF embeds a subset of each font it uses, and fontkit's TTFSubset decodes each glyph it
 * includes (TTFGlyph._decode: the whole outline, through restructure) only to learn whether it
 * is a composite: a quarter of a certificate's time, spent again on every document for the same
 * few dozen glyphs. A glyph's data in a static font never changes, so we keep each decoded glyph
 * per font and glyph id (read-only: fontkit's outline code builds new points from it). Fonts
 * with variations (an `fvar` table), whose glyphs depend on the chosen instance, are left alone.
 * TTFGlyph.prototype is shared by every TrueType font, so it is wrapped once per process. If
 * fontkit's internals change, this throws and the tests say so.
 */
export function memoizeGlyphDecoding(font: fontkit.Font): void {
  const f = font as unknown as { directory?: { tables?: Record<string, unknown> }; getGlyph(id: number): object };
  if (!f.directory?.tables?.glyf || f.directory.tables.fvar) return;
  const proto = Object.getPrototypeOf(f.getGlyph(0)) as Record<string, unknown> | null;
  if (!proto || typeof proto._decode !== 'function') {
    throw new Error('fontkit internals changed: TTFGlyph._decode not found (see certificates/pdfkit-patches.ts)');
  }
  decodedGlyphs.set(font, decodedGlyphs.get(font) ?? new Map());
  if (memoizedPrototypes.has(proto)) return;
  const original = proto._decode as (this: unknown) => unknown;
  proto._decode = function (this: { _font: object; id: number }): unknown {
    const byId = decodedGlyphs.get(this._font);
    if (!byId) return original.call(this);
    if (byId.has(this.id)) return byId.get(this.id);
    const decoded = original.call(this);
    if (byId.size >= DECODED_PER_FONT) byId.clear();
    byId.set(this.id, decoded);
    return decoded;
  };
  memoizedPrototypes.add(proto);
}

/** Encoded subsets kept per font, at most this many each. */
const SUBSETS_PER_FONT = 200;
const encodedSubsets = new WeakMap<object, Map<string, unknown>>();
const subsetPrototypes = new WeakSet<object>();

/**
 * pdfkit embeds, in every PDF, the subset of each font the PDF uses (fontkit's TTFSubset.encode),
 * and most certificates use the same glyphs of some fonts (the labels in BC Sans Italic and
 * Regular, every time). A subset's bytes depend only on the font and the glyph ids in the order
 * they were included, so we keep the encoded subset under that list and hand the same bytes
 * back. TTFSubset.prototype is shared by every TrueType font, so it is wrapped once per process.
 * If fontkit's internals change, this throws and the tests say so.
 */
export function memoizeSubsets(font: fontkit.Font): void {
  const f = font as unknown as { directory?: { tables?: Record<string, unknown> }; createSubset(): object };
  if (!f.directory?.tables?.glyf || f.directory.tables.fvar) return;
  const proto = Object.getPrototypeOf(f.createSubset()) as Record<string, unknown> | null;
  if (!proto || typeof proto.encode !== 'function') {
    throw new Error('fontkit internals changed: TTFSubset.encode not found (see certificates/pdfkit-patches.ts)');
  }
  encodedSubsets.set(font, encodedSubsets.get(font) ?? new Map());
  if (subsetPrototypes.has(proto)) return;
  const original = proto.encode as (this: unknown) => unknown;
  proto.encode = function (this: { font: object; glyphs?: unknown }): unknown {
    const bySet = encodedSubsets.get(this.font);
    if (!bySet || !Array.isArray(this.glyphs)) return original.call(this);
    const key = this.glyphs.join(',');
    if (bySet.has(key)) return bySet.get(key);
    const encoded = original.call(this);
    if (bySet.size >= SUBSETS_PER_FONT) bySet.clear();
    bySet.set(key, encoded);
    return encoded;
  };
  subsetPrototypes.add(proto);
}
