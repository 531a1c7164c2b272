/**
 * Tagged-PDF marking shared by the certificate and the transcript: decoration as Artifacts,
 * content as structure elements under the Document, and texts whose drawing would not extract
 * as written (shaped scripts, letter-spacing) in a Span whose ActualText is the text as given.
 */
import { extractionOrder } from './bidi';

type Doc = PDFKit.PDFDocument;
type StructElement = PDFKit.PDFStructureElement;

export type Tagging = {
  /** Decoration: marked as an Artifact, so assistive technology and extraction skip it. */
  artifact(draw: () => void): void;
  /** A structure element (P, H1, Figure...) under the Document whose content `draw` draws. */
  block(tag: string, draw: () => void, options?: PDFKit.Mixins.StructureElementOptions): void;
  /**
   * `parentTag` (P, H2...) > Span with ActualText, the Span's content marked with the same
   * ActualText: poppler and other extractors read it from the marked content, assistive
   * technology from the structure. Extraction then gives `actual` exactly, even where shaping
   * reorders glyphs (a Gurmukhi vowel sign drawn before its consonant) or combines them, and
   * where right-to-left text is drawn in visual order (the marked content's copy is written in
   * the order poppler expects: see extractionOrder in bidi.ts).
   */
  withActualText(actual: string, draw: () => void, parentTag?: string): void;
};

export function tagging(doc: Doc, root: StructElement): Tagging {
  return {
    artifact(draw) {
      doc.markContent('Artifact', { type: 'Layout' });
      doc.save();
      draw();
      doc.restore();
      doc.endMarkedContent();
    },
    block(tag, draw, options) {
      root.add(doc.struct(tag, options ?? {}, () => draw()));
    },
    withActualText(actual, draw, parentTag = 'P') {
      const parent = doc.struct(parentTag);
      root.add(parent);
      const span = doc.struct('Span', { actual });
      parent.add(span);
      // The marked content's copy is what pdftotext reads: see extractionOrder for right-to-left text.
      const content = doc.markStructureContent('Span', { actual: extractionOrder(actual) });
      draw();
      doc.endMarkedContent();
      span.add(content);
      span.end();
      parent.end();
    },
  };
}
