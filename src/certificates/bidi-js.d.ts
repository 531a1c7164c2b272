// bidi-js 1.1.0 ships no types: the part of its API that bidi.ts uses.
declare module 'bidi-js' {
  export interface EmbeddingLevels {
    /** One level per UTF-16 code unit: odd is right to left. */
    levels: Uint8Array;
    paragraphs: { start: number; end: number; level: number }[];
  }
  export interface Bidi {
    getEmbeddingLevels(text: string, explicitDirection?: 'ltr' | 'rtl'): EmbeddingLevels;
    getMirroredCharacter(char: string): string | null;
    getBidiCharTypeName(char: string): string;
  }
  const bidiFactory: () => Bidi;
  export default bidiFactory;
}
