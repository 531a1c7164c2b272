// Alt text that says nothing: the file's name, "image", "picture", "photo"... A screen reader
// reads it aloud in place of the image, so it must say what the image shows. Empty alt text is an
// error of its own (render.ts); this is the warning for alt text that is there but empty of meaning.

/** Words that name the kind of thing, not what it shows. */
const FILLER = new Set([
  'a', 'an', 'the', 'of', 'this', 'that', 'my', 'our', 'here', 'is', 'see',
  'image', 'images', 'img', 'picture', 'pictures', 'pic', 'pics', 'photo', 'photos', 'photograph',
  'graphic', 'screenshot', 'figure', 'fig', 'illustration', 'diagram', 'alt', 'text', 'file', 'untitled',
  'png', 'jpg', 'jpeg', 'gif', 'webp',
]);

const words = (s: string) => s.toLowerCase().normalize('NFKD').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

/** True when `alt` (not empty) tells a listener nothing about the image at `src`. */
export function altSaysNothing(alt: string, src: string): boolean {
  const said = words(alt);
  if (said.replace(/\s/g, '').length < 3) return true;
  const name = src.split(/[\\/]/).pop() ?? '';
  if (said === words(name) || said === words(name.replace(/\.[A-Za-z0-9]+$/, ''))) return true;
  // Only filler and numbers: "Image 1", "a photo", "pic".
  return said.split(' ').every((w) => FILLER.has(w) || /^\d+$/.test(w));
}
