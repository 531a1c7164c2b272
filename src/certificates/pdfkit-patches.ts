/**
 * Every place the certificate and transcript PDFs reach into pdfkit 0.20 or fontkit 2.0.4 (the
 * font engine pdfkit uses) beyond their documented API: private fields read or replaced, methods
 * wrapped, undocumented behaviour relied on. Each has a comment saying why it exists. Each checks
 * that the internal it touches is still there and throws otherwise ("pdfkit internals changed"),
 * so an upgrade fails the tests loudly instead of producing subtly wrong PDFs.
 */
import { createHash } from 'node:crypto';
import type * as fontkit from 'fontkit';

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
